import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/client/endpoints.js';
import {
  readIncremental,
  type IncrementalReadOptions as ReadOptions,
} from '../../src/client/incremental/incremental-reader.js';
import { formatInstantUs, parseInstantUs } from '../../src/values/instants.js';
import { isLastPage, parsePage } from '../../src/client/paging/page.js';
import { ResponseTooLargeError } from '../../src/client/http/api-errors.js';
import type { ApiClient } from '../../src/client/http/types.js';
import { QuirkyOrders, U0, type Quirks } from '../helpers/quirky-orders.js';

const readPurchaseOrders = (...[api, options, log]: [ApiClient, ReadOptions, Parameters<typeof readIncremental>[3]]) =>
  readIncremental(api, ENDPOINTS['purchase-orders'], options, log);

interface Seen {
  id: string;
  us: number | null;
  version: number;
}

/** Reads everything, checking at every checkpoint that each order below it has been yielded in its current version. */
async function readAll(store: QuirkyOrders, options: Partial<ReadOptions> = {}, warnings: string[] = []) {
  const seen: Seen[] = [];
  const checkpoints: number[] = [];
  const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
  for await (const batch of readPurchaseOrders(store.client(), { pageSize: 100, concurrency: 1, ...options }, log)) {
    batch.records.forEach((o, i) =>
      seen.push({ id: String(o.id), us: batch.keys[i] ?? null, version: Number(o.version) }),
    );
    if (batch.checkpoint !== undefined) {
      checkpoints.push(batch.checkpoint);
      const yielded = new Set(seen.map((s) => `${s.id}@${s.version}`));
      const unsafe = store.orders.filter(
        (o) =>
          o.us !== null &&
          o.us >= (options.since ?? 0) &&
          o.us < batch.checkpoint! &&
          !yielded.has(`${o.id}@${o.version}`),
      );
      expect(
        unsafe.map((o) => o.id),
        'orders below the checkpoint not yet read',
      ).toEqual([]);
    }
  }
  return { seen, checkpoints };
}

/** Union upserted by id equals the store: every order, newest version last. */
function expectExact(store: QuirkyOrders, seen: Seen[], since?: number): void {
  const last = new Map<string, Seen>();
  for (const s of seen) last.set(s.id, s);
  const expected = store.orders.filter((o) => since === undefined || o.us === null || o.us >= since);
  expect([...last.keys()].sort()).toEqual(expected.map((o) => o.id).sort());
  for (const o of expected) expect(last.get(o.id), o.id).toMatchObject({ us: o.us, version: o.version });
}

/** n instants from U0, `stepUs` apart. */
const spaced = (n: number, stepUs: number, from = U0): number[] =>
  Array.from({ length: n }, (_, i) => from + i * stepUs);

describe('instants at the API precision', () => {
  it('parses and formats microseconds, milliseconds and whole seconds without loss', () => {
    expect(parseInstantUs('2024-01-01T00:00:01.123456+00:00')).toBe(U0 + 1_123_456);
    expect(parseInstantUs('2024-01-01T02:00:01.5+02:00')).toBe(U0 + 1_500_000);
    expect(parseInstantUs('2024-01-01T00:00:01Z')).toBe(U0 + 1_000_000);
    expect(formatInstantUs(U0 + 1_123_456)).toBe('2024-01-01T00:00:01.123456Z');
    expect(formatInstantUs(U0 + 1_123_000)).toBe('2024-01-01T00:00:01.123Z');
    expect(formatInstantUs(U0)).toBe('2024-01-01T00:00:00.000Z');
  });
});

