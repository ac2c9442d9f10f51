import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STREAMS } from '../../src/streams/index.js';
import { itemKey, purchaseOrderItems, toPurchaseOrderItemRows } from '../../src/streams/purchase-order-items.js';
import { purchaseOrders, toPurchaseOrderRow } from '../../src/streams/purchase-orders.js';
import { compileRowMapper, type Column } from '../../src/streams/stream.js';
import { requireText, toNumber, toText } from '../../src/values/coercions.js';
import { recordValidator } from '../../src/engine/validation.js';
import { recordError } from '../helpers/errors.js';
import { namedFields } from '../helpers/fields.js';

const CONTEXT = { accountId: 'acct-4821', syncedAt: '2024-03-07T08:00:00.000Z' };

// The example list response of docs/inventory-planner-api.md §8 (synthesized from the documented field shapes).
const EXAMPLE = {
  meta: {
    name: 'purchase-orders',
    display_name: 'purchase orders',
    total: 2,
    count: 2,
    limit: 100,
    page: 0,
    start: 0,
    end: 1,
  },
  'purchase-orders': [
    {
      id: '65e5b7a2c1f04d3a9b8e7f10',
      reference: '1042',
      status: 'open',
      type: 'po',
      source_type: 'vendor',
      vendor: 'northwind textiles',
      source: 'northwind textiles',
      vendor_display_name: 'Northwind Textiles',
      source_display_name: 'Northwind Textiles',
      warehouse: 'c4821_61447012',
      warehouse_display_name: 'Main Warehouse',
      replenishment_type: 'old_products',
      currency: 'USD',
      created_date: '2024-03-04',
      expected_date: '2024-03-25',
      last_modified: '2024-03-06T14:12:09+00:00',
      created_at: '2024-03-04T09:30:41+00:00',
      updated_at: '2024-03-06T14:12:09+00:00',
      total: 1190,
      total_ordered: 140,
      total_received: 0,
      version: 3,
      items: [
        {
          id: 'c4821_40118830215',
          line_id: 'c4821_40118830215',
          sku: 'TEE-BLK-M',
          title: 'Classic Tee - Black / M',
          vendor_reference: 'NW-1001-BM',
          vendor_name: 'Classic Tee Black Medium',
          replenishment: 100,
          remaining: 100,
          cost_price: 8.5,
          cost_price_list: { USD: 8.5 },
          ordered_cost: 850,
          uom_ordering: 1,
        },
        {
          id: 'c4821_40118830216',
          line_id: 'c4821_40118830216',
          sku: 'TEE-BLK-L',
          title: 'Classic Tee - Black / L',
          vendor_reference: 'NW-1001-BL',
          replenishment: 40,
          remaining: 40,
          cost_price: 8.5,
          cost_price_list: { USD: 8.5 },
          ordered_cost: 340,
          uom_ordering: 1,
        },
      ],
    },
    {
      id: '65c0d91e8a7b4f2e6d5c4b3a',
      reference: '1037',
      status: 'closed',
      type: 'po',
      source_type: 'vendor',
      vendor: 'acme packaging',
      source: 'acme packaging',
      vendor_display_name: 'Acme Packaging',
      source_display_name: 'Acme Packaging',
      warehouse: 'c4821_61447012',
      warehouse_display_name: 'Main Warehouse',
      replenishment_type: 'old_products',
      currency: 'USD',
      created_date: '2024-02-05',
      expected_date: '2024-02-19',
      received_date: '2024-02-21',
      last_modified: '2024-02-21T16:40:55+00:00',
      created_at: '2024-02-05T11:02:17+00:00',
      updated_at: '2024-02-21T16:40:55+00:00',
      total: 310,
      total_ordered: 600,
      total_received: 600,
      version: 7,
      items: [
        {
          id: 'c4821_40118830901',
          line_id: 'c4821_40118830901',
          sku: 'MAILER-S',
          title: 'Mailer Box - Small',
          vendor_reference: 'AP-MS-200',
          vendor_name: 'Small mailer',
          replenishment: 400,
          received: 400,
          remaining: 0,
          cost_price: 0.45,
          cost_price_list: { USD: 0.45 },
          ordered_cost: 180,
          uom_ordering: 50,
        },
        {
          id: 'c4821_40118830902',
          line_id: 'c4821_40118830902',
          sku: 'MAILER-M',
          title: 'Mailer Box - Medium',
          vendor_reference: 'AP-MM-200',
          replenishment: 200,
          received: 200,
          remaining: 0,
          cost_price: 0.65,
          cost_price_list: { USD: 0.65 },
          ordered_cost: 130,
          uom_ordering: 50,
        },
      ],
    },
  ],
};

