// The one place that decides when SCHEMA, RECORD, ACTIVATE_VERSION and STATE go out. Each API resource with a
// selected stream is read once for all of its streams (stream.resource): purchase orders incrementally, where
// each stream keeps its own bookmark and only gets orders at or after its own start; the collections
// (variants, warehouses, vendors) in full every run, as versioned passes that resume by offset.
// A STATE goes out only after the records it covers were written, so the process may die after any line.
import type { ApiClient } from './client/http.js';
import { readCollection, type CollectionResume } from './client/collection-reader.js';
import { COLLECTIONS, type CollectionName } from './client/collections.js';
import { readPurchaseOrders } from './client/order-reader.js';
import type { Settings } from './config.js';
import { InputFileError } from './errors.js';
import type { SingerCatalog } from './generated/schemas.js';
import type { Logger } from './log.js';
import { selectedSchema, selectStreams, type Selection } from './singer/catalog.js';
import {
  planStream,
  planStreams,
  startState,
  withPassAbandoned,
  withPassCompleted,
  withPassPosition,
  withPassResume,
  type StreamPlan,
} from './singer/full-table.js';
import { recordLineBuilder } from './singer/messages.js';
import { Counter } from './singer/metrics.js';
import { getBookmark, withBookmark, type State } from './singer/state.js';
import type { SingerWriter } from './singer/writer.js';
import { STREAMS } from './streams/index.js';
import type { Row, RowContext, Stream } from './streams/stream.js';
import { recordValidator } from './validation.js';
import { ValueError } from './values.js';
import { formatInstantUs, parseInstantUs } from './instants.js';
import { Progress } from './progress.js';
import { ValueProblems } from './record-check.js';
import { FutureTimestamps } from './future-timestamps.js';

const REPLICATION_KEY = 'last_modified';

export interface SyncOptions {
  settings: Settings;
  api: ApiClient;
  writer: SingerWriter;
  log: Logger;
  catalog?: SingerCatalog;
  state: State;
  /** --test: SCHEMA and at most one RECORD per selected stream, no STATE. */
  testMode?: boolean;
  /** Logged once the input has been checked, before the first request (bad input stays one line). */
  banner?: string;
  now?: () => Date;
}

interface ActiveStream {
  stream: Stream;
  fields: string[];
  /** Every column is selected: rows go out as they are, without a copy. */
  allFields: boolean;
  start?: number;
  validate: ReturnType<typeof recordValidator>;
  line: ReturnType<typeof recordLineBuilder>;
  counter: Counter;
  emitted: number;
  /** Columns whose value must be readable (required, key, replication key): never nulled. */
  strictColumns: string[];
  plan: StreamPlan;
}

export class SyncRun {
  /** The last STATE value written (or the input state): what a signal handler re-emits. */
  latestState: State;
  private readonly values: ValueProblems;
  private readonly future: FutureTimestamps;
  private runStart = 0;

  constructor(private readonly options: SyncOptions) {
    this.latestState = options.state;
    this.values = new ValueProblems(options.log, options.settings.strictValues === true);
    this.future = new FutureTimestamps((options.now ?? (() => new Date()))().getTime() * 1000);
  }

