// A last_modified after the run's start (issue 12, item 3): the order is written, the bookmark stops at the
// run's start, one warning per run says how many and the latest; the next run still gets later edits.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerList } from '../helpers/fake-orders.js';
import { CLOCK_MARGIN_MS } from '../../src/engine/future-timestamps.js';
import { FROZEN, runSync } from '../helpers/run-sync.js';

const API = 'https://api.example.test';
const fixture = JSON.parse(readFileSync(new URL('../fixtures/api/orders.json', import.meta.url), 'utf8')) as Record<
  string,
  any
>[];
const FUTURE = '2099-01-01T00:00:00+00:00';
// The bookmark stops a minute before the run's start (the allowance for the API's clock).
const CAP = new Date(FROZEN.getTime() - CLOCK_MARGIN_MS).toISOString();

function serve(orders: Record<string, any>[]): void {
  nock.cleanAll();
  const rows = orders.map((body) => ({ lm: Date.parse(String(body.last_modified)), body })).sort((a, b) => a.lm - b.lm);
  nock(API)
    .persist()
    .get('/api/v1/purchase-orders')
    .query(true)
    .reply((uri) => [200, answerList(Object.fromEntries(new URL(uri, API).searchParams), rows)]);
}

const bookmarks = (messages: Record<string, any>[]) => {
  const state = messages.filter((m) => m.type === 'STATE').at(-1)!.value;
  return Object.fromEntries(
    Object.entries(state.bookmarks as Record<string, any>).map(([s, b]) => [s, b.replication_key_value]),
  );
};
const orderIds = (messages: Record<string, any>[]) =>
  messages.filter((m) => m.type === 'RECORD' && m.stream === 'purchase_orders').map((m) => m.record.purchase_order_id);
const warnings = (logs: string[]) =>
  logs.filter((l) => / WARNING /.test(l)).map((l) => l.replace(/^.* WARNING tap-inventory-planner: /, ''));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("last_modified after the run's start", () => {
  it('is written, never becomes the bookmark, is warned about once, and later edits are still read', async () => {
    const orders = structuredClone(fixture);
    const future = { ...structuredClone(orders[2]!), id: '65f0aa11b2c3d4e5f6a7ffff', last_modified: FUTURE };
    const second = {
      ...structuredClone(orders[1]!),
      id: '65f0aa11b2c3d4e5f6a7fffe',
      last_modified: '2098-05-01T00:00:00Z',
    };
    serve([...orders, future, second]);
    const first = await runSync();
    expect(first.error).toBeUndefined();
    expect(orderIds(first.messages)).toContain(future.id);
    const futureRecord = first.messages.find((m) => m.type === 'RECORD' && m.record.purchase_order_id === future.id)!;
    expect(futureRecord.record.last_modified).toBe('2099-01-01T00:00:00.000Z');
    expect(bookmarks(first.messages)).toEqual({ purchase_orders: CAP, purchase_order_items: CAP });
    const states = first.messages
      .filter((m) => m.type === 'STATE')
      .map((m) => Object.values(m.value.bookmarks as Record<string, any>).map((b) => b.replication_key_value));
    expect(states.flat().every((v) => v <= CAP)).toBe(true);
    expect(warnings(first.logs)).toEqual([
      `2 order(s) have a last_modified after the run's start (${FROZEN.toISOString()}), the latest ` +
        `2099-01-01T00:00:00.000Z: written as they are, but the bookmark stops before the run's start, so they are ` +
        `read again on the next run. Check the clock of the data source.`,
    ]);

    // An edit after the first run: with a 2099 bookmark it would never be read again.
    const edited: Record<string, any> = { ...orders[0]!, last_modified: '2026-03-01T00:00:00Z', status: 'closed' };
    serve([edited, orders[1]!, orders[2]!, future, second]);
    const next = await runSync({ state: first.latestState, now: new Date('2026-04-01T00:00:00Z') });
    expect(next.error).toBeUndefined();
    expect(orderIds(next.messages).sort()).toEqual([edited.id, future.id, second.id].sort());
    expect(
      next.messages.find((m) => m.type === 'RECORD' && m.record.purchase_order_id === edited.id)!.record.status,
    ).toBe('closed');
    expect(bookmarks(next.messages)).toEqual({
      purchase_orders: '2026-03-31T23:59:00.000Z',
      purchase_order_items: '2026-03-31T23:59:00.000Z',
    });
  });

  it('without such orders, says nothing and the bookmark is the last order read', async () => {
    serve(structuredClone(fixture));
    const { messages, logs } = await runSync();
    expect(warnings(logs)).toEqual([]);
    expect(bookmarks(messages).purchase_orders).toBe('2024-03-10T08:00:00.000Z');
  });

  it(
    "a state bookmark already after the run's start is warned about, and the bookmark written stops before the " +
      "run's start",
    async () => {
      serve(structuredClone(fixture));
      const state = {
        bookmarks: {
          purchase_orders: { replication_key: 'last_modified', replication_key_value: '2099-01-01T00:00:00.000Z' },
        },
      };
      const { messages, logs, error } = await runSync({ state, catalog: undefined });
      expect(error).toBeUndefined();
      expect(warnings(logs)).toEqual([
        expect.stringMatching(
          /^the state bookmark of purchase_orders \(2099-01-01T00:00:00\.000Z\) is after the run's start/,
        ),
      ]);
      expect(bookmarks(messages).purchase_orders).toBe(CAP);
    },
  );
});
