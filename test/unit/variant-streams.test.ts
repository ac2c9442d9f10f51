import { describe, expect, it } from 'vitest';
import { itemKey } from '../../src/streams/purchase-order-items.js';
import { vendors, warehouses } from '../../src/streams/reference.js';
import { toHistory, toList, toMap } from '../../src/values/coercions.js';
import type { BadValue, RowContext } from '../../src/streams/stream.js';
import { variantVendors } from '../../src/streams/variant-vendors.js';
import { variantWarehouses } from '../../src/streams/variant-warehouses.js';
import { variants } from '../../src/streams/variants.js';
import { recordValidator } from '../../src/engine/validation.js';
import { ALL_FIELDS } from '../../src/client/paging/projection.js';

const CONTEXT: RowContext = { accountId: 'a1', syncedAt: '2026-01-02T03:04:05.678Z' };

/**
 * Shaped like the 125-key real sample (trimmed), with blocks and connections as code reading the live API sees them.
 */
const variant = () => ({
  id: 'c18098_4410',
  sku: 'SKU-1',
  title: 'Red',
  price: '12.50',
  in_stock: 10,
  replenishment: 2.5,
  published: true,
  removed: false,
  created_at: '2019-11-01T00:05:53+00:00',
  updated_at: '2020-01-28T07:46:10+00:00',
  created_at_time: '2016-05-31T10:27:48+00:00',
  last_forecast_time: 1580197499,
  version: 259,
  lead_time: 14,
  review_period: 30,
  segment: 'C',
  stock_hist: [['2019-10-30T20:00:00-04:00', 0]],
  orders_by_month: { '2020': { '1': 0 } },
  revenue_by_month: [],
  orders_by_day: [],
  events: [],
  age: { cost: { '> 365 days': 0 } },
  alerts: { active: false },
  tags: [],
  attributes: [{ n: 'Car', t: 'brand' }],
  forecast_description: { method: 'test', sales_from: '1 Dec, 2016' },
  warehouse: [
    {
      warehouse: 'c18098_49481991',
      in_stock: 4,
      lead_time: 14,
      avg_lead_time: 26.5,
      above_moq: false,
      replenish_date: '2026-02-01',
      last_received_at_time: '2025-12-01T10:00:00-04:00',
      forecast_by_period: [],
    },
    { warehouse: 'c955_330498075', in_stock: '6', replenishment: 1 },
  ],
  connections: {
    sku: 'SKU-1',
    removed: false,
    vendors: [
      { vendor: 'acme', cost_price: 3, cost_price_currency: 'USD', landing_cost_price: 3.4 },
      { vendor: 'globex', cost_price: 2 },
    ],
  },
  unknown_new_metric: 1,
});

describe('variants', () => {
  it(
    'maps a sample-shaped variant: numbers, UTC instants (Unix seconds, offsets), [] maps as {}, history in UTC, ' +
      'no extra fields',
    () => {
      const [row] = variants.rows(variant(), CONTEXT);
      expect(row).toMatchObject({
        id: 'c18098_4410',
        record_version: 259,
        price: 12.5,
        in_stock: 10,
        published: true,
        last_forecast_time: '2020-01-28T07:44:59.000Z',
        created_at: '2019-11-01T00:05:53.000Z',
        stock_hist: [['2019-10-31T00:00:00.000Z', 0]],
        revenue_by_month: {},
        orders_by_day: {},
        orders_by_month: { '2020': { '1': 0 } },
        connections: [{ sku: 'SKU-1', removed: false, vendors: expect.any(Array) }],
        under_value: null,
        _account_id: 'a1',
        __synced_at: CONTEXT.syncedAt,
      });
      expect(row).not.toHaveProperty('unknown_new_metric');
      expect(row).not.toHaveProperty('warehouse');
      expect(recordValidator('variants')(row), JSON.stringify(recordValidator('variants').errors)).toBe(true);
    },
  );

  it(
    'a value that is not a number is nulled and reported (the run goes on), ' + 'but a variant without an id stops it',
    () => {
      const bad: BadValue[] = [];
      const [row] = variants.rows({ ...variant(), in_stock: 'lots' }, { ...CONTEXT, onBadValue: (b) => bad.push(b) });
      expect(row!.in_stock).toBeNull();
      expect(bad.map((b) => b.column)).toEqual(['in_stock']);
      expect(() => variants.rows({ ...variant(), id: undefined }, { ...CONTEXT, onBadValue: () => undefined })).toThrow(
        /variants record id=undefined: field id/,
      );
    },
  );

  it('asks for id and the API names of the selected columns', () => {
    expect(variants.apiFields(['id', 'sku', 'in_stock', '_account_id'])).toEqual(['id', 'sku', 'in_stock']);
  });
});

