import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type Json, admin, allOrders } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 150, seed: 21, accountId: 'acct-42' });
  for (let k = 0; k < 4; k++) sb.edit(30, 2); // edited orders have receipts, received_date, added items
});
afterAll(() => sb.close());

// An independent reading of the API JSON, following the warehouse contract.
const num = (v: unknown): unknown => (v === undefined || v === '' ? null : typeof v === 'string' ? Number(v) : v);
const ts = (v: unknown): unknown => (v === undefined ? null : new Date(Date.parse(v as string)).toISOString());
const str = (v: unknown): unknown => (v === undefined ? null : v);

function expectedOrderRow(o: Json): Json {
  return {
    purchase_order_id: o.id,
    purchase_order_number: str(o.reference),
    status: str(o.status),
    source: str(o.source),
    type: str(o.type),
    vendor: str(o.vendor),
    last_modified: ts(o.last_modified),
    total_ordered: num(o.total_ordered),
    total_received: num(o.total_received),
    created_date: str(o.created_date),
    received_date: str(o.received_date),
    expected_date: str(o.expected_date),
    created_at: ts(o.created_at),
    updated_at: ts(o.updated_at),
    warehouse: str(o.warehouse),
    warehouse_display_name: str(o.warehouse_display_name),
    vendor_name: str(o.vendor_display_name),
    source_name: str(o.source_display_name),
    replenishment_type: str(o.replenishment_type),
    _account_id: 'acct-42',
  };
}

function expectedItemRow(o: Json, i: Json): Json {
  return {
    key: createHash('md5').update(`${o.id}${i.id}`).digest('hex'),
    purchase_order_id: o.id,
    purchase_order_item_id: i.id,
    sku: str(i.sku),
    title: str(i.title),
    vendor_reference: str(i.vendor_reference),
    vendor_name: str(i.vendor_name),
    replenishment: num(i.replenishment),
    cost_price: num(i.cost_price),
    received: num(i.received),
    _account_id: 'acct-42',
  };
}

describe('ground truth', () => {
  it('matches an independent reading of the rendered API JSON', async () => {
    const orders = await allOrders(sb);
    const truth = sb.truth();
    const rowsById = new Map(truth.purchase_orders.map((r) => [r.purchase_order_id, r]));
    const itemsByKey = new Map(truth.purchase_order_items.map((r) => [r.key, r]));
    expect(truth.purchase_orders).toHaveLength(orders.length);
    expect(truth.purchase_order_items).toHaveLength(orders.reduce((n, o) => n + o.items.length, 0));
    for (const o of orders) {
      expect(rowsById.get(o.id)).toEqual(expectedOrderRow(o));
      for (const i of o.items) {
        const expected = expectedItemRow(o, i);
        expect(itemsByKey.get(expected.key)).toEqual(expected);
      }
    }
    // the quirky cases really occur in this data set
    const itemRows = truth.purchase_order_items;
    expect(itemRows.some((r) => r.cost_price === null)).toBe(true);
    expect(itemRows.some((r) => r.received === null) && itemRows.some((r) => typeof r.received === 'number')).toBe(
      true,
    );
    expect(truth.purchase_orders.some((r) => r.received_date !== null)).toBe(true);
    expect(orders.some((o) => typeof o.total_ordered === 'string' && o.total_ordered !== '')).toBe(true);
  });

  it('sorts rows by key', () => {
    const truth = sb.truth();
    const poKeys = truth.purchase_orders.map((r) => r.purchase_order_id as string);
    const itemKeys = truth.purchase_order_items.map((r) => r.key as string);
    expect(poKeys).toEqual([...poKeys].sort());
    expect(itemKeys).toEqual([...itemKeys].sort());
    expect(new Set(itemKeys).size).toBe(itemKeys.length);
  });

  it('is served by /__admin/truth as JSON and as ndjson', async () => {
    const truth = sb.truth();
    const asJson = await admin(sb, 'GET', 'truth');
    expect(asJson.json).toEqual(truth);
    const nd = await admin(sb, 'GET', 'truth?format=ndjson');
    const lines = nd.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { stream: string; row: Json });
    expect(lines.filter((l) => l.stream === 'purchase_orders').map((l) => l.row)).toEqual(truth.purchase_orders);
    expect(lines.filter((l) => l.stream === 'purchase_order_items').map((l) => l.row)).toEqual(
      truth.purchase_order_items,
    );
  });
});

describe('determinism', () => {
  it('same seed gives identical data; another seed does not', async () => {
    const [a, b, c] = await Promise.all([
      startSandbox({ orders: 60, seed: 9 }),
      startSandbox({ orders: 60, seed: 9 }),
      startSandbox({ orders: 60, seed: 10 }),
    ]);
    try {
      a.edit(5, 1);
      b.edit(5, 1);
      const [oa, ob, oc] = await Promise.all([allOrders(a), allOrders(b), allOrders(c)]);
      expect(oa).toEqual(ob);
      expect(a.truth()).toEqual(b.truth());
      expect(oc.map((o) => o.id)).not.toEqual(oa.map((o) => o.id));
      expect(oc.map((o) => o.items[0].sku)).not.toEqual(oa.map((o) => o.items[0].sku));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
