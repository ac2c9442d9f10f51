// Versioned full-table passes: which version a stream's RECORDs carry, when a run is a full pass, and the
// pass's bookkeeping in state. Pure helpers; knows nothing of Inventory Planner. Beside the SDK bookmark
// (replication_key, replication_key_value: the incremental bookmark, untouched while a pass runs) a stream
// may hold:
//   full_table_pass:    {version, replication_key_value? | resume?, count?}  a pass started and not finished:
//                       its version and its checkpoint, how far it has read (replication_key_value for a read
//                       in that order, resume {offset, id} for a read by offset; absent: nothing yet); a restart
//                       goes on from there with that version and `count`, the records written up to that point
//   full_table_version: the version of the last completed pass (its start, epoch ms)
//   full_table_count:   the records that pass wrote (the deletion budget of the next pass is a share of it)
// A target deletes rows older than the version it is told to activate, so versions only grow: a new pass
// takes the run's start (above every version seen in state), an incremental run a value above the last pass.
import type { ReplicationMethod } from './catalog.js';
import type { State } from './state.js';

const DAY_MS = 86_400_000;

/** How a pass is stored (the names states of earlier versions carry): its checkpoint in one of two fields. */
export interface FullTablePass {
  version: number;
  /** The checkpoint of a read in replication-key order. */
  replication_key_value?: string;
  /** The checkpoint of a read by offset (no replication key). */
  resume?: OffsetCheckpoint;
  /** Records written by the pass so far, over all of its runs (those its checkpoint will not read again). */
  count?: number;
}

/** Where a read by offset goes on: the offset, and the id of the record found there. */
export interface OffsetCheckpoint {
  offset: number;
  id: string;
}

/**
 * How far a pass has read, where a restart goes on: an instant (the replication key value of the last record
 * written, inclusive) for a read in replication-key order, an offset for a read by offset.
 */
export type PassCheckpoint = { instant: string } | OffsetCheckpoint;

/** The instant of a checkpoint in replication-key order; undefined for none or an offset. */
export const checkpointInstant = (c: PassCheckpoint | undefined): string | undefined =>
  c !== undefined && 'instant' in c ? c.instant : undefined;

/** The offset checkpoint; undefined for none or an instant. */
export const checkpointOffset = (c: PassCheckpoint | undefined): OffsetCheckpoint | undefined =>
  c !== undefined && 'offset' in c ? c : undefined;

export interface StreamPlan {
  stream: string;
  /** True when this run reads the stream in full and ends with ACTIVATE_VERSION. */
  fullTable: boolean;
  /** The version every RECORD of the stream carries in this run. */
  version: number;
  /** Where a resumed pass goes on (absent: from the start). */
  checkpoint?: PassCheckpoint;
  /** Why: for the log. */
  reason: 'incremental' | 'catalog' | 'due' | 'resumed';
  /** A resumed pass: the records its earlier runs wrote (absent: unknown, a pass begun by an older tap). */
  carried?: number;
  /** Records of the last completed pass (absent: none recorded, e.g. the first pass). */
  lastCount?: number;
}

interface PassBookmark {
  full_table_pass?: FullTablePass;
  full_table_version?: number;
  full_table_count?: number;
}

function passInfo(state: State, stream: string): PassBookmark {
  return (state.bookmarks?.[stream] ?? {}) as PassBookmark;
}

/**
 * What a stream does in this run. FULL_TABLE from the catalog, or an incremental stream whose last completed
 * pass is `everyDays` old (or that never had one): a full pass, resumed when one is in progress.
 */
export function planStream(
  state: State,
  stream: string,
  method: ReplicationMethod,
  runStartMs: number,
  everyDays?: number,
): StreamPlan {
  const { full_table_pass: pass, full_table_version: last, full_table_count: lastCount } = passInfo(state, stream);
  const due = everyDays !== undefined && (last === undefined || runStartMs - last >= everyDays * DAY_MS);
  const floor = Math.max(last ?? 0, pass?.version ?? 0) + 1;
  if (method !== 'FULL_TABLE' && !due)
    return { stream, fullTable: false, version: Math.max(runStartMs, floor), reason: 'incremental' };
  const counts = lastCount === undefined ? {} : { lastCount };
  if (pass) {
    const checkpoint = storedCheckpoint(pass);
    const carried = checkpoint ? pass.count : 0;
    return {
      stream,
      fullTable: true,
      version: pass.version,
      ...(checkpoint ? { checkpoint } : {}),
      reason: 'resumed',
      ...(carried === undefined ? {} : { carried }),
      ...counts,
    };
  }
  return {
    stream,
    fullTable: true,
    version: Math.max(runStartMs, floor),
    reason: method === 'FULL_TABLE' ? 'catalog' : 'due',
    carried: 0,
    ...counts,
  };
}

