// The series of a sandbox variant, as the public payloads show them: eight [timestamp, value] history arrays and
// stockouts_hist (transitions 1 = out of stock, 0 = back in) at the UTC midnights of consecutive days, sent in the
// shop's offset (so that the local date is often the day before); year -> month maps with unpadded month keys
// (the forecast 18 months ahead, on the variant and on most warehouse blocks); orders_by_day as year -> month ->
// day (the public sample only shows it empty). Empty maps go on the wire as [] (PHP's empty array).
import type { Rng } from './rng.js';

type Obj = Record<string, unknown>;
export type Points = [number, number][];
export type MonthMap = Record<string, Record<string, number>>;

const DAY = 86_400_000;
export const HIST_FIELDS = [
  'stock_hist',
  'stock_cost_hist',
  'stock_retail_hist',
  'stock_gross_hist',
  'cost_price_hist',
  'landing_cost_price_hist',
  'retail_price_hist',
  'regular_retail_price_hist',
];
export const MAP_FIELDS = [
  'forecast_by_period',
  'orders_by_month',
  'real_orders_by_month',
  'revenue_by_month',
  'oos_by_month_user',
];
/** The last stock-out transition comes at most this many days after the variant's creation. */
export const STOCKOUT_DAYS = 31;
/** The shop offsets of sandbox accounts (minutes east of UTC), picked by the seed; none is UTC. */
const OFFSETS = [-240, 330, -300, 600];

export const shopOffset = (seed: number): number => OFFSETS[seed % OFFSETS.length]!;

/** The instant as the API writes it in the shop's offset, e.g. 2019-10-30T20:00:00-04:00. */
export function inOffset(ms: number, minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hhmm = `${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${new Date(ms + minutes * 60_000).toISOString().slice(0, 19)}${sign}${hhmm}`;
}

/** The calendar date of the instant in the shop's offset. */
export const localDate = (ms: number, minutes: number): string =>
  new Date(ms + minutes * 60_000).toISOString().slice(0, 10);

/** `count` months from (year, month) on, as a year -> month map drawn from `value`. */
export function months(year: number, month: number, count: number, value: () => number): MonthMap {
  const map: MonthMap = {};
  for (let k = 0; k < count; k++) {
    const y = year + Math.floor((month - 1 + k) / 12);
    const m = ((month - 1 + k) % 12) + 1;
    map[String(y)] ??= {};
    map[String(y)]![String(m)] = value();
  }
  return map;
}

/** The variant's series fields from `start` on (canonical: instants in epoch ms, maps as objects). */
export function variantSeries(r: Rng, start: number, points: number): Obj {
  const fields: Obj = {};
  for (const [i, name] of HIST_FIELDS.entries())
    fields[name] = Array.from({ length: points }, (_, k): [number, number] => [
      start + k * DAY,
      i < 4 ? r.range(0, 900) : r.money(1, 100),
    ]);
  const transitions = r.range(0, 2) * 2;
  fields.stockouts_hist = Array.from({ length: transitions }, (_, k): [number, number] => [
    start + (STOCKOUT_DAYS - 21 + k * 7) * DAY,
    k % 2 === 0 ? 1 : 0,
  ]);
  fields.forecast_by_period = months(2026, 1, 18, () => r.range(0, 99));
  fields.orders_by_month = r.chance(0.3) ? {} : months(2025, 1, r.range(1, 15), () => r.range(0, 90));
  fields.real_orders_by_month = r.chance(0.5) ? {} : months(2025, 6, r.range(1, 6), () => r.range(0, 90));
  fields.revenue_by_month = r.chance(0.6) ? {} : months(2025, 10, 3, () => r.money(0, 900));
  fields.oos_by_month_user = r.chance(0.7) ? {} : { '2025': { '12': r.range(1, 31) } };
  fields.orders_by_day = r.chance(0.6) ? {} : { '2025': { '12': { '30': r.range(0, 9), '31': r.range(0, 9) } } };
  return fields;
}

/** A warehouse block's forecast: most blocks carry one, some send it empty. */
export const blockForecast = (r: Rng): MonthMap => (r.chance(0.3) ? {} : months(2026, 1, 12, () => r.range(0, 50)));

export const emptyMapAsList = (v: unknown): unknown =>
  v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0 ? [] : v;

/** The series fields of `wire` as the API sends them: history in the shop's offset, empty maps as []. */
export function wireSeries(wire: Obj, fields: Obj, minutes: number): void {
  for (const key of [...HIST_FIELDS, 'stockouts_hist'])
    wire[key] = (fields[key] as Points).map(([t, v]) => [inOffset(t, minutes), v]);
  for (const key of [...MAP_FIELDS, 'orders_by_day']) wire[key] = emptyMapAsList(fields[key]);
}
