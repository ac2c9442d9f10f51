import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { backoffDelay, createApiClient, type HttpOptions } from '../../src/client/http.js';
import { RateLimiter } from '../../src/client/rate-limiter.js';
import { ApiError } from '../../src/common/errors.js';

const BASE = 'https://api.example.test/api/v1';
const KEY = 'sk-live-SECRET-0123456789';
const warnings: string[] = [];

function client(overrides: Partial<HttpOptions> = {}) {
  return createApiClient({
    baseUrl: BASE,
    apiKey: KEY,
    accountId: 'acct-1',
    userAgent: 'tap-inventory-planner/test',
    timeoutMs: 2000,
    maxRetries: 3,
    retryInitialMs: 10,
    retryMaxMs: 50,
    log: { debug: () => undefined, warn: (m) => warnings.push(m) },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  expect(JSON.stringify({ message: (error as Error).message, line: (error as ApiError).toLine() })).not.toContain(KEY);
  return error as ApiError;
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  expect(nock.pendingMocks()).toEqual([]);
  nock.cleanAll();
  warnings.length = 0;
});

describe('ApiClient', () => {
  it('sends the raw key, the account and a User-Agent, and parses JSON', async () => {
    nock(BASE, { reqheaders: { authorization: KEY, account: 'acct-1', 'user-agent': 'tap-inventory-planner/test' } })
      .get('/purchase-orders')
      .query({ limit: '5', page: '0' })
      .reply(200, { meta: { total: 0 }, 'purchase-orders': [] });
    const api = client();
    expect(await api.getJson('purchase-orders', { limit: 5, page: 0 })).toEqual({
      meta: { total: 0 },
      'purchase-orders': [],
    });
    expect(api.stats).toMatchObject({ requests: 1, retries: 0 });
    expect(api.stats.bytes).toBeGreaterThan(10);
  });

  it('retries 500, 502/503 HTML pages and connection resets, then succeeds', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .reply(500, { result: { status: 'error', message: 'oops' } })
      .get('/purchase-orders')
      .reply(502, '<html>Bad gateway</html>', { 'content-type': 'text/html' })
      .get('/purchase-orders')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
      .get('/purchase-orders')
      .reply(200, { ok: true });
    const api = client();
    expect(await api.getJson('purchase-orders')).toEqual({ ok: true });
    expect(api.stats.retries).toBe(3);
    expect(warnings.join('\n')).toMatch(/HTTP 500[\s\S]*HTTP 502[\s\S]*ECONNRESET/);
  });

  it('retry warnings name the host as well as the path', async () => {
    nock(BASE).get('/purchase-orders').reply(503, 'busy').get('/purchase-orders').reply(200, { ok: true });
    await client().getJson('purchase-orders', {});
    expect(warnings).toEqual([
      expect.stringMatching(/^GET api\.example\.test\/api\/v1\/purchase-orders failed with HTTP 503; retry 1 of 3/),
    ]);
  });

  it('a host that does not exist fails at once, naming the host and base_url', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' }));
    const api = client({ maxRetries: 8 });
    const error = await failure(api.getJson('purchase-orders', {}));
    expect(error.toLine()).toBe(
      'API_NETWORK_ERROR: GET /purchase-orders failed: the host api.example.test does not exist (ENOTFOUND). Check base_url (https://api.example.test/api/v1) and the network.',
    );
    expect(api.stats).toMatchObject({ requests: 1, retries: 0 });
    expect(warnings).toEqual([]);
  });

  it('a refused connection fails at once (no retries), naming host and port', async () => {
    // A real refused connection: a port nothing listens on.
    const { createServer } = await import('node:net');
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((r) => server.close(() => r()));
    nock.enableNetConnect('127.0.0.1');
    try {
      const api = client({ baseUrl: `http://127.0.0.1:${port}/api/v1`, maxRetries: 8, retryInitialMs: 1000 });
      const error = await failure(api.getJson('purchase-orders', {}));
      expect(error.toLine()).toMatch(
        new RegExp(
          `^API_NETWORK_ERROR: GET /purchase-orders failed: nothing accepts connections at 127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)\\. Check base_url \\(http://127\\.0\\.0\\.1:${port}/api/v1\\); for the sandbox, start it first`,
        ),
      );
      expect(api.stats).toMatchObject({ requests: 1, retries: 0 });
    } finally {
      nock.disableNetConnect();
    }
  });

  it('honours Retry-After on 429', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .reply(429, { result: { status: 'error' } }, { 'retry-after': '1' })
      .get('/purchase-orders')
      .reply(200, { ok: true });
    const started = Date.now();
    await client().getJson('purchase-orders');
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('retries a response slower than the timeout', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .delay(500)
      .reply(200, { slow: true })
      .get('/purchase-orders')
      .reply(200, { slow: false });
    expect(await client({ timeoutMs: 100 }).getJson('purchase-orders')).toEqual({ slow: false });
  });

  it('gives up after max_retries with a clear error', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .times(4)
      .reply(503, '<html>Service unavailable</html>', { 'content-type': 'text/html' });
    const error = await failure(client().getJson('purchase-orders'));
    expect(error.code).toBe('API_HTTP_ERROR');
    expect(error.message).toContain('HTTP 503 after 4 attempt(s)');
  });

  it('401 is fatal at once and says to check the key and account', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .reply(401, { result: { status: 'error', message: 'Invalid API key' } });
    const error = await failure(client().getJson('purchase-orders'));
    expect(error.code).toBe('API_AUTH_FAILED');
    expect(error.toLine()).toMatch(/api_key and account_id/);
  });

  it('403 with an HTML page is reported as a CDN block', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .reply(403, '<!DOCTYPE html><html>Attention Required! | Cloudflare</html>', { 'content-type': 'text/html' });
    const error = await failure(client().getJson('purchase-orders'));
    expect(error.code).toBe('API_AUTH_FAILED');
    expect(error.message).toMatch(/CDN/);
  });

  it('a 200 with a body that is not JSON is a clear error', async () => {
    nock(BASE).get('/purchase-orders').reply(200, '<html>maintenance</html>', { 'content-type': 'text/html' });
    const error = await failure(client().getJson('purchase-orders'));
    expect(error.code).toBe('API_NOT_JSON');
    expect(error.message).toContain('text/html');
  });

  it('404 is not retried', async () => {
    nock(BASE)
      .get('/purchase-orders/x')
      .reply(404, { result: { status: 'error', message: 'Failed to find purchase-order x' } });
    const error = await failure(client().getJson('purchase-orders/x'));
    expect(error.status).toBe(404);
  });

  it('a 404 says to check base_url, another 4xx to check the request settings', async () => {
    nock(BASE)
      .get('/purchase-orders')
      .reply(404, { result: { status: 'error', message: 'Not found' } });
    expect((await failure(client().getJson('purchase-orders'))).toLine()).toMatch(
      /HTTP 404.*Check base_url: it must be the API root, ending in \/api\/v1/,
    );
    nock(BASE)
      .get('/purchase-orders')
      .reply(400, { result: { status: 'error', message: 'Bad filter' } });
    expect((await failure(client().getJson('purchase-orders'))).toLine()).toMatch(
      /HTTP 400.*Check the request settings\.$/,
    );
  });

  it('reports one metric attempt per HTTP attempt with endpoint and status', async () => {
    nock(BASE).get('/purchase-orders').reply(500, {}).get('/purchase-orders').reply(200, {});
    const attempts: unknown[] = [];
    await client({ onAttempt: (a) => attempts.push(a) }).getJson('purchase-orders');
    expect(attempts).toMatchObject([
      { endpoint: '/api/v1/purchase-orders', status: 500, ok: false },
      { endpoint: '/api/v1/purchase-orders', status: 200, ok: true },
    ]);
  });
});

describe('backoff and rate limit', () => {
  it('backoff grows exponentially with jitter and is capped', () => {
    expect(backoffDelay(1, 1000, 60_000, () => 0)).toBe(500);
    expect(backoffDelay(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(backoffDelay(4, 1000, 60_000, () => 1)).toBe(8000);
    expect(backoffDelay(20, 1000, 60_000, () => 1)).toBe(60_000);
  });

  it('RateLimiter spaces requests', async () => {
    const limiter = new RateLimiter(20);
    const started = Date.now();
    for (let i = 0; i < 5; i++) await limiter.take();
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });
});
