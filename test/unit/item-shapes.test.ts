// Shapes of items (issue 12, item 6): an object keyed by position is a list of lines, and lines that share an
// item id each keep a row under a key of the documented rule.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { missingFields, unrequestedFields } from '../../src/client/projection.js';
import { toPurchaseOrderItemRows } from '../../src/streams/purchase-order-items.js';
import { listOf } from '../../src/values/coercions.js';
import { recordError } from '../helpers/errors.js';

const CONTEXT = { accountId: 'acct-4821', syncedAt: '2024-03-07T08:00:00.000Z' };
const ORDER_ID = '65e5b7a2c1f04d3a9b8e7f10';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const line = (id: string, n: number) => ({ id, sku: `SKU-${n}`, replenishment: n, cost_price: '8.50' });
const order = (items: unknown) => ({ id: ORDER_ID, last_modified: '2024-03-06T14:12:09+00:00', items });

describe('listOf', () => {
  it('takes arrays, {} and objects keyed by position (in position order), and nothing else', () => {
    expect(listOf([1, 2])).toEqual([1, 2]);
    expect(listOf({})).toEqual([]);
    expect(listOf({ 1: 'b', 0: 'a', 10: 'k', 2: 'c' })).toEqual(['a', 'b', 'c', 'k']);
    for (const bad of [{ a: 1 }, { '01': 1 }, { '-1': 1 }, 'three widgets', 3, null, true])
      expect(listOf(bad), JSON.stringify(bad)).toBeUndefined();
  });
});

describe('items as an object keyed by position', () => {
  it('gives the same rows as the array', () => {
    const lines = [line('a', 1), line('b', 2), line('c', 3)];
    const rows = toPurchaseOrderItemRows(order(lines), CONTEXT);
    expect(rows).toHaveLength(3);
    expect(toPurchaseOrderItemRows(order({ 0: lines[0], 1: lines[1], 2: lines[2] }), CONTEXT)).toEqual(rows);
    expect(toPurchaseOrderItemRows(order({ 2: lines[2], 0: lines[0], 1: lines[1] }), CONTEXT)).toEqual(rows);
  });

  it('anything else that is not a list still stops the run', () => {
    const error = recordError(() => toPurchaseOrderItemRows(order({ first: line('a', 1) }), CONTEXT));
    expect(error.message).toBe(`purchase_order_items of purchase_order_id="${ORDER_ID}": items is not a list.`);
  });

  it('projection checks see the lines of the object form (none missing, none unrequested)', () => {
    const full = order({ 0: line('a', 1), 1: line('b', 2) });
    const projected = order({ 0: { id: 'a', sku: 'SKU-1' }, 1: { id: 'b', sku: 'SKU-2' } });
    const fields = ['id', 'last_modified', 'items.id', 'items.sku'];
    expect(missingFields(projected, full, fields)).toEqual([]);
    expect(missingFields(order({ 0: { id: 'a' }, 1: { id: 'b' } }), full, fields)).toEqual(['items.sku']);
    expect(missingFields(order([{ id: 'a' }]), order([line('a', 1)]), fields)).toEqual(['items.sku']);
    expect(unrequestedFields(full, fields)).toEqual(['items.replenishment', 'items.cost_price']);
  });
});

describe('lines that share an item id', () => {
  it(
    'each keep a row: the first under md5(order id + item id), the k-th under md5(order id + item id + "#k"), ' +
      'with a notice',
    () => {
      const notices: unknown[][] = [];
      const context = { ...CONTEXT, onDuplicateLines: (...args: unknown[]) => notices.push(args) };
      const rows = toPurchaseOrderItemRows(order([line('a', 1), line('b', 2), line('a', 3), line('a', 4)]), context);
      expect(rows.map((r) => [r.purchase_order_item_id, r.replenishment, r.key])).toEqual([
        ['a', 1, md5(`${ORDER_ID}a`)],
        ['b', 2, md5(`${ORDER_ID}b`)],
        ['a', 3, md5(`${ORDER_ID}a#2`)],
        ['a', 4, md5(`${ORDER_ID}a#3`)],
      ]);
      expect(notices).toEqual([[`purchase_order_id="${ORDER_ID}"`, ['a'], 2]]);
      // Stable: the same lines give the same keys on every run.
      expect(toPurchaseOrderItemRows(order([line('a', 1), line('b', 2), line('a', 3), line('a', 4)]), CONTEXT)).toEqual(
        rows,
      );
    },
  );

  it('never reuses a key, even when an item id looks like a suffixed one', () => {
    const rows = toPurchaseOrderItemRows(order([line('a', 1), line('a', 2), line('a#2', 3)]), CONTEXT);
    expect(rows.map((r) => r.key)).toEqual([md5(`${ORDER_ID}a`), md5(`${ORDER_ID}a#3`), md5(`${ORDER_ID}a#2`)]);
  });

  it('no notice when the ids are distinct', () => {
    const notices: unknown[] = [];
    toPurchaseOrderItemRows(order([line('a', 1), line('b', 2)]), {
      ...CONTEXT,
      onDuplicateLines: () => notices.push(1),
    });
    expect(notices).toEqual([]);
  });
});
