import { describe, expect, it } from 'vitest';
import { ENDPOINTS } from '../../src/client/endpoints.js';
import {
  readIncremental,
  type IncrementalReadOptions as ReadOptions,
} from '../../src/client/incremental/incremental-reader.js';
import { windowOffsets } from '../../src/client/incremental/windows.js';
import { FakeOrders, seconds, T0 } from '../helpers/fake-orders.js';
import { unrequestedFields } from '../../src/client/paging/projection.js';
import type { ApiClient } from '../../src/client/http/types.js';

const readPurchaseOrders = (...[api, options, log]: [ApiClient, ReadOptions, Parameters<typeof readIncremental>[3]]) =>
  readIncremental(api, ENDPOINTS['purchase-orders'], options, log);

const quiet = { info: () => undefined, warn: () => undefined };

interface Seen {
  id: string;
  lm: number;
  version: number;
}

/**
 * Reads everything and checks, at every batch, the resume-safety property: each order now in the store
 * whose last_modified is below the batch's checkpoint has been yielded in its current version.
 */
async function readAll(
  store: FakeOrders,
  options: Partial<ReadOptions> = {},
): Promise<{ seen: Seen[]; checkpoints: number[] }> {
  const seen: Seen[] = [];
  const checkpoints: number[] = [];
  // The reader counts in epoch microseconds; these tests in epoch ms.
  const since = options.since === undefined ? undefined : options.since * 1000;
  for await (const batch of readPurchaseOrders(
    store.client(),
    { pageSize: 100, concurrency: 1, ...options, since },
    quiet,
  )) {
    for (const o of batch.records)
      seen.push({ id: String(o.id), lm: Date.parse(String(o.last_modified)), version: Number(o.version) });
    if (batch.checkpoint !== undefined) {
      const checkpoint = batch.checkpoint / 1000;
      checkpoints.push(checkpoint);
      const yielded = new Set(seen.map((s) => `${s.id}@${s.version}`));
      const unsafe = store.orders.filter(
        (o) => o.lm >= (options.since ?? 0) && o.lm < checkpoint && !yielded.has(`${o.id}@${o.version}`),
      );
      expect(
        unsafe.map((o) => o.id),
        'orders below the checkpoint not yet read',
      ).toEqual([]);
    }
  }
  return { seen, checkpoints };
}

/** The newest version of each order must be the last one yielded for it (last write wins in the target). */
function expectExact(store: FakeOrders, seen: Seen[]): void {
  const last = new Map<string, Seen>();
  for (const s of seen) last.set(s.id, s);
  expect(last.size).toBe(store.orders.length);
  for (const o of store.orders) expect(last.get(o.id), o.id).toMatchObject({ lm: o.lm, version: o.version });
}

describe('readPurchaseOrders: keyset (concurrency 1)', () => {
  it('reads every order once when timestamps are distinct, with non-decreasing checkpoints', async () => {
    const store = new FakeOrders(seconds(1050));
    const { seen, checkpoints } = await readAll(store);
    expectExact(store, seen);
    expect(seen.length).toBeLessThanOrEqual(1050 + 11); // one re-read order per page at most
    expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
    expect(checkpoints.at(-1)).toBe(store.maxLm);
    expect(store.requests.every((r) => r.query.page === 0 || 'last_modified' in r.query)).toBe(true);
  });

  it('starts at `since`, inclusive', async () => {
    const store = new FakeOrders(seconds(300));
    const { seen } = await readAll(store, { since: T0 + 200_000 });
    expect(new Set(seen.map((s) => s.lm)).size).toBe(100);
    expect(Math.min(...seen.map((s) => s.lm))).toBe(T0 + 200_000);
  });

  it('reads 2,500 orders sharing one last_modified with pages of 1000 and terminates', async () => {
    const store = new FakeOrders([
      ...seconds(10),
      ...Array(2500).fill(T0 + 50_000),
      ...seconds(10).map((t) => t + 100_000),
    ]);
    const { seen } = await readAll(store, { pageSize: 1000 });
    expectExact(store, seen);
    expect(store.requests.length).toBeLessThan(12);
  });

  it('a tie block exactly at the cursor across several pages is complete', async () => {
    const store = new FakeOrders([...Array(250).fill(T0), ...seconds(5).map((t) => t + 1000)]);
    const { seen } = await readAll(store, { pageSize: 100, since: T0 });
    expectExact(store, seen);
  });

  it('orders edited while paging are never skipped and their newest version is read last', async () => {
    const store = new FakeOrders(seconds(2000));
    let k = 0;
    store.beforeList = (n, s) => {
      if (n % 2 === 0) for (let i = 0; i < 3; i++) s.edit(s.orders[(k++ * 37) % 500]!.id); // mostly already-read orders
      if (n % 3 === 0) s.create();
    };
    const { seen } = await readAll(store);
    expectExact(store, seen);
  });

  it('a tie block whose members are edited while it is enumerated is still complete', async () => {
    const store = new FakeOrders([...Array(450).fill(T0 + 5000), ...seconds(3)]);
    store.beforeList = (n, s) => {
      const block = s.orders.filter((o) => o.lm === T0 + 5000);
      if (n > 2 && n < 8 && block.length) s.edit(block[0]!.id);
    };
    const { seen } = await readAll(store, { pageSize: 100 });
    expectExact(store, seen);
  });
});

