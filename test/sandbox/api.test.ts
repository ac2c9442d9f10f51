import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { allOrders, api, authHeaders, ids, list, rawGet } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 250, seed: 7 });
});
afterAll(() => sb.close());

describe('list envelope and paging', () => {
  it('answers the documented envelope with meta', async () => {
    const env = await list(sb, { limit: 10, page: 2 });
    expect(env.meta).toEqual({
      name: 'purchase-orders',
      display_name: 'purchase orders',
      total: 250,
      count: 10,
      limit: 10,
      page: 2,
      start: 20,
      end: 30,
    });
    expect(env['purchase-orders']).toHaveLength(10);
  });

  it('defaults to page 0 and limit 100', async () => {
    const env = await list(sb);
    expect(env.meta).toMatchObject({ page: 0, limit: 100, start: 0, count: 100, total: 250 });
  });

  it('pages are 0-based, disjoint and cover every order once', async () => {
    const pages = await Promise.all([0, 1, 2].map((page) => list(sb, { limit: 100, page })));
    const all = pages.flatMap(ids);
    expect(all).toHaveLength(250);
    expect(new Set(all).size).toBe(250);
    expect(pages[2]!.meta).toMatchObject({ count: 50, start: 200, end: 250 });
    expect(ids(pages[0]!)).toEqual(ids(await list(sb, { limit: 100 })));
  });

  it('caps limit at 1000', async () => {
    const big = await startSandbox({ orders: 1500 });
    try {
      const env = await list(big, { limit: 5000 });
      expect(env.meta.limit).toBe(1000);
      expect(env['purchase-orders']).toHaveLength(1000);
    } finally {
      await big.close();
    }
  });

  it('answers an empty list past the end', async () => {
    const env = await list(sb, { limit: 100, page: 7 });
    expect(env['purchase-orders']).toEqual([]);
    expect(env.meta).toMatchObject({ total: 250, count: 0, start: 700, end: 700 });
  });
});

describe('order objects', () => {
  it('carry the real field set and embedded items', async () => {
    const orders = await allOrders(sb);
    for (const o of orders) {
      expect(o.id).toMatch(/^[0-9a-f]{24}$/);
      expect(o.reference).toMatch(/^\d+$/);
      expect(['open', 'sent', 'draft', 'closed', 'cancelled', 'partial']).toContain(o.status);
      expect(o.last_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
      expect(o.created_date).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(o.warehouse).toMatch(/^c\d+_\d+$/);
      expect(o.tax_info).toEqual({});
      expect(o.history).toEqual([]);
      expect(o.items.length).toBeGreaterThan(0);
      const itemIds = o.items.map((i: { id: string }) => i.id);
      expect(new Set(itemIds).size).toBe(itemIds.length);
      for (const item of o.items) expect(item.id).toMatch(/^c\d+_\d+$/);
    }
    expect(Object.keys(orders[0]!).length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(orders[0]!.items[0]).length).toBeGreaterThanOrEqual(40);
  });

  it('shows the documented quirks at realistic rates', async () => {
    const orders = await allOrders(sb);
    const items = orders.flatMap((o) => o.items as Record<string, unknown>[]);
    const share = (pred: (x: Record<string, unknown>) => boolean, rows: Record<string, unknown>[]): number =>
      rows.filter(pred).length / rows.length;
    expect(share((i) => typeof i.cost_price === 'string' && i.cost_price !== '', items)).toBeGreaterThan(0.05);
    expect(share((i) => i.cost_price === '', items)).toBeGreaterThan(0.002);
    expect(share((i) => !('vendor_name' in i), items)).toBeGreaterThan(0.15);
    expect(share((o) => !('received_date' in o), orders)).toBeGreaterThan(0.3);
    expect(share((o) => o.type === '' || !('type' in o), orders)).toBeGreaterThan(0);
    expect(share((o) => !String(o.last_modified).endsWith('+00:00'), orders)).toBeGreaterThan(0.03);
    expect(items.some((i) => typeof i.cost_price === 'string' && /^\d+\.\d\d$/.test(i.cost_price as string))).toBe(
      true,
    );
  });

  it('serves one order by id', async () => {
    const [first] = await allOrders(sb);
    const one = await api(sb, `/purchase-orders/${first!.id}`);
    expect(one.status).toBe(200);
    expect(one.json['purchase-order']).toEqual(first);
  });
});

describe('errors', () => {
  it('answers 401 with the error body for a wrong key or account', async () => {
    for (const headers of [
      { ...authHeaders(sb), Authorization: 'wrong' },
      { ...authHeaders(sb), Account: 'other' },
      { 'User-Agent': 'x' },
      { ...authHeaders(sb), Authorization: `Bearer ${sb.apiKey}` },
    ]) {
      const a = await api(sb, '/purchase-orders', { headers: headers as Record<string, string> });
      expect(a.status).toBe(401);
      expect(a.json).toEqual({ result: { status: 'error', message: 'Invalid API key or account' } });
    }
  });

  it('answers 404 with the error shape for an unknown id or path', async () => {
    for (const path of [
      '/purchase-orders/000000000000000000000000',
      '/purchase-orders/nope',
      '/products',
      '/variants/nope',
    ]) {
      const a = await api(sb, path);
      expect(a.status).toBe(404);
      expect(a.json.result.status).toBe('error');
      expect(typeof a.json.result.message).toBe('string');
    }
  });

  it('blocks requests without a User-Agent with a 403 HTML page', async () => {
    const r = await rawGet(`${sb.baseUrl}/purchase-orders`, { Authorization: sb.apiKey, Account: sb.accountId });
    expect(r.status).toBe(403);
    expect(r.headers['content-type']).toContain('text/html');
    expect(r.body).toContain('<html>');
  });

  it('lets UA-less requests through when requireUserAgent is off', async () => {
    sb.configure({ requireUserAgent: false });
    try {
      const r = await rawGet(`${sb.baseUrl}/purchase-orders?limit=1`, {
        Authorization: sb.apiKey,
        Account: sb.accountId,
      });
      expect(r.status).toBe(200);
      expect(JSON.parse(r.body).meta.count).toBe(1);
    } finally {
      sb.configure({ requireUserAgent: true });
    }
  });
});
