// The API's series, read for the long tables (variant_monthly, variant_daily, variant_history, the forecast
// snapshots): year -> month maps (`{"2020": {"1": 0, ..., "12": 0}}`, `[]` when empty), per-day maps (year ->
// month -> day, or `YYYY-MM-DD` keys) and [timestamp, value] arrays in the shop's offset. A part that cannot be
// read is left out and reported (column, problem) through the context's sink; without one it stops the run.
import { RecordError } from '../common/errors.js';
import { toDate, toList, toMap, toNumber, toUtcDateTime, ValueError } from '../values/coercions.js';
import type { Row, RowContext } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

/** Where a series comes from, for reports: stream, record description and the API field. */
interface SeriesSource {
  stream: string;
  record: string;
  field: string;
}

interface SeriesValue {
  /** YYYY-MM-DD: the first of the month, or the day. */
  date: string;
  value: number | null;
}

interface HistoryPoint {
  recordedAt: string;
  localDate: string | null;
  value: number | null;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const YEAR = /^\d{4}$/;
const PART = /^\d{1,2}$/;

/** Reports a part of a series that cannot be read, in `column`; throws when the run is strict. */
function seriesProblem(
  context: RowContext,
  at: SeriesSource,
  column: string,
  problem: string,
  detail: string,
  outcome = 'left out',
): void {
  if (!context.onBadValue)
    throw new RecordError(`${at.stream} record ${at.record}: field ${column} (API ${at.field}) ${detail}.`);
  context.onBadValue({ stream: at.stream, record: at.record, column, from: at.field, problem, detail, outcome });
}

function map(value: unknown, context: RowContext, at: SeriesSource, column: string): Record<string, unknown> | null {
  try {
    return toMap(value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    seriesProblem(context, at, column, 'expected a year -> month map', error.message);
    return null;
  }
}

function number(value: unknown, context: RowContext, at: SeriesSource): number | null {
  try {
    return toNumber(value);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    seriesProblem(context, at, 'value', error.problem, error.message, 'written as null');
    return null;
  }
}

/** A calendar month (1-12) or day of that month, from a map key; undefined when it is not one. */
function part(key: string, max: number): number | undefined {
  if (!PART.test(key)) return undefined;
  const n = Number(key);
  return n >= 1 && n <= max ? n : undefined;
}

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A year -> month -> value map as (first of the month, value), in the map's order. */
export function monthValues(value: unknown, context: RowContext, at: SeriesSource): SeriesValue[] {
  const out: SeriesValue[] = [];
  for (const [year, months] of Object.entries(map(value, context, at, 'month') ?? {})) {
    const inYear = YEAR.test(year) ? map(months, context, at, 'month') : null;
    if (!YEAR.test(year)) seriesProblem(context, at, 'month', 'expected a year key', `has year key ${year}`);
    for (const [key, v] of Object.entries(inYear ?? {})) {
      const month = part(key, 12);
      if (month === undefined) {
        seriesProblem(context, at, 'month', 'expected a month key 1-12', `has month key ${year}/${key}`);
        continue;
      }
      out.push({ date: `${year}-${pad(month)}-01`, value: number(v, context, at) });
    }
  }
  return out;
}

/** A per-day map, year -> month -> day -> value or YYYY-MM-DD -> value, as (day, value). */
export function dayValues(value: unknown, context: RowContext, at: SeriesSource): SeriesValue[] {
  const out: SeriesValue[] = [];
  const skip = (key: string) =>
    seriesProblem(context, at, 'day', 'expected a year -> month -> day map', `has key ${key}`);
  for (const [key, inner] of Object.entries(map(value, context, at, 'day') ?? {})) {
    if (/^\d{4}-\d{2}-\d{2}$/.test(key)) {
      const y = Number(key.slice(0, 4));
      const m = Number(key.slice(5, 7));
      const d = Number(key.slice(8));
      if (m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m)) out.push({ date: key, value: number(inner, context, at) });
      else skip(key);
      continue;
    }
    if (!YEAR.test(key)) {
      skip(key);
      continue;
    }
    for (const [mk, days] of Object.entries(map(inner, context, at, 'day') ?? {})) {
      const month = part(mk, 12);
      if (month === undefined) {
        skip(`${key}/${mk}`);
        continue;
      }
      for (const [dk, v] of Object.entries(map(days, context, at, 'day') ?? {})) {
        const day = part(dk, daysIn(Number(key), month));
        if (day === undefined) skip(`${key}/${mk}/${dk}`);
        else out.push({ date: `${key}-${pad(month)}-${pad(day)}`, value: number(v, context, at) });
      }
    }
  }
  return out;
}

/** A [timestamp, value] array as points: recorded_at in UTC, local_date in the offset the API gave. */
export function historyPoints(value: unknown, context: RowContext, at: SeriesSource): HistoryPoint[] {
  let list: unknown[];
  try {
    list = toList(value ?? []) ?? [];
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    seriesProblem(context, at, 'recorded_at', 'expected [timestamp, value] pairs', error.message);
    return [];
  }
  const out: HistoryPoint[] = [];
  for (const point of list) {
    let recordedAt: string | null = null;
    let localDate: string | null = null;
    try {
      if (!Array.isArray(point) || point.length < 2)
        throw new ValueError('expected a [timestamp, value] pair', { value: point });
      recordedAt = toUtcDateTime(point[0]);
      localDate = toDate(point[0]);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      seriesProblem(context, at, 'recorded_at', 'expected a [timestamp, value] pair', error.message);
      continue;
    }
    if (recordedAt === null) continue;
    out.push({ recordedAt, localDate, value: number(point[1], context, at) });
  }
  return out;
}

/** One value of a map of a variant (warehouse "") or of one of its warehouse blocks. */
interface MapEntry extends SeriesValue {
  variantId: string;
  warehouse: string;
  metric: string;
}

/**
 * Every value of the `metrics` maps, each read by `read` (monthValues, dayValues), of the variant (warehouse "")
 * and of each warehouse block that names its warehouse: the rows of a long table of maps.
 */
export function mapEntries(
  stream: string,
  variant: Row,
  metrics: readonly string[],
  read: (value: unknown, context: RowContext, at: SeriesSource) => SeriesValue[],
  context: RowContext,
): MapEntry[] {
  const variantId = parentId(stream, variant);
  const sources = [{ warehouse: '', source: variant }];
  for (const block of blocks(stream, variantId, variant.warehouse))
    if (typeof block.warehouse === 'string' && block.warehouse !== '')
      sources.push({ warehouse: block.warehouse, source: block });
  const out: MapEntry[] = [];
  for (const { warehouse, source } of sources) {
    const record = `variant_id=${JSON.stringify(variantId)} warehouse=${JSON.stringify(warehouse)}`;
    for (const metric of metrics) {
      if (source[metric] === undefined || source[metric] === null) continue;
      for (const v of read(source[metric], context, { stream, record, field: metric }))
        out.push({ variantId, warehouse, metric, ...v });
    }
  }
  return out;
}
