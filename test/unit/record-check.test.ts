import { describe, expect, it } from 'vitest';
import { RecordError } from '../../src/common/errors.js';
import { Logger } from '../../src/common/log.js';
import { ValueProblems } from '../../src/engine/record-check.js';
import { recordValidator } from '../../src/engine/validation.js';

function logger() {
  const lines: string[] = [];
  return { log: new Logger({ level: 'debug', sink: (line) => lines.push(line) }), lines };
}

const bad = (n: number) => ({
  stream: 'purchase_orders',
  record: `purchase_order_id="o${n}"`,
  column: 'total_ordered',
  from: 'total_ordered',
  problem: 'expected a number',
  detail: `expected a number, got "x${n}"`,
});
const row = () => ({
  purchase_order_id: 'o1',
  last_modified: '2024-01-01T00:00:00.000Z',
  created_at: 'soon',
  _account_id: 'a',
  __synced_at: '2024-01-01T00:00:00.000Z',
});
const shape = {
  stream: 'purchase_orders',
  strictColumns: ['purchase_order_id', 'last_modified', '_account_id', '__synced_at'],
  validate: recordValidator('purchase_orders'),
};

describe('ValueProblems', () => {
  it('warns for the first 10 values of a column, logs each at debug level, and counts all of them', () => {
    const { log, lines } = logger();
    const problems = new ValueProblems(log, false);
    for (let n = 1; n <= 25; n++) problems.sink!(bad(n));
    problems.finish();
    const warnings = lines.filter((l) => / WARNING /.test(l));
    expect(warnings).toHaveLength(11);
    expect(warnings[9]).toMatch(/Further unreadable values of purchase_orders\.total_ordered are only counted/);
    expect(warnings[10]).toMatch(
      /25 unreadable value\(s\) written as null: purchase_orders\.total_ordered 25 \(expected a number\)/,
    );
    expect(lines.filter((l) => / DEBUG /.test(l))).toHaveLength(25);
    expect(lines.filter((l) => l.startsWith('INFO METRIC'))).toEqual([
      'INFO METRIC: ' +
        '{"type":"counter","metric":"invalid_value_count","value":25,' +
        '"tags":{"stream":"purchase_orders","column":"total_ordered"}}',
    ]);
  });

  it('says nothing at the end when every value was read', () => {
    const { log, lines } = logger();
    new ValueProblems(log, false).finish();
    expect(lines).toEqual([]);
  });

  it('has no sink in strict mode (the mappers then stop at the first bad value)', () => {
    expect(new ValueProblems(logger().log, true).sink).toBeUndefined();
  });

  it('nulls a column that breaks the schema after coercion, reports it, and checks the row again', () => {
    const { log, lines } = logger();
    const r = row();
    expect(shape.validate(r)).toBe(false);
    expect(new ValueProblems(log, false).repair(shape, r, 'purchase_order_id="o1"')).toEqual({
      ...row(),
      created_at: null,
    });
    expect(lines.filter((l) => / WARNING /.test(l))).toEqual([
      expect.stringMatching(
        /purchase_orders record purchase_order_id="o1": created_at breaks the schema; written as null$/,
      ),
    ]);
  });

  it('stops when the column at fault is a key, the replication key or required, and always in strict mode', () => {
    const keyBroken = { ...row(), created_at: null, last_modified: 'soon' };
    expect(shape.validate(keyBroken)).toBe(false);
    expect(() => new ValueProblems(logger().log, false).repair(shape, keyBroken, 'k')).toThrow(RecordError);
    const r = row();
    shape.validate(r);
    expect(() => new ValueProblems(logger().log, true).repair(shape, r, 'purchase_order_id="o1"')).toThrow(
      /purchase_orders record purchase_order_id="o1" breaks its schema: created_at must be/,
    );
  });
});
