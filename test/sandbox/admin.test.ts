import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { admin, api, list } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 30 });
});
afterAll(() => sb.close());

describe('admin endpoints', () => {
  it('GET and PATCH /__admin/config change switches at run time', async () => {
    expect((await admin(sb, 'GET', 'config')).json).toMatchObject({
      orders: 30,
      seed: 1,
      faultRate: 0,
      apiKey: 'sandbox-key',
    });
    const patched = await admin(sb, 'PATCH', 'config', { faultRate: 1, faultKinds: ['500'] });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ faultRate: 1, faultKinds: ['500'] });
    expect((await api(sb, '/purchase-orders')).status).toBe(500);
    await admin(sb, 'PATCH', 'config', { faultRate: 0 });
    expect((await api(sb, '/purchase-orders')).status).toBe(200);
  });

  it('rejects bad values and options fixed at start with 400', async () => {
    for (const body of [{ faultRate: 2 }, { seed: 5 }, { orders: 10 }, { faultKinds: ['boom'] }, { nonsense: true }]) {
      const a = await admin(sb, 'PATCH', 'config', body);
      expect(a.status).toBe(400);
      expect(a.json.result.status).toBe('error');
    }
    expect(() => sb.configure({ seed: 2 })).toThrow(/fixed/);
  });

  it('is never faulted, delayed or rate limited', async () => {
    sb.configure({ faultRate: 1, faultKinds: ['reset'], latencyMs: 2000, rateLimitPerSecond: 1 });
    try {
      const t = Date.now();
      for (let k = 0; k < 3; k++) expect((await admin(sb, 'GET', 'stats')).status).toBe(200);
      expect(Date.now() - t).toBeLessThan(1500);
    } finally {
      sb.configure({ faultRate: 0, latencyMs: 0, rateLimitPerSecond: 0 });
    }
  });

  it('POST /__admin/edit applies an edit event', async () => {
    const before = (await list(sb, { limit: 1 })).meta.total;
    const a = await admin(sb, 'POST', 'edit', { count: 2, create: 3 });
    expect(a.status).toBe(200);
    expect((await list(sb, { limit: 1 })).meta.total).toBe(before + 3);
    expect(sb.stats()).toMatchObject({ edits: 2, created: 3 });
  });

  it('GET /__admin/stats counts requests and bytes; POST /__admin/stats/reset clears them', async () => {
    await admin(sb, 'POST', 'stats/reset');
    const a = await api(sb, '/purchase-orders?limit=5');
    await api(sb, '/purchase-orders/nope');
    const stats = (await admin(sb, 'GET', 'stats')).json;
    expect(stats).toMatchObject({ requests: 2, listRequests: 1, faultsTotal: 0, statusCounts: { '200': 1, '404': 1 } });
    expect(stats.bytesSent).toBeGreaterThanOrEqual(Buffer.byteLength(a.text));
    expect((await admin(sb, 'POST', 'stats/reset')).json).toMatchObject({ requests: 0, bytesSent: 0 });
    expect(sb.stats().requests).toBe(0);
  });

  it('answers 404 for unknown admin paths', async () => {
    expect((await admin(sb, 'GET', 'nothing')).status).toBe(404);
  });
});

describe('latency', () => {
  it('adds latencyMs to API requests', async () => {
    sb.configure({ latencyMs: 250 });
    try {
      const t = Date.now();
      expect((await api(sb, '/purchase-orders?limit=1')).status).toBe(200);
      expect(Date.now() - t).toBeGreaterThanOrEqual(240);
    } finally {
      sb.configure({ latencyMs: 0 });
    }
  });
});
