// Orders deleted and lines removed in the "app": gone from every answer and from the ground truth.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { admin, allOrders, api, ids, list, type Json } from './helpers.js';

let sb: Sandbox;
beforeEach(async () => {
  sb = await startSandbox({ orders: 200, itemsPerOrder: 3, seed: 11 });
});
afterEach(() => sb.close());

const lmSorted = { last_modified_sort: 'asc', limit: 1000 };

describe('deleting orders', () => {
  it('POST /__admin/delete: the orders leave every list, single GETs answer 404, and the truth follows', async () => {
    const before = sb.truth();
    const a = await admin(sb, 'POST', 'delete', { count: 7 });
    expect(a.status).toBe(200);
    const deleted = a.json.deleted as string[];
    expect(new Set(deleted).size).toBe(7);
    const truth = sb.truth();
    expect(truth.purchase_orders).toHaveLength(193);
    expect(truth.purchase_orders.filter((o) => deleted.includes(o.purchase_order_id as string))).toHaveLength(0);
    expect(truth.purchase_order_items.some((l) => deleted.includes(l.purchase_order_id as string))).toBe(false);
    // every other row is unchanged
    const gone = before.purchase_order_items.filter((l) => deleted.includes(l.purchase_order_id as string)).length;
    expect(truth.purchase_order_items).toHaveLength(before.purchase_order_items.length - gone);

    for (const query of [lmSorted, { limit: 1000 }, { ...lmSorted, last_modified_gte: '2021-06-01T00:00:00Z' }]) {
      const page = await list(sb, query);
      expect(ids(page).some((id) => deleted.includes(id))).toBe(false);
      expect(page.meta.total).toBe(ids(page).length);
    }
    expect((await api(sb, `/purchase-orders/${deleted[0]}`)).status).toBe(404);
  });

  it('paging by last_modified stays consistent: pages of 50 see every live order once', async () => {
    const deleted = sb.deleteOrders(13);
    const seen: string[] = [];
    for (let page = 0; ; page++) {
      const p = await list(sb, { ...lmSorted, limit: 50, page });
      seen.push(...ids(p));
      if (ids(p).length < 50) break;
    }
    expect(seen).toHaveLength(187);
    expect(new Set(seen).size).toBe(187);
    expect(seen.some((id) => deleted.includes(id))).toBe(false);
  });

  it('deletes given ids (POST {ids}); an unknown or deleted id is a 400', async () => {
    const [first, second] = sb.truth().purchase_orders.map((o) => o.purchase_order_id as string);
    expect((await admin(sb, 'POST', 'delete', { ids: [first, second] })).json).toEqual({ deleted: [first, second] });
    expect((await admin(sb, 'POST', 'delete', { ids: [first] })).status).toBe(400); // gone already
    expect((await admin(sb, 'POST', 'delete', { ids: ['ffffffffffffffffffffffff'] })).status).toBe(400);
    expect(sb.truth().purchase_orders).toHaveLength(198);
  });

  it('a deleted order is not edited back to life', () => {
    sb.deleteOrders(100);
    sb.edit(150);
    expect(sb.truth().purchase_orders).toHaveLength(100);
  });
});

describe('removing lines', () => {
  it(
    'POST /__admin/remove-lines: ' +
      'the order is modified (it sorts last) and the line is gone from it and from the truth',
    async () => {
      const maxBefore = Math.max(...(await allOrders(sb)).map((o) => Date.parse(o.last_modified as string)));
      const a = await admin(sb, 'POST', 'remove-lines', { count: 5 });
      expect(a.status).toBe(200);
      const removed = a.json.removed as { purchase_order_id: string; key: string }[];
      expect(removed).toHaveLength(5);
      const truth = sb.truth();
      const keys = new Set(truth.purchase_order_items.map((l) => l.key));
      expect(removed.filter((r) => keys.has(r.key))).toHaveLength(0);
      expect(truth.purchase_orders).toHaveLength(200);

      const changed = await list(sb, { ...lmSorted, last_modified_gt: new Date(maxBefore).toISOString() });
      const orderIds = [...new Set(removed.map((r) => r.purchase_order_id))];
      expect(ids(changed).sort()).toEqual(orderIds.sort());
      for (const order of changed['purchase-orders'] as Json[]) {
        expect((order.items as Json[]).length).toBeGreaterThan(0); // orders keep at least one line
        const lineKeys = truth.purchase_order_items.filter((l) => l.purchase_order_id === order.id).map((l) => l.key);
        expect(lineKeys).toHaveLength((order.items as Json[]).length);
      }
    },
  );

  it('a removed line stays removed after later edits of its order', () => {
    const removed = sb.removeLines(20);
    for (let k = 0; k < 5; k++) sb.edit(200);
    const keys = new Set(sb.truth().purchase_order_items.map((l) => l.key));
    expect(removed.filter((r) => keys.has(r.key))).toHaveLength(0);
  });
});
