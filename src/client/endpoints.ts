// The API's list endpoints: where each lists its records, how its envelope names them, and what the readers
// need to know of them. A new endpoint is an entry here plus its streams (docs/architecture.md, "Add an
// endpoint"): one with a replication key is read incrementally (incremental/incremental-reader.ts), one without in full
// every run (collection/collection-reader.ts).

/** One record as the API sends it. */
export type ApiRecord = Record<string, unknown>;

export interface Endpoint {
  /** Path under the API root, e.g. `variants`; one record is at `<path>/<id>`. */
  path: string;
  /** Envelope key of the list (`{"meta": ..., "variants": [...]}`) and of one record (`{"variant": {...}}`). */
  list: string;
  one: string;
  /** The field that identifies a record within the account. */
  id: string;
  /** One record, in messages (`one variant is ...`); `plural`: several, in log lines (`19,612 variants`). */
  noun: string;
  plural: string;
  /**
   * The timestamp the listing filters and sorts on (`<key>_gte`, `<key>_sort=asc`), for an endpoint read
   * incrementally; absent: read in full every run, in id order (`<id>_sort=asc`).
   */
  replicationKey?: string;
  /** A field holding a list of nested lines (`items`), whose fields fields= names as `<lines>.<field>`. */
  lines?: string;
}

/** An endpoint read on its replication key. */
export type IncrementalEndpoint = Endpoint & { replicationKey: string };

export const ENDPOINTS = {
  'purchase-orders': {
    path: 'purchase-orders',
    list: 'purchase-orders',
    one: 'purchase-order',
    id: 'id',
    noun: 'purchase order',
    plural: 'orders',
    replicationKey: 'last_modified',
    lines: 'items',
  },
  variants: { path: 'variants', list: 'variants', one: 'variant', id: 'id', noun: 'variant', plural: 'variants' },
  warehouses: {
    path: 'warehouses',
    list: 'warehouses',
    one: 'warehouse',
    id: 'name',
    noun: 'warehouse',
    plural: 'warehouses',
  },
  vendors: { path: 'vendors', list: 'vendors', one: 'vendor', id: 'id', noun: 'vendor', plural: 'vendors' },
} as const satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof ENDPOINTS;

/** The endpoints read in full every run (no replication key). */
export type CollectionName = {
  [K in EndpointName]: (typeof ENDPOINTS)[K] extends { replicationKey: string } ? never : K;
}[EndpointName];

/** The endpoints read on their replication key. */
export type IncrementalName = Exclude<EndpointName, CollectionName>;

/** A record's id, as text. */
export const idOf = (endpoint: Endpoint, record: ApiRecord): string => String(record[endpoint.id]);

export function isIncremental(endpoint: Endpoint): endpoint is IncrementalEndpoint {
  return endpoint.replicationKey !== undefined;
}
