// The variant streams through the real target-postgres (issue 15): purchase orders, variants,
// variant_warehouses, variant_vendors, variant_snapshots (selected), warehouses and vendors in one run,
// loaded with their keys as primary keys; tables equal the sandbox's ground truth value by value (JSON
// columns compared as JSON); a second run after variants were removed deletes them (ACTIVATE_VERSION).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_KEYS, SERIES_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeCatalogAllSelected, writeJson } from '../../scripts/lib/tap-process.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  primaryKeys,
  requireLoaders,
  summary,
  tableRows,
  type Row,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-variants-'));
let sandbox: Sandbox;
let schema: string;

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 200, variants: 400, seed: 515 });
  schema = freshSchemaName('variants');
});
afterAll(async () => {
  await sandbox?.close();
  if (schema) await dropSchema(schema);
});

/** JSON values in a canonical text (sorted keys): jsonb reorders keys. */
function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const sort = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sort)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sort((v as Row)[k])]),
          )
        : v;
  return JSON.stringify(sort(value));
}

const jsonColumns = (rows: Row[], types: Record<string, string>): Row[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, types[k] === 'jsonb' ? canonical(v) : v])));

describe('tap | target-postgres: every stream with its key', () => {
  it(
    'loads all eight streams exactly, keys as primary keys; ' + 'removed variants leave the tables on the next run',
    async () => {
      const { path: catalog } = await writeCatalogAllSelected(join(dir, 'catalog.json'));
      const tap = writeJson(join(dir, 'tap.json'), {
        api_key: sandbox.apiKey,
        account_id: sandbox.accountId,
        base_url: sandbox.baseUrl,
        page_size: 150,
      });
      const target = writeJson(join(dir, 'target.json'), { ...PG, default_target_schema: schema, hard_delete: true });
      const check = async () => {
        const types = await columnTypes(schema);
        const truth: Record<string, Row[]> = {
          ...(sandbox.truth() as unknown as Record<string, Row[]>),
          ...sandbox.collectionTruth(),
        };
        const keys: Record<string, string> = {
          purchase_orders: 'purchase_order_id',
          purchase_order_items: 'key',
          ...COLLECTION_KEYS,
        };
        const out = [];
        for (const [stream, key] of Object.entries(keys)) {
          const t = types[stream]!;
          out.push(
            summary(
              compareTable(
                stream,
                jsonColumns(await tableRows(schema, stream), t),
                jsonColumns(truth[stream]!, t),
                key,
                t,
              ),
            ),
          );
        }
        const today = new Date().toISOString().slice(0, 10);
        const k = (r: Row): Row => ({
          ...r,
          k: `${String(r.snapshot_date).slice(0, 10)}|${r.variant_id}|${r.warehouse}`,
        });
        const snapTypes = types.variant_snapshots!;
        const loaded = (await tableRows(schema, 'variant_snapshots')).map((r) =>
          k({ ...r, snapshot_date: String(r.snapshot_date).slice(0, 10) }),
        );
        out.push(
          summary(
            compareTable('variant_snapshots', loaded, sandbox.snapshotTruth(today).map(k), 'k', {
              ...snapTypes,
              snapshot_date: 'text',
            }),
          ),
        );
        return out;
      };

      const first = await pipeTapToTarget(['--config', tap, '--catalog', catalog], target);
      expect({ tap: first.tap.code, target: first.target.code }, first.target.stderr.slice(-2000)).toEqual({
        tap: 0,
        target: 0,
      });
      const truth = sandbox.collectionTruth();
      expect(await check()).toEqual([
        clean('purchase_orders', 200),
        clean('purchase_order_items', sandbox.truth().purchase_order_items.length),
        clean('variants', 400),
        clean('variant_warehouses', 1200),
        clean('variant_vendors', truth.variant_vendors.length),
        clean('warehouses', 3),
        clean('vendors', 6),
        clean('variant_snapshots', 1600),
      ]);
      expect(await primaryKeys(schema)).toEqual({
        purchase_orders: ['purchase_order_id'],
        purchase_order_items: ['key'],
        variants: ['id'],
        variant_warehouses: ['key'],
        variant_vendors: ['key'],
        variant_snapshots: ['snapshot_date', 'variant_id', 'warehouse'],
        // The long tables: their values are compared in test/loaders/example-sql.test.ts.
        ...SERIES_KEYS,
        warehouses: ['name'],
        vendors: ['id'],
      });

      sandbox.removeVariants(9);
      const second = await pipeTapToTarget(
        ['--config', tap, '--catalog', catalog, '--state', writeJson(join(dir, 'state.json'), first.state)],
        target,
      );
      expect({ tap: second.tap.code, target: second.target.code }).toEqual({ tap: 0, target: 0 });
      const after = await check();
      // The snapshots of the 9 removed variants stay for today (history is never deleted); everything else is exact.
      expect(after.slice(0, 7)).toEqual([
        clean('purchase_orders', 200),
        clean('purchase_order_items', sandbox.truth().purchase_order_items.length),
        clean('variants', 391),
        clean('variant_warehouses', 1173),
        clean('variant_vendors', sandbox.collectionTruth().variant_vendors.length),
        clean('warehouses', 3),
        clean('vendors', 6),
      ]);
      expect(after[7]).toMatchObject({ table: 'variant_snapshots', rows: 1600, missing: [], mismatchCount: 0 });
      expect(after[7]!.extra).toHaveLength(5);
    },
  );
});
