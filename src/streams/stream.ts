// What a stream is: its Singer description, the API fields its columns need, and a pure mapping from
// one API purchase order to its rows. Streams never write anything.
import type { ApiOrder } from '../client/order-pages.js';
import { RecordError } from '../errors.js';
import type { StreamDescriptor } from '../singer/catalog.js';
import { ValueError } from '../values.js';

export interface RowContext {
  accountId: string;
  syncedAt: string;
}

export type Row = Record<string, unknown>;

export interface Stream {
  descriptor: StreamDescriptor;
  /** API fields (fields= names, items.* for line fields) that the selected columns are read from. */
  apiFields(columns: string[]): string[];
  rows(order: ApiOrder, context: RowContext): Row[];
}

/** One column: the API field it comes from and the coercion that makes it honour the schema. */
export interface Column {
  name: string;
  from?: string;
  convert: (value: unknown) => unknown;
}

/** Says which record failed, from what is known of it so far; only called on an error. */
export type KeyDescriber = (row: Row, source: Record<string, unknown>) => string;

/** Fills `row` column by column; a value that cannot fit names the stream, the key and the field. */
export function mapColumns(columns: Column[], source: Record<string, unknown>, row: Row, stream: string, describeKey: KeyDescriber): Row {
  for (const column of columns) {
    try {
      row[column.name] = column.convert(column.from === undefined ? undefined : source[column.from]);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      throw new RecordError(`${stream} record ${describeKey(row, source)}: field ${column.name} (API ${column.from}) ${error.message}.`);
    }
  }
  return row;
}

export function sourceFields(columns: Column[], selected: string[]): string[] {
  return columns.filter((c) => c.from !== undefined && selected.includes(c.name)).map((c) => c.from!);
}
