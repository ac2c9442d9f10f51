// The deletion budget, in the engine's pass logic: any versioned stream of any resource (here a made-up one no
// real API has) is judged by the records of its last completed pass, recorded in STATE.
import { describe, expect, it } from 'vitest';
import { judgePass } from '../../src/engine/deletion-budget.js';
import { incrementalResource } from '../../src/engine/incremental-resource.js';

const purchaseOrdersResource = incrementalResource('purchase-orders');
import type { State } from '../../src/singer/state.js';
import { purchaseOrders } from '../../src/streams/purchase-orders.js';
import { vendors, warehouses } from '../../src/streams/reference.js';
import { formatInstantUs } from '../../src/values/instants.js';
import { ledger, on, rec, runEngine, V } from '../helpers/engine-run.js';

const STREAMS = [on(warehouses, 'ledger'), on(vendors, 'ledger')];
const OLD = V - 86_400_000;
const records = (n: number) => Array.from({ length: n }, (_, i) => rec(i));
/** One run of the ledger, which lists `n` records, after a completed pass of `last` records. */
const day = (n: number, last?: number, config: Record<string, unknown> = {}, state?: State) =>
  runEngine({
    streams: STREAMS,
    resources: [ledger([{ records: records(n), checkpoint: 1 }])],
    state: state ?? (last === undefined ? {} : completed(last)),
    config,
  });
const completed = (count: number): State => ({
  bookmarks: {
    warehouses: { full_table_version: OLD, full_table_count: count },
    vendors: { full_table_version: OLD, full_table_count: count },
  },
});
const activated = (messages: Record<string, any>[]) =>
  messages.filter((m) => m.type === 'ACTIVATE_VERSION').map((m) => m.stream);
const lastState = (messages: Record<string, any>[]) => messages.filter((m) => m.type === 'STATE').at(-1)!.value;

describe('judgePass', () => {
  const settings = { deletionBudgetShare: 0.1, deletionBudgetRows: 3 };
  it('holds more than the share, or the rows allowance when larger, and always an emptied table', () => {
    expect(judgePass(2701, 3000, settings)).toEqual({ deletes: 299, budget: 300, held: false });
    expect(judgePass(2699, 3000, settings)).toEqual({ deletes: 301, budget: 300, held: true });
    expect(judgePass(300, 3000, settings)).toMatchObject({ deletes: 2700, held: true });
    expect(judgePass(1, 3, settings)).toEqual({ deletes: 2, budget: 3, held: false });
    expect(judgePass(0, 3, settings)).toEqual({ deletes: 3, budget: 3, held: true });
    expect(judgePass(0, 0, settings)).toMatchObject({ held: false });
    expect(judgePass(5000, 3000, settings)).toMatchObject({ deletes: 0, held: false });
  });
  it('has nothing to judge by without a count (a first pass), or when the count is unknown', () => {
    expect(judgePass(0, undefined, settings)).toBeUndefined();
    expect(judgePass(undefined, 3000, settings)).toBeUndefined();
  });
});

