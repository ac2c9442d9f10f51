// The sync engine: the one place that decides when SCHEMA, RECORD, ACTIVATE_VERSION and STATE go out, and the one
// read loop. Each resource with a selected stream (src/engine/resources.ts) is read once for all of its streams;
// its batches of API records become rows that are validated, written to the sink, counted and checkpointed the
// same way whatever the resource. What differs is declared: by the resource (how it reads, whether it is read
// in full, how its progress goes into STATE) and by the stream (its rows, keys, whether it keeps a history).
// A STATE goes out only after the sink has passed on the records it covers, so the process may die after any line.
import type { ApiClient } from '../client/http.js';
import type { Settings } from '../config/config.js';
import { FutureTimestamps } from './future-timestamps.js';
import type { SingerCatalog } from '../generated/schemas.js';
import type { Logger } from '../common/log.js';
import { Progress } from './progress.js';
import { ValueProblems } from './record-check.js';
import type { SingerMessage } from '../singer/messages.js';
import { RecordLineSink, type RecordSink } from '../singer/sink.js';
import type { State } from '../singer/state.js';
import type { SingerWriter } from '../singer/writer.js';
import { STREAMS } from '../streams/index.js';
import type { RowContext, Stream } from '../streams/stream.js';
import { type ActiveStream, activate, checked, schemaMessage } from './active-stream.js';
import { endPasses, type UnsureRead } from './passes.js';
import { planRun, selectRun } from './plan.js';
import type { AnyResourceReader, ApiRecord } from './resource.js';
import { RESOURCES } from './resources.js';

export interface SyncOptions {
  settings: Settings;
  api: ApiClient;
  writer: SingerWriter;
  /** Where records go (default: RECORD lines on the writer); SCHEMA, STATE and ACTIVATE_VERSION use the writer. */
  sink?: RecordSink;
  log: Logger;
  catalog?: SingerCatalog;
  state: State;
  /** --test: SCHEMA and at most one RECORD per selected stream, no STATE. */
  testMode?: boolean;
  /** Logged once the input has been checked, before the first request (bad input stays one line). */
  banner?: string;
  now?: () => Date;
  /** The stream and resource registries (default: the tap's). */
  streams?: Stream[];
  resources?: AnyResourceReader[];
}

export interface SyncResult {
  /** RECORDs written per stream. */
  records: Record<string, number>;
  /** Streams whose full-table pass was dropped (read complete, but not vouched for): no ACTIVATE_VERSION. */
  droppedPasses: string[];
}

export class SyncRun {
  /** The last STATE value written (or the input state): what a signal handler re-emits. */
  latestState: State;
  private readonly values: ValueProblems;
  private readonly future: FutureTimestamps;
  private readonly sink: RecordSink;
  private readonly now: () => Date;
  private runStart = 0;

  constructor(private readonly options: SyncOptions) {
    this.latestState = options.state;
    this.now = options.now ?? (() => new Date());
    this.values = new ValueProblems(options.log, options.settings.strictValues === true);
    this.future = new FutureTimestamps(this.now().getTime() * 1000);
    this.sink = options.sink ?? new RecordLineSink(options.writer);
  }

  async run(): Promise<SyncResult> {
    try {
      const result = await this.sync();
      await this.sink.flush();
      return result;
    } finally {
      await this.sink.close();
    }
  }