type Order = Record<string, unknown>;
const orders = (): Order[] => structuredClone(EXAMPLE['purchase-orders']) as Order[];
const order = (i = 0): Order => orders()[i]!;
const md5 = (text: string): string => createHash('md5').update(text, 'utf8').digest('hex');

const validatePurchaseOrder = recordValidator(purchaseOrders.descriptor.name);
const validateItem = recordValidator(purchaseOrderItems.descriptor.name);

describe('toPurchaseOrderRow', () => {
  it('maps the example order to exactly the schema columns, renamed and normalised', () => {
    expect(toPurchaseOrderRow(order(0), CONTEXT)).toStrictEqual({
      purchase_order_id: '65e5b7a2c1f04d3a9b8e7f10',
      purchase_order_number: '1042',
      status: 'open',
      source: 'northwind textiles',
      type: 'po',
      vendor: 'northwind textiles',
      last_modified: '2024-03-06T14:12:09.000Z',
      total_ordered: 140,
      total_received: 0,
      created_date: '2024-03-04',
      received_date: null, // absent in the API
      expected_date: '2024-03-25',
      created_at: '2024-03-04T09:30:41.000Z',
      updated_at: '2024-03-06T14:12:09.000Z',
      warehouse: 'c4821_61447012',
      warehouse_display_name: 'Main Warehouse',
      vendor_name: 'Northwind Textiles',
      source_name: 'Northwind Textiles',
      replenishment_type: 'old_products',
      _account_id: 'acct-4821',
      __synced_at: '2024-03-07T08:00:00.000Z',
    });
  });

  it('has a column for every schema property and nothing else', () => {
    const row = toPurchaseOrderRow(order(1), CONTEXT);
    expect(Object.keys(row).sort()).toEqual(Object.keys(purchaseOrders.descriptor.schema.properties!).sort());
    expect(row.received_date).toBe('2024-02-21');
    expect(row).not.toHaveProperty('reference');
    expect(row).not.toHaveProperty('vendor_display_name');
    expect(row).not.toHaveProperty('items');
  });

  it('normalises non-UTC and naive timestamps to UTC Z', () => {
    const o = {
      ...order(0),
      last_modified: '2024-03-06T10:12:09-04:00',
      created_at: '2024-03-04T15:00:41+0530',
      updated_at: '2024-03-06 14:12:09',
    };
    const row = toPurchaseOrderRow(o, CONTEXT);
    expect(row.last_modified).toBe('2024-03-06T14:12:09.000Z');
    expect(row.created_at).toBe('2024-03-04T09:30:41.000Z');
    expect(row.updated_at).toBe('2024-03-06T14:12:09.000Z');
  });

  it('turns numeric strings into numbers, numbers into text where text is expected, "" into null for numbers', () => {
    const o = { ...order(0), total_ordered: '26', total_received: '', reference: 8, received_date: '0000-00-00' };
    const row = toPurchaseOrderRow(o, CONTEXT);
    expect(row.total_ordered).toBe(26);
    expect(row.total_received).toBeNull();
    expect(row.purchase_order_number).toBe('8');
    expect(row.received_date).toBeNull();
  });

  it('keeps an empty type as "" and writes null for absent and null fields', () => {
    const o = order(0);
    o.type = '';
    delete o.vendor;
    o.expected_date = null;
    o.updated_at = '';
    const row = toPurchaseOrderRow(o, CONTEXT);
    expect(row.type).toBe('');
    expect(row.vendor).toBeNull();
    expect(row.expected_date).toBeNull();
    expect(row.updated_at).toBeNull();
    expect(validatePurchaseOrder(row)).toBe(true);
  });

  it('rejects a bad value with a RecordError naming the stream, the key and the field', () => {
    const error = recordError(() => toPurchaseOrderRow({ ...order(0), total_ordered: 'abc' }, CONTEXT));
    expect(error.message).toContain('purchase_orders');
    expect(error.message).toContain('purchase_order_id="65e5b7a2c1f04d3a9b8e7f10"');
    expect(error.message).toContain('total_ordered');
    expect(error.message).toContain('"abc"');
  });

  it.each([
    ['an invalid calendar date', { created_date: '2024-02-30' }, 'created_date'],
    ['an unparseable timestamp', { created_at: 'last tuesday' }, 'created_at'],
    ['an object where text is expected', { status: { code: 'open' } }, 'status'],
  ])('rejects %s', (_what, patch, field) => {
    const error = recordError(() => toPurchaseOrderRow({ ...order(0), ...patch }, CONTEXT));
    expect(error.message).toContain(`field ${field}`);
  });

  it.each([[undefined], [null], ['garbage']])(
    'maps a last_modified of %j to null (the reader warns and keeps the bookmark)',
    (value) => {
      expect(toPurchaseOrderRow({ ...order(0), last_modified: value }, CONTEXT).last_modified).toBeNull();
    },
  );

  it('rejects an order without an id', () => {
    const o = order(0);
    delete o.id;
    expect(recordError(() => toPurchaseOrderRow(o, CONTEXT)).message).toContain('purchase_order_id');
  });

  it('every mapped example row validates against schemas/purchase_orders.json', () => {
    for (const o of orders()) {
      const row = toPurchaseOrderRow(o, CONTEXT);
      expect(validatePurchaseOrder(row), JSON.stringify(validatePurchaseOrder.errors)).toBe(true);
    }
  });
});