  async run(): Promise<{ records: Record<string, number> }> {
    const { settings, writer, log, testMode } = this.options;
    const now = this.options.now ?? (() => new Date());
    const runStart = now().getTime();
    this.runStart = runStart;
    const selections = selectStreams(
      this.options.catalog,
      STREAMS.map((s) => s.descriptor),
    );
    // A collection has no replication key: it is read in full whatever the catalog says. Snapshots are never a
    // pass (an ACTIVATE_VERSION would delete the history they build), and never taken along by one.
    const snapshot = (sel: Selection): boolean =>
      streamNamed(sel.stream).resource !== 'purchase-orders' &&
      streamNamed(sel.stream).descriptor.replicationMethod === 'INCREMENTAL';
    const method = (sel: Selection) =>
      streamNamed(sel.stream).resource === 'purchase-orders' ? sel.replicationMethod : 'FULL_TABLE';
    const passes = planStreams(
      this.latestState,
      selections.filter((sel) => !snapshot(sel)).map((sel) => ({ stream: sel.stream, method: method(sel) })),
      runStart,
      settings.fullTableEveryDays,
    );
    const plans = selections.map(
      (sel) =>
        passes.find((p) => p.stream === sel.stream) ??
        planStream(this.latestState, sel.stream, 'INCREMENTAL', runStart),
    );
    // A collection's pass goes into state with its first checkpoint (passCheckpoint): until something is read,
    // the STATE is the input's.
    this.latestState = startState(
      this.latestState,
      plans.filter((p) => streamNamed(p.stream).resource === 'purchase-orders'),
    );
    const active = selections.map((sel, i) => this.activate(sel, plans[i]!));
    if (this.options.banner) log.info(this.options.banner);
    if (active.length === 0) log.warn('no stream is selected in the catalog; nothing to sync');
    for (const a of active) {
      const schema = (settings.useSingerDecimal && a.stream.descriptor.decimalSchema) || a.stream.descriptor.schema;
      await writer.message({
        type: 'SCHEMA',
        stream: a.stream.descriptor.name,
        schema: selectedSchema(schema, a.fields),
        key_properties: a.stream.descriptor.keyProperties,
        ...(a.stream.descriptor.replicationKey ? { bookmark_properties: [a.stream.descriptor.replicationKey] } : {}),
      });
    }
    if (active.length === 0) return { records: {} };
    if (!testMode && Object.keys(this.latestState).length)
      await writer.message({ type: 'STATE', value: this.latestState });

    const orders = active.filter((a) => a.stream.resource === 'purchase-orders');
    const ordersUnsure = orders.length ? await this.syncOrders(orders) : false;
    for (const name of Object.keys(COLLECTIONS) as CollectionName[]) {
      const group = active.filter((a) => a.stream.resource === name);
      if (group.length) await this.syncCollection(name, group);
    }
    if (!testMode) await this.completePasses(active, ordersUnsure ? orders : []);
    for (const a of active) a.counter.flush();
    this.values.finish();
    this.future.finish(log);
    return { records: Object.fromEntries(active.map((a) => [a.stream.descriptor.name, a.emitted])) };
  }

  /**
   * Purchase orders for their streams (`active`): from the earliest start among them, checkpoint by checkpoint.
   * True when the read cannot vouch that it saw every order (offsets shifted under the filter-ignoring fallback).
   */
  private async syncOrders(active: ActiveStream[]): Promise<boolean> {
    const { settings, writer, log, testMode } = this.options;
    const now = this.options.now ?? (() => new Date());
    const since = active.some((a) => a.start === undefined) ? undefined : Math.min(...active.map((a) => a.start!));
    const fields = settings.fieldProjection
      ? [...new Set(active.flatMap((a) => a.stream.apiFields(a.fields)))]
      : undefined;
    const progress = new Progress(
      log,
      active.map((a) => a.stream.descriptor.name),
    );
    log.info(
      `sync starts ${since === undefined ? 'from the beginning' : `at last_modified >= ${formatInstantUs(since)}`} for ${active.map((a) => a.stream.descriptor.name).join(', ')}`,
    );

    let readMayHaveMissed = false;
    for await (const batch of readPurchaseOrders(
      this.options.api,
      {
        since,
        fields,
        pageSize: testMode ? Math.min(settings.pageSize, 10) : settings.pageSize,
        concurrency: testMode ? 1 : settings.concurrency,
      },
      log,
    )) {
      const syncedAt = now().toISOString();
      const context = {
        accountId: settings.accountId,
        syncedAt,
        decimal: settings.useSingerDecimal,
        onBadValue: this.values.sink,
        onDuplicateLines: this.values.duplicateLines,
      };
      const emittedBefore = active.map((a) => a.emitted);
      for (let i = 0; i < batch.orders.length; i++) {
        const order = batch.orders[i]!;
        const lm = batch.lms[i] ?? null;
        if (lm === null) this.noLastModified(active, order);
        else this.future.see(lm);
        for (const a of active) {
          if ((a.start !== undefined && lm !== null && lm < a.start) || (testMode && a.emitted > 0)) continue;
          for (const row of a.stream.rows(order, context)) {
            if (testMode && a.emitted > 0) break;
            const line = a.line(this.checked(a, row), syncedAt);
            a.emitted += 1;
            if (writer.add(line)) await writer.flush();
          }
        }
      }
      await this.endBatch(active, emittedBefore, progress, batch.orders.length);
      if (testMode) break;
      if (batch.mayHaveMissed) readMayHaveMissed = true;
      if (batch.checkpoint !== undefined) await this.checkpoint(active, batch.checkpoint);
    }
    progress.done(active.map((a) => a.emitted));
    return readMayHaveMissed;
  }

