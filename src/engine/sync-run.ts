// The sync engine: the one place that decides when SCHEMA, RECORD, ACTIVATE_VERSION and STATE go out, and the one
// read loop. Each resource with a selected stream (src/engine/resources.ts) is read once for all of its streams;
// its batches of API records become rows that are validated, written to the sink, counted and checkpointed the
// same way whatever the resource. What differs is declared: by the resource (how it reads, whether it is read
// in full, how its progress goes into STATE) and by the stream (its rows, keys, whether it keeps a history).
// A STATE goes out only after the sink has passed on the records it covers, so the process may die after any line;
// checkpoints are held back and sent at a cadence (checkpoint-cadence.ts), and always at the end of a read.
import type { ApiClient } from '../client/http/types.js';
import { ALL_FIELDS, type Fields } from '../client/paging/projection.js';
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
import type { Stream } from '../streams/stream.js';
import { type ActiveStream, activate, schemaMessage } from './active-stream.js';
import { BatchWriter } from './batch-writer.js';
import { CheckpointCadence } from './checkpoint-cadence.js';
import { allowedStreams } from './deletion-budget.js';
import { endPasses, type UnsureRead } from './passes.js';
import { withPassCounts } from './pass-count.js';
import { planRun, selectRun } from './plan.js';
import type { AnyResourceReader } from './resource.js';
import { resumableFailures } from './read-errors.js';
import { RESOURCES } from './resources.js';
import type { recordValidator } from './validation.js';
import { RowBookmarks } from './row-bookmarks.js';

export interface SyncOptions {
  settings: Settings;
  api: ApiClient;
  writer: SingerWriter;
  /** Where records go (default: RECORD lines on the writer); SCHEMA, STATE and ACTIVATE_VERSION use the writer. */
  sink?: RecordSink;
  log: Logger;
  catalog?: SingerCatalog;
  state: State;
  /**
   * Stop each stream after this many records (--test: 1). A stream cut short keeps its checkpoint from before
   * the first record it left out, and its pass stays open (no ACTIVATE_VERSION): the next run resumes it.
   */
  recordLimit?: number;
  /** Logged once the input has been checked, before the first request (bad input stays one line). */
  banner?: string;
  now?: () => Date;
  /** The stream and resource registries (default: the tap's), and the validators of the streams' records. */
  streams?: Stream[];
  resources?: AnyResourceReader[];
  validator?: typeof recordValidator;
}

export interface SyncResult {
  /** RECORDs written per stream. */
  records: Record<string, number>;
  /** Streams whose full-table pass was dropped (read complete, but not vouched for): no ACTIVATE_VERSION. */
  droppedPasses: string[];
  /** Streams whose full-table pass was held (it would delete more than its budget): no ACTIVATE_VERSION. */
  heldPasses: string[];
}

export class SyncRun {
  /** The last STATE value written (or the input state): what a signal handler re-emits. */
  latestState: State;
  private readonly values: ValueProblems;
  private readonly future: FutureTimestamps;
  private readonly sink: RecordSink;
  private readonly now: () => Date;
  private readonly cadence: CheckpointCadence;
  private batches?: BatchWriter;

  constructor(private readonly options: SyncOptions) {
    this.latestState = options.state;
    this.now = options.now ?? (() => new Date());
    this.values = new ValueProblems(options.log, options.settings.strictValues === true);
    this.future = new FutureTimestamps(this.now().getTime() * 1000);
    this.sink = options.sink ?? new RecordLineSink(options.writer);
    const { stateEveryRecords, stateEverySeconds } = options.settings;
    this.cadence = new CheckpointCadence({ records: stateEveryRecords, ms: stateEverySeconds * 1000 }, () =>
      this.now().getTime(),
    );
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
    const { settings, writer, log } = this.options;
    const streams = this.options.streams ?? STREAMS;
    const resources = this.options.resources ?? RESOURCES;
    const runStart = this.now().getTime();
    const allowed = allowedStreams(
      settings.allowDeletions,
      streams.map((s) => s.descriptor.name),
    );
    const selected = selectRun(this.options.catalog, streams, resources);
    const plans = planRun(this.latestState, selected, runStart, settings.fullTableEveryDays);
    for (const resource of resources)
      this.latestState = resource.startState(
        this.latestState,
        plans.filter((_, i) => selected[i]!.resource === resource),
      );
    const { validator } = this.options;
    const deps = { settings, state: this.options.state, log, future: this.future, sink: this.sink, validator };
    const active = selected.map((s, i) =>
      activate(s.stream, s.selection, plans[i]!, s.resource.replicationKey?.name, deps),
    );
    const rowBookmarks = new RowBookmarks(this.latestState, runStart, active);
    this.batches = new BatchWriter({
      settings,
      sink: this.sink,
      log,
      values: this.values,
      future: this.future,
      rowBookmarks,
      now: this.now,
      runStart: runStart,
      recordLimit: this.options.recordLimit,
    });
    if (this.options.banner) log.info(this.options.banner);
    if (active.length === 0) log.warn('no stream is selected in the catalog; nothing to sync');
    for (const a of active) await writer.message(schemaMessage(a, settings.useSingerDecimal === true));
    if (active.length === 0) return { records: {}, droppedPasses: [], heldPasses: [] };
    if (Object.keys(this.latestState).length) await this.send({ type: 'STATE', value: this.latestState });

    const unsure: UnsureRead[] = [];
    const cut: ActiveStream[] = [];
    for (const resource of resources) {
      const group = active.filter((a) => a.stream.resource === resource.name);
      if (group.length === 0) continue;
      const read = await this.syncResource(resource, group);
      if (read.unsure !== undefined) unsure.push({ streams: group, why: read.unsure });
      cut.push(...read.cut);
    }
    // A stream cut short by the record limit has not read everything: its pass neither ends nor is dropped.
    const whole = active.filter((a) => !cut.includes(a));
    const end = endPasses(this.latestState, whole, unsure, log, { budget: settings, allowed });
    for (const a of end.completed)
      await this.send({ type: 'ACTIVATE_VERSION', stream: a.stream.descriptor.name, version: a.plan.version });
    const state = rowBookmarks.close(end.state ?? this.latestState, whole, unsure);
    if (state !== this.latestState) await this.send({ type: 'STATE', value: state });
    for (const a of active) a.counter.flush();
    this.values.finish();
    this.future.finish(log);
    return {
      records: Object.fromEntries(active.map((a) => [a.stream.descriptor.name, a.emitted])),
      droppedPasses: end.dropped,
      heldPasses: end.held,
    };
  }

