// Records each larger than a response may be (issue 28, item 2): every reader asks again with fewer records,
// down to the fewest a page of its read holds, then ends with one API_PAGE_TOO_LARGE line naming the endpoint's
// record, after a bounded number of requests (the collection reader used to ask for 2 records without end).
import { describe, expect, it } from 'vitest';
import { readCollection } from '../../src/client/collection/collection-reader.js';
import { type CollectionName, ENDPOINTS, type Endpoint } from '../../src/client/endpoints.js';
import { ResponseTooLargeError } from '../../src/client/http/api-errors.js';
import type { ApiClient } from '../../src/client/http/types.js';
import { readIncremental } from '../../src/client/incremental/incremental-reader.js';

const quiet = { info: () => undefined, warn: () => undefined };
const PAD = 'x'.repeat(1_500_000); // each record: 1.5 MB of JSON
const BUDGET = 2_000_000; // a response may take 1 MB (half the budget)
/** Far more than a bounded read needs; the fake stops a read that keeps asking, so the test fails, not hangs. */
const RUNAWAY = 60;

/** A listing of `count` heavy records, served with their size; a response over maxBytes is abandoned. */
function heavyListing(endpoint: Endpoint, count: number, complete: boolean) {
  const limits: number[] = [];
  const records = Array.from({ length: count }, (_, i) => ({
    [endpoint.id]: `r${String(i).padStart(4, '0')}`,
    last_modified: new Date(Date.UTC(2024, 0, 1, 0, 0, i)).toISOString(),
    pad: PAD,
  }));
  const api: ApiClient = {
    stats: { requests: 0, retries: 0, bytes: 0 },
    getJson: async () => {
      throw new Error('the readers ask for pages with their size');
    },
    getJsonSized: async (path, query, maxBytes) => {
      expect(path).toBe(endpoint.path);
      limits.push(Number(query.limit));
      if (limits.length > RUNAWAY) throw new Error(`unbounded: ${limits.length} requests, limits ${limits.slice(-5)}`);
      const start = Number(query.page) * Number(query.limit);
      const rows = records.slice(start, start + Number(query.limit));
      const body = {
        meta: { total: count, count: rows.length, limit: Number(query.limit), start },
        [endpoint.list]: rows,
      };
      const bytes = JSON.stringify(body).length;
      // Without Content-Length the client stops at what has arrived: a little over the maximum.
      if (bytes > maxBytes) throw new ResponseTooLargeError(complete ? bytes : maxBytes + 1, maxBytes, complete);
      return { body, bytes };
    },
  };
  return { api, limits };
}

async function drain(read: AsyncGenerator<unknown>): Promise<unknown> {
  try {
    for await (const _ of read) {
      /* drain */
    }
  } catch (error) {
    return error;
  }
  throw new Error('the read ended without an error');
}

describe('records larger than a response may be', () => {
  for (const complete of [true, false]) {
    const sized = complete ? 'with Content-Length' : 'without Content-Length';

    it(`purchase orders (${sized}): ends with "one purchase order is ...", at concurrency 1 and 4`, async () => {
      for (const concurrency of [1, 4]) {
        const { api, limits } = heavyListing(ENDPOINTS['purchase-orders'], 30, complete);
        const error = await drain(
          readIncremental(
            api,
            ENDPOINTS['purchase-orders'],
            { pageSize: 100, concurrency, pageBudgetBytes: BUDGET },
            quiet,
          ),
        );
        expect(error, `concurrency ${concurrency}`).toMatchObject({
          code: 'API_PAGE_TOO_LARGE',
          message: expect.stringMatching(/^one purchase order is (over )?\d+ MB of JSON, more than the 1 MB/),
          hint: expect.stringMatching(/--max-old-space-size/),
        });
        expect(limits.length, `concurrency ${concurrency}: ${limits}`).toBeLessThanOrEqual(12);
        expect(limits.at(-1)).toBe(1);
      }
    });

    for (const name of ['variants', 'warehouses', 'vendors'] satisfies CollectionName[]) {
      const { noun, plural } = ENDPOINTS[name];
      it(`${name} (${sized}): ends naming ${plural}, never "purchase order", at concurrency 1 and 4`, async () => {
        for (const concurrency of [1, 4]) {
          const { api, limits } = heavyListing(ENDPOINTS[name], 30, complete);
          const error = await drain(
            readCollection(api, ENDPOINTS[name], { pageSize: 100, concurrency, pageBudgetBytes: BUDGET }, quiet),
          );
          expect(error, `concurrency ${concurrency}`).toMatchObject({
            code: 'API_PAGE_TOO_LARGE',
            message: expect.stringMatching(
              new RegExp(
                `^2 ${plural} \\(the fewest a page of this read holds\\) are (over )?\\d+ MB of JSON, more than the 1 MB`,
              ),
            ),
          });
          expect((error as Error).message).not.toMatch(/purchase order/);
          expect(noun).not.toBe('purchase order');
          // Pages asked ahead fail too; every one asks for fewer records than the first, down to 2.
          expect(limits.length, `concurrency ${concurrency}: ${limits}`).toBeLessThanOrEqual(12);
          expect(Math.min(...limits)).toBe(2);
        }
      });
    }
  }
});