  /**
   * A collection read in full for its streams (`group`, all in a pass). The streams share one read: it resumes
   * where all of them stopped at the same point, and starts over otherwise (rows written again carry the same
   * version, so nothing is lost or doubled in the target).
   */
  private async syncCollection(name: CollectionName, group: ActiveStream[]): Promise<void> {
    const { settings, writer, log, testMode } = this.options;
    const now = this.options.now ?? (() => new Date());
    const resumes = group.map((a) => a.plan.resume);
    const first = resumes[0];
    const resume = first && resumes.every((r) => r?.offset === first.offset && r.id === first.id) ? first : undefined;
    // A stream asking for no field at all needs whole records.
    const asked = group.map((a) => a.stream.apiFields(a.fields));
    const fields = settings.fieldProjection && asked.every((f) => f.length) ? [...new Set(asked.flat())] : undefined;
    const names = group.map((a) => a.stream.descriptor.name);
    const progress = new Progress(log, names);
    log.info(`${name}: read in full for ${names.join(', ')}${resume ? `, resumed at offset ${resume.offset}` : ''}`);
    const pageSize = testMode ? Math.min(settings.pageSize, 10) : settings.pageSize;
    const runDate = new Date(this.runStart).toISOString().slice(0, 10);
    for await (const batch of readCollection(this.options.api, COLLECTIONS[name], { pageSize, fields, resume }, log)) {
      const syncedAt = now().toISOString();
      const context: RowContext = { accountId: settings.accountId, syncedAt, runDate, onBadValue: this.values.sink };
      const emittedBefore = group.map((a) => a.emitted);
      for (const record of batch.records) {
        for (const a of group) {
          if (testMode && a.emitted > 0) continue;
          for (const row of a.stream.rows(record, context)) {
            if (testMode && a.emitted > 0) break;
            a.emitted += 1;
            if (writer.add(a.line(this.checked(a, row), syncedAt))) await writer.flush();
          }
        }
      }
      await this.endBatch(group, emittedBefore, progress, batch.records.length);
      if (testMode) break;
      await this.passCheckpoint(group, batch.resume);
    }
    progress.done(group.map((a) => a.emitted));
  }

  /** A batch's records are written: flush them, count them, report progress. */
  private async endBatch(
    group: ActiveStream[],
    emittedBefore: number[],
    progress: Progress,
    size: number,
  ): Promise<void> {
    await this.options.writer.flush();
    group.forEach((a, i) => {
      a.counter.increment(a.emitted - emittedBefore[i]!);
    });
    progress.batch(
      size,
      group.map((a) => a.emitted),
    );
  }

  private async passCheckpoint(group: ActiveStream[], resume: CollectionResume): Promise<void> {
    const full = group.filter((a) => a.plan.fullTable);
    if (full.length === 0) return;
    let next = startState(
      this.latestState,
      full.map((a) => a.plan),
    );
    for (const a of full) next = withPassResume(next, a.stream.descriptor.name, resume);
    await this.options.writer.message({ type: 'STATE', value: next });
    this.latestState = next;
  }