describe('the deletion budget of a pass', () => {
  it('a first pass (no count in state) completes as before and records how many records it wrote', async () => {
    const { messages, result } = await day(0);
    expect(activated(messages)).toEqual(['warehouses', 'vendors']);
    expect(lastState(messages).bookmarks.vendors).toEqual({ full_table_version: V, full_table_count: 0 });
    expect(result).toMatchObject({ heldPasses: [] });
  });

  it("an ordinary day's deletions go through: 3,000 records, then 2,950", async () => {
    const { messages, result } = await day(2950, 3000);
    expect(activated(messages)).toEqual(['warehouses', 'vendors']);
    expect(lastState(messages).bookmarks.warehouses).toEqual({ full_table_version: V, full_table_count: 2950 });
    expect(result).toMatchObject({ heldPasses: [], droppedPasses: [] });
  });

  it('a list that shows only its first 300 of 3,000: held, its records written, nothing activated', async () => {
    const { messages, result, logs } = await day(300, 3000);
    expect(activated(messages)).toEqual([]);
    expect(messages.filter((m) => m.type === 'RECORD' && m.stream === 'vendors')).toHaveLength(300);
    // the pass leaves the state; the last completed pass stays what the next one is judged against
    expect(lastState(messages).bookmarks).toEqual(completed(3000).bookmarks);
    expect(result).toMatchObject({ heldPasses: ['warehouses', 'vendors'], droppedPasses: [] });
    const warning = logs.find((l) => l.includes('the full-table pass of vendors is held'))!;
    expect(warning).toMatch(/WARNING/);
    expect(warning).toContain('it wrote 300 records where the last completed pass wrote 3,000 records');
    expect(warning).toContain('would delete about 2,700 rows, more than the deletion budget of 300 rows');
    expect(warning).toContain('no ACTIVATE_VERSION, nothing is deleted');
    expect(warning).toContain('--allow-deletions vendors');
    expect(warning).toContain('TAP_INVENTORY_PLANNER_ALLOW_DELETIONS=vendors meltano run');
    const metric = logs.find((l) => l.includes('"pass_held"') && l.includes('"vendors"'))!;
    expect(JSON.parse(metric.slice(metric.indexOf('{')))).toEqual({
      type: 'counter',
      metric: 'pass_held',
      value: 1,
      tags: { stream: 'vendors', records: 300, last_completed: 3000 },
    });
  });

  it('a small table: one of 3 warehouses removed goes through; 3 -> 0 is held', async () => {
    expect(activated((await day(2, 3)).messages)).toEqual(['warehouses', 'vendors']);
    const empty = await day(0, 3);
    expect(activated(empty.messages)).toEqual([]);
    expect(empty.logs.some((l) => l.includes('would delete all 3 rows, emptying the table'))).toBe(true);
  });

  it('the next pass is judged against the last completed pass, not the held one', async () => {
    const held = await day(300, 3000);
    const state = held.latestState;
    expect(activated((await day(300, undefined, {}, state)).messages)).toEqual([]);
    const next = await day(2990, undefined, {}, state);
    expect(activated(next.messages)).toEqual(['warehouses', 'vendors']);
    expect(lastState(next.messages).bookmarks.vendors.full_table_count).toBe(2990);
  });

  it('allow_deletions lets the named stream complete once; its count is the next baseline', async () => {
    const allowed = await day(1500, 3000, { allow_deletions: 'vendors' });
    expect(activated(allowed.messages)).toEqual(['vendors']);
    expect(allowed.result).toMatchObject({ heldPasses: ['warehouses'] });
    expect(allowed.logs.some((l) => /vendors wrote 1,500 records.*allow_deletions allows it/.test(l))).toBe(true);
    const bookmarks = lastState(allowed.messages).bookmarks;
    expect(bookmarks.vendors).toEqual({ full_table_version: V, full_table_count: 1500 });
    expect(bookmarks.warehouses).toEqual({ full_table_version: OLD, full_table_count: 3000 });
    expect(activated((await day(1500, 3000, { allow_deletions: 'all' })).messages)).toEqual(['warehouses', 'vendors']);
  });

  it('allow_deletions naming no stream of the tap is a config error, before anything is read', async () => {
    const { error, messages } = await day(1500, 3000, { allow_deletions: 'variant' });
    expect(String(error)).toMatch(/allow_deletions names "variant", which is not a stream of this tap/);
    expect(messages).toEqual([]);
  });

  it('a pass resumed across runs counts the records of each of its runs', async () => {
    const pass = (count: number) => ({
      full_table_count: 3000,
      full_table_version: OLD,
      full_table_pass: { version: V - 1000, resume: { offset: 2700, id: 'x' }, count },
    });
    const state = { bookmarks: { warehouses: pass(2700), vendors: pass(2700) } } as State;
    const resumed = await day(300, undefined, {}, state);
    expect(activated(resumed.messages)).toEqual(['warehouses', 'vendors']);
    expect(lastState(resumed.messages).bookmarks.vendors).toEqual({
      full_table_version: V - 1000,
      full_table_count: 3000,
    });
    // every STATE of the run carries the pass's count so far
    const states = resumed.messages.filter((m) => m.type === 'STATE');
    expect(states.at(-2)!.value.bookmarks.vendors.full_table_pass.count).toBe(3000);
  });

  it('with a replication key, the STATE counts only records below the pass position: a resumed run reads the rest again', async () => {
    const at = (minute: number) => Date.UTC(2024, 0, 1, 0, minute) * 1000;
    const order = (id: number) => ({ id: String(id), last_modified: new Date(at(id) / 1000).toISOString() });
    // parallel windows: orders 1-2 of the first window, then 7-9 of a later one, while the position stays at 3
    const orders = {
      ...purchaseOrdersResource,
      read: () => ({
        intro: 'orders',
        batches: (async function* () {
          yield { records: [order(1), order(2)], positions: [at(1), at(2)], checkpoint: at(3) };
          yield { records: [order(7), order(8), order(9)], positions: [at(7), at(8), at(9)], checkpoint: at(3) + 1 };
        })(),
      }),
    };
    // full_table_every_days with no completed pass in state: this run is a pass
    const { messages } = await runEngine({
      streams: [purchaseOrders],
      resources: [orders],
      // a STATE at every checkpoint, to see each one's count
      config: { full_table_every_days: 1, state_every_records: 1 },
    });
    const passes = messages.filter((m) => m.type === 'STATE').map((m) => m.value.bookmarks.purchase_orders);
    expect(passes.slice(1, 3).map((p) => [p.full_table_pass.replication_key_value, p.full_table_pass.count])).toEqual([
      [formatInstantUs(at(3)), 2],
      [formatInstantUs(at(3) + 1), 2],
    ]);
  });
});