describe('a page cap below page_size', () => {
  for (const quirks of [{ cap: 30 }, { cap: 30, noMetaLimit: true }] as Quirks[]) {
    it(
      `reads every order when the server serves 30 rows a ` +
        `page${quirks.noMetaLimit ? ' (meta.limit absent, meta.total given)' : ''}`,
      async () => {
        for (const concurrency of [1, 4]) {
          const store = new QuirkyOrders(spaced(700, 1_000_000), quirks);
          const { seen } = await readAll(store, { pageSize: 100, concurrency });
          expectExact(store, seen);
        }
      },
    );
  }

  it('a page is the last only when meta says so or it is shorter than what the server serves', () => {
    const orders = ENDPOINTS['purchase-orders'];
    const page = (rows: number, meta: Record<string, unknown>) =>
      parsePage({ meta, 'purchase-orders': Array.from({ length: rows }, (_, i) => ({ id: i })) }, orders, 100);
    expect(isLastPage(page(30, { limit: 30, total: 700 }), 0)).toBe(false);
    expect(isLastPage(page(20, { limit: 30, total: 20 }), 0)).toBe(true);
    expect(isLastPage(page(30, { total: 700 }), 0)).toBe(false);
    expect(isLastPage(page(30, {}), 0)).toBe(true); // nothing says otherwise
    expect(isLastPage(page(0, { total: 700 }), 300)).toBe(true);
    expect(parsePage({ meta: {}, 'purchase-orders': {} }, orders, 100).records).toEqual([]);
  });
});

describe('filter values rounded by the server', () => {
  const cases: [string, Quirks, number][] = [
    ['millisecond data, floored filters', { floorFilters: true, digits: 3 }, 1_000],
    ['microsecond data, floored filters', { floorFilters: true, digits: 6 }, 1],
    ['microsecond data, exact filters', { digits: 6 }, 1],
  ];
  for (const [name, quirks, unit] of cases) {
    it(`${name}: exact at concurrency 1 and 4, no filter alarm, checkpoints at full precision`, async () => {
      // ~7 orders per second, each at its own sub-second instant, and one second holding 250 of them
      const instants = [...spaced(1500, 137 * unit), ...spaced(250, 3 * unit, U0 + 400_000_000)].map(
        (us) => Math.floor(us / unit) * unit,
      );
      for (const concurrency of [1, 4]) {
        const store = new QuirkyOrders(instants, quirks);
        store.beforeList = (n, s) => {
          if (n % 5 === 0) s.edit(s.orders[(n * 37) % 1200]!.id);
        };
        const warnings: string[] = [];
        const since = instants[100]! + unit;
        const { seen, checkpoints } = await readAll(store, { pageSize: 100, concurrency, since }, warnings);
        expectExact(store, seen, since);
        expect(warnings).toEqual([]);
        expect(seen.length).toBeLessThan(1.2 * store.orders.length);
        expect(checkpoints.at(-1)).toBe(store.maxUs);
        expect(
          store.requests.every((r) =>
            ['last_modified_gte', 'last_modified_lt'].every(
              (k) => r.query[k] === undefined || /:\d\d\+00:00$/.test(String(r.query[k])),
            ),
          ),
        ).toBe(true);
      }
    });
  }

  it(
    'orders edited into the second being read are caught by the next run, ' + 'which starts at the checkpoint',
    async () => {
      const instants = [...spaced(600, 1_300), ...spaced(300, 2_000, U0 + 5_000_000)];
      const store = new QuirkyOrders(instants, { floorFilters: true, digits: 6 });
      store.beforeList = (n, s) => {
        if (n % 3 === 0) s.edit(s.orders[(n * 37) % 800]!.id, true);
      };
      const first = await readAll(store, { concurrency: 4 });
      store.beforeList = undefined;
      const second = await readAll(store, { since: first.checkpoints.at(-1) });
      expectExact(store, [...first.seen, ...second.seen]);
    },
  );
});

