// `tap-inventory-planner | target-snowflake` with the real MeltanoLabs target-snowflake, loading into
// fakesnow (a Snowflake emulator on duckdb) through the small layer in test/loaders/fakesnow/ that only
// replaces file staging. The target's DDL, types, MERGE-by-key upsert and STATE output are its own.
// Each test loads into its own fakesnow directory and schema; tables are compared with the sandbox's truth.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  compareTable,
  defaultStreamCounts,
  freshSchemaName,
  requireLoaders,
  summary,
  type PipeResult,
  type Row,
} from './helpers.js';
import {
  comparableTypes,
  fakesnowTarget,
  pipeTapToFakesnow,
  readFakesnow,
  requireSnowflake,
  type FakesnowTarget,
  type Loaded,
} from './snowflake-helpers.js';

const API_KEY = 'snowflake-secret-api-key-5129';
const ORDERS = 1200;
const KEYS: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
const dir = mkdtempSync(join(tmpdir(), 'tip-target-snowflake-'));
const dbPaths: string[] = [];
let sandbox: Sandbox;
let tapConfig: string;

type Property = { type: string | string[]; format?: string };
let catalog: {
  streams: {
    stream: string;
    key_properties: string[];
    schema: { properties: Record<string, Property> };
    metadata: { metadata: Record<string, unknown> }[];
  }[];
};

beforeAll(async () => {
  requireLoaders();
  requireSnowflake();
  sandbox = await startSandbox({ orders: ORDERS, itemsPerOrder: 3, seed: 5151, apiKey: API_KEY });
  tapConfig = writeJson(join(dir, 'tap.json'), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 500,
  });
  const discovered = await runTap({ args: ['--config', tapConfig, '--discover'] });
  expect(discovered.code).toBe(0);
  catalog = JSON.parse(discovered.stdout);
});
afterAll(async () => {
  await sandbox?.close();
  for (const path of [dir, ...dbPaths]) rmSync(path, { recursive: true, force: true });
});

function target(purpose: string): FakesnowTarget {
  const t = fakesnowTarget(dir, freshSchemaName(purpose));
  dbPaths.push(t.dbPath);
  return t;
}

const load = (t: FakesnowTarget, tapArgs = ['--config', tapConfig]): Promise<PipeResult> =>
  pipeTapToFakesnow(tapArgs, t);

function expectCleanRun(r: PipeResult): void {
  expect(
    { tap: r.tap.code, target: r.target.code },
    `tap stderr:\n${r.tap.stderr.slice(-2000)}\ntarget stderr:\n${r.target.stderr.slice(-4000)}`,
  ).toEqual({ tap: 0, target: 0 });
  for (const p of [r.tap, r.target]) expectNoSecrets(p, [API_KEY]);
}

/** Loaded tables vs the sandbox's current truth, value by value. */
function compareWithTruth(loaded: Loaded) {
  const truth = sandbox.truth() as unknown as Record<string, Row[]>;
  return Object.keys(KEYS).map((stream) => {
    const rows = loaded.rows[stream] ?? [];
    expect(rows.filter((r) => r.__synced_at === null).length, `${stream} rows without __synced_at`).toBe(0);
    return summary(
      compareTable(stream, rows, truth[stream]!, KEYS[stream]!, comparableTypes(loaded.types[stream] ?? {})),
    );
  });
}

/** The Snowflake type target-snowflake gives a JSON Schema property (as observed; fakesnow reports VARCHAR as TEXT). */
function expectedSnowflakeType(p: Property): string {
  const type = (Array.isArray(p.type) ? p.type : [p.type]).filter((t) => t !== 'null')[0];
  if (type === 'string' && p.format === 'date-time') return 'TIMESTAMP_NTZ';
  if (type === 'string' && p.format === 'date') return 'DATE';
  return (
    {
      string: 'TEXT',
      number: 'FLOAT',
      integer: 'NUMBER(38,0)',
      boolean: 'BOOLEAN',
      object: 'VARIANT',
      array: 'VARIANT',
    }[type!] ?? `? ${type}`
  );
}

const bookmark = (state: unknown) =>
  Date.parse(
    (state as { bookmarks: { purchase_orders: { replication_key_value: string } } }).bookmarks.purchase_orders
      .replication_key_value,
  );

