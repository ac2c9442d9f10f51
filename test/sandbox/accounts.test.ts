// Several accounts behind one sandbox: the Account header chooses whose data a request sees; each
// account's data, edits, options and counters are its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { admin, api, authHeaders, type Json } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 40, accountId: 'acme' }, [{ accountId: 'birch', orders: 25 }]);
});
afterAll(() => sb.close());

const ordersOf = async (account: string): Promise<Json[]> => {
  const a = await api(sb, '/purchase-orders?limit=1000', { headers: { ...authHeaders(sb), Account: account } });
  expect(a.status).toBe(200);
  return a.json['purchase-orders'] as Json[];
};

describe('accounts', () => {
  it('serves each account its own orders, with no order id shared', async () => {
    const acme = await ordersOf('acme');
    const birch = await ordersOf('birch');
    expect(acme.length).toBe(40);
    expect(birch.length).toBe(25);
    const acmeIds = new Set(acme.map((o) => o.id as string));
    expect(birch.filter((o) => acmeIds.has(o.id as string))).toEqual([]);
    expect(
      sb
        .account('birch')
        .truth()
        .purchase_orders.map((r) => r.purchase_order_id)
        .sort(),
    ).toEqual(birch.map((o) => o.id).sort());
    expect(
      new Set(
        sb
          .account('birch')
          .truth()
          .purchase_order_items.map((r) => r._account_id),
      ),
    ).toEqual(new Set(['birch']));
    expect(new Set(sb.truth().purchase_orders.map((r) => r._account_id))).toEqual(new Set(['acme']));
  });

  it('refuses an account it does not serve (401)', async () => {
    const a = await api(sb, '/purchase-orders', { headers: { ...authHeaders(sb), Account: 'cedar' } });
    expect(a.status).toBe(401);
    expect(() => sb.account('cedar')).toThrow(/no account cedar/);
    expect((await admin(sb, 'GET', 'stats?account=cedar')).status).toBe(404);
  });

  it('keeps edits, switches and counters per account', async () => {
    const before = await ordersOf('acme');
    sb.account('birch').edit(5, 2);
    sb.account('birch').resetStats();
    expect(await ordersOf('acme')).toEqual(before);
    expect((await ordersOf('birch')).length).toBe(27);
    expect(sb.account('birch').stats().listRequests).toBe(1);

    expect((await admin(sb, 'PATCH', 'config?account=birch', { faultRate: 1, faultKinds: ['500'] })).status).toBe(200);
    try {
      expect((await api(sb, '/purchase-orders', { headers: { ...authHeaders(sb), Account: 'birch' } })).status).toBe(
        500,
      );
      expect((await api(sb, '/purchase-orders')).status).toBe(200);
      expect((await admin(sb, 'GET', 'stats?account=birch')).json.statusCounts).toMatchObject({ 500: 1 });
    } finally {
      sb.account('birch').configure({ faultRate: 0 });
    }
  });
});
