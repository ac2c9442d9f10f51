// The long tables from one variant record: variant_monthly, variant_daily, variant_history and the forecast
// snapshots, from payloads shaped as the public ones are (year -> month maps with unpadded months, [] for an
// empty map, history in the shop's offset, forecast maps on warehouse blocks, stock-out transitions).
import { describe, expect, it } from 'vitest';
import { recordValidator } from '../../src/engine/validation.js';
import type { BadValue, Row, RowContext } from '../../src/streams/stream.js';
import { variantDaily } from '../../src/streams/variant-daily.js';
import { variantForecastSnapshots } from '../../src/streams/variant-forecast-snapshots.js';
import { variantHistory } from '../../src/streams/variant-history.js';
import { variantMonthly } from '../../src/streams/variant-monthly.js';
import { variants } from '../../src/streams/variants.js';
import { namedFields } from '../helpers/fields.js';

const CONTEXT: RowContext = { accountId: 'a1', syncedAt: '2026-01-02T03:04:05.678Z', runDate: '2026-01-02' };
const tail = { _account_id: 'a1', __synced_at: CONTEXT.syncedAt };

const variant = (): Row => ({
  id: 'c18098_4410',
  created_at: '2019-11-01T00:05:53+00:00',
  forecast_by_period: { '2020': { '11': 4, '12': '5.5' }, '2021': { '1': 0 } },
  orders_by_month: { '2019': { '12': 3 } },
  real_orders_by_month: [],
  revenue_by_month: [],
  oos_by_month_user: { '2019': { '10': 2 } },
  orders_by_day: { '2020': { '1': { '27': 1, '28': 2 } } },
  stock_hist: [
    ['2019-10-30T20:00:00-04:00', 0],
    ['2019-11-02T20:00:00-04:00', 12],
  ],
  cost_price_hist: [['2019-11-01T05:30:00+05:30', '3.20']],
  stockouts_hist: [
    ['2019-12-01T20:00:00-04:00', 1],
    ['2019-12-04T20:00:00-04:00', 0],
  ],
  retail_price_hist: [],
  warehouse: [
    { warehouse: 'c18098_49481991', forecast_by_period: { '2020': { '12': 2 } } },
    { warehouse: 'c955_330498075', forecast_by_period: [] },
    { forecast_by_period: { '2020': { '12': 9 } } },
  ],
});

function expectValid(stream: string, rows: Row[]): void {
  const validate = recordValidator(stream);
  for (const row of rows) expect(validate(row), JSON.stringify(validate.errors)).toBe(true);
}

describe('variant_monthly', () => {
  it('one row per variant, warehouse ("" for all), metric and month (first of the month); [] maps give none', () => {
    const rows = variantMonthly.rows(variant(), CONTEXT);
    expect(rows).toEqual([
      {
        variant_id: 'c18098_4410',
        warehouse: '',
        metric: 'forecast_by_period',
        month: '2020-11-01',
        value: 4,
        ...tail,
      },
      {
        variant_id: 'c18098_4410',
        warehouse: '',
        metric: 'forecast_by_period',
        month: '2020-12-01',
        value: 5.5,
        ...tail,
      },
      {
        variant_id: 'c18098_4410',
        warehouse: '',
        metric: 'forecast_by_period',
        month: '2021-01-01',
        value: 0,
        ...tail,
      },
      { variant_id: 'c18098_4410', warehouse: '', metric: 'orders_by_month', month: '2019-12-01', value: 3, ...tail },
      { variant_id: 'c18098_4410', warehouse: '', metric: 'oos_by_month_user', month: '2019-10-01', value: 2, ...tail },
      {
        variant_id: 'c18098_4410',
        warehouse: 'c18098_49481991',
        metric: 'forecast_by_period',
        month: '2020-12-01',
        value: 2,
        ...tail,
      },
    ]);
    expectValid('variant_monthly', rows);
  });

  it('asks for the maps of the variant and of its blocks, no other field', () => {
    expect(variantMonthly.apiFields([])).toEqual(
      expect.arrayContaining(['id', 'forecast_by_period', 'warehouse.warehouse', 'warehouse.forecast_by_period']),
    );
    expect(namedFields(variantMonthly.apiFields([])).filter((f) => !f.startsWith('warehouse.'))).toHaveLength(6);
  });

  it('a month key or value that cannot be read is reported and left out (null for a value); strict stops', () => {
    const bad: BadValue[] = [];
    const v = { id: 'v1', orders_by_month: { '2020': { '13': 1, '2': 'N/A', '3': 1 }, later: { '1': 1 } } };
    const rows = variantMonthly.rows(v, { ...CONTEXT, onBadValue: (b) => bad.push(b) });
    expect(rows.map((r) => [r.month, r.value])).toEqual([
      ['2020-02-01', null],
      ['2020-03-01', 1],
    ]);
    expect(bad.map((b) => [b.column, b.problem, b.outcome])).toEqual([
      ['value', 'expected a number', 'written as null'],
      ['month', 'expected a month key 1-12', 'left out'],
      ['month', 'expected a year key', 'left out'],
    ]);
    expect(bad.every((b) => !b.problem.includes('N/A'))).toBe(true);
    expect(() => variantMonthly.rows(v, CONTEXT)).toThrow(
      /variant_monthly record variant_id="v1" warehouse="": field value \(API orders_by_month\) expected a number/,
    );
    expect(variantMonthly.rows({ id: 'v2', forecast_by_period: 'soon' }, { ...CONTEXT, onBadValue: () => {} })).toEqual(
      [],
    );
  });
});

