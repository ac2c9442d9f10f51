// The path users take: `tap-inventory-planner --config tap.json | target-postgres --config target.json`,
// with the real MeltanoLabs target-postgres and PostgreSQL, against the sandbox. Each test loads into a
// fresh schema and drops it afterwards; tables are compared with the sandbox's ground truth value by value.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  columnTypes,
  compareTable,
  defaultStreamCounts,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  primaryKeys,
  psql,
  requireLoaders,
  summary,
  tableRows,
  tablesIn,
  type PipeResult,
  type Row,
} from './helpers.js';

const API_KEY = 'loaders-secret-api-key-7781';
const ORDERS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'tip-target-postgres-'));
let sandbox: Sandbox;
let tapConfig: string;
const schemas: string[] = [];

type Schema = { properties: Record<string, { type: string | string[]; format?: string }> };
let catalog: {
  streams: {
    stream: string;
    schema: Schema;
    metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[];
  }[];
};

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: ORDERS, itemsPerOrder: 3, seed: 4242, apiKey: API_KEY });
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
afterAll(() => sandbox?.close());
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function targetConfig(schema: string): string {
  schemas.push(schema);
  return writeJson(join(dir, `${schema}.json`), { ...PG, default_target_schema: schema });
}

function expectCleanRun(r: PipeResult): void {
  expect(
    { tap: r.tap.code, target: r.target.code },
    `tap stderr:\n${r.tap.stderr.slice(-2000)}\ntarget stderr:\n${r.target.stderr.slice(-3000)}`,
  ).toEqual({ tap: 0, target: 0 });
  for (const p of [r.tap, r.target]) expectNoSecrets(p, [API_KEY]);
}

/** Loaded tables vs the sandbox's current ground truth, value by value. */
async function compareWithTruth(schema: string, streams = ['purchase_orders', 'purchase_order_items']) {
  const truth = sandbox.truth() as unknown as Record<string, Row[]>;
  const types = await columnTypes(schema);
  const keys: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
  const out = [];
  for (const stream of streams) {
    const rows = await tableRows(schema, stream);
    // __synced_at is run-dependent (not in truth) but must be filled in on every row.
    expect(rows.filter((r) => r.__synced_at === null).length, `${stream} rows without __synced_at`).toBe(0);
    out.push(summary(compareTable(stream, rows, truth[stream]!, keys[stream]!, types[stream] ?? {})));
  }
  return out;
}

/** The Postgres type target-postgres gives a JSON Schema property (real-loaders.md, confirmed below). */
function expectedPgType(schema: { type: string | string[]; format?: string }): string {
  const type = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((t) => t !== 'null')[0];
  if (type === 'string' && schema.format === 'date-time') return 'timestamp without time zone';
  if (type === 'string' && schema.format === 'date') return 'date';
  return (
    { string: 'text', number: 'numeric', integer: 'bigint', boolean: 'boolean', object: 'jsonb', array: 'jsonb' }[
      type!
    ] ?? `? ${type}`
  );
}

