import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import type { FaultKind } from '../../sandbox/options.js';
import { api, authHeaders } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 50 });
});
afterAll(() => sb.close());
afterEach(() => sb.configure({ faultRate: 0, rateLimitPerSecond: 0, retryAfterSeconds: 1 }));

const only = (kind: FaultKind, extra: Record<string, unknown> = {}): void =>
  sb.configure({ faultRate: 1, faultKinds: [kind], ...extra });

describe('faults', () => {
  it('429 carries Retry-After and a JSON error body', async () => {
    only('429', { retryAfterSeconds: 7 });
    const a = await api(sb, '/purchase-orders');
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(a.json.result.status).toBe('error');
  });

  it('500 has a JSON error body', async () => {
    only('500');
    const a = await api(sb, '/purchase-orders');
    expect(a.status).toBe(500);
    expect(a.json.result.status).toBe('error');
  });

  it.each(['502', '503'] as const)('%s answers an HTML page', async (kind) => {
    only(kind);
    const a = await api(sb, '/purchase-orders');
    expect(a.status).toBe(Number(kind));
    expect(a.headers.get('content-type')).toContain('text/html');
    expect(a.text).toMatch(/<html>.*(Bad gateway|Unavailable)/is);
  });

  it('reset destroys the socket: the client sees a network error', async () => {
    only('reset');
    await expect(fetch(`${sb.baseUrl}/purchase-orders`, { headers: authHeaders(sb) })).rejects.toThrow();
  });

  it('truncate promises the full length but sends about half', async () => {
    only('truncate');
    const res = await fetch(`${sb.baseUrl}/purchase-orders?limit=20`, { headers: authHeaders(sb) });
    expect(res.status).toBe(200);
    const announced = Number(res.headers.get('content-length'));
    expect(announced).toBeGreaterThan(1000);
    await expect(res.text()).rejects.toThrow();
  });

  it('slow stalls past a short client timeout, but answers a patient client', async () => {
    only('slow', { slowMs: 1500 });
    const started = Date.now();
    await expect(api(sb, '/purchase-orders', { timeoutMs: 200 })).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(1400);
    sb.configure({ slowMs: 300 });
    const t = Date.now();
    const a = await api(sb, '/purchase-orders?limit=1', { timeoutMs: 5000 });
    expect(a.status).toBe(200);
    expect(Date.now() - t).toBeGreaterThanOrEqual(290);
  });

  it('hits about faultRate of the requests, spread over the kinds, and counts them', async () => {
    sb.resetStats();
    sb.configure({ faultRate: 0.5, faultKinds: ['500', '503'] });
    const statuses: number[] = [];
    for (let k = 0; k < 60; k++) statuses.push((await api(sb, '/purchase-orders?limit=1')).status);
    const s = sb.stats();
    expect(s.faultsTotal).toBe(statuses.filter((x) => x !== 200).length);
    expect(s.faultsTotal).toBeGreaterThan(15);
    expect(s.faultsTotal).toBeLessThan(45);
    expect(s.faults['500']).toBe(statuses.filter((x) => x === 500).length);
    expect(s.faults['503']).toBe(statuses.filter((x) => x === 503).length);
    expect(s.faults['500']).toBeGreaterThan(0);
    expect(s.faults['503']).toBeGreaterThan(0);
    expect(s.statusCounts['200']).toBe(60 - s.faultsTotal);
    expect(s.requests).toBe(60);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After above the per-second limit', async () => {
    sb.configure({ rateLimitPerSecond: 3, retryAfterSeconds: 2 });
    const answers = await Promise.all(Array.from({ length: 10 }, () => api(sb, '/purchase-orders?limit=1')));
    const limited = answers.filter((a) => a.status === 429);
    const ok = answers.filter((a) => a.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(3);
    expect(ok.length).toBeLessThanOrEqual(6); // at most two one-second windows
    expect(limited.length).toBe(10 - ok.length);
    for (const a of limited) expect(a.headers.get('retry-after')).toBe('2');
  });
});
