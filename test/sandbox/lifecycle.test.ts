import { describe, expect, it } from 'vitest';
import { startSandbox } from '../../sandbox/server.js';
import { api, authHeaders, list } from './helpers.js';

describe('close()', () => {
  it('returns promptly with a slow request in flight', async () => {
    const sb = await startSandbox({ orders: 10, faultRate: 1, faultKinds: ['slow'], slowMs: 30_000 });
    const inFlight = fetch(`${sb.baseUrl}/purchase-orders`, { headers: authHeaders(sb) }).then(
      () => 'answered',
      () => 'failed',
    );
    await new Promise((r) => setTimeout(r, 100));
    const t = Date.now();
    await sb.close();
    expect(Date.now() - t).toBeLessThan(1000);
    expect(await inFlight).toBe('failed');
  });

  it('also with an idle keep-alive connection open', async () => {
    const sb = await startSandbox({ orders: 10 });
    expect((await api(sb, '/purchase-orders?limit=1')).status).toBe(200);
    const t = Date.now();
    await sb.close();
    expect(Date.now() - t).toBeLessThan(1000);
  });
});

describe('a 1,000,000-order instance', () => {
  it('starts and serves 1000-order pages of the tap query', async () => {
    const t0 = performance.now();
    const sb = await startSandbox({ orders: 1_000_000, itemsPerOrder: 10 });
    const started = performance.now() - t0;
    try {
      const since = '2022-06-01T00:00:00+00:00';
      const probe = await list(sb, { last_modified_gte: since, last_modified_sort: 'asc', limit: 1, page: 0 });
      const total = probe.meta.total as number;
      expect(total).toBeGreaterThan(100_000);
      expect(total).toBeLessThan(1_000_000);
      const timings: number[] = [];
      let page = { meta: {} as Record<string, unknown>, 'purchase-orders': [] as Record<string, any>[] };
      let bytes = 0;
      for (const p of [0, 57, 300]) {
        const t = performance.now();
        const res = await fetch(
          `${sb.baseUrl}/purchase-orders?last_modified_gte=${encodeURIComponent(since)}` +
            `&last_modified_sort=asc&limit=1000&page=${p}`,
          { headers: authHeaders(sb) },
        );
        const text = await res.text();
        timings.push(performance.now() - t);
        bytes = text.length;
        page = JSON.parse(text);
        expect(page['purchase-orders']).toHaveLength(1000);
        expect(page.meta).toMatchObject({ total, count: 1000, start: p * 1000 });
      }
      const orders = page['purchase-orders'];
      for (let k = 1; k < orders.length; k++)
        expect(Date.parse(orders[k]!.last_modified)).toBeGreaterThanOrEqual(Date.parse(orders[k - 1]!.last_modified));
      expect(Date.parse(orders[0]!.last_modified)).toBeGreaterThanOrEqual(Date.parse(since));
      const last = await list(sb, { last_modified_gte: since, last_modified_sort: 'asc', limit: 1, page: total - 1 });
      expect(last.meta.count).toBe(1);
      expect(
        (await list(sb, { last_modified_gte: since, last_modified_sort: 'asc', limit: 1, page: total })).meta.count,
      ).toBe(0);
      const t = performance.now();
      const projected = await api(
        sb,
        `/purchase-orders?last_modified_gte=${encodeURIComponent(since)}&last_modified_sort=asc&limit=1000&page=3` +
          '&fields=id,last_modified,items.id,items.sku',
      );
      const projectedMs = performance.now() - t;
      expect(projected.json['purchase-orders']).toHaveLength(1000);
      console.log(
        `1M orders: start ${started.toFixed(0)} ms, rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB; ` +
          `1000-order page ${timings.map((x) => x.toFixed(0)).join('/')} ms, ${(bytes / 1e6).toFixed(1)} MB; ` +
          `projected page ${projectedMs.toFixed(0)} ms, ${(projected.text.length / 1e6).toFixed(2)} MB`,
      );
    } finally {
      await sb.close();
    }
  });
});
