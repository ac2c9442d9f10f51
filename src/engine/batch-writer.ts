// One batch of API records into rows on the sink, for every stream of a resource's group: each record mapped by
// each stream, rows below a stream's start or its row bookmark left out, checked against the schema, written,
// and counted (for the pass, the metrics and the record limit). When STATE goes out is the sync run's call.
import type { Settings } from '../config/config.js';
import type { Logger } from '../common/log.js';
import type { RecordSink } from '../singer/sink.js';
import type { RowContext } from '../streams/stream.js';
import { type ActiveStream, checked } from './active-stream.js';
import type { FutureTimestamps } from './future-timestamps.js';
import type { ValueProblems } from './record-check.js';
import type { AnyResourceReader, ApiRecord, ResourceBatch } from './resource.js';
import type { RowBookmarks } from './row-bookmarks.js';

export interface BatchWriterOptions {
  settings: Settings;
  sink: RecordSink;
  log: Logger;
  values: ValueProblems;
  future: FutureTimestamps;
  rowBookmarks: RowBookmarks;
  now: () => Date;
  /** The run's start (epoch ms): the day a snapshot row belongs to. */
  runStart: number;
  /** Most records a stream writes in this run (--test: 1). */
  recordLimit?: number;
}

export class BatchWriter {
  constructor(private readonly options: BatchWriterOptions) {}

  /**
   * Maps, checks and writes one batch's rows for every stream of the group, adding to `cut` a stream the record
   * limit stops; returns the rows written.
   */
  async write(
    resource: AnyResourceReader,
    group: ActiveStream[],
    { records, positions }: ResourceBatch<unknown>,
    cut: ActiveStream[],
  ): Promise<number> {
    const { settings, sink, values, future, rowBookmarks, recordLimit: limit } = this.options;
    const syncedAt = this.options.now().toISOString();
    const context: RowContext = {
      accountId: settings.accountId,
      syncedAt,
      runDate: new Date(this.options.runStart).toISOString().slice(0, 10),
      decimal: settings.useSingerDecimal,
      onBadValue: values.sink,
      onDuplicateLines: values.duplicateLines,
    };
    const emittedBefore = group.map((a) => a.emitted);
    for (let i = 0; i < records.length; i++) {
      const record = records[i]!;
      // The record's replication key value: records below a stream's start are not that stream's to write.
      const position = positions === undefined ? undefined : (positions[i] ?? null);
      if (position === null) this.noPosition(resource, group, record);
      else if (position !== undefined) future.see(position);
      for (const a of group) {
        if ((a.start !== undefined && position != null && position < a.start) || cut.includes(a)) continue;
        const before = a.emitted;
        const keep = rowBookmarks.keeper(a, record);
        for (const row of a.stream.rows(record, context)) {
          if (keep && !keep(row)) continue;
          if (limit !== undefined && a.emitted >= limit) {
            cut.push(a);
            break;
          }
          const full = a.write(checked(a, row, values), syncedAt);
          a.emitted += 1;
          if (full) await sink.drain();
        }
        a.pass?.wrote(a.emitted - before, position);
      }
    }
    await sink.drain();
    let written = 0;
    group.forEach((a, i) => {
      written += a.emitted - emittedBefore[i]!;
      a.counter.increment(a.emitted - emittedBefore[i]!);
    });
    return written;
  }

  /** A record without a usable replication key value is written; it never moves a bookmark (the reader sees to it). */
  private noPosition(resource: AnyResourceReader, group: ActiveStream[], record: ApiRecord): void {
    const { name: key, describe } = resource.replicationKey!;
    const streams = group.map((a) => a.stream.descriptor.name).join(', ');
    this.options.log.warn(
      `${streams}: ${describe(record)} has no usable ${key}; it is written, and does not move the bookmark`,
    );
    this.options.log.debug(`${describe(record)} ${key}: ${JSON.stringify(record[key])}`);
  }
}
