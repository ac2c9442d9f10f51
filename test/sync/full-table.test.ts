// FULL_TABLE and versions in the Singer output: what goes out, in which order, and the state it leaves.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverCatalog } from '../../src/singer/catalog.js';
import { STREAMS } from '../../src/streams/index.js';
import { answerList } from '../helpers/fake-orders.js';
import { FROZEN, runSync } from '../helpers/run-sync.js';

const API = 'https://api.example.test';
const fixture = JSON.parse(readFileSync(new URL('../fixtures/api/orders.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>[];
const rows = fixture.map((body) => ({ lm: Date.parse(String(body.last_modified)), body })).sort((a, b) => a.lm - b.lm);
const V = FROZEN.getTime();
const DAY = 86_400_000;
const LAST = '2024-03-10T08:00:00.000Z';
let queries: Record<string, string>[] = [];
let failAfter = Infinity;
/** This test's copy of the rows, the filter parameters the fake server ignores, and a hook before each answer. */
let live = rows;
let ignored = new Set<string>();
let beforeAnswer: ((query: Record<string, string>) => void) | undefined;

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  queries = [];
  failAfter = Infinity;
  live = [...rows];
  ignored = new Set();
  beforeAnswer = undefined;
  nock(API)
    .persist()
    .get('/api/v1/purchase-orders')
    .query(true)
    .reply((uri) => {
      const query = Object.fromEntries(new URL(uri, API).searchParams);
      queries.push(query);
      if (queries.length > failAfter) return [404, { result: { status: 'error', message: 'gone' } }];
      beforeAnswer?.(query);
      return [200, answerList(query, live, ignored)];
    });
});
afterEach(() => nock.cleanAll());

type Message = Record<string, any>;
const byType = (messages: Message[], type: string) => messages.filter((m) => m.type === type);

function catalogWith(methods: Record<string, string>) {
  const catalog = discoverCatalog(STREAMS.map((s) => s.descriptor)) as any;
  for (const s of catalog.streams)
    if (methods[s.stream]) s.metadata[0].metadata['replication-method'] = methods[s.stream];
  return catalog;
}
const BOTH_FULL = { purchase_orders: 'FULL_TABLE', purchase_order_items: 'FULL_TABLE' };
const incremental = (value: string, extra: Record<string, unknown> = {}) => ({
  replication_key: 'last_modified',
  replication_key_value: value,
  ...extra,
});

/** Where each ACTIVATE_VERSION is, relative to the stream's last RECORD and the STATE messages. */
function expectActivateAtTheEnd(messages: Message[], stream: string, version: number): void {
  const activates = messages
    .map((m, i) => [m, i] as const)
    .filter(([m]) => m.type === 'ACTIVATE_VERSION' && m.stream === stream);
  expect(activates.map(([m]) => m.version)).toEqual([version]);
  const at = activates[0]![1];
  const lastRecord = messages.findLastIndex((m) => m.type === 'RECORD' && m.stream === stream);
  expect(at).toBeGreaterThan(lastRecord);
  const next = messages.slice(at + 1).find((m) => m.type === 'STATE');
  expect(next, 'a STATE closes the pass after ACTIVATE_VERSION').toBeDefined();
  expect(next!.value.bookmarks[stream].full_table_version).toBe(version);
  expect(next!.value.bookmarks[stream].full_table_pass).toBeUndefined();
}

describe('FULL_TABLE chosen in the catalog', () => {
  it(
    'reads everything despite the bookmark; versioned records; ' + 'ACTIVATE_VERSION once per stream, at the end',
    async () => {
      const state = { bookmarks: { purchase_orders: incremental(LAST), purchase_order_items: incremental(LAST) } };
      const { messages, error } = await runSync({ catalog: catalogWith(BOTH_FULL), state });
      expect(error).toBeUndefined();
      expect(queries[0]!.last_modified_gte).toBeUndefined();
      const records = byType(messages, 'RECORD');
      expect(records.filter((r) => r.stream === 'purchase_orders')).toHaveLength(3);
      expect(records.every((r) => r.version === V)).toBe(true);
      expectActivateAtTheEnd(messages, 'purchase_orders', V);
      expectActivateAtTheEnd(messages, 'purchase_order_items', V);
      // the first STATE records the pass before any record; the incremental bookmark is left alone meanwhile
      const states = byType(messages, 'STATE');
      expect(states[0]!.value.bookmarks.purchase_orders).toEqual(
        incremental(LAST, { full_table_pass: { version: V } }),
      );
      expect(messages.indexOf(states[0]!)).toBeLessThan(messages.findIndex((m) => m.type === 'RECORD'));
      expect(states.at(-1)!.value.bookmarks.purchase_orders).toEqual(
        incremental(LAST, { full_table_version: V, full_table_count: 3 }),
      );
      expect(messages.at(-1)!.type).toBe('STATE');
    },
  );

  it('one stream full and the other incremental share one pass over the API', async () => {
    const state = { bookmarks: { purchase_orders: incremental(LAST), purchase_order_items: incremental(LAST) } };
    const { messages } = await runSync({ catalog: catalogWith({ purchase_order_items: 'FULL_TABLE' }), state });
    // one read from the beginning, for both: no request goes back to an earlier instant
    // (a full read first asks for the descending listing: orders without last_modified may sort last)
    const ascending = queries.filter((q) => q.last_modified_sort === 'asc');
    expect(ascending[0]!.last_modified_gte).toBeUndefined();
    const starts = ascending.slice(1).map((q) => Date.parse(q.last_modified_gte!));
    expect(starts.every((t, i) => !Number.isNaN(t) && (i === 0 || t >= starts[i - 1]!))).toBe(true);
    const records = byType(messages, 'RECORD');
    expect(records.filter((r) => r.stream === 'purchase_orders').map((r) => r.record.last_modified)).toEqual([LAST]);
    expect(records.filter((r) => r.stream === 'purchase_order_items').length).toBeGreaterThan(1);
    expect(byType(messages, 'ACTIVATE_VERSION').map((m) => m.stream)).toEqual(['purchase_order_items']);
    // incremental records are versioned too (above any full pass), so no row is shielded from a later pass
    expect(records.every((r) => r.version === V)).toBe(true);
  });

  it('--test sends versioned records but no ACTIVATE_VERSION', async () => {
    const { messages } = await runSync({ catalog: catalogWith(BOTH_FULL), recordLimit: 1 });
    expect(byType(messages, 'ACTIVATE_VERSION')).toHaveLength(0);
    expect(byType(messages, 'RECORD').every((r) => r.version === V)).toBe(true);
  });
});

describe('resumable full passes', () => {
  it('a pass that fails midway sends no ACTIVATE_VERSION and leaves its version and position in state', async () => {
    failAfter = 2; // the descending listing and the first page: the second fails
    const { messages, error, latestState } = await runSync({
      catalog: catalogWith(BOTH_FULL),
      config: { max_retries: 0 },
    });
    expect(error).toBeDefined();
    expect(byType(messages, 'ACTIVATE_VERSION')).toHaveLength(0);
    const position = '2024-03-06T14:12:09.000Z';
    const below = rows.filter((r) => r.lm < Date.parse(position)).length;
    expect(latestState.bookmarks!.purchase_orders).toEqual({
      full_table_pass: { version: V, replication_key_value: position, count: below },
    });
    // The next run resumes the pass: its count is that of every run, each record once, as a pass in one run has.
    failAfter = Infinity;
    const resumed = await runSync({ catalog: catalogWith(BOTH_FULL), state: latestState });
    const whole = await runSync({ catalog: catalogWith(BOTH_FULL) });
    for (const stream of ['purchase_orders', 'purchase_order_items']) {
      const count = (r: typeof whole) => byType(r.messages, 'STATE').at(-1)!.value.bookmarks[stream].full_table_count;
      expect(count(resumed), stream).toBe(count(whole));
    }
    expect(byType(whole.messages, 'STATE').at(-1)!.value.bookmarks.purchase_orders.full_table_count).toBe(rows.length);
  });

  it('resumes with the same version from its position, then activates that version', async () => {
    const old = V - 2 * DAY;
    const pass = { full_table_pass: { version: old, replication_key_value: '2024-03-06T14:12:09.000Z' } };
    const state = { bookmarks: { purchase_orders: pass, purchase_order_items: pass } };
    const { messages } = await runSync({ catalog: catalogWith(BOTH_FULL), state });
    expect(queries[0]!.last_modified_gte).toBe('2024-03-06T14:12:09+00:00');
    expect(byType(messages, 'RECORD').every((r) => r.version === old)).toBe(true);
    expectActivateAtTheEnd(messages, 'purchase_orders', old);
    expect(byType(messages, 'STATE').at(-1)!.value.bookmarks.purchase_orders).toEqual(
      incremental(LAST, { full_table_version: old }),
    );
  });
});

describe('full_table_every_days (frozen clock)', () => {
  const stateAged = (ageMs: number) => {
    const b = incremental(LAST, { full_table_version: V - ageMs });
    return { bookmarks: { purchase_orders: b, purchase_order_items: b } };
  };

  it('a pass exactly 7 days old: this run is a full pass', async () => {
    const { messages } = await runSync({ state: stateAged(7 * DAY), config: { full_table_every_days: 7 } });
    expect(queries[0]!.last_modified_gte).toBeUndefined();
    expectActivateAtTheEnd(messages, 'purchase_orders', V);
    expectActivateAtTheEnd(messages, 'purchase_order_items', V);
  });

  it('1 ms younger: incremental, versioned above the last pass', async () => {
    const { messages } = await runSync({ state: stateAged(7 * DAY - 1), config: { full_table_every_days: 7 } });
    expect(queries[0]!.last_modified_gte).toBe('2024-03-10T08:00:00+00:00');
    expect(byType(messages, 'ACTIVATE_VERSION')).toHaveLength(0);
    expect(byType(messages, 'RECORD').every((r) => r.version === V)).toBe(true);
  });
});

describe('a full pass read by offsets that shifted (the API ignores the last_modified filters)', () => {
  it(
    'sends no ACTIVATE_VERSION and drops the pass when an order is deleted mid-read; the next pass, ' +
      'undisturbed, activates',
    async () => {
      for (const name of ['last_modified_gte', 'last_modified_gt', 'last_modified_lt', 'last_modified'])
        ignored.add(name);
      let deleted: string | undefined;
      beforeAnswer = (query) => {
        // The offset scan's second page: an order of its first page is deleted, so every later offset moves by one.
        if (deleted === undefined && query.page === '1') deleted = String((live.shift()!.body as { id: unknown }).id);
      };
      const first = await runSync({ catalog: catalogWith(BOTH_FULL) });
      expect(first.error).toBeUndefined();
      expect(deleted).toBeDefined();
      expect(byType(first.messages, 'ACTIVATE_VERSION')).toHaveLength(0);
      expect(first.logs.some((l) => /no ACTIVATE_VERSION, nothing is deleted/.test(l))).toBe(true);
      for (const stream of ['purchase_orders', 'purchase_order_items']) {
        expect(first.latestState.bookmarks![stream]).not.toHaveProperty('full_table_pass');
        expect(first.latestState.bookmarks![stream]).not.toHaveProperty('full_table_version');
      }
      expect(byType(first.messages, 'STATE').at(-1)!.value).toEqual(first.latestState);

      beforeAnswer = undefined;
      const later = new Date(FROZEN.getTime() + 60_000);
      const second = await runSync({ catalog: catalogWith(BOTH_FULL), state: first.latestState, now: later });
      expect(second.error).toBeUndefined();
      expectActivateAtTheEnd(second.messages, 'purchase_orders', later.getTime());
      const sent = new Set(
        byType(second.messages, 'RECORD')
          .filter((r) => r.stream === 'purchase_orders')
          .map((r) => r.record.purchase_order_id),
      );
      expect(sent).toEqual(new Set(live.map((row) => String((row.body as { id: unknown }).id))));
    },
  );
});