describe('toPurchaseOrderItemRows', () => {
  it('maps every line of the example order, keyed by md5(order id + item id)', () => {
    const rows = toPurchaseOrderItemRows(order(0), CONTEXT);
    expect(rows).toStrictEqual([
      {
        key: md5('65e5b7a2c1f04d3a9b8e7f10' + 'c4821_40118830215'),
        purchase_order_id: '65e5b7a2c1f04d3a9b8e7f10',
        purchase_order_item_id: 'c4821_40118830215',
        sku: 'TEE-BLK-M',
        title: 'Classic Tee - Black / M',
        vendor_reference: 'NW-1001-BM',
        vendor_name: 'Classic Tee Black Medium',
        replenishment: 100,
        cost_price: 8.5,
        received: null,
        _account_id: 'acct-4821',
        __synced_at: '2024-03-07T08:00:00.000Z',
      },
      {
        key: md5('65e5b7a2c1f04d3a9b8e7f10c4821_40118830216'),
        purchase_order_id: '65e5b7a2c1f04d3a9b8e7f10',
        purchase_order_item_id: 'c4821_40118830216',
        sku: 'TEE-BLK-L',
        title: 'Classic Tee - Black / L',
        vendor_reference: 'NW-1001-BL',
        vendor_name: null,
        replenishment: 40,
        cost_price: 8.5,
        received: null,
        _account_id: 'acct-4821',
        __synced_at: '2024-03-07T08:00:00.000Z',
      },
    ]);
    for (const row of rows) expect(row.key).toMatch(/^[0-9a-f]{32}$/);
  });

  it('computes the key as lowercase hex md5 of the concatenation (known vector md5("abc"))', () => {
    expect(itemKey('a', 'bc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    const [row] = toPurchaseOrderItemRows({ id: 'a', items: [{ id: 'bc' }] }, CONTEXT);
    expect(row!.key).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect(row!.purchase_order_id).toBe('a');
    expect(row!.purchase_order_item_id).toBe('bc');
  });

  it('hashes non-ASCII ids as UTF-8', () => {
    expect(itemKey('ordé', 'x')).toBe(md5('ordéx'));
  });

  it('gives the same item different keys in different orders', () => {
    const a = toPurchaseOrderItemRows({ id: 'o1', items: [{ id: 'v1' }] }, CONTEXT)[0]!;
    const b = toPurchaseOrderItemRows({ id: 'o2', items: [{ id: 'v1' }] }, CONTEXT)[0]!;
    expect(a.key).not.toBe(b.key);
  });

  it('turns numeric strings into numbers and "" into null; keeps "" for text', () => {
    const [row] = toPurchaseOrderItemRows(
      {
        id: 'o1',
        items: [{ id: 'v1', replenishment: '26', cost_price: '8.50', received: '', sku: '', vendor_reference: 0 }],
      },
      CONTEXT,
    );
    expect(row).toMatchObject({
      replenishment: 26,
      cost_price: 8.5,
      received: null,
      sku: '',
      vendor_reference: '0',
      title: null,
    });
  });

  it("gives no rows for items {} (the API's empty container), [], null or absent", () => {
    expect(toPurchaseOrderItemRows({ ...order(0), items: {} }, CONTEXT)).toEqual([]);
    expect(toPurchaseOrderItemRows({ ...order(0), items: [] }, CONTEXT)).toEqual([]);
    expect(toPurchaseOrderItemRows({ ...order(0), items: null }, CONTEXT)).toEqual([]);
    const o = order(0);
    delete o.items;
    expect(toPurchaseOrderItemRows(o, CONTEXT)).toEqual([]);
  });

  it.each([
    ['a string', 'none'],
    ['an object not keyed by position', { first: { id: 'v1' } }],
    ['a number', 3],
  ])('rejects items that are %s with a RecordError naming the order', (_what, items) => {
    const error = recordError(() => toPurchaseOrderItemRows({ ...order(0), items }, CONTEXT));
    expect(error.message).toContain('purchase_order_items');
    expect(error.message).toContain('purchase_order_id="65e5b7a2c1f04d3a9b8e7f10"');
    expect(error.message).toContain('items is not a list');
  });

  it('rejects a bad item value with a RecordError naming the stream, the order, the item and the field', () => {
    const o = order(0);
    (o.items as Order[])[1]!.replenishment = 'forty';
    const error = recordError(() => toPurchaseOrderItemRows(o, CONTEXT));
    expect(error.message).toContain('purchase_order_items');
    expect(error.message).toContain('purchase_order_id="65e5b7a2c1f04d3a9b8e7f10"');
    expect(error.message).toContain('item id="c4821_40118830216"');
    expect(error.message).toContain('field replenishment');
    expect(error.message).toContain('"forty"');
  });

  it('rejects an item without an id (no key can be made)', () => {
    const error = recordError(() => toPurchaseOrderItemRows({ id: 'o1', items: [{ sku: 'X' }] }, CONTEXT));
    expect(error.message).toContain('purchase_order_item_id');
  });

  it('rejects items of an order without an id instead of keying them on "undefined"', () => {
    const o = order(0);
    delete o.id;
    recordError(() => toPurchaseOrderItemRows(o, CONTEXT));
  });

  it('every mapped example row validates against schemas/purchase_order_items.json, with unique keys', () => {
    const rows = orders().flatMap((o) => toPurchaseOrderItemRows(o, CONTEXT));
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(validateItem(row), JSON.stringify(validateItem.errors)).toBe(true);
    expect(new Set(rows.map((r) => r.key)).size).toBe(4);
    expect(rows[2]).toMatchObject({ purchase_order_id: '65c0d91e8a7b4f2e6d5c4b3a', received: 400, cost_price: 0.45 });
  });
});

describe('the Stream objects', () => {
  it('are registered in sync order', () => {
    expect(STREAMS.map((s) => s.descriptor.name)).toEqual([
      'purchase_orders',
      'purchase_order_items',
      'variants',
      'variant_warehouses',
      'variant_vendors',
      'variant_snapshots',
      'variant_monthly',
      'variant_daily',
      'variant_history',
      'variant_forecast_snapshots',
      'warehouses',
      'vendors',
    ]);
    expect(STREAMS.map((s) => s.resource)).toEqual([
      'purchase-orders',
      'purchase-orders',
      'variants',
      'variants',
      'variants',
      'variants',
      'variants',
      'variants',
      'variants',
      'variants',
      'warehouses',
      'vendors',
    ]);
  });

  it('rows() gives the same rows as the mapping functions', () => {
    expect(purchaseOrders.rows(order(0), CONTEXT)).toEqual([toPurchaseOrderRow(order(0), CONTEXT)]);
    expect(purchaseOrderItems.rows(order(1), CONTEXT)).toEqual(toPurchaseOrderItemRows(order(1), CONTEXT));
  });

  it('purchase_orders.apiFields asks for id, last_modified and the API names of the selected columns only', () => {
    const fields = new Set(
      namedFields(
        purchaseOrders.apiFields([
          'purchase_order_id',
          'last_modified',
          'purchase_order_number',
          'vendor_name',
          'source_name',
          'total_ordered',
          '_account_id',
          '__synced_at',
        ]),
      ),
    );
    expect([...fields].sort()).toEqual(
      ['id', 'last_modified', 'reference', 'source_display_name', 'total_ordered', 'vendor_display_name'].sort(),
    );
  });

  it('purchase_orders.apiFields for every column covers every API field the mapping reads', () => {
    const all = Object.keys(purchaseOrders.descriptor.schema.properties!);
    const fields = new Set(namedFields(purchaseOrders.apiFields(all)));
    // A row mapped from an order cut down to these fields equals the row from the whole order.
    const o = order(1);
    const projected = Object.fromEntries(Object.entries(o).filter(([k]) => fields.has(k)));
    expect(toPurchaseOrderRow(projected, CONTEXT)).toEqual(toPurchaseOrderRow(o, CONTEXT));
    expect(fields.has('items')).toBe(false);
    expect(fields.has('total')).toBe(false);
  });

  it(
    'purchase_order_items.apiFields asks for the order id ' + 'and last_modified plus items.* of the selected columns',
    () => {
      const fields = new Set(
        namedFields(
          purchaseOrderItems.apiFields(['key', 'purchase_order_id', 'purchase_order_item_id', 'sku', 'cost_price']),
        ),
      );
      expect([...fields].sort()).toEqual(['id', 'items.cost_price', 'items.id', 'items.sku', 'last_modified'].sort());
    },
  );

  it('purchase_order_items.apiFields for every column covers every item field the mapping reads', () => {
    const all = Object.keys(purchaseOrderItems.descriptor.schema.properties!);
    const fields = namedFields(purchaseOrderItems.apiFields(all));
    const itemFields = new Set(fields.filter((f) => f.startsWith('items.')).map((f) => f.slice('items.'.length)));
    const o = order(1);
    const projected = {
      id: o.id,
      last_modified: o.last_modified,
      items: (o.items as Order[]).map((item) =>
        Object.fromEntries(Object.entries(item).filter(([k]) => itemFields.has(k))),
      ),
    };
    expect(toPurchaseOrderItemRows(projected, CONTEXT)).toEqual(toPurchaseOrderItemRows(o, CONTEXT));
  });
});

describe('compileRowMapper', () => {
  it('builds rows with their fields in the schema order, head and tail fields around the columns', () => {
    for (const stream of STREAMS.filter((s) => s.resource === 'purchase-orders')) {
      const [row] = stream.rows(order(0), CONTEXT);
      expect(Object.keys(row!)).toEqual(Object.keys(stream.descriptor.schema.properties!));
    }
  });

  it('maps like a column-by-column loop, and names the column of a value that does not fit', () => {
    const columns: Column[] = [
      { name: 'id', from: 'ref', convert: requireText },
      { name: 'n', from: 'qty', convert: toNumber },
      { name: 'always', convert: () => 'x' },
    ];
    const map = compileRowMapper('things', ['first'], columns, ['last'], (row) => `first=${String(row.first)}`);
    expect(map({ ref: 7, qty: '2.5' }, 'a', 'z')).toStrictEqual({
      first: 'a',
      id: '7',
      n: 2.5,
      always: 'x',
      last: 'z',
    });
    const error = recordError(() => map({ ref: 'r1', qty: 'lots' }, 'a', 'z'));
    expect(error.message).toBe('things record first=a: field n (API qty) expected a number, got "lots".');
  });

  it('lets an error that is not about a value through as it is', () => {
    const map = compileRowMapper(
      'things',
      [],
      [
        {
          name: 'id',
          from: 'id',
          convert: () => {
            throw new TypeError('bug');
          },
        },
      ],
      [],
      () => '?',
    );
    expect(() => map({ id: 1 })).toThrow(TypeError);
  });

  it('refuses a layout that maps a field twice', () => {
    expect(() =>
      compileRowMapper('things', ['id'], [{ name: 'id', from: 'id', convert: toText }], [], () => '?'),
    ).toThrow(/mapped twice/);
  });
});
