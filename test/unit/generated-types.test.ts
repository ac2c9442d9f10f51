import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('src/generated/schemas.ts', () => {
  it('is exactly what scripts/gen-types.mjs generates from schemas/*.json (run `npm run gen:types` after editing a schema)', async () => {
    const { generateTypes, GENERATED_PATH } = (await import(new URL('../../scripts/gen-types.mjs', import.meta.url).href)) as {
      generateTypes: () => Promise<string>;
      GENERATED_PATH: string;
    };
    expect(GENERATED_PATH.replace(/\\/g, '/')).toMatch(/\/src\/generated\/schemas\.ts$/);
    const generated = await generateTypes();
    const committed = readFileSync(GENERATED_PATH, 'utf8');
    expect(committed).toBe(generated);
  });

  it('declares one interface per schema file', () => {
    const committed = readFileSync(new URL('../../src/generated/schemas.ts', import.meta.url), 'utf8');
    for (const name of ['TapConfig', 'TapState', 'SingerCatalog', 'PurchaseOrderRow', 'PurchaseOrderItemRow']) {
      expect(committed).toContain(`export interface ${name} {`);
    }
  });
});