describe('orders without a usable last_modified', () => {
  for (const missing of ['null', 'absent', 'garbage'] as const) {
    it(`are yielded and never move a checkpoint (${missing}), also more than a page of them`, async () => {
      for (const nulls of [5, 250]) {
        const store = new QuirkyOrders([...Array(nulls).fill(null), ...spaced(400, 1_000_000)], { missing });
        const { seen, checkpoints } = await readAll(store, { pageSize: 100, concurrency: 4 });
        expectExact(store, seen);
        expect(checkpoints.every((c) => c >= U0)).toBe(true);
        expect(seen.filter((s) => s.us === null)).toHaveLength(nulls);
      }
    });
  }

  it('a server that sorts them last: a full read finds them first, in the descending listing', async () => {
    for (const [nulls, concurrency] of [
      [5, 1],
      [5, 4],
      [250, 4],
    ] as const) {
      const store = new QuirkyOrders([...Array(nulls).fill(null), ...spaced(400, 1_000_000)], { nullsLast: true });
      const seen: Seen[] = [];
      const log = { info: () => undefined, warn: () => undefined };
      let beforeFirstCheckpoint = 0;
      for await (const batch of readPurchaseOrders(store.client(), { pageSize: 100, concurrency }, log)) {
        batch.records.forEach((o, i) =>
          seen.push({ id: String(o.id), us: batch.keys[i] ?? null, version: Number(o.version) }),
        );
        if (batch.checkpoint === undefined && !beforeFirstCheckpoint) continue;
        beforeFirstCheckpoint ||= seen.filter((s) => s.us === null).length;
      }
      expectExact(store, seen);
      expect(beforeFirstCheckpoint, 'orders without last_modified read before the first checkpoint').toBe(nulls);
    }
  });

  it('an incremental read (filtered) does not see them and is exact', async () => {
    const store = new QuirkyOrders([...Array(5).fill(null), ...spaced(400, 1_000_000)]);
    const since = U0 + 10_000_000;
    const { seen } = await readAll(store, { since });
    expect(new Set(seen.map((s) => s.id))).toEqual(
      new Set(store.orders.filter((o) => o.us !== null && o.us >= since).map((o) => o.id)),
    );
  });

  it('an empty list sent as {} is an empty page', async () => {
    const store = new QuirkyOrders(spaced(250, 1_000_000), { emptyAsObject: true });
    const { seen } = await readAll(store, { since: U0 + 10_000_000_000 });
    expect(seen).toEqual([]);
    const all = await readAll(store, { pageSize: 50 });
    expectExact(store, all.seen);
  });
});

describe('fields= verification when the single-order request answers 404', () => {
  it('tries other orders of the page and keeps the projection when none is found', async () => {
    const store = new QuirkyOrders(spaced(30, 1_000_000), { single404: true });
    const warnings: string[] = [];
    await readAll(store, { fields: ['id', 'last_modified', 'version'] }, warnings);
    expect(store.requests.filter((r) => r.path.startsWith('purchase-orders/'))).toHaveLength(3);
    expect(
      store.requests
        .filter((r) => r.path === 'purchase-orders')
        .every((r) => r.query.fields === 'id,last_modified,version'),
    ).toBe(true);
    expect(warnings).toEqual([expect.stringMatching(/fields= could not be verified: .* keeping the projection/)]);
  });

  it('verifies with the next order when the first is not found', async () => {
    const store = new QuirkyOrders(spaced(30, 1_000_000));
    const client = store.client();
    const getJson = client.getJson;
    let misses = 0;
    client.getJson = async (path, query) => {
      if (path.startsWith('purchase-orders/') && misses++ === 0)
        return ((store.quirks.single404 = true), getJson(path, query).finally(() => (store.quirks.single404 = false)));
      return getJson(path, query);
    };
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    for await (const _ of readPurchaseOrders(
      client,
      { pageSize: 100, concurrency: 1, fields: ['id', 'last_modified', 'version'] },
      log,
    )) {
      /* drain */
    }
    expect(misses).toBe(2);
    expect(warnings).toEqual([]);
    expect(store.requests.filter((r) => r.path === 'purchase-orders').every((r) => r.query.fields !== undefined)).toBe(
      true,
    );
  });
});

