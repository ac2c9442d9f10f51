// Loads the JSON Schemas in schemas/ (the single source of truth) from the package root, whether this
// module runs from src/ (tests) or dist/src/ (the built bin).
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'schemas', 'config.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`schemas/ not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

export const PACKAGE_ROOT = findPackageRoot();

export type SchemaName =
  | 'config'
  | 'state'
  | 'catalog'
  | 'purchase_orders'
  | 'purchase_order_items'
  | 'variants'
  | 'variant_warehouses'
  | 'variant_vendors'
  | 'warehouses'
  | 'vendors'
  | 'variant_snapshots';

export function loadSchema(name: SchemaName): JsonSchema {
  return JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${name}.json`), 'utf8')) as JsonSchema;
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}