describe('variant_warehouses', () => {
  it('one row per block, keyed md5(variant id + warehouse id), per-warehouse metrics typed', () => {
    const rows = variantWarehouses.rows(variant(), CONTEXT);
    expect(rows.map((r) => r.key)).toEqual([
      itemKey('c18098_4410', 'c18098_49481991'),
      itemKey('c18098_4410', 'c955_330498075'),
    ]);
    expect(rows[0]).toMatchObject({
      variant_id: 'c18098_4410',
      warehouse: 'c18098_49481991',
      avg_lead_time: 26.5,
      above_moq: false,
      replenish_date: '2026-02-01',
      last_received_at_time: '2025-12-01T14:00:00.000Z',
      forecast_by_period: {},
    });
    expect(rows[1]).toMatchObject({ in_stock: 6, replenishment: 1, lead_time: null });
    for (const row of rows) expect(recordValidator('variant_warehouses')(row)).toBe(true);
    expect(variantWarehouses.rows({ ...variant(), warehouse: [] }, CONTEXT)).toEqual([]);
    expect(variantWarehouses.rows({ ...variant(), warehouse: undefined }, CONTEXT)).toEqual([]);
  });

  it('asks for the blocks with dot notation', () => {
    expect(variantWarehouses.apiFields(['key', 'variant_id', 'warehouse', 'in_stock'])).toEqual([
      'id',
      'warehouse.warehouse',
      'warehouse.in_stock',
    ]);
  });
});

describe('variant_vendors', () => {
  it(
    'one row per vendor of connections given as one object or a list; ' +
      'a vendor repeated in another connection gets its own key',
    () => {
      const rows = variantVendors.rows(variant(), CONTEXT);
      expect(rows.map((r) => [r.vendor, r.connection_sku, r.cost_price])).toEqual([
        ['acme', 'SKU-1', 3],
        ['globex', 'SKU-1', 2],
      ]);
      const v = variant();
      const twice = variantVendors.rows(
        { ...v, connections: [v.connections, { sku: 'OTHER', vendors: [{ vendor: 'acme', cost_price: 9 }] }] },
        CONTEXT,
      );
      expect(twice.map((r) => r.key)).toEqual([
        itemKey(v.id, 'acme'),
        itemKey(v.id, 'globex'),
        itemKey(v.id, 'acme#2'),
      ]);
      for (const row of twice) expect(recordValidator('variant_vendors')(row)).toBe(true);
    },
  );
});

describe('warehouses and vendors', () => {
  it('map the reference records; a vendor keeps its whole record in data', () => {
    const [w] = warehouses.rows(
      { name: 'c955_330498075', display_name: 'Monta', disabled: 0, created_at: '2024-01-01T00:00:00+02:00' },
      CONTEXT,
    );
    expect(w).toMatchObject({
      name: 'c955_330498075',
      display_name: 'Monta',
      disabled: false,
      created_at: '2023-12-31T22:00:00.000Z',
      type: null,
    });
    expect(recordValidator('warehouses')(w)).toBe(true);
    const [v] = vendors.rows({ id: 'acme', lead_time: 5 }, CONTEXT);
    expect(v).toMatchObject({ id: 'acme', name: null, data: { id: 'acme', lead_time: 5 } });
    expect(recordValidator('vendors')(v)).toBe(true);
    expect(vendors.apiFields(['id'])).toBe(ALL_FIELDS);
  });
});

describe('JSON column coercions', () => {
  it('toMap, toList and toHistory even out the API forms and refuse what is neither', () => {
    expect(toMap([])).toEqual({});
    expect(() => toMap([1])).toThrow(/expected an object/);
    expect(toList({})).toEqual([]);
    expect(toList({ 0: 'a', 1: 'b' })).toEqual(['a', 'b']);
    expect(toList({ sku: 'x' })).toEqual([{ sku: 'x' }]);
    expect(() => toList('x')).toThrow(/expected a list/);
    expect(toHistory([[1580197499, '3']])).toEqual([['2020-01-28T07:44:59.000Z', 3]]);
    expect(() => toHistory([['2020-01-01']])).toThrow(/pairs/);
  });
});

describe('variant_snapshots', () => {
  it(
    'one row for the variant (warehouse "") and one per block, dated by the run, keyed (snapshot_date, ' +
      'variant_id, warehouse)',
    async () => {
      const { variantSnapshots } = await import('../../src/streams/variant-snapshots.js');
      expect(variantSnapshots.descriptor.selectedByDefault).toBe(false);
      expect(variantSnapshots.descriptor.keyProperties).toEqual(['snapshot_date', 'variant_id', 'warehouse']);
      const rows = variantSnapshots.rows(variant(), { ...CONTEXT, runDate: '2026-01-01' });
      expect(rows.map((r) => [r.snapshot_date, r.warehouse, r.in_stock, r.sku])).toEqual([
        ['2026-01-01', '', 10, 'SKU-1'],
        ['2026-01-01', 'c18098_49481991', 4, 'SKU-1'],
        ['2026-01-01', 'c955_330498075', 6, 'SKU-1'],
      ]);
      for (const row of rows) expect(recordValidator('variant_snapshots')(row)).toBe(true);
      expect(variantSnapshots.apiFields([])).toContain('warehouse.in_stock');
    },
  );
});
