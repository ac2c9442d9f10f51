// What the sync engine asks of an API resource (purchase orders, a collection, the next one): how to read it
// for its selected streams, what its read can vouch for, and how its progress goes into STATE. Everything else
// (rows, validation, output, progress, passes) is the engine's, the same for every resource.
import type { ApiRecord } from '../client/endpoints.js';
import type { ApiClient } from '../client/http/types.js';
import type { Fields } from '../client/paging/projection.js';
import type { FutureTimestamps } from './future-timestamps.js';
import type { Logger } from '../common/log.js';
import type { StreamPlan } from '../singer/full-table.js';
import type { State } from '../singer/state.js';
import type { Resource } from '../streams/stream.js';
import type { ActiveStream } from './active-stream.js';

export type { ApiRecord };

export interface ResourceBatch<Checkpoint> {
  /** API records, in the order they are to be written. */
  records: ApiRecord[];
  /** Each record's replication key value (epoch µs; null: none readable), for a resource that has one. */
  positions?: (number | null)[];
  /** Where the read stands once this batch is written (opaque to the engine); absent: unchanged. */
  checkpoint?: Checkpoint;
  /** The read cannot vouch that it saw every record: its streams' passes are dropped, nothing is deleted. */
  mayHaveMissed?: boolean;
  /** With mayHaveMissed: what the server did, for the warning (absent: the resource's unsureRead). */
  why?: string;
}

export interface ReadRequest {
  api: ApiClient;
  log: Logger;
  pageSize: number;
  concurrency: number;
  /** fields= to ask for, or ALL_FIELDS. */
  fields: Fields;
}

export interface ResourceRead<Checkpoint> {
  /** What is read, from where: the log line that opens the read. */
  intro: string;
  batches: AsyncIterable<ResourceBatch<Checkpoint>>;
  /** The read ignores where the streams' passes stopped and starts them over (their earlier runs do not count). */
  restarted?: boolean;
}

export interface ResourceReader<Checkpoint> {
  name: Resource;
  /**
   * The field every record is bookmarked on (each batch gives its values as positions): each stream follows its
   * catalog method, keeping a bookmark when INCREMENTAL. Absent: the resource is read in full every run, and each
   * stream is a versioned FULL_TABLE pass whatever the catalog says, except a history stream (Stream.history).
   */
  replicationKey?: {
    name: string;
    /** How a record is named in a warning, e.g. `purchase order id="7"`. */
    describe(record: ApiRecord): string;
  };
  /** What is read, singular, for progress lines (`purchase order`, `variant`). */
  noun: string;
  /** Completes "the full-table pass of <streams> is dropped: ..." when a batch could not vouch and said no more. */
  unsureRead: string;
  read(streams: ActiveStream[], request: ReadRequest): ResourceRead<Checkpoint>;
  /** The state a run starts from, before anything of this resource is read. */
  startState(state: State, plans: StreamPlan[]): State;
  /** The STATE once a batch up to `checkpoint` is written; undefined: nothing new to say. */
  checkpoint(
    state: State,
    streams: ActiveStream[],
    checkpoint: Checkpoint,
    future: FutureTimestamps,
  ): State | undefined;
}

/** A reader of any resource: the engine hands each one's checkpoints back to it unopened. */
export type AnyResourceReader = ResourceReader<unknown>;
