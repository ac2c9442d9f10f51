// What happens to a value the tap cannot read. By default a column that is neither a key nor the replication
// key is written as null with a WARNING (the raw value only at debug level), counted per column for the end
// summary and the invalid_value_count metric, so that one odd value never stops every future run at the same
// order. With strict_values, or in a key or the replication key, it stops the run with RECORD_INVALID.
import type { ValidateFunction } from 'ajv';
import { RecordError } from '../common/errors.js';
import type { Logger } from '../common/log.js';
import { Counter } from '../singer/metrics.js';
import type { BadValue, BadValueSink, Row } from '../streams/stream.js';
import { describeErrors } from '../common/validation.js';

/**
 * Warnings per column (and for orders repeating item ids) before the rest are only counted (each one is still
 * logged at debug level).
 */
const WARNINGS_EACH = 10;

export interface RecordShape {
  stream: string;
  /** Columns whose value must be readable: the key properties and the replication key. */
  strictColumns: string[];
  validate: ValidateFunction;
}

export class ValueProblems {
  private duplicates = { orders: 0, lines: 0 };
  private readonly counts = new Map<string, { count: number; problems: Set<string>; counter: Counter }>();
  /** The sink for the row mappers: undefined in strict mode, so that they stop at the first bad value. */
  readonly sink: BadValueSink | undefined;

  constructor(
    private readonly log: Logger,
    strict: boolean,
  ) {
    this.sink = strict ? undefined : (bad) => this.report(bad);
  }

  /**
   * A row that breaks its schema although every value was coerced: the columns at fault are nulled (and
   * reported) when they may be, and the row checked again; otherwise, or in strict mode, the run stops.
   */
  repair(shape: RecordShape, row: Row, record: string): Row {
    const fail = (): never => {
      throw new RecordError(
        `${shape.stream} record ${record} breaks its schema: ${describeErrors(shape.validate.errors).join('; ')}.`,
      );
    };
    if (!this.sink) fail();
    const columns = new Set((shape.validate.errors ?? []).map((e) => e.instancePath.split('/')[1] ?? ''));
    if ([...columns].some((c) => c === '' || shape.strictColumns.includes(c) || row[c] === null)) fail();
    const detail = describeErrors(shape.validate.errors).join('; ');
    for (const column of columns) {
      row[column] = null;
      this.report({ stream: shape.stream, record, column, problem: 'breaks the schema', detail });
    }
    if (!shape.validate(row)) fail();
    return row;
  }

  private report(bad: BadValue): void {
    const id = `${bad.stream}.${bad.column}`;
    let entry = this.counts.get(id);
    if (!entry) {
      const counter = new Counter((point) => this.log.metric(point), 'invalid_value_count', {
        stream: bad.stream,
        column: bad.column,
      });
      entry = { count: 0, problems: new Set(), counter };
      this.counts.set(id, entry);
    }
    entry.count += 1;
    entry.problems.add(bad.problem);
    entry.counter.increment();
    const api = bad.from && bad.from !== bad.column ? ` (API ${bad.from})` : '';
    const where = `${bad.stream} record ${bad.record}: ${bad.column}${api}`;
    if (entry.count <= WARNINGS_EACH) {
      this.log.warn(
        `${where} ${bad.problem}; ${bad.outcome ?? 'written as null'}` +
          (entry.count === WARNINGS_EACH
            ? `. Further unreadable values of ${id} are only counted (each is logged at debug level)`
            : ''),
      );
    }
    this.log.debug(`${where}: ${bad.detail}`);
  }

  /** Lines of one order sharing an item id: kept, with the keys of the rule in docs/streams.md, and warned about. */
  readonly duplicateLines = (record: string, itemIds: string[], extraLines: number): void => {
    this.duplicates.orders += 1;
    this.duplicates.lines += extraLines;
    if (this.duplicates.orders > WARNINGS_EACH) return;
    const ids =
      itemIds
        .slice(0, 3)
        .map((id) => JSON.stringify(id))
        .join(', ') + (itemIds.length > 3 ? ', ...' : '');
    this.log.warn(
      `purchase_order_items of ${record}: ${extraLines} line(s) repeat an item id (${ids}); ` +
        'each is kept, keyed md5(order id + item id + "#k") for its k-th occurrence' +
        `${this.duplicates.orders === WARNINGS_EACH ? '. Further orders with repeated item ids are only counted' : ''}`,
    );
  };

  /** The end summary (counts per column) and the metric points; nothing when every value was read. */
  finish(): void {
    if (this.duplicates.orders > 0)
      this.log.warn(
        `${this.duplicates.orders} order(s) had lines repeating an item id ` +
          `(${this.duplicates.lines} extra line(s), each kept under its own key)`,
      );
    if (this.counts.size === 0) return;
    for (const entry of this.counts.values()) entry.counter.flush();
    const total = [...this.counts.values()].reduce((n, e) => n + e.count, 0);
    const perColumn = [...this.counts].map(([id, e]) => `${id} ${e.count} (${[...e.problems].join(', ')})`).join('; ');
    this.log.warn(
      `${total} unreadable value(s) written as null: ${perColumn}. Set strict_values to stop at the first one instead.`,
    );
  }
}