  /**
   * The read loop, for one resource and its streams (`group`). `unsure`: a batch said the read cannot vouch that it
   * saw every record, and what the server did; `cut`: the streams the record limit cut short.
   */
  private async syncResource(
    resource: AnyResourceReader,
    group: ActiveStream[],
  ): Promise<{ unsure?: string; cut: ActiveStream[] }> {
    const { settings, log, recordLimit: limit } = this.options;
    const asked = group.map((a) => a.stream.apiFields(a.fields));
    const fields: Fields =
      settings.fieldProjection && asked.every((f) => f !== ALL_FIELDS)
        ? [...new Set((asked as (readonly string[])[]).flat())]
        : ALL_FIELDS;
    const read = resource.read(group, {
      api: this.options.api,
      log,
      // A limit that a page or two serves needs neither full pages nor parallel requests.
      pageSize: limit === undefined ? settings.pageSize : Math.min(settings.pageSize, Math.max(limit, 10)),
      concurrency: limit !== undefined && limit <= settings.pageSize ? 1 : settings.concurrency,
      fields,
    });
    const progress = new Progress(
      log,
      group.map((a) => a.stream.descriptor.name),
      resource.noun,
    );
    if (read.restarted) for (const a of group) a.pass?.restart();
    log.info(read.intro);
    let unsure: string | undefined;
    /** Streams that reached the limit with a row left out: their checkpoints stay where they were. */
    const cut: ActiveStream[] = [];
    try {
      for await (const batch of resumableFailures(read.batches)) {
        const written = await this.batches!.write(resource, group, batch, cut);
        progress.batch(
          batch.records.length,
          group.map((a) => a.emitted),
        );
        if (batch.mayHaveMissed) unsure ??= batch.why ?? resource.unsureRead;
        const whole = group.filter((a) => !cut.includes(a));
        const next =
          batch.checkpoint === undefined || whole.length === 0
            ? undefined
            : resource.checkpoint(this.cadence.base(this.latestState), whole, batch.checkpoint, this.future);
        const counted = next === undefined ? undefined : withPassCounts(next, whole);
        this.cadence.add(written, counted);
        await this.sendState(this.cadence.take());
        if (whole.length === 0) break;
      }
    } catch (error) {
      // The batches before the failure are written: the checkpoint held for them goes out, if it still can.
      await this.sendState(this.cadence.take(true)).catch(() => undefined);
      throw error;
    }
    await this.sendState(this.cadence.take(true));
    progress.done(group.map((a) => a.emitted));
    if (cut.length)
      log.info(
        `${cut.map((a) => a.stream.descriptor.name).join(', ')}: stopped at the record limit (${limit}); ` +
          'the last STATE is where the next run goes on',
      );
    return { unsure, cut };
  }

  private async sendState(state: State | undefined): Promise<void> {
    if (state !== undefined) await this.send({ type: 'STATE', value: state });
  }

  /** STATE and ACTIVATE_VERSION go out only once the sink has passed on every record written before them. */
  private async send(message: SingerMessage): Promise<void> {
    await this.sink.flush();
    await this.options.writer.message(message);
    if (message.type === 'STATE') {
      this.latestState = message.value as State;
      this.cadence.sent();
    }
  }
}