describe('tap | target-postgres', () => {
  it('full sync: tables equal the ground truth; types and primary keys are the promised ones', async () => {
    const schema = freshSchemaName('full');
    const r = await pipeTapToTarget(['--config', tapConfig], targetConfig(schema));
    expectCleanRun(r);
    const truth = sandbox.truth();
    // (the variant streams are selected by default too: test/loaders/variants.test.ts compares their tables)
    expect(r.records).toEqual(defaultStreamCounts(sandbox));

    expect(await tablesIn(schema)).toEqual([
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
    expect(await compareWithTruth(schema)).toEqual([
      clean('purchase_orders', truth.purchase_orders.length),
      clean('purchase_order_items', truth.purchase_order_items.length),
    ]);

    const types = await columnTypes(schema);
    // The promises users build on, spelled out:
    expect(types.purchase_orders).toMatchObject({
      purchase_order_id: 'text',
      purchase_order_number: 'text',
      status: 'text',
      _account_id: 'text',
      last_modified: 'timestamp without time zone',
      created_at: 'timestamp without time zone',
      updated_at: 'timestamp without time zone',
      __synced_at: 'timestamp without time zone',
      created_date: 'date',
      received_date: 'date',
      expected_date: 'date',
      total_ordered: 'numeric',
      total_received: 'numeric',
    });
    expect(types.purchase_order_items).toMatchObject({
      key: 'text',
      purchase_order_id: 'text',
      purchase_order_item_id: 'text',
      sku: 'text',
      replenishment: 'numeric',
      cost_price: 'numeric',
      received: 'numeric',
      __synced_at: 'timestamp without time zone',
    });
    // ...and every column of the discovered schema, by the target's mapping rule.
    for (const stream of catalog.streams.filter((s) => s.metadata[0]!.metadata['selected-by-default'] !== false)) {
      const expected = Object.fromEntries(
        Object.entries(stream.schema.properties).map(([name, s]) => [name, expectedPgType(s)]),
      );
      expect(types[stream.stream], stream.stream).toMatchObject(expected);
    }
    expect(await primaryKeys(schema)).toEqual({
      purchase_orders: ['purchase_order_id'],
      purchase_order_items: ['key'],
      variants: ['id'],
      variant_warehouses: ['key'],
      variant_vendors: ['key'],
      variant_monthly: ['variant_id', 'warehouse', 'metric', 'month'],
      variant_daily: ['variant_id', 'warehouse', 'metric', 'day'],
      variant_history: ['variant_id', 'metric', 'recorded_at'],
      warehouses: ['name'],
      vendors: ['id'],
    });

    // The state target-postgres printed: the bookmark is the newest last_modified loaded.
    const newest = truth.purchase_orders
      .map((o) => Date.parse(String(o.last_modified)))
      .reduce((a, b) => Math.max(a, b));
    const state = r.state as { bookmarks: Record<string, { replication_key: string; replication_key_value: string }> };
    expect(state.bookmarks.purchase_orders?.replication_key).toBe('last_modified');
    expect(Date.parse(state.bookmarks.purchase_orders!.replication_key_value)).toBe(newest);
    console.log(
      `full sync: ${JSON.stringify(r.records)} in ${r.seconds.toFixed(1)}s (tap ${r.tap.seconds.toFixed(1)}s)`,
    );
  });

  it(
    'incremental run after edits, fed the state target-postgres printed: upserts without duplicates, ' +
      'equals truth again',
    async () => {
      const schema = freshSchemaName('incr');
      const config = targetConfig(schema);
      const first = await pipeTapToTarget(['--config', tapConfig], config);
      expectCleanRun(first);
      expect(first.state).toBeTypeOf('object');
      const before = sandbox.truth();
      const firstSync = await psql(`select max(_sdc_sync_started_at) from "${schema}".purchase_orders`);

      const edited = 30;
      const created = 10;
      sandbox.edit(edited, created);
      sandbox.resetStats();
      const stateFile = writeJson(join(dir, `${schema}-state.json`), first.state);
      const second = await pipeTapToTarget(['--config', tapConfig, '--state', stateFile], config);
      expectCleanRun(second);

      // Only what changed was extracted: the edited and new orders (plus the boundary at the bookmark).
      const changed = second.records.purchase_orders ?? 0;
      expect(changed).toBeGreaterThanOrEqual(edited + created);
      expect(changed).toBeLessThan(edited + created + 20);
      expect(sandbox.stats().listRequests).toBeLessThanOrEqual(3); // not a re-read of 1,500 orders in pages of 500

      const after = sandbox.truth();
      expect(after.purchase_orders.length).toBe(before.purchase_orders.length + created);
      expect(await compareWithTruth(schema)).toEqual([
        clean('purchase_orders', after.purchase_orders.length),
        clean('purchase_order_items', after.purchase_order_items.length),
      ]);
      // Upserted in place: the rows the second run touched are exactly the records it sent.
      const touched = await psql(
        `select count(*) from "${schema}".purchase_orders where _sdc_sync_started_at > ${firstSync}`,
      );
      expect(Number(touched)).toBe(changed);
      const distinct = await psql(
        `select count(*) - count(distinct purchase_order_id) from "${schema}".purchase_orders`,
      );
      expect(Number(distinct)).toBe(0);
      // The new state moved forward.
      const b1 = Date.parse(
        (first.state as { bookmarks: { purchase_orders: { replication_key_value: string } } }).bookmarks.purchase_orders
          .replication_key_value,
      );
      const b2 = Date.parse(
        (second.state as { bookmarks: { purchase_orders: { replication_key_value: string } } }).bookmarks
          .purchase_orders.replication_key_value,
      );
      expect(b2).toBeGreaterThan(b1);
      console.log(
        `incremental: ${JSON.stringify(second.records)} after edit(${edited}, ${created}), ` +
          `${second.seconds.toFixed(1)}s`,
      );
    },
  );

  it.each([
    ['purchase_orders', 'purchase_order_items'],
    ['purchase_order_items', 'purchase_orders'],
  ])('a catalog that selects only %s loads only that table', async (only, other) => {
    const schema = freshSchemaName('one');
    const selective = structuredClone(catalog);
    for (const stream of selective.streams) {
      const top = stream.metadata.find((m) => m.breadcrumb.length === 0)!;
      top.metadata.selected = stream.stream === only;
    }
    const catalogFile = writeJson(join(dir, `${schema}-catalog.json`), selective);
    const r = await pipeTapToTarget(['--config', tapConfig, '--catalog', catalogFile], targetConfig(schema));
    expectCleanRun(r);
    const truth = sandbox.truth() as unknown as Record<string, Row[]>;
    expect(r.records).toEqual({ [only]: truth[only]!.length });
    expect(r.schemas[other]).toBeUndefined();
    expect(await tablesIn(schema)).toEqual([only]);
    expect(await compareWithTruth(schema, [only])).toEqual([clean(only, truth[only]!.length)]);
  });
});
