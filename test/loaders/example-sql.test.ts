// The long tables through the real target-postgres, and the example SQL of docs/example-sql.md run against them:
// every stream loaded from the sandbox with its key as primary key; variant_monthly, variant_daily,
// variant_history and variant_forecast_snapshots equal the sandbox's truth value by value; then each PostgreSQL
// block of the page (read from the doc, so it cannot drift) runs in the loaded schema and its answer equals
// the same question answered from the sandbox's truth.
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  primaryKeys,
  psql,
  REPO_ROOT,
  requireLoaders,
  summary,
  tableRows,
  type Row,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-example-sql-'));
let sandbox: Sandbox;
let schema: string;

beforeAll(async () => {
  requireLoaders();
  // Seed 30: the shop's offset is -04:00; orders with open, sent and partly received statuses.
  sandbox = await startSandbox({ orders: 150, variants: 150, seed: 30 });
  schema = freshSchemaName('series');
});
afterAll(async () => {
  await sandbox?.close();
  if (schema) await dropSchema(schema);
});

/** The PostgreSQL blocks of docs/example-sql.md, by their id (```sql postgresql <id>). */
function docQueries(): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'example-sql.md'), 'utf8');
  const blocks = [...text.matchAll(/```sql postgresql (\S+)\n([\s\S]*?)```/g)];
  return Object.fromEntries(blocks.map((m) => [m[1]!, m[2]!.trim().replace(/;$/, '')]));
}

async function answer(sql: string): Promise<Row[]> {
  // psql prints the SET's tag on a line of its own before the answer.
  const out = await psql(`set search_path to "${schema}"; select coalesce(json_agg(q), '[]') from (${sql}) q`);
  return JSON.parse(out.replace(/^SET\n/, '')) as Row[];
}

/** Rows as comparable text: numbers rounded to 6 places (numeric sums against float sums), in a stable order. */
function canonical(rows: Row[], ordered = false): string[] {
  const text = rows.map((r) =>
    JSON.stringify(
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : (v ?? null)]),
      ),
    ),
  );
  return ordered ? text : text.sort();
}

const groupBy = <T>(rows: T[], key: (r: T) => string): Map<string, T[]> => {
  const out = new Map<string, T[]>();
  for (const r of rows) out.set(key(r), [...(out.get(key(r)) ?? []), r]);
  return out;
};
const sumOf = (values: unknown[]): number | null =>
  values.length === 0 ? null : values.reduce((a: number, v) => a + Number(v), 0);

/** Each question of the page answered from the sandbox's truth, as the query's columns. */
function expectedAnswers(today: string): Record<string, Row[]> {
  const collections = sandbox.collectionTruth();
  const series = sandbox.seriesTruth();
  const orders = sandbox.truth();
  const sku = new Map(collections.variants.map((v) => [v.id as string, v.sku]));
  const monthly = series.variant_monthly.filter((r) => r.warehouse === '');

  const forecastVsActual = [
    ...groupBy(
      monthly.filter((r) => ['forecast_by_period', 'orders_by_month'].includes(r.metric as string)),
      (r) => `${sku.get(r.variant_id as string)}|${r.month}`,
    ).values(),
  ].map((rows) => ({
    sku: sku.get(rows[0]!.variant_id as string),
    month: rows[0]!.month,
    forecast_units: sumOf(rows.filter((r) => r.metric === 'forecast_by_period').map((r) => r.value)),
    actual_units: sumOf(rows.filter((r) => r.metric === 'orders_by_month').map((r) => r.value)),
  }));

  const actual = new Map(
    monthly.filter((r) => r.metric === 'orders_by_month').map((r) => [`${r.variant_id}|${r.month}`, r.value]),
  );
  const snapshotVsActual = sandbox
    .forecastSnapshotTruth(today)
    .filter((r) => r.warehouse === '' && (r.snapshot_date as string) < (r.month as string))
    .map((r) => ({
      sku: sku.get(r.variant_id as string),
      month: r.month,
      snapshot_date: r.snapshot_date,
      forecast_units: r.value,
      actual_units: actual.get(`${r.variant_id}|${r.month}`) ?? null,
    }));

  const open = new Map(
    orders.purchase_orders
      .filter((o) => ['open', 'sent', 'partial'].includes(String(o.status).toLowerCase()))
      .map((o) => [o.purchase_order_id as string, o]),
  );
  const onOrder = [
    ...groupBy(
      orders.purchase_order_items.filter((i) => open.has(i.purchase_order_id as string)),
      (i) => `${i.sku}|${open.get(i.purchase_order_id as string)!.warehouse}`,
    ).values(),
  ].map((items) => ({
    sku: items[0]!.sku ?? null,
    warehouse: open.get(items[0]!.purchase_order_id as string)!.warehouse ?? null,
    units_on_order: items.reduce((n, i) => n + Math.max(Number(i.replenishment ?? 0) - Number(i.received ?? 0), 0), 0),
  }));

  const stockouts = [
    ...groupBy(
      series.variant_history.filter((r) => r.metric === 'stockouts_hist'),
      (r) => r.variant_id as string,
    ).values(),
  ]
    .map((points) => {
      const sorted = [...points].sort((a, b) => String(a.recorded_at).localeCompare(String(b.recorded_at)));
      const outs = sorted.flatMap((p, i) =>
        p.value === 1
          ? [(Date.parse(sorted[i + 1]!.recorded_at as string) - Date.parse(p.recorded_at as string)) / 86_400_000]
          : [],
      );
      return { sku: sku.get(points[0]!.variant_id as string), stockouts: outs.length, stockout_days: sumOf(outs) };
    })
    .filter((r) => r.stockouts > 0);

  const leadTime = collections.variant_warehouses
    .filter((w) => w.avg_lead_time !== null && w.lead_time !== null)
    .map((w) => ({
      sku: sku.get(w.variant_id as string),
      warehouse: w.warehouse,
      promised_days: w.lead_time,
      measured_days: w.avg_lead_time,
      late_by_days: (w.avg_lead_time as number) - (w.lead_time as number),
    }));

  return {
    'forecast-vs-actual': forecastVsActual,
    'forecast-snapshot-vs-actual': snapshotVsActual,
    'units-on-order': onOrder,
    'stockout-days': stockouts,
    'lead-time': leadTime,
  };
}

