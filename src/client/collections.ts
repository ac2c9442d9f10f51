// The API resources read in full on every run (no usable last_modified): where each lives and how its
// envelope names the list. Adding one is an entry here, a JSON Schema and a stream file.
export interface Collection {
  /** Path under the API root, e.g. `variants`; one record is at `<path>/<id>`. */
  path: string;
  /** Envelope key of the list (`{"meta": ..., "variants": [...]}`) and of one record (`{"variant": {...}}`). */
  list: string;
  one: string;
  /** The field that identifies a record within the account. */
  id: string;
  /** One record, in log lines (`19,612 variants`). */
  noun: string;
}

export const COLLECTIONS = {
  variants: { path: 'variants', list: 'variants', one: 'variant', id: 'id', noun: 'variant' },
  warehouses: { path: 'warehouses', list: 'warehouses', one: 'warehouse', id: 'name', noun: 'warehouse' },
  vendors: { path: 'vendors', list: 'vendors', one: 'vendor', id: 'id', noun: 'vendor' },
} satisfies Record<string, Collection>;

export type CollectionName = keyof typeof COLLECTIONS;
