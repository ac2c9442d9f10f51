import { describe, expect, it } from 'vitest';
import { getBookmark, parseState, withBookmark, type State } from '../../src/singer/state.js';
import { inputFileError } from '../helpers/errors.js';

const STATE = {
  bookmarks: {
    purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-03-06T14:12:09.000Z' },
    purchase_order_items: { replication_key: 'last_modified', replication_key_value: '2024-03-05T00:00:00.000Z' },
  },
};

describe('parseState', () => {
  it('accepts exactly the STATE value the tap emits', () => {
    expect(parseState(JSON.stringify(STATE), 'state.json')).toEqual(STATE);
    expect(parseState(`${JSON.stringify(STATE)}\n`, 'state.json')).toEqual(STATE);
  });

  it('accepts a pretty-printed state file', () => {
    expect(parseState(`${JSON.stringify(STATE, null, 2)}\n`, 'state.json')).toEqual(STATE);
  });

  it('accepts a whole STATE message line', () => {
    expect(parseState(JSON.stringify({ type: 'STATE', value: STATE }), 'state.json')).toEqual(STATE);
  });

  it('accepts Meltano\'s {"singer_state": ...} wrapper', () => {
    expect(parseState(JSON.stringify({ singer_state: STATE }), 'state.json')).toEqual(STATE);
  });

  it('takes the last line of multi-line target output', () => {
    const older = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-01-01T00:00:00.000Z' },
      },
    };
    const text = `${[JSON.stringify(older), JSON.stringify(older), JSON.stringify(STATE)].join('\n')}\n`;
    expect(parseState(text, 'target-output.jsonl')).toEqual(STATE);
    expect(parseState(text.replace(/\n/g, '\r\n'), 'target-output.jsonl')).toEqual(STATE);
  });

  it("takes the last STATE message of the tap's own output, even with records after it", () => {
    const older = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-01-01T00:00:00.000Z' },
      },
    };
    const lines = [
      { type: 'SCHEMA', stream: 'purchase_orders', schema: {}, key_properties: ['purchase_order_id'] },
      { type: 'STATE', value: older },
      { type: 'RECORD', stream: 'purchase_orders', record: { purchase_order_id: '1' } },
      { type: 'STATE', value: STATE },
      { type: 'RECORD', stream: 'purchase_orders', record: { purchase_order_id: '2' } },
    ];
    expect(parseState(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`, 'out.jsonl')).toEqual(STATE);
  });

  it('treats an empty or blank file as no state', () => {
    expect(parseState('', 'state.json')).toEqual({});
    expect(parseState('  \n\n', 'state.json')).toEqual({});
  });

  it('accepts {} and carries unknown top-level keys through', () => {
    expect(parseState('{}', 'state.json')).toEqual({});
    const extra = { ...STATE, currently_syncing: 'purchase_orders' };
    expect(parseState(JSON.stringify(extra), 'state.json')).toEqual(extra);
  });

  it('rejects text that is not JSON with a message naming the file and what to pass', () => {
    const error = inputFileError(() => parseState('{"bookmarks": ', '/data/state.json'));
    expect(error.message).toContain('/data/state.json');
    expect(error.message).toContain('not valid JSON');
    expect(error.hint).toMatch(/STATE/);
  });

  it.each([
    ['an array', '[]', 'it must be a JSON object'],
    ['a string', '"bookmarks"', 'it must be a JSON object'],
    ['null', 'null', 'it must be a JSON object'],
    ['bookmarks as a list', '{"bookmarks": []}', 'bookmarks must be object'],
    [
      'a bookmark that is a string',
      '{"bookmarks": {"purchase_orders": "2024-01-01"}}',
      'bookmarks.purchase_orders must be object',
    ],
    [
      'a numeric replication_key_value',
      '{"bookmarks": {"purchase_orders": {"replication_key": "last_modified", "replication_key_value": 1709734329}}}',
      'bookmarks.purchase_orders.replication_key_value must be string',
    ],
  ])('rejects %s with a message that says what is wrong and what is expected', (_what, text, why) => {
    const error = inputFileError(() => parseState(text, 'state.json'));
    expect(error.message).toContain('state file state.json has the wrong shape');
    expect(error.message).toContain(why);
    expect(error.hint).toContain('{"bookmarks": {"<stream>": {"replication_key": "last_modified"');
  });
});

describe('getBookmark', () => {
  const state = STATE as State;

  it('returns the stream bookmark when its replication_key matches', () => {
    expect(getBookmark(state, 'purchase_orders', 'last_modified')).toBe('2024-03-06T14:12:09.000Z');
  });

  it('ignores a bookmark whose replication_key differs', () => {
    expect(getBookmark(state, 'purchase_orders', 'updated_at')).toBeUndefined();
    const other = {
      bookmarks: { purchase_orders: { replication_key: 'updated_at', replication_key_value: '2030-01-01T00:00:00Z' } },
    };
    expect(getBookmark(other, 'purchase_orders', 'last_modified')).toBeUndefined();
  });

  it('returns undefined with no bookmark for the stream or no bookmarks at all', () => {
    expect(getBookmark(state, 'vendors', 'last_modified')).toBeUndefined();
    expect(getBookmark({}, 'purchase_orders', 'last_modified')).toBeUndefined();
  });
});

describe('withBookmark', () => {
  it('sets the stream bookmark and keeps other streams and other top-level keys', () => {
    const state: State = { ...structuredClone(STATE), currently_syncing: 'purchase_orders' };
    const before = structuredClone(state);
    const bookmark = { replication_key: 'last_modified', replication_key_value: '2024-04-01T00:00:00.000Z' };
    const next = withBookmark(state, 'purchase_orders', bookmark);
    expect(next).toEqual({
      currently_syncing: 'purchase_orders',
      bookmarks: { purchase_orders: bookmark, purchase_order_items: STATE.bookmarks.purchase_order_items },
    });
    expect(state).toEqual(before); // the input is not mutated
  });

  it('creates bookmarks in an empty state, and its result parses back as state', () => {
    const bookmark = { replication_key: 'last_modified', replication_key_value: '2024-04-01T00:00:00.000Z' };
    const next = withBookmark({}, 'purchase_order_items', bookmark);
    expect(next).toEqual({ bookmarks: { purchase_order_items: bookmark } });
    expect(parseState(JSON.stringify(next), 'state.json')).toEqual(next);
  });
});