describe('tap | target-snowflake (fakesnow)', () => {
  it(
    'full sync: tables equal the ground truth; Snowflake types are the promised ones; ' +
      'the state is the newest bookmark',
    async () => {
      const t = target('sf_full');
      const r = await load(t);
      expectCleanRun(r);
      const truth = sandbox.truth();
      // (the variant streams are selected by default too: test/loaders/variants.test.ts compares their tables)
      expect(r.records).toEqual(defaultStreamCounts(sandbox));

      const loaded = await readFakesnow(t.dbPath, t.schema);
      expect(Object.keys(loaded.types).sort()).toEqual([
        'purchase_order_items',
        'purchase_orders',
        'variant_daily',
        'variant_history',
        'variant_monthly',
        'variant_vendors',
        'variant_warehouses',
        'variants',
        'vendors',
        'warehouses',
      ]);
      expect(compareWithTruth(loaded)).toEqual([
        clean('purchase_orders', truth.purchase_orders.length),
        clean('purchase_order_items', truth.purchase_order_items.length),
      ]);

      expect(loaded.types.purchase_orders).toMatchObject({
        purchase_order_id: 'TEXT',
        _account_id: 'TEXT',
        last_modified: 'TIMESTAMP_NTZ',
        __synced_at: 'TIMESTAMP_NTZ',
        created_date: 'DATE',
        total_ordered: 'FLOAT',
        total_received: 'FLOAT',
        _sdc_table_version: 'NUMBER(38,0)',
        _sdc_deleted_at: 'TIMESTAMP_NTZ',
      });
      expect(loaded.types.purchase_order_items).toMatchObject({
        key: 'TEXT',
        replenishment: 'FLOAT',
        cost_price: 'FLOAT',
        received: 'FLOAT',
      });
      for (const stream of catalog.streams.filter((s) => s.metadata[0]!.metadata['selected-by-default'] !== false)) {
        const expected = Object.fromEntries(
          Object.entries(stream.schema.properties).map(([name, p]) => [name, expectedSnowflakeType(p)]),
        );
        expect(loaded.types[stream.stream], stream.stream).toMatchObject(expected);
      }

      // every stream the tap selects by default, keyed on the key_properties its catalog declares
      expect(loaded.keys).toEqual(
        Object.fromEntries(
          catalog.streams
            .filter((s) => s.metadata[0]!.metadata['selected-by-default'] !== false)
            .map((s) => [s.stream, s.key_properties]),
        ),
      );

      const newest = truth.purchase_orders
        .map((o) => Date.parse(String(o.last_modified)))
        .reduce((a, b) => Math.max(a, b));
      expect(bookmark(r.state)).toBe(newest);
      console.log(
        `target-snowflake full sync: ${JSON.stringify(r.records)} in ${r.seconds.toFixed(1)}s (tap ` +
          `${r.tap.seconds.toFixed(1)}s)`,
      );
    },
  );

  it(
    'incremental run after edits, fed the state the target printed: MERGE upserts without duplicates, ' +
      'equals truth again',
    async () => {
      const t = target('sf_incr');
      const first = await load(t);
      expectCleanRun(first);
      const before = sandbox.truth();
      const firstSync = Math.max(
        ...(await readFakesnow(t.dbPath, t.schema)).rows.purchase_orders!.map((r) => Number(r._sdc_sync_started_at)),
      );

      const edited = 25;
      const created = 8;
      sandbox.edit(edited, created);
      sandbox.resetStats();
      const stateFile = writeJson(join(dir, `${t.schema}-state.json`), first.state);
      const second = await load(t, ['--config', tapConfig, '--state', stateFile]);
      expectCleanRun(second);

      const changed = second.records.purchase_orders ?? 0;
      expect(changed).toBeGreaterThanOrEqual(edited + created);
      expect(changed).toBeLessThan(edited + created + 20);
      expect(sandbox.stats().listRequests).toBeLessThanOrEqual(3);

      const after = sandbox.truth();
      expect(after.purchase_orders.length).toBe(before.purchase_orders.length + created);
      const loaded = await readFakesnow(t.dbPath, t.schema);
      expect(compareWithTruth(loaded)).toEqual([
        clean('purchase_orders', after.purchase_orders.length),
        clean('purchase_order_items', after.purchase_order_items.length),
      ]);
      // Upserted in place: exactly the rows the second run sent were touched, and every key is there once.
      const orders = loaded.rows.purchase_orders!;
      expect(orders.filter((r) => Number(r._sdc_sync_started_at) > firstSync).length).toBe(changed);
      expect(new Set(orders.map((r) => r.purchase_order_id)).size).toBe(orders.length);
      expect(bookmark(second.state)).toBeGreaterThan(bookmark(first.state));
      console.log(
        `target-snowflake incremental: ${JSON.stringify(second.records)} after edit(${edited}, ${created}), ` +
          `${second.seconds.toFixed(1)}s`,
      );
    },
  );
});