  private async sync(): Promise<SyncResult> {
    const { settings, writer, log, testMode } = this.options;
    const streams = this.options.streams ?? STREAMS;
    const resources = this.options.resources ?? RESOURCES;
    this.runStart = this.now().getTime();
    const selected = selectRun(this.options.catalog, streams, resources);
    const plans = planRun(this.latestState, selected, this.runStart, settings.fullTableEveryDays);
    for (const resource of resources)
      this.latestState = resource.startState(
        this.latestState,
        plans.filter((_, i) => selected[i]!.resource === resource),
      );
    const deps = { settings, state: this.options.state, log, future: this.future, sink: this.sink };
    const active = selected.map((s, i) =>
      activate(s.stream, s.selection, plans[i]!, s.resource.replicationKey?.name, deps),
    );
    if (this.options.banner) log.info(this.options.banner);
    if (active.length === 0) log.warn('no stream is selected in the catalog; nothing to sync');
    for (const a of active) await writer.message(schemaMessage(a, settings.useSingerDecimal === true));
    if (active.length === 0) return { records: {}, droppedPasses: [] };
    if (!testMode && Object.keys(this.latestState).length) await this.send({ type: 'STATE', value: this.latestState });

    const unsure: UnsureRead[] = [];
    for (const resource of resources) {
      const group = active.filter((a) => a.stream.resource === resource.name);
      const why = group.length ? await this.syncResource(resource, group) : undefined;
      if (why !== undefined) unsure.push({ streams: group, why });
    }
    let droppedPasses: string[] = [];
    if (!testMode) {
      const end = endPasses(this.latestState, active, unsure, log);
      for (const a of end.completed)
        await this.send({ type: 'ACTIVATE_VERSION', stream: a.stream.descriptor.name, version: a.plan.version });
      if (end.state) await this.send({ type: 'STATE', value: end.state });
      droppedPasses = end.dropped;
    }
    for (const a of active) a.counter.flush();
    this.values.finish();
    this.future.finish(log);
    return { records: Object.fromEntries(active.map((a) => [a.stream.descriptor.name, a.emitted])), droppedPasses };
  }

  /**
   * The read loop, for one resource and its streams (`group`). When a batch said the read cannot vouch that it saw
   * every record: what the server did.
   */
  private async syncResource(resource: AnyResourceReader, group: ActiveStream[]): Promise<string | undefined> {
    const { settings, log, testMode } = this.options;
    // A stream asking for no field at all needs whole records.
    const asked = group.map((a) => a.stream.apiFields(a.fields));
    const fields = settings.fieldProjection && asked.every((f) => f.length) ? [...new Set(asked.flat())] : undefined;
    const read = resource.read(group, {
      api: this.options.api,
      log,
      pageSize: testMode ? Math.min(settings.pageSize, 10) : settings.pageSize,
      concurrency: testMode ? 1 : settings.concurrency,
      fields,
    });
    const progress = new Progress(
      log,
      group.map((a) => a.stream.descriptor.name),
      resource.noun,
    );
    log.info(read.intro);
    const runDate = new Date(this.runStart).toISOString().slice(0, 10);
    let unsure: string | undefined;
    for await (const batch of read.batches) {
      const syncedAt = this.now().toISOString();
      const context: RowContext = {
        accountId: settings.accountId,
        syncedAt,
        runDate,
        decimal: settings.useSingerDecimal,
        onBadValue: this.values.sink,
        onDuplicateLines: this.values.duplicateLines,
      };
      const emittedBefore = group.map((a) => a.emitted);
      const { records, positions } = batch;
      for (let i = 0; i < records.length; i++) {
        const record = records[i]!;
        // The record's replication key value: records below a stream's start are not that stream's to write.
        const position = positions === undefined ? undefined : (positions[i] ?? null);
        if (position === null) this.noPosition(resource, group, record);
        else if (position !== undefined) this.future.see(position);
        for (const a of group) {
          if ((a.start !== undefined && position != null && position < a.start) || (testMode && a.emitted > 0))
            continue;
          for (const row of a.stream.rows(record, context)) {
            if (testMode && a.emitted > 0) break;
            const full = a.write(checked(a, row, this.values), syncedAt);
            a.emitted += 1;
            if (full) await this.sink.drain();
          }
        }
      }
      await this.sink.drain();
      group.forEach((a, i) => {
        a.counter.increment(a.emitted - emittedBefore[i]!);
      });
      progress.batch(
        records.length,
        group.map((a) => a.emitted),
      );
      if (testMode) break;
      if (batch.mayHaveMissed) unsure ??= batch.why ?? resource.unsureRead;
      if (batch.checkpoint === undefined) continue;
      const next = resource.checkpoint(this.latestState, group, batch.checkpoint, this.future);
      if (next !== undefined) await this.send({ type: 'STATE', value: next });
    }
    progress.done(group.map((a) => a.emitted));
    return unsure;
  }

  /** STATE and ACTIVATE_VERSION go out only once the sink has passed on every record written before them. */
  private async send(message: SingerMessage): Promise<void> {
    await this.sink.flush();
    await this.options.writer.message(message);
    if (message.type === 'STATE') this.latestState = message.value as State;
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
