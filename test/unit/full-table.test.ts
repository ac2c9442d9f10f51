import { describe, expect, it } from 'vitest';
import {
  planStream,
  planStreams,
  startState,
  withPassCompleted,
  withPassCheckpoint,
} from '../../src/singer/full-table.js';
import { recordLineBuilder, serialize } from '../../src/singer/messages.js';
import { parseState, withBookmark, type State } from '../../src/singer/state.js';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-01T02:00:00.000Z');
const S = 'purchase_orders';
const BOOKMARK = { replication_key: 'last_modified', replication_key_value: '2026-02-28T00:00:00.000Z' };

const stateWith = (extra: Record<string, unknown>): State =>
  ({ bookmarks: { [S]: { ...BOOKMARK, ...extra } } }) as State;

describe('planStream: versions', () => {
  it('incremental with no state: the run start', () => {
    expect(planStream({}, S, 'INCREMENTAL', T0)).toEqual({
      stream: S,
      fullTable: false,
      version: T0,
      reason: 'incremental',
    });
  });

  it('incremental after a full pass: above that pass even when the clock is behind it', () => {
    expect(planStream(stateWith({ full_table_version: T0 - DAY }), S, 'INCREMENTAL', T0).version).toBe(T0);
    expect(planStream(stateWith({ full_table_version: T0 + 5 }), S, 'INCREMENTAL', T0).version).toBe(T0 + 6);
  });

  it('a new full pass: the run start, and above every version in state', () => {
    expect(planStream({}, S, 'FULL_TABLE', T0)).toEqual({
      stream: S,
      fullTable: true,
      version: T0,
      reason: 'catalog',
      carried: 0,
    });
    expect(planStream(stateWith({ full_table_version: T0 }), S, 'FULL_TABLE', T0).version).toBe(T0 + 1);
  });

  it('a pass in progress is resumed with its version and checkpoint, whatever the clock says', () => {
    const state = stateWith({
      full_table_pass: { version: T0 - 3 * DAY, replication_key_value: '2025-01-01T00:00:00.000Z' },
    });
    expect(planStream(state, S, 'FULL_TABLE', T0)).toEqual({
      stream: S,
      fullTable: true,
      version: T0 - 3 * DAY,
      checkpoint: { instant: '2025-01-01T00:00:00.000Z' },
      reason: 'resumed',
    });
    // ...also when it was started because it was due
    expect(planStream(state, S, 'INCREMENTAL', T0, 7).version).toBe(T0 - 3 * DAY);
  });

  it("gives a pass the last completed pass's count, and a resumed one what its earlier runs counted", () => {
    const pass = { version: T0 - DAY, replication_key_value: '2025-01-01T00:00:00.000Z', count: 120 };
    const counted = stateWith({ full_table_count: 3000, full_table_pass: pass });
    expect(planStream(counted, S, 'FULL_TABLE', T0)).toMatchObject({ carried: 120, lastCount: 3000 });
    // a pass that has read nothing yet carries nothing, and one begun by an older tap (no count) is unknown
    const fresh = stateWith({ full_table_count: 3000, full_table_pass: { version: T0 - DAY } });
    expect(planStream(fresh, S, 'FULL_TABLE', T0)).toMatchObject({ carried: 0, lastCount: 3000 });
    const older = stateWith({ full_table_pass: { version: T0 - DAY, resume: { offset: 100, id: 'x' } } });
    expect(planStream(older, S, 'FULL_TABLE', T0)).not.toHaveProperty('carried');
    expect(planStream(older, S, 'FULL_TABLE', T0)).not.toHaveProperty('lastCount');
  });

  it('a pass in progress that is no longer wanted: incremental, with a version above it', () => {
    const state = stateWith({ full_table_pass: { version: T0 + 10 } });
    expect(planStream(state, S, 'INCREMENTAL', T0)).toEqual({
      stream: S,
      fullTable: false,
      version: T0 + 11,
      reason: 'incremental',
    });
    expect(startState(state, [planStream(state, S, 'INCREMENTAL', T0)])).toEqual({ bookmarks: { [S]: BOOKMARK } });
  });
});

describe('planStream: full_table_every_days (fixed clock)', () => {
  const last = T0 - 7 * DAY;
  const state = stateWith({ full_table_version: last });

  it('is off by default', () => {
    expect(planStream(state, S, 'INCREMENTAL', T0 + 365 * DAY).fullTable).toBe(false);
  });

  it('triggers exactly when the last completed pass is that old: not 1 ms before', () => {
    expect(planStream(state, S, 'INCREMENTAL', T0 - 1, 7)).toMatchObject({ fullTable: false });
    expect(planStream(state, S, 'INCREMENTAL', T0, 7)).toEqual({
      stream: S,
      fullTable: true,
      version: T0,
      reason: 'due',
      carried: 0,
    });
    expect(planStream(state, S, 'INCREMENTAL', T0 - 1, 6.5)).toMatchObject({ fullTable: true });
  });

  it('counts only completed passes: with none in state it is due', () => {
    expect(planStream(BOOKMARK_ONLY(), S, 'INCREMENTAL', T0, 7)).toMatchObject({ fullTable: true, reason: 'due' });
  });
});
const BOOKMARK_ONLY = (): State => ({ bookmarks: { [S]: { ...BOOKMARK } } });