// Deletions (docs/deletions.md) through the SDK's SQL sink, which never touches rows whose version is NULL:
// every record is versioned, so rows loaded by incremental runs are not shielded from a later pass.
describe('tap | target-snowflake (fakesnow): FULL_TABLE pass and ACTIVATE_VERSION', () => {
  const fullCatalog = () => {
    const copy = structuredClone(catalog) as unknown as {
      streams: { metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
    };
    for (const s of copy.streams)
      s.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] = 'FULL_TABLE';
    return writeJson(join(dir, 'catalog-full.json'), copy);
  };

  it.each([true, false])(
    'hard_delete %s: exactly the deleted orders and removed lines go, after an incremental run loaded edits',
    async (hardDelete) => {
      const own = await startSandbox({ orders: 600, itemsPerOrder: 3, seed: hardDelete ? 61 : 62, apiKey: API_KEY });
      try {
        const config = writeJson(join(dir, `tap-del-${hardDelete}.json`), {
          api_key: API_KEY,
          account_id: own.accountId,
          base_url: own.baseUrl,
          page_size: 200,
        });
        const t = fakesnowTarget(dir, freshSchemaName(hardDelete ? 'sf_delhard' : 'sf_delsoft'), {
          hard_delete: hardDelete,
        });
        dbPaths.push(t.dbPath);
        const first = await pipeTapToFakesnow(['--config', config], t);
        expectCleanRun(first);
        own.edit(30, 5); // an incremental run between passes: its rows must not be shielded from the pass
        const second = await pipeTapToFakesnow(
          ['--config', config, '--state', writeJson(join(dir, `${t.schema}-state1.json`), first.state)],
          t,
        );
        expectCleanRun(second);
        const deleted = new Set(own.deleteOrders(15));
        const removed = own.removeLines(10);
        const pass = await pipeTapToFakesnow(
          [
            '--config',
            config,
            '--catalog',
            fullCatalog(),
            '--state',
            writeJson(join(dir, `${t.schema}-state2.json`), second.state),
          ],
          t,
        );
        expectCleanRun(pass);

        const truth = own.truth() as unknown as Record<string, Row[]>;
        const loaded = await readFakesnow(t.dbPath, t.schema);
        for (const [stream, key] of Object.entries(KEYS)) {
          const rows = loaded.rows[stream]!;
          expect(rows.filter((r) => r._sdc_table_version === null).length, `${stream}: rows without a version`).toBe(0);
          const live = hardDelete ? rows : rows.filter((r) => r._sdc_deleted_at === null);
          const marked = rows.filter((r) => r._sdc_deleted_at !== null);
          expect(
            summary(compareTable(stream, live, truth[stream]!, key, comparableTypes(loaded.types[stream] ?? {}))),
            stream,
          ).toEqual(clean(stream, truth[stream]!.length));
          const truthKeys = new Set(truth[stream]!.map((r) => String(r[key])));
          const gone = hardDelete ? [] : marked.map((r) => String(r[key]));
          expect(
            gone.filter((k) => truthKeys.has(k)),
            `${stream}: rows that exist but were marked deleted`,
          ).toEqual([]);
          if (stream === 'purchase_orders' && !hardDelete) expect(new Set(gone)).toEqual(deleted);
          if (stream === 'purchase_order_items') {
            for (const line of removed)
              expect(
                live.some((r) => r.key === line.key),
                `removed line ${line.key}`,
              ).toBe(false);
            if (!hardDelete) expect(gone.length).toBeGreaterThanOrEqual(removed.length + deleted.size);
          }
        }
        console.log(
          `target-snowflake FULL_TABLE (hard_delete ${hardDelete}): ${deleted.size} orders deleted and ` +
            `${removed.length} lines removed in the sandbox; ` +
            `rows left ${loaded.rows.purchase_orders!.length} orders / ${loaded.rows.purchase_order_items!.length} ` +
            `lines`,
        );
      } finally {
        await own.close();
      }
    },
  );
});
