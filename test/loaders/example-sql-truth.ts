// docs/example-sql.md's queries, read from the page by dialect, and each question answered from the sandbox's
// truth: what test/loaders/example-sql.test.ts (PostgreSQL) and example-sql-snowflake.test.ts check them against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/server.js';
import { REPO_ROOT, type Row } from './helpers.js';

/** The blocks of docs/example-sql.md in one dialect, by their id (```sql <dialect> <id>), without the final `;`. */
export function docQueries(dialect: 'postgresql' | 'snowflake'): Record<string, string> {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'example-sql.md'), 'utf8');
  const blocks = [...text.matchAll(new RegExp(`\`\`\`sql ${dialect} (\\S+)\\n([\\s\\S]*?)\`\`\``, 'g'))];
  return Object.fromEntries(blocks.map((m) => [m[1]!, m[2]!.trim().replace(/;$/, '')]));
}

/** Rows as comparable text: numbers rounded to 6 places (numeric sums against float sums), in a stable order. */
export function canonical(rows: Row[], ordered = false): string[] {
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
export function expectedAnswers(sandbox: Sandbox, today: string): Record<string, Row[]> {
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
