import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type Json, allOrders, instant, list } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 120, seed: 3 });
});
afterAll(() => sb.close());

const lm = (o: Json): number => instant(o.last_modified as string);
const asc = async (): Promise<Json[]> =>
  (await list(sb, { limit: 1000, last_modified_sort: 'asc' }))['purchase-orders'] as Json[];
const byId = (orders: Json[]): Map<string, Json> => new Map(orders.map((o) => [o.id as string, o]));

describe('edits', () => {
  it('moves edited orders to the end of last_modified order with new values', async () => {
    const before = await asc();
    const maxBefore = Math.max(...before.map(lm));
    sb.edit(3);
    const after = await asc();
    expect(after).toHaveLength(before.length);
    const tail = after.slice(-3);
    const old = byId(before);
    for (const o of tail) {
      const prev = old.get(o.id)!;
      expect(prev).toBeDefined();
      expect(lm(o)).toBeGreaterThan(maxBefore);
      expect(instant(o.updated_at)).toBe(lm(o));
      expect(o.version).toBe(prev.version + 1);
      expect(o.updated_at).not.toBe(prev.updated_at);
    }
    expect(new Set(tail.map(lm)).size).toBe(3); // strictly later, one after another
    // every other order is untouched
    const tailIds = new Set(tail.map((o) => o.id));
    for (const o of after.filter((x) => !tailIds.has(x.id))) expect(o).toEqual(old.get(o.id));
    expect(sb.stats().edits).toBe(3);
  });

  it('repeated edits change business values but never remove items', async () => {
    const before = byId(await allOrders(sb));
    for (let k = 0; k < 6; k++) sb.edit(40);
    const after = await allOrders(sb);
    let changedStatus = 0;
    let changedReceived = 0;
    let addedItems = 0;
    for (const o of after) {
      const prev = before.get(o.id)!;
      const ids = new Set(o.items.map((i: Json) => i.id));
      for (const item of prev.items) expect(ids.has(item.id)).toBe(true);
      if (o.status !== prev.status) changedStatus++;
      if (Number(o.total_received) > Number(prev.total_received)) changedReceived++;
      if (o.items.length > prev.items.length) addedItems++;
      // received never exceeds what was ordered
      for (const item of o.items)
        if ('received' in item && item.received !== '')
          expect(Number(item.received)).toBeLessThanOrEqual(Number(item.replenishment_original));
    }
    expect(changedStatus).toBeGreaterThan(5);
    expect(changedReceived).toBeGreaterThan(2);
    expect(addedItems).toBeGreaterThan(0);
  });

  it('create adds new orders after all others and grows the total', async () => {
    const before = await asc();
    const maxBefore = Math.max(...before.map(lm));
    sb.edit(0, 4);
    const after = await asc();
    expect(after).toHaveLength(before.length + 4);
    const fresh = after.slice(-4);
    const old = new Set(before.map((o) => o.id));
    for (const o of fresh) {
      expect(old.has(o.id)).toBe(false);
      expect(lm(o)).toBeGreaterThan(maxBefore);
      expect(o.created_at).toBeDefined();
    }
    expect((await list(sb, { limit: 1 })).meta.total).toBe(before.length + 4);
    const one = await fetch(`${sb.baseUrl}/purchase-orders/${fresh[0]!.id}`, {
      headers: { 'User-Agent': 't', Authorization: sb.apiKey, Account: sb.accountId },
    });
    expect(one.status).toBe(200);
  });

  it('editEvery applies an edit event before answering every K-th list request', async () => {
    sb.configure({ editEvery: 2, editCount: 2, createCount: 1 });
    try {
      sb.resetStats();
      const first = await asc();
      expect(sb.stats().edits).toBe(0);
      const second = await asc();
      expect(sb.stats()).toMatchObject({ edits: 2, created: 1, listRequests: 2 });
      expect(second).toHaveLength(first.length + 1);
      const maxFirst = Math.max(...first.map(lm));
      expect(second.slice(-3).every((o) => lm(o) > maxFirst)).toBe(true);
    } finally {
      sb.configure({ editEvery: 0 });
    }
  });
});

describe('tie blocks', () => {
  it('gives blocks of consecutive orders one shared last_modified', async () => {
    const tied = await startSandbox({ orders: 200, tieBlockSize: 6, tieBlockCount: 3 });
    try {
      const orders = (await list(tied, { limit: 1000, last_modified_sort: 'asc' }))['purchase-orders'] as Json[];
      const counts = new Map<number, number>();
      for (const o of orders) counts.set(lm(o), (counts.get(lm(o)) ?? 0) + 1);
      const blocks = [...counts.values()].filter((c) => c >= 6);
      expect(blocks.length).toBe(3);
      const plain = await startSandbox({ orders: 200 });
      const plainOrders = await allOrders(plain);
      await plain.close();
      expect(
        Math.max(...[...new Set(plainOrders.map(lm))].map((t) => plainOrders.filter((o) => lm(o) === t).length)),
      ).toBeLessThan(6);
    } finally {
      await tied.close();
    }
  });
});