describe('variant_daily', () => {
  it('orders_by_day as year -> month -> day, or YYYY-MM-DD keys; [] gives none; impossible days are left out', () => {
    expect(variantDaily.rows(variant(), CONTEXT)).toEqual([
      { variant_id: 'c18098_4410', warehouse: '', metric: 'orders_by_day', day: '2020-01-27', value: 1, ...tail },
      { variant_id: 'c18098_4410', warehouse: '', metric: 'orders_by_day', day: '2020-01-28', value: 2, ...tail },
    ]);
    const bad: BadValue[] = [];
    const flat = variantDaily.rows(
      { id: 'v', orders_by_day: { '2024-02-29': 3, '2023-02-29': 1, '2024': { '2': { '30': 1 } } } },
      { ...CONTEXT, onBadValue: (b) => bad.push(b) },
    );
    expect(flat.map((r) => [r.day, r.value])).toEqual([['2024-02-29', 3]]);
    expect(bad).toHaveLength(2);
    expect(variantDaily.rows({ id: 'v', orders_by_day: [] }, CONTEXT)).toEqual([]);
    expectValid('variant_daily', flat);
  });
});

describe('variant_history', () => {
  it('one row per point: recorded_at in UTC, local_date in the offset the API gave, stockouts_hist included', () => {
    const rows = variantHistory.rows(variant(), CONTEXT);
    const row = (metric: string, recorded_at: string, local_date: string, value: number) => ({
      variant_id: 'c18098_4410',
      metric,
      recorded_at,
      local_date,
      value,
      ...tail,
    });
    expect(rows).toEqual([
      row('stock_hist', '2019-10-31T00:00:00.000Z', '2019-10-30', 0),
      row('stock_hist', '2019-11-03T00:00:00.000Z', '2019-11-02', 12),
      row('cost_price_hist', '2019-11-01T00:00:00.000Z', '2019-11-01', 3.2),
      row('stockouts_hist', '2019-12-02T00:00:00.000Z', '2019-12-01', 1),
      row('stockouts_hist', '2019-12-05T00:00:00.000Z', '2019-12-04', 0),
    ]);
    expectValid('variant_history', rows);
  });

  it('declares its bookmark on recorded_at with an overlap, and a variant created since the floor whole', () => {
    expect(variantHistory.bookmark).toMatchObject({ column: 'recorded_at', overlapMs: 3 * 86_400_000 });
    expect(variantHistory.bookmark!.whole!(variant(), '2019-11-01T00:00:00.000Z')).toBe(true);
    expect(variantHistory.bookmark!.whole!(variant(), '2019-11-02T00:00:00.000Z')).toBe(false);
    expect(variantHistory.bookmark!.whole!({ created_at: 'N/A' }, '2019-11-02T00:00:00.000Z')).toBe(false);
    expect(variantHistory.apiFields([])).toEqual(expect.arrayContaining(['id', 'created_at', 'stockouts_hist']));
  });

  it('a point whose timestamp cannot be read is reported and left out; strict stops', () => {
    const bad: BadValue[] = [];
    const v = { id: 'v', stock_hist: [['03/15/2024', 1], 'x', ['2024-03-15T00:00:00-04:00', 2]] };
    const rows = variantHistory.rows(v, { ...CONTEXT, onBadValue: (b) => bad.push(b) });
    expect(rows.map((r) => r.value)).toEqual([2]);
    expect(bad.map((b) => [b.column, b.outcome])).toEqual([
      ['recorded_at', 'left out'],
      ['recorded_at', 'left out'],
    ]);
    expect(() => variantHistory.rows(v, CONTEXT)).toThrow(/variant_history record variant_id="v": field recorded_at/);
  });
});

describe('variant_forecast_snapshots', () => {
  it("the forecast of the variant and each block on the run's date, keyed with snapshot_date; opt-in, never a pass", () => {
    const rows = variantForecastSnapshots.rows(variant(), CONTEXT);
    expect(rows.map((r) => [r.snapshot_date, r.warehouse, r.month, r.value])).toEqual([
      ['2026-01-02', '', '2020-11-01', 4],
      ['2026-01-02', '', '2020-12-01', 5.5],
      ['2026-01-02', '', '2021-01-01', 0],
      ['2026-01-02', 'c18098_49481991', '2020-12-01', 2],
    ]);
    expect(variantForecastSnapshots.history).toBe(true);
    expect(variantForecastSnapshots.descriptor.selectedByDefault).toBe(false);
    expectValid('variant_forecast_snapshots', rows);
  });
});

describe('variants.stockouts_hist', () => {
  it('is a column of variants, in UTC like the other history arrays', () => {
    const [row] = variants.rows(variant(), CONTEXT);
    expect(row!.stockouts_hist).toEqual([
      ['2019-12-02T00:00:00.000Z', 1],
      ['2019-12-05T00:00:00.000Z', 0],
    ]);
  });
});