describe('readPurchaseOrders: parallel windows', () => {
  it('splits a large read into windows, reads everything, and yields a newer version after an older one', async () => {
    const store = new FakeOrders(seconds(5000));
    store.beforeList = (n, s) => {
      if (n % 4 === 0) s.edit(s.orders[(n * 131) % 4000]!.id);
    };
    const { seen } = await readAll(store, { concurrency: 4 });
    expectExact(store, seen);
    expect(store.requests.some((r) => 'last_modified_lt' in r.query)).toBe(true);
    expect(store.requests.filter((r) => r.query.limit === 1).length).toBe(4); // 3 window cuts + the tail
  });

  it('falls back to one window when the server ignores last_modified_lt', async () => {
    const store = new FakeOrders(seconds(1000));
    store.ignore.add('last_modified_lt');
    const { seen } = await readAll(store, { concurrency: 4 });
    expectExact(store, seen);
  });
});

describe('readPurchaseOrders: a server that ignores the filters', () => {
  for (const ignored of [
    ['last_modified_gte'],
    ['last_modified'],
    ['last_modified_gte', 'last_modified_gt', 'last_modified_lt', 'last_modified'],
  ]) {
    it(`stays complete when it ignores ${ignored.join(', ')}`, async () => {
      const store = new FakeOrders([...seconds(400), ...Array(250).fill(T0 + 999_000)]);
      for (const name of ignored) store.ignore.add(name);
      const { seen } = await readAll(store, { concurrency: 2, since: T0 + 100_000 });
      const expected = store.orders.filter((o) => o.lm >= T0 + 100_000);
      expect(new Set(seen.map((s) => s.id))).toEqual(new Set(expected.map((o) => o.id)));
      expect(seen.every((s) => s.lm >= T0 + 100_000)).toBe(true);
    });
  }

  it('with edits during a full scan, the final checkpoint lets the next run catch what offsets hid', async () => {
    const store = new FakeOrders(seconds(1000));
    store.ignore.add('last_modified_gte').add('last_modified_gt').add('last_modified_lt').add('last_modified');
    store.beforeList = (n, s) => {
      // request 5 = the scan's second page (after the full sync's descending request for orders without
      // last_modified, two keyset pages and the scan's first): an order on an already-read page, offsets shift by one
      if (n === 5) s.edit(s.orders[50]!.id);
    };
    const first = await readAll(store);
    const checkpoint = first.checkpoints.at(-1)!;
    expect(checkpoint).toBeLessThanOrEqual(T0 + 50_000);
    store.beforeList = undefined;
    const second = await readAll(store, { since: checkpoint });
    expectExact(store, [...first.seen, ...second.seen]);
  });
});

describe('readPurchaseOrders: whether an offset scan can vouch for what it read', () => {
  async function mayHaveMissed(store: FakeOrders): Promise<boolean> {
    let flagged = false;
    for await (const batch of readPurchaseOrders(store.client(), { pageSize: 100, concurrency: 1 }, quiet))
      flagged ||= batch.mayHaveMissed === true;
    return flagged;
  }
  const scanning = (): FakeOrders => {
    const store = new FakeOrders(seconds(500));
    for (const name of ['last_modified_gte', 'last_modified_gt', 'last_modified_lt', 'last_modified'])
      store.ignore.add(name);
    return store;
  };

  it(
    'vouches when nothing changed during the scan or orders were only created, ' + 'and for keyset reads with edits',
    async () => {
      expect(await mayHaveMissed(scanning())).toBe(false);
      const created = scanning();
      created.beforeList = (n, s) => {
        if (n === 5) s.create();
      };
      expect(await mayHaveMissed(created)).toBe(false);
      const keyset = new FakeOrders(seconds(500));
      keyset.beforeList = (n, s) => {
        if (n === 3) s.edit(s.orders[10]!.id);
      };
      expect(await mayHaveMissed(keyset)).toBe(false);
    },
  );

  it('does not when an order was deleted or edited while the scan read by offset', async () => {
    const deleted = scanning();
    deleted.beforeList = (n, s) => {
      if (n === 5) s.orders.splice(10, 1);
    };
    expect(await mayHaveMissed(deleted)).toBe(true);
    const edited = scanning();
    edited.beforeList = (n, s) => {
      if (n === 5) s.edit(s.orders[10]!.id);
    };
    expect(await mayHaveMissed(edited)).toBe(true);
  });

  it(
    'after a deletion during the scan, the resume point stays where the scan started, ' +
      'so the next run reads what it hid',
    async () => {
      const store = scanning();
      store.beforeList = (n, s) => {
        if (n === 5) s.orders.splice(10, 1);
      };
      const since = T0 + 5_000;
      const first = await readAll(store, { since });
      expect(first.checkpoints.at(-1)).toBe(since);
      store.beforeList = undefined;
      const second = await readAll(store, { since: first.checkpoints.at(-1)! });
      const read = new Set([...first.seen, ...second.seen].map((o) => o.id));
      expect(store.orders.filter((o) => o.lm >= since && !read.has(o.id)).map((o) => o.id)).toEqual([]);
    },
  );
});

