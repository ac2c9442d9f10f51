import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';
import { formats, ucs2length } from '../../src/common/validation-runtime.js';
import { validateConfig } from '../../src/common/validation.js';
import { recordValidator } from '../../src/engine/validation.js';

// Both files in src/generated/ are made from schemas/*.json by a script, and committed.
describe.each([
  {
    file: 'src/generated/schemas.ts',
    script: 'gen-types.mjs',
    generate: 'generateTypes',
    command: 'npm run gen:types',
  },
  {
    file: 'src/generated/validators.ts',
    script: 'gen-validators.mjs',
    generate: 'generateValidators',
    command: 'npm run gen:validators',
  },
])('$file', ({ file, script, generate, command }) => {
  it(
    `is exactly what scripts/${script} generates from schemas/*.json ` + `(run \`${command}\` after editing a schema)`,
    async () => {
      const generator = (await import(new URL(`../../scripts/${script}`, import.meta.url).href)) as Record<
        string,
        unknown
      >;
      expect(String(generator.GENERATED_PATH).replace(/\\/g, '/')).toMatch(
        new RegExp(`/${file.replace(/\./g, '\\.')}$`),
      );
      expect(readFileSync(String(generator.GENERATED_PATH), 'utf8')).toBe(
        await (generator[generate] as () => Promise<string>)(),
      );
    },
  );
});

describe('src/generated/schemas.ts', () => {
  it('declares one interface per schema file', () => {
    const committed = readFileSync(new URL('../../src/generated/schemas.ts', import.meta.url), 'utf8');
    for (const name of ['TapConfig', 'TapState', 'SingerCatalog', 'PurchaseOrderRow', 'PurchaseOrderItemRow']) {
      expect(committed).toContain(`export interface ${name} {`);
    }
  });
});

describe('src/generated/validators.ts', () => {
  it('finds every format a schema names in validation-runtime.ts', () => {
    const named = new Set<string>();
    for (const file of readdirSync(`${PACKAGE_ROOT}/schemas`)) {
      for (const m of readFileSync(`${PACKAGE_ROOT}/schemas/${file}`, 'utf8').matchAll(/"format":\s*"([^"]+)"/g))
        named.add(m[1]!);
    }
    expect(named.size).toBeGreaterThan(2);
    for (const format of named) expect(Object.keys(formats)).toContain(format);
  });

  it("counts string lengths as ajv's runtime does (code points; a lone surrogate is one)", () => {
    const ajvLength = createRequire(import.meta.url)('ajv/dist/runtime/ucs2length').default as (s: string) => number;
    for (const text of ['', 'abc', '\u{1F511}', 'a\u{1F511}b', '\ud800', 'x\udc00\ud800y', 'é\u0301']) {
      expect(ucs2length(text)).toBe(ajvLength(text));
    }
    expect(ucs2length('\u{1F511}\u{1F511}')).toBe(2);
  });

  it('checks formats and required fields', () => {
    expect(validateConfig({ api_key: 'k', account_id: 'a', start_date: '2024-02-30' })).toBe(false);
    expect(validateConfig.errors?.[0]?.instancePath).toBe('/start_date');
    expect(validateConfig({ api_key: '\u{1F511}', account_id: 'a', start_date: '2024-02-29T00:00:00Z' })).toBe(true);
    const item = {
      key: 'k',
      purchase_order_id: 'o',
      purchase_order_item_id: 'i',
      _account_id: 'a',
      __synced_at: 'not a date',
    };
    expect(recordValidator('purchase_order_items')(item)).toBe(false);
    expect(recordValidator('purchase_order_items')({ ...item, __synced_at: '2024-01-31T00:00:00.000Z' })).toBe(true);
    expect(() => recordValidator('nope')).toThrow(/no generated validator for stream nope/);
  });
});