describe('docs/example-sql.md against tables loaded by target-postgres', () => {
  it('loads the long tables exactly with their keys, and every PostgreSQL query of the page answers as the truth does', async () => {
    const discovered = JSON.parse((await runTap({ args: ['--discover'] })).stdout);
    for (const entry of discovered.streams) entry.metadata[0].metadata.selected = true;
    const catalog = writeJson(join(dir, 'catalog.json'), discovered);
    const tap = writeJson(join(dir, 'tap.json'), {
      api_key: sandbox.apiKey,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      page_size: 100,
    });
    const target = writeJson(join(dir, 'target.json'), { ...PG, default_target_schema: schema, hard_delete: true });
    const today = new Date().toISOString().slice(0, 10);
    const loaded = await pipeTapToTarget(['--config', tap, '--catalog', catalog], target);
    expect({ tap: loaded.tap.code, target: loaded.target.code }, loaded.target.stderr.slice(-2000)).toEqual({
      tap: 0,
      target: 0,
    });

    const keys = await primaryKeys(schema);
    const types = await columnTypes(schema);
    const truth: Record<string, Row[]> = {
      ...sandbox.seriesTruth(),
      variant_forecast_snapshots: sandbox.forecastSnapshotTruth(today),
    };
    const results = [];
    for (const [stream, key] of Object.entries(SERIES_KEYS)) {
      expect(keys[stream], stream).toEqual(key);
      const k = (r: Row): Row => ({ ...r, k: key.map((c) => String(normaliseKey(r[c], types[stream]![c]))).join('|') });
      const rows = (await tableRows(schema, stream)).map(k);
      results.push(summary(compareTable(stream, rows, truth[stream]!.map(k), 'k', types[stream]!)));
    }
    expect(results).toEqual(Object.keys(SERIES_KEYS).map((s) => clean(s, truth[s]!.length)));
    expect(types.variant_monthly).toMatchObject({ month: 'date', value: 'numeric', warehouse: 'text' });
    expect(types.variant_history).toMatchObject({ recorded_at: 'timestamp without time zone', local_date: 'date' });

    const queries = docQueries();
    const expected = expectedAnswers(today);
    expect(Object.keys(queries).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, sql] of Object.entries(queries)) {
      const got = await answer(sql);
      expect(got.length, id).toBeGreaterThan(0);
      expect(canonical(got), id).toEqual(canonical(expected[id]!));
    }
    // "Worst first": the lead-time answer comes in the order the page promises.
    const lead = await answer(queries['lead-time']!);
    const late = lead.map((r) => Number(r.late_by_days));
    expect(late).toEqual([...late].sort((a, b) => b - a));
  });
});

/** A key value as both sides spell it: timestamps as epoch ms (Postgres drops the Z), the rest as text. */
function normaliseKey(value: unknown, pgType: string | undefined): unknown {
  if (pgType !== 'timestamp without time zone') return value;
  const text = String(value);
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
}