/**
 * planStream for every selected stream. With `everyDays`, a stream whose pass is due takes the other incremental
 * streams along: the API is read from the start for it anyway, and passes that start together stay due together.
 */
export function planStreams(
  state: State,
  streams: { stream: string; method: ReplicationMethod }[],
  runStartMs: number,
  everyDays?: number,
): StreamPlan[] {
  const plans = streams.map((s) => planStream(state, s.stream, s.method, runStartMs, everyDays));
  if (!plans.some((p, i) => p.fullTable && streams[i]!.method === 'INCREMENTAL')) return plans;
  return plans.map((p) =>
    p.fullTable ? p : { ...planStream(state, p.stream, 'FULL_TABLE', runStartMs), reason: 'due' },
  );
}

/** The state a run starts from: new passes recorded (nothing read yet), passes no longer wanted dropped. */
export function startState(state: State, plans: StreamPlan[]): State {
  let next = state;
  for (const plan of plans) {
    const { full_table_pass: pass } = passInfo(next, plan.stream);
    if (plan.fullTable && !pass) next = withStream(next, plan.stream, { full_table_pass: { version: plan.version } });
    if (!plan.fullTable && pass) next = withStream(next, plan.stream, { full_table_pass: undefined });
  }
  return next;
}

/** The pass has read every record up to `checkpoint`. */
export function withPassCheckpoint(state: State, stream: string, checkpoint: PassCheckpoint): State {
  const pass = passInfo(state, stream).full_table_pass!;
  const stored =
    'instant' in checkpoint
      ? { replication_key_value: checkpoint.instant }
      : { resume: { offset: checkpoint.offset, id: checkpoint.id } };
  return withStream(state, stream, { full_table_pass: { ...pass, ...stored } });
}

function storedCheckpoint(pass: FullTablePass | undefined): PassCheckpoint | undefined {
  if (pass?.replication_key_value !== undefined) return { instant: pass.replication_key_value };
  return pass?.resume;
}

/** The records the pass has written over all of its runs, up to its checkpoint. */
export function withPassCount(state: State, stream: string, count: number): State {
  const pass = passInfo(state, stream).full_table_pass;
  return pass ? withStream(state, stream, { full_table_pass: { ...pass, count } }) : state;
}

/** The pass's checkpoint in `state` (undefined: nothing read yet, or no pass). */
export function passCheckpoint(state: State, stream: string): PassCheckpoint | undefined {
  return storedCheckpoint(passInfo(state, stream).full_table_pass);
}

/**
 * The pass has read everything (and its ACTIVATE_VERSION has gone out): it becomes the last completed one, with
 * the records it wrote (`count`, when known), and its checkpoint instant (if it has one) the incremental bookmark on
 * `replicationKey`.
 */
export function withPassCompleted(state: State, stream: string, replicationKey?: string, count?: number): State {
  const pass = passInfo(state, stream).full_table_pass!;
  const bookmark =
    pass.replication_key_value === undefined || replicationKey === undefined
      ? {}
      : { replication_key: replicationKey, replication_key_value: pass.replication_key_value };
  return withStream(state, stream, {
    ...bookmark,
    full_table_pass: undefined,
    full_table_version: pass.version,
    full_table_count: count,
  });
}

/**
 * The pass read everything it could but cannot vouch for it (a row may have been skipped), or would delete
 * more than its budget: it is dropped without ACTIVATE_VERSION, so nothing is deleted on its word; the next
 * pass starts afresh with a new version, and is judged against the last completed pass (full_table_count).
 */
export function withPassAbandoned(state: State, stream: string): State {
  return withStream(state, stream, { full_table_pass: undefined });
}

/** Sets (undefined: removes) keys of one stream's bookmark, keeping the others. */
function withStream(state: State, stream: string, changes: Record<string, unknown>): State {
  const merged: Record<string, unknown> = { ...state.bookmarks?.[stream], ...changes };
  for (const [key, value] of Object.entries(changes)) if (value === undefined) delete merged[key];
  return { ...state, bookmarks: { ...state.bookmarks, [stream]: merged } } as State;
}