  private activate(selection: Selection, plan: StreamPlan): ActiveStream {
    const stream = streamNamed(selection.stream);
    const name = stream.descriptor.name;
    // A full pass reads from its own position (nothing read yet: from start_date), whatever the bookmark says.
    const bookmark = plan.fullTable ? plan.position : getBookmark(this.options.state, name, REPLICATION_KEY);
    if (plan.fullTable)
      this.options.log.info(
        `${name}: full-table pass, version ${plan.version} (${plan.reason}${plan.position ? `, from ${plan.position}` : ''})`,
      );
    let start =
      this.options.settings.startDate === undefined ? undefined : parseInstantUs(this.options.settings.startDate);
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
      this.future.checkInput(name, value, this.options.log);
    }
    return {
      stream,
      fields: selection.fields,
      start,
      allFields: selection.fields.length === Object.keys(stream.descriptor.schema.properties ?? {}).length,
      validate: recordValidator(
        name,
        this.options.settings.useSingerDecimal === true && stream.descriptor.decimalSchema !== undefined,
      ),
      line: recordLineBuilder(name, plan.version),
      counter: new Counter((point) => this.options.log.metric(point), 'record_count', { stream: name }),
      emitted: 0,
      strictColumns: [
        ...(stream.descriptor.schema.required ?? []),
        ...stream.descriptor.keyProperties,
        REPLICATION_KEY,
      ],
      plan,
    };
  }

  /** Validates the whole row against its schema (see ValueProblems.repair), then keeps only the selected fields. */
  private checked(a: ActiveStream, row: Row): Row {
    if (!a.validate(row)) {
      const key = a.stream.descriptor.keyProperties.map((k) => `${k}=${JSON.stringify(row[k])}`).join(',');
      this.values.repair(
        { stream: a.stream.descriptor.name, strictColumns: a.strictColumns, validate: a.validate },
        row,
        key,
      );
    }
    if (a.allFields) return row;
    return Object.fromEntries(a.fields.map((f) => [f, row[f]]));
  }

  /** An order without a usable last_modified is written; it never moves a bookmark (the reader sees to that). */
  private noLastModified(active: ActiveStream[], order: Record<string, unknown>): void {
    const streams = active.map((a) => a.stream.descriptor.name).join(', ');
    this.options.log.warn(
      `${streams}: purchase order id=${JSON.stringify(order.id)} has no usable last_modified; it is written, and does not move the bookmark`,
    );
    this.options.log.debug(
      `purchase order id=${JSON.stringify(order.id)} last_modified: ${JSON.stringify(order.last_modified)}`,
    );
  }

  private async checkpoint(active: ActiveStream[], checkpoint: number): Promise<void> {
    let next = this.latestState;
    for (const a of active) {
      const value = formatInstantUs(this.future.cap(Math.max(a.start ?? checkpoint, checkpoint)));
      next = a.plan.fullTable
        ? withPassPosition(next, a.stream.descriptor.name, value)
        : withBookmark(next, a.stream.descriptor.name, {
            replication_key: REPLICATION_KEY,
            replication_key_value: value,
          });
    }
    if (JSON.stringify(next) === JSON.stringify(this.latestState)) return;
    await this.options.writer.message({ type: 'STATE', value: next });
    this.latestState = next;
  }

  /**
   * Every full stream has been read to the end: ACTIVATE_VERSION for each (the target then drops the rows of
   * older versions), then the STATE that closes the passes. Never earlier: a target acts on it at once, and a
   * pass killed after it resumes with the same version, so sending it again deletes nothing more. A pass whose
   * read cannot vouch for itself (`unsure`) is dropped instead: nothing is deleted on its word.
   */
  private async completePasses(active: ActiveStream[], unsure: ActiveStream[]): Promise<void> {
    const full = active.filter((a) => a.plan.fullTable);
    if (full.length === 0) return;
    let next = this.latestState;
    const dropped = full.filter((a) => unsure.includes(a));
    if (dropped.length) {
      // ACTIVATE_VERSION would delete every row this pass did not send, including one it skipped.
      this.options.log.warn(
        `the full-table pass of ${dropped.map((a) => a.stream.descriptor.name).join(', ')} read pages by offset while they shifted ` +
          '(the API ignores the last_modified filters, and orders changed or were deleted during the run): no ACTIVATE_VERSION, nothing is deleted; ' +
          'the next run starts a new pass',
      );
      for (const a of dropped) next = withPassAbandoned(next, a.stream.descriptor.name);
    }
    for (const a of full.filter((f) => !dropped.includes(f))) {
      await this.options.writer.message({
        type: 'ACTIVATE_VERSION',
        stream: a.stream.descriptor.name,
        version: a.plan.version,
      });
      next = withPassCompleted(next, a.stream.descriptor.name, REPLICATION_KEY);
    }
    await this.options.writer.message({ type: 'STATE', value: next });
    this.latestState = next;
  }
}

function streamNamed(name: string): Stream {
  return STREAMS.find((s) => s.descriptor.name === name)!;
}