describe('planStreams', () => {
  const I = 'purchase_order_items';
  const state = {
    bookmarks: {
      [S]: { ...BOOKMARK, full_table_version: T0 - 8 * DAY },
      [I]: { ...BOOKMARK, full_table_version: T0 - DAY },
    },
  } as State;
  const both = [
    { stream: S, method: 'INCREMENTAL' as const },
    { stream: I, method: 'INCREMENTAL' as const },
  ];

  it('a stream that is due takes the other incremental streams along', () => {
    expect(planStreams(state, both, T0, 7).map((p) => [p.stream, p.fullTable, p.reason])).toEqual([
      [S, true, 'due'],
      [I, true, 'due'],
    ]);
  });

  it('nothing due, or only a catalog choice: each stream as planned alone', () => {
    expect(planStreams(state, both, T0, 30).map((p) => p.fullTable)).toEqual([false, false]);
    expect(planStreams(state, [{ stream: S, method: 'FULL_TABLE' }, both[1]!], T0, 30).map((p) => p.fullTable)).toEqual(
      [true, false],
    );
  });
});

describe('pass bookkeeping in state', () => {
  it('a new pass is recorded before anything is read; the incremental bookmark stays as it was', () => {
    const plan = planStream(BOOKMARK_ONLY(), S, 'FULL_TABLE', T0);
    const started = startState(BOOKMARK_ONLY(), [plan]);
    expect(started).toEqual(stateWith({ full_table_pass: { version: T0 } }));
    // resuming from that state: same version, from the start
    const resumed = planStream(started, S, 'FULL_TABLE', T0 + DAY);
    expect(resumed).toMatchObject({ version: T0, reason: 'resumed' });
    expect(resumed).not.toHaveProperty('checkpoint');
  });

  it('a read by offset keeps its checkpoint as resume {offset, id}, and is resumed from it', () => {
    let state = startState(BOOKMARK_ONLY(), [planStream(BOOKMARK_ONLY(), S, 'FULL_TABLE', T0)]);
    state = withPassCheckpoint(state, S, { offset: 400, id: 'v400' });
    expect(state.bookmarks?.[S]).toMatchObject({
      full_table_pass: { version: T0, resume: { offset: 400, id: 'v400' } },
    });
    expect(planStream(state, S, 'FULL_TABLE', T0 + DAY).checkpoint).toEqual({ offset: 400, id: 'v400' });
  });

  it('advances the pass checkpoint, then completes: its instant becomes the bookmark, the version the last pass', () => {
    let state = startState(BOOKMARK_ONLY(), [planStream(BOOKMARK_ONLY(), S, 'FULL_TABLE', T0)]);
    state = withPassCheckpoint(state, S, { instant: '2024-01-01T00:00:00.000Z' });
    expect(state).toEqual(
      stateWith({ full_table_pass: { version: T0, replication_key_value: '2024-01-01T00:00:00.000Z' } }),
    );
    state = withPassCompleted(state, S, 'last_modified');
    expect(state).toEqual({
      bookmarks: {
        [S]: {
          replication_key: 'last_modified',
          replication_key_value: '2024-01-01T00:00:00.000Z',
          full_table_version: T0,
        },
      },
    });
    expect(parseState(JSON.stringify(state), 'state.json')).toEqual(state);
  });

  it('a pass that read nothing keeps the incremental bookmark', () => {
    const state = withPassCompleted(stateWith({ full_table_pass: { version: T0 } }), S, 'last_modified');
    expect(state).toEqual(stateWith({ full_table_version: T0 }));
  });

  it('incremental bookmarks keep the last pass version', () => {
    const next = withBookmark(stateWith({ full_table_version: T0 }), S, {
      replication_key: 'last_modified',
      replication_key_value: '2026-03-02T00:00:00.000Z',
    });
    expect(next.bookmarks![S]).toEqual({
      replication_key: 'last_modified',
      replication_key_value: '2026-03-02T00:00:00.000Z',
      full_table_version: T0,
    });
  });

  it('state with a malformed pass is rejected', () => {
    expect(() => parseState(JSON.stringify(stateWith({ full_table_pass: { version: 'soon' } })), 'state.json')).toThrow(
      /wrong shape/,
    );
  });
});

describe('versioned messages', () => {
  it('RECORD lines carry the version at the top level, as serialize() writes it', () => {
    const record = { purchase_order_id: 'a"b', total: 1.5 };
    const line = recordLineBuilder(S, T0)(record, '2026-03-01T02:00:00.000Z');
    expect(JSON.parse(line)).toEqual({
      type: 'RECORD',
      stream: S,
      record,
      version: T0,
      time_extracted: '2026-03-01T02:00:00.000Z',
    });
    expect(line).toBe(
      serialize({ type: 'RECORD', stream: S, record, version: T0, time_extracted: '2026-03-01T02:00:00.000Z' }),
    );
  });

  it('ACTIVATE_VERSION is one line', () => {
    expect(serialize({ type: 'ACTIVATE_VERSION', stream: S, version: T0 })).toBe(
      `{"type":"ACTIVATE_VERSION","stream":"purchase_orders","version":${T0}}`,
    );
  });
});