describe('pages sized by bytes', () => {
  /** A client whose responses have a size (their JSON text) and are abandoned over maxBytes, as http.ts does. */
  function sizedClient(store: QuirkyOrders, padBytes: (id: string) => number) {
    const client = store.client();
    const getJson = client.getJson;
    const sent: { limit: number; bytes: number }[] = [];
    client.getJsonSized = async (path, query, maxBytes) => {
      const body = (await getJson(path, query)) as { 'purchase-orders': Record<string, unknown>[] };
      for (const o of body['purchase-orders']) o.pad = 'x'.repeat(padBytes(String(o.id)));
      const bytes = JSON.stringify(body).length;
      if (bytes > maxBytes) throw new ResponseTooLargeError(bytes, maxBytes, true);
      sent.push({ limit: Number(query.limit), bytes });
      return { body, bytes };
    };
    return { client, sent };
  }

  it(
    'lowers the limit from the bytes per order received, keeps every page within the budget, ' + 'and is exact',
    async () => {
      const store = new QuirkyOrders(spaced(600, 1_000_000));
      const { client, sent } = sizedClient(store, (id) => 20_000 + (Number(id.slice(1)) % 7) * 5_000);
      const seen: string[] = [];
      for await (const b of readPurchaseOrders(
        client,
        { pageSize: 1000, concurrency: 4, pageBudgetBytes: 2_000_000 },
        { info: () => undefined, warn: () => undefined },
      )) {
        seen.push(...b.records.map((o) => String(o.id)));
      }
      expect(new Set(seen)).toEqual(new Set(store.orders.map((o) => o.id)));
      expect(Math.max(...sent.map((s) => s.bytes))).toBeLessThanOrEqual(1_000_000);
      expect(Math.max(...sent.map((s) => s.limit))).toBeLessThan(100);
    },
  );

  it(
    'pages fetched again whole (the API dropped a field of fields=) are sized again, ' + 'and the read is exact',
    async () => {
      const store = new QuirkyOrders(spaced(400, 1_000_000));
      const client = store.client();
      const getJson = client.getJson;
      client.getJsonSized = async (path, query, maxBytes) => {
        const body = (await getJson(path, query)) as { 'purchase-orders': Record<string, unknown>[] };
        for (const o of body['purchase-orders']) {
          if (query.fields)
            delete o.version; // the projection loses a field it was asked for...
          else o.pad = 'x'.repeat(30_000); // ...and whole orders are heavy
        }
        const bytes = JSON.stringify(body).length;
        if (bytes > maxBytes) throw new ResponseTooLargeError(bytes, maxBytes, true);
        return { body, bytes };
      };
      for (const concurrency of [1, 4]) {
        const seen: Record<string, unknown>[] = [];
        for await (const b of readPurchaseOrders(
          client,
          { pageSize: 1000, concurrency, fields: ['id', 'last_modified', 'version'], pageBudgetBytes: 3_000_000 },
          { info: () => undefined, warn: () => undefined },
        )) {
          seen.push(...b.records);
        }
        expect(new Set(seen.map((o) => o.id))).toEqual(new Set(store.orders.map((o) => o.id)));
        expect(seen.every((o) => o.version === 1)).toBe(true);
      }
    },
  );

  it('an order larger than a page may be ends the read with API_PAGE_TOO_LARGE, saying what to change', async () => {
    const store = new QuirkyOrders(spaced(50, 1_000_000));
    const { client } = sizedClient(store, (id) => (id === 'q000030' ? 3_000_000 : 1_000));
    const read = async () => {
      for await (const _ of readPurchaseOrders(
        client,
        { pageSize: 100, concurrency: 1, pageBudgetBytes: 2_000_000 },
        { info: () => undefined, warn: () => undefined },
      )) {
        /* drain */
      }
    };
    await expect(read()).rejects.toMatchObject({
      code: 'API_PAGE_TOO_LARGE',
      message: expect.stringMatching(/one purchase order is 3 MB of JSON, more than the 1 MB/),
      hint: expect.stringMatching(/--max-old-space-size/),
    });
  });
});
