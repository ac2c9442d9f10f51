// The sandbox switches of issue 12 (values and shapes): future timestamps, odd values, items keyed by
// position, repeated line ids. What the tap makes of them is tested in test/e2e/quirks-sync.test.ts.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FUTURE_SEC } from '../../sandbox/order-times.js';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type Json, allOrders, api, list } from './helpers.js';

let sb: Sandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

const FUTURE = new Date(FUTURE_SEC * 1000).toISOString();
const lms = (orders: Json[]) => orders.map((o) => new Date(Date.parse(o.last_modified)).toISOString());

describe('futureOrders', () => {
  it(
    'stamps that many orders from 2099 on, sorted last; ' + 'later edits take the real clock and sort before them',
    async () => {
      sb = await startSandbox({ orders: 200, seed: 3, futureOrders: 3 });
      const sorted = lms((await list(sb, { limit: 1000, last_modified_sort: 'asc' }))['purchase-orders']);
      expect(sorted.slice(-3)).toEqual([0, 1, 2].map((k) => new Date((FUTURE_SEC + k) * 1000).toISOString()));
      expect(sorted.slice(0, -3).every((lm) => lm < '2025-01-01')).toBe(true);
      const before = Date.now();
      sb.edit(5, 1);
      const after = lms((await list(sb, { limit: 1000, last_modified_sort: 'asc' }))['purchase-orders']);
      const future = after.filter((lm) => lm >= FUTURE).length; // an edit may have picked a future order
      const edited = after.slice(-6 - future, after.length - future);
      expect(
        edited.every((lm) => Date.parse(lm) >= Math.floor(before / 1000) * 1000 && Date.parse(lm) <= Date.now()),
        edited.join(),
      ).toBe(true);
      expect(after.slice(0, -6 - future).every((lm) => Date.parse(lm) < before)).toBe(true);
      expect(
        (await list(sb, { limit: 1000, last_modified_gte: new Date(before - 1000).toISOString() }))['purchase-orders'],
      ).toHaveLength(6 + future);
      expect(sb.truth().purchase_orders.filter((r) => String(r.last_modified) >= FUTURE)).toHaveLength(future);
    },
  );

  it('is off by default: the data is the same as without it', async () => {
    sb = await startSandbox({ orders: 50, seed: 3 });
    const plain = sb.truth();
    await sb.close();
    sb = await startSandbox({
      orders: 50,
      seed: 3,
      futureOrders: 0,
      oddValueRate: 0,
      duplicateLineRate: 0,
      itemsAsObject: 0,
    });
    expect(sb.truth()).toEqual(plain);
  });
});

describe('oddValueRate', () => {
  it(
    'puts odd values into the chosen columns of that share of orders, 1e400 written raw, ' + 'with their truth',
    async () => {
      sb = await startSandbox({
        orders: 300,
        seed: 4,
        oddValueRate: 0.5,
        oddColumns: ['total_ordered', 'items.cost_price'],
      });
      const { text } = await api(sb, '/purchase-orders?limit=1000');
      expect(text).toMatch(/"total_ordered":1e400/);
      const orders = JSON.parse(text)['purchase-orders'] as Json[];
      const truth = new Map(sb.truth().purchase_orders.map((r) => [r.purchase_order_id, r]));
      const odd = orders.filter((o) =>
        typeof o.total_ordered === 'number'
          ? !Number.isFinite(o.total_ordered)
          : !/^\d*$/.test(String(o.total_ordered)),
      );
      expect(odd.length).toBeGreaterThan(100);
      expect(odd.length).toBeLessThan(200);
      for (const o of odd) {
        const expected = o.total_ordered === '1,234.50' ? 1234.5 : null;
        expect(truth.get(o.id)!.total_ordered, JSON.stringify(o.total_ordered)).toBe(expected);
      }
      const counts = sb.unreadableValues();
      expect(Object.keys(counts).sort()).toEqual(['purchase_order_items.cost_price', 'purchase_orders.total_ordered']);
      expect(counts['purchase_orders.total_ordered']).toBe(odd.filter((o) => o.total_ordered !== '1,234.50').length);
    },
  );
});

describe('items shapes', () => {
  it(
    'itemsAsObject sends items keyed by position, in the list, with fields= and for one order; ' +
      'the truth is unchanged',
    async () => {
      sb = await startSandbox({ orders: 40, seed: 5, itemsAsObject: 1 });
      const truth = sb.truth();
      for (const orders of [await allOrders(sb), await allOrders(sb, { fields: 'id,last_modified,items.id' })]) {
        for (const o of orders) {
          expect(Array.isArray(o.items)).toBe(false);
          expect(Object.keys(o.items)).toEqual(Object.keys(o.items).map((_, k) => String(k)));
        }
      }
      const one = (await api(sb, `/purchase-orders/${(await allOrders(sb))[0]!.id}`)).json['purchase-order'];
      expect(Object.keys(one.items)[0]).toBe('0');
      sb.configure({ itemsAsObject: 0 });
      expect(Array.isArray((await allOrders(sb))[0]!.items)).toBe(true);
      expect(sb.truth()).toEqual(truth);
    },
  );

  it(
    "duplicateLineRate repeats the first line's item id; the truth keeps every line under the documented " + 'keys',
    async () => {
      sb = await startSandbox({ orders: 30, seed: 6, duplicateLineRate: 1 });
      const orders = await allOrders(sb);
      const md5 = (t: string) => createHash('md5').update(t).digest('hex');
      const expected = orders.flatMap((o) =>
        (o.items as Json[]).map((item, j) => md5(o.id + item.id + (j === o.items.length - 1 ? '#2' : ''))),
      );
      for (const o of orders) expect(o.items.at(-1).id).toBe(o.items[0].id);
      expect(
        sb
          .truth()
          .purchase_order_items.map((r) => r.key)
          .sort(),
      ).toEqual(expected.sort());
    },
  );
});
