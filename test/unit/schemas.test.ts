import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

// The tap's own ajv skips meta-schema validation at start-up; this is where the schemas are held to it.
describe('schemas/*.json', () => {
  const dir = join(PACKAGE_ROOT, 'schemas');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

  it('holds the eleven schemas', () => {
    expect(files.sort()).toEqual([
      'catalog.json',
      'config.json',
      'purchase_order_items.json',
      'purchase_orders.json',
      'state.json',
      'variant_snapshots.json',
      'variant_vendors.json',
      'variant_warehouses.json',
      'variants.json',
      'vendors.json',
      'warehouses.json',
    ]);
  });

  it.each(files)('%s is a valid draft-07 JSON Schema', (file) => {
    const strictAjv = new Ajv({ strict: false, validateFormats: false });
    const schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as object;
    expect(strictAjv.validateSchema(schema), JSON.stringify(strictAjv.errors)).toBe(true);
  });

  it('a broken schema is caught by this check', () => {
    const strictAjv = new Ajv({ strict: false });
    expect(strictAjv.validateSchema({ type: 'object', properties: { a: { type: 'strnig' } } })).toBe(false);
  });
});
