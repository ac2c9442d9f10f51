// What a stream is: its Singer description, the API fields its columns need, and a pure mapping from
// one API record (of the stream's resource) to its rows. Streams never write anything.
import type { ApiRecord, EndpointName } from '../client/endpoints.js';
import type { Fields } from '../client/paging/projection.js';
import { RecordError } from '../common/errors.js';
import type { StreamDescriptor } from '../singer/catalog.js';
import { ValueError } from '../values/coercions.js';

export interface RowContext {
  accountId: string;
  syncedAt: string;
  /** The run's start date (UTC, YYYY-MM-DD): the day a snapshot row belongs to. */
  runDate?: string;
  /** use_singer_decimal: money and quantities as exact decimal strings (the schema's decimal form). */
  decimal?: boolean;
  /** Where a value that cannot be read goes (the column is then null); absent: it stops the run. */
  onBadValue?: BadValueSink;
  /** Told when lines of one order share an item id (they get distinct keys; see purchase-order-items.ts). */
  onDuplicateLines?: (record: string, itemIds: string[], extraLines: number) => void;
}

/** A value of a column that is neither a key nor the replication key, which could not be read. */
export interface BadValue {
  stream: string;
  /** Which record, e.g. `purchase_order_id="..."`. */
  record: string;
  column: string;
  from?: string;
  /** What was expected, without the value (e.g. `expected a number`). */
  problem: string;
  /** The whole reason with the value, for the debug log only. */
  detail: string;
  /** What became of it (default: the column is written as null). */
  outcome?: string;
}

export type BadValueSink = (bad: BadValue) => void;

export type Row = Record<string, unknown>;

/** The API resource a stream's rows come from: purchase orders (incremental) or a collection read in full. */
export type Resource = EndpointName;

export interface Stream {
  descriptor: StreamDescriptor;
  resource: Resource;
  /**
   * Its rows build a history (one per day): never read as a versioned pass, so no ACTIVATE_VERSION ever deletes
   * them, whatever the catalog says, and a pass of its resource's other streams does not take it along.
   */
  history?: boolean;
  /** A history stream of a resource read in full that sends only its newer rows (src/engine/row-bookmarks.ts). */
  bookmark?: RowBookmark;
  /**
   * API fields (fields= names, items.* for line fields) that the selected columns are read from, or ALL_FIELDS
   * for a stream that needs the whole record.
   */
  apiFields(columns: string[]): Fields;
  rows(order: ApiRecord, context: RowContext): Row[];
}

/**
 * Rows bookmarked on `column` (a UTC date-time) although their resource is read in full: the stream's bookmark is
 * the newest value written by the last read that vouched for itself, and rows below it minus `overlapMs` are not
 * written again.
 */
export interface RowBookmark {
  column: string;
  overlapMs: number;
  /** A record whose rows are all written whatever the bookmark, e.g. one created since `floor` (UTC). */
  whole?(record: Row, floor: string): boolean;
}

/** One column: the API field it comes from and the coercion that makes it honour the schema. */
export interface Column {
  name: string;
  from?: string;
  convert: (value: unknown) => unknown;
  /** A key or the replication key: a value that cannot be read stops the run even when others are nulled. */
  strict?: boolean;
}

/** Says which record failed, from what is known of it so far; only called on an error. */
export type KeyDescriber = (row: Row, source: Record<string, unknown>) => string;

/**
 * Fills `row` column by column. A value that cannot fit names the stream, the key and the field: it stops the
 * run when there is no `onBad` sink or the column is strict; otherwise the column is null and `onBad` is told.
 */
export function mapColumns(
  columns: Column[],
  source: Record<string, unknown>,
  row: Row,
  stream: string,
  describeKey: KeyDescriber,
  onBad?: BadValueSink,
): Row {
  for (const column of columns) {
    try {
      row[column.name] = column.convert(column.from === undefined ? undefined : source[column.from]);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      if (!onBad || column.strict)
        throw new RecordError(
          `${stream} record ${describeKey(row, source)}: field ${column.name} (API ${column.from}) ${error.message}.`,
        );
      row[column.name] = null;
      onBad({
        stream,
        record: describeKey(row, source),
        column: column.name,
        from: column.from,
        problem: error.problem,
        detail: error.message,
      });
    }
  }
  return row;
}

/**
 * Compiles the columns into one function that builds a whole row as a single object literal: `head` fields
 * (values given by the caller), the columns, then `tail` fields, in that order (the schema's). This runs for
 * every order and every line: one allocation per row, and a call site per column that V8 can inline, where
 * a loop of keyed stores grows each row field by field. A value that does not fit is reported by mapColumns,
 * which goes column by column (the coercions are pure, so it fails on the same value). After the head and
 * tail values the mapper takes an optional BadValueSink (see mapColumns).
 */
export function compileRowMapper(
  stream: string,
  head: string[],
  columns: Column[],
  tail: string[],
  describeKey: KeyDescriber,
): RowMapper {
  const names = [...head, ...columns.map((c) => c.name), ...tail];
  if (new Set(names).size !== names.length) throw new Error(`${stream}: a field is mapped twice`);
  const extras = [...head, ...tail].map((_, i) => `v${i}`);
  const slow = (source: Record<string, unknown>, values: unknown[], onBad: BadValueSink | undefined): Row => {
    const row: Row = Object.fromEntries(head.map((name, i) => [name, values[i]]));
    mapColumns(columns, source, row, stream, describeKey, onBad);
    tail.forEach((name, i) => {
      row[name] = values[head.length + i];
    });
    return row;
  };
  const fields = [
    ...head.map((name, i) => `${JSON.stringify(name)}: v${i}`),
    ...columns.map(
      (c, i) =>
        `${JSON.stringify(c.name)}: c${i}(${c.from === undefined ? 'undefined' : `s[${JSON.stringify(c.from)}]`})`,
    ),
    ...tail.map((name, i) => `${JSON.stringify(name)}: v${head.length + i}`),
  ];
  const body = `return function (s, ${[...extras, 'bad'].join(', ')}) {
  try { return { ${fields.join(', ')} }; } catch { return slow(s, [${extras.join(', ')}], bad); }
};`;
  // The source is made from the column tables in this directory only, never from API data or config.
  return new Function('slow', ...columns.map((_, i) => `c${i}`), body)(
    slow,
    ...columns.map((c) => c.convert),
  ) as RowMapper;
}

export type RowMapper = (source: Record<string, unknown>, ...values: unknown[]) => Row;

export function sourceFields(columns: Column[], selected: string[]): string[] {
  return columns.filter((c) => c.from !== undefined && selected.includes(c.name)).map((c) => c.from!);
}