describe('unrequestedFields', () => {
  it('names top-level and line fields that fields= did not ask for', () => {
    const order = { id: '1', last_modified: 't', status: 'open', items: [{ id: 'a', sku: 'S', cost_price: 1 }] };
    expect(unrequestedFields(order, ['id', 'last_modified', 'items.id', 'items.sku'])).toEqual([
      'status',
      'items.cost_price',
    ]);
    expect(
      unrequestedFields(order, ['id', 'last_modified', 'status', 'items.id', 'items.sku', 'items.cost_price']),
    ).toEqual([]);
    expect(unrequestedFields({ id: '1', last_modified: 't' }, ['id', 'last_modified', 'items.id'])).toEqual([]);
  });
});

describe('readPurchaseOrders: fields= projection', () => {
  it('warns, with the memory hint, when the server sends whole orders although fields= was asked', async () => {
    const store = new FakeOrders(seconds(5)); // FakeOrders ignores fields= and renders whole orders
    const warnings: string[] = [];
    const log = { info: () => undefined, warn: (m: string) => warnings.push(m) };
    for await (const _ of readPurchaseOrders(
      store.client(),
      { pageSize: 100, concurrency: 1, fields: ['id', 'last_modified'] },
      log,
    )) {
      /* drain */
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      new RegExp(
        /^the API sent \d+ fields that fields= did not ask for \(.+\)\. /.source +
          /Whole orders are several times larger: pages hold fewer orders \(sized by bytes\)/.source,
      ),
    );
  });

  it('uses the projection once the whole order confirms it', async () => {
    const store = new FakeOrders(seconds(5));
    await readAll(store, { fields: ['id', 'last_modified', 'items.id', 'items.sku'] });
    expect(store.requests.map((r) => r.path)).toContain('purchase-orders/o000000');
    expect(
      store.requests
        .filter((r) => r.path === 'purchase-orders')
        .every((r) => r.query.fields === 'id,last_modified,items.id,items.sku'),
    ).toBe(true);
  });

  it('turns projection off when the server drops a requested field', async () => {
    const store = new FakeOrders(seconds(5));
    const render = store.render.bind(store);
    store.render = (o) => ({ ...render(o), status: 'open' }); // the whole order has status...
    const client = store.client();
    const getJson = client.getJson;
    client.getJson = async (path, query = {}) => {
      const body = (await getJson(path, query)) as Record<string, unknown>;
      // ...the projection loses it
      if (query.fields) for (const o of body['purchase-orders'] as Record<string, unknown>[]) delete o.status;
      return body;
    };
    const seen: unknown[] = [];
    for await (const b of readPurchaseOrders(
      client,
      { pageSize: 100, concurrency: 1, fields: ['id', 'last_modified', 'status'] },
      quiet,
    ))
      seen.push(...b.records);
    expect(seen).toHaveLength(5);
    expect(seen.every((o) => (o as { status?: string }).status === 'open')).toBe(true);
  });
});

describe('windowOffsets', () => {
  // Requests a keyset window of n orders takes: the first page brings `limit`, each next one limit - 1
  // (it starts again at the previous page's last instant), and a full page always needs one more request.
  const requests = (n: number, limit: number): number => (n < limit ? 1 : 2 + Math.floor((n - limit) / (limit - 1)));
  const rounds = (offsets: number[], limit: number): number => {
    const lowers = [0, ...offsets.slice(0, -1)];
    // Window 0's first page is the head request, read before the windows start.
    return Math.max(...lowers.map((lower, i) => requests(offsets[i]! - lower, limit) - (i === 0 ? 1 : 0)));
  };

  it('gives window 0 the page it has already read, so the windows finish together', () => {
    const offsets = windowOffsets(10_000, 100, 4);
    expect(offsets).toHaveLength(4);
    expect(offsets.at(-1)).toBe(10_000 - 50); // the tail: half a page
    expect(rounds(offsets, 100)).toBe(25);
    // Four equal parts (the split before) need one round more.
    expect(rounds([2488, 4975, 7463, 9950], 100)).toBe(26);
  });

  it.each([
    [1_000, 100, 4],
    [320, 100, 2],
    [100_000, 1000, 8],
    [5_000, 250, 3],
    [7, 2, 2],
  ])('returns increasing offsets inside the orders for %i orders, pages of %i, %i windows', (total, limit, windows) => {
    const offsets = windowOffsets(total, limit, windows);
    expect(offsets).toHaveLength(windows);
    expect(offsets.every((o, i) => o > (offsets[i - 1] ?? 0) && o < total)).toBe(true);
  });
});
