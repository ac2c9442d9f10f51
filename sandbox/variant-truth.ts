// Ground truth of the collection streams (variants, variant_warehouses, variant_vendors, warehouses,
// vendors), read from the canonical models (never from the wire form): every column of each stream's
// schema, null where the model has no value.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { VariantStore } from './variants.js';

type Row = Record<string, unknown>;
export type CollectionTruth = Record<
  'variants' | 'variant_warehouses' | 'variant_vendors' | 'warehouses' | 'vendors',
  Row[]
>;
export const COLLECTION_KEYS = {
  variants: 'id',
  variant_warehouses: 'key',
  variant_vendors: 'key',
  warehouses: 'name',
  vendors: 'id',
};

let root: string | undefined;
function columns(stream: string): string[] {
  if (!root) {
    root = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(root, 'schemas', 'variants.json'))) root = dirname(root);
  }
  const schema = JSON.parse(readFileSync(join(root, 'schemas', `${stream}.json`), 'utf8')) as {
    properties: Record<string, unknown>;
  };
  return Object.keys(schema.properties).filter((c) => c !== '__synced_at');
}

const iso = (ms: number): string => new Date(ms).toISOString();
const key = (a: string, b: string): string =>
  createHash('md5')
    .update(a + b)
    .digest('hex');
const TIMES = new Set(['created_at', 'updated_at', 'last_forecast_time', 'last_received_at_time']);

function canonical(name: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (TIMES.has(name) && typeof value === 'number') return iso(value);
  if (name.endsWith('_hist')) return (value as [number, number][]).map(([t, v]) => [iso(t), v]);
  return value;
}

function fill(cols: string[], values: Row): Row {
  return Object.fromEntries(cols.map((c) => [c, canonical(c, values[c])]));
}

/** variant_snapshots rows for a run on `date` (YYYY-MM-DD): the variant's row (warehouse "") and one per block. */
export function snapshotTruth(store: VariantStore, accountId: string, date: string): Row[] {
  const cols = columns('variant_snapshots');
  return store.live.flatMap((n) => {
    const m = store.model(n);
    const head = { snapshot_date: date, variant_id: m.id, sku: m.fields.sku, _account_id: accountId };
    return [
      fill(cols, { ...m.fields, ...head, warehouse: '' }),
      ...m.blocks.map((b) => fill(cols, { ...b, ...head, warehouse: b.warehouse })),
    ];
  });
}

export function collectionTruth(store: VariantStore, accountId: string): CollectionTruth {
  const cols = Object.fromEntries(Object.keys(COLLECTION_KEYS).map((s) => [s, columns(s)]));
  const truth: CollectionTruth = {
    variants: [],
    variant_warehouses: [],
    variant_vendors: [],
    warehouses: [],
    vendors: [],
  };
  for (const n of store.live) {
    const m = store.model(n);
    truth.variants.push(
      fill(cols.variants!, {
        ...m.fields,
        record_version: m.fields.version,
        _account_id: accountId,
        connections: m.connections,
      }),
    );
    for (const b of m.blocks) {
      truth.variant_warehouses.push(
        fill(cols.variant_warehouses!, {
          ...b,
          key: key(m.id, b.warehouse as string),
          variant_id: m.id,
          _account_id: accountId,
        }),
      );
    }
    for (const c of m.connections) {
      for (const v of c.vendors) {
        truth.variant_vendors.push(
          fill(cols.variant_vendors!, {
            ...v,
            key: key(m.id, v.vendor as string),
            variant_id: m.id,
            connection_sku: c.sku,
            _account_id: accountId,
          }),
        );
      }
    }
  }
  truth.warehouses = store.warehouses().map((w) =>
    fill(cols.warehouses!, {
      ...w,
      created_at: Date.parse(w.created_at as string),
      updated_at: Date.parse(w.updated_at as string),
      _account_id: accountId,
    }),
  );
  truth.vendors = store.vendors().map((v) => fill(cols.vendors!, { ...v, data: v, _account_id: accountId }));
  return truth;
}
