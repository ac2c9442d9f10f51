// A selected stream during a run: its plan, where it starts, its validator and its sink writer, and what it
// has written. Built once per stream; `checked` runs once per row.
import type { Settings } from '../config/config.js';
import { InputFileError } from '../common/errors.js';
import type { FutureTimestamps } from './future-timestamps.js';
import { parseInstantUs } from '../values/instants.js';
import type { Logger } from '../common/log.js';
import { PassCount } from './pass-count.js';
import type { ValueProblems } from './record-check.js';
import { type Selection, selectedSchema } from '../singer/catalog.js';
import { checkpointInstant, type StreamPlan } from '../singer/full-table.js';
import type { SchemaMessage } from '../singer/messages.js';
import { Counter } from '../singer/metrics.js';
import type { RecordSink, RecordWrite } from '../singer/sink.js';
import { getBookmark, type State } from '../singer/state.js';
import type { Row, Stream } from '../streams/stream.js';
import { recordValidator } from './validation.js';
import { ValueError } from '../values/coercions.js';

export interface ActiveStream {
  stream: Stream;
  fields: string[];
  /** Every column is selected: rows go out as they are, without a copy. */
  allFields: boolean;
  /** The resource's replication key, when its records have one: the stream's bookmark is kept on it. */
  replicationKey?: string;
  /** Records whose replication key value is below this (epoch µs) are not this stream's to write. */
  start?: number;
  validate: ReturnType<typeof recordValidator>;
  write: RecordWrite;
  counter: Counter;
  emitted: number;
  /** Columns whose value must be readable (required, key, replication key): never nulled. */
  strictColumns: string[];
  plan: StreamPlan;
  /** In a pass: the records it has written, for the deletion budget. */
  pass?: PassCount;
}

export interface Activation {
  settings: Settings;
  /** The input state (bookmarks). */
  state: State;
  log: Logger;
  future: FutureTimestamps;
  sink: RecordSink;
  /** The validator of a stream's records (default: the one generated from schemas/<stream>.json). */
  validator?: typeof recordValidator;
}

/** `replicationKey`: the resource's, when its records are bookmarked on one. */
export function activate(
  stream: Stream,
  selection: Selection,
  plan: StreamPlan,
  replicationKey: string | undefined,
  { settings, state, log, future, sink, validator = recordValidator }: Activation,
): ActiveStream {
  const name = stream.descriptor.name;
  // A full pass reads from its own checkpoint (nothing read yet: from start_date), whatever the bookmark says.
  const bookmark = plan.fullTable
    ? checkpointInstant(plan.checkpoint)
    : replicationKey === undefined
      ? undefined
      : getBookmark(state, name, replicationKey);
  if (plan.fullTable)
    log.info(
      `${name}: full-table pass, version ${plan.version} (${plan.reason}` + `${bookmark ? `, from ${bookmark}` : ''})`,
    );
  let start = settings.startDate === undefined ? undefined : parseInstantUs(settings.startDate);
  if (bookmark !== undefined) {
    let value: number;
    try {
      value = parseInstantUs(bookmark);
    } catch (error) {
      if (!(error instanceof ValueError)) throw error;
      throw new InputFileError(
        `state bookmark for ${name} is not a date-time (${error.message}).`,
        'Fix or remove the state file.',
      );
    }
    start = Math.max(start ?? value, value);
    future.checkInput(name, value, log);
  }
  return {
    stream,
    fields: selection.fields,
    replicationKey,
    start,
    allFields: selection.fields.length === Object.keys(stream.descriptor.schema.properties ?? {}).length,
    validate: validator(name, settings.useSingerDecimal === true && stream.descriptor.decimalSchema !== undefined),
    write: sink.open({ name, version: plan.version, pass: plan.fullTable }),
    counter: new Counter((point) => log.metric(point), 'record_count', { stream: name }),
    emitted: 0,
    strictColumns: [
      ...(stream.descriptor.schema.required ?? []),
      ...stream.descriptor.keyProperties,
      ...(replicationKey === undefined ? [] : [replicationKey]),
    ],
    plan,
    ...(plan.fullTable ? { pass: new PassCount(plan.carried) } : {}),
  };
}

/** The stream's SCHEMA message: its schema (in its decimal form with use_singer_decimal) cut to the selection. */
export function schemaMessage({ stream, fields }: ActiveStream, decimal: boolean): SchemaMessage {
  const { name, schema, decimalSchema, keyProperties, replicationKey } = stream.descriptor;
  return {
    type: 'SCHEMA',
    stream: name,
    schema: selectedSchema((decimal && decimalSchema) || schema, fields),
    key_properties: keyProperties,
    ...(replicationKey ? { bookmark_properties: [replicationKey] } : {}),
  };
}

/** Validates the whole row against its schema (see ValueProblems.repair), then keeps only the selected fields. */
export function checked(a: ActiveStream, row: Row, values: ValueProblems): Row {
  if (!a.validate(row)) {
    const key = a.stream.descriptor.keyProperties.map((k) => `${k}=${JSON.stringify(row[k])}`).join(',');
    values.repair({ stream: a.stream.descriptor.name, strictColumns: a.strictColumns, validate: a.validate }, row, key);
  }
  if (a.allFields) return row;
  return Object.fromEntries(a.fields.map((f) => [f, row[f]]));
}
