// getJsonSized: the size of a body, and a body over maxBytes abandoned as it arrives (pages sized by bytes).
import { Readable } from 'node:stream';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApiClient } from '../../src/client/http/client.js';
import { ResponseTooLargeError } from '../../src/client/http/api-errors.js';

const BASE = 'https://api.example.test/api/v1';
const client = () =>
  createApiClient({
    baseUrl: BASE,
    apiKey: 'k',
    accountId: 'a',
    userAgent: 'tap-inventory-planner/test',
    timeoutMs: 2000,
    maxRetries: 2,
    retryInitialMs: 10,
    retryMaxMs: 50,
    log: { debug: () => undefined, warn: () => undefined },
  });
const body = JSON.stringify({ meta: {}, 'purchase-orders': [{ id: '1', pad: 'x'.repeat(200_000) }] });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('ApiClient.getJsonSized', () => {
  it('returns the body with its size in bytes', async () => {
    nock(BASE).get('/purchase-orders').reply(200, body, { 'content-type': 'application/json' });
    const { body: parsed, bytes } = await client().getJsonSized!('purchase-orders', {}, 1_000_000);
    expect(bytes).toBe(body.length);
    expect((parsed as { 'purchase-orders': unknown[] })['purchase-orders']).toHaveLength(1);
  });

  it(
    'abandons a body over maxBytes: at once from Content-Length, or once that many bytes arrived; ' + 'not retried',
    async () => {
      nock(BASE)
        .get('/purchase-orders')
        .reply(200, body, { 'content-type': 'application/json', 'content-length': String(body.length) });
      await expect(client().getJsonSized!('purchase-orders', {}, 50_000)).rejects.toMatchObject({
        constructor: ResponseTooLargeError,
        bytes: body.length,
        complete: true,
      });
      // chunked: no Content-Length, the body arrives in parts
      nock(BASE)
        .get('/purchase-orders')
        .reply(
          200,
          () => Readable.from(Array.from({ length: 20 }, (_, i) => body.slice(i * 10_050, (i + 1) * 10_050))),
          {
            'content-type': 'application/json',
          },
        );
      const error = await client().getJsonSized!('purchase-orders', {}, 50_000).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseTooLargeError);
      expect(error).toMatchObject({ complete: false });
      expect((error as ResponseTooLargeError).bytes).toBeGreaterThan(50_000);
      expect(nock.pendingMocks()).toEqual([]);
    },
  );
});
