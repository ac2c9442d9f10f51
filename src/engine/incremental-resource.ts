// An incremental endpoint (purchase orders): read on its replication key, once for all of its streams, from
// the earliest start among them (each stream only writes records at or after its own start). Each stream keeps
// its own bookmark, or, in a full-table pass, the pass's checkpoint; both move with the reader's checkpoints.
import { ENDPOINTS, type IncrementalName } from '../client/endpoints.js';
import { readIncremental } from '../client/incremental/incremental-reader.js';
import { formatInstantUs } from '../values/instants.js';
import { startState, withPassCheckpoint } from '../singer/full-table.js';
import { withBookmark } from '../singer/state.js';
import type { ResourceBatch, ResourceReader } from './resource.js';

/** Checkpoints are inclusive, epoch microseconds. */
export function incrementalResource(name: IncrementalName): ResourceReader<number> {
  const endpoint = ENDPOINTS[name];
  const key = endpoint.replicationKey;
  return {
    name,
    replicationKey: {
      name: key,
      describe: (record) => `${endpoint.noun} ${endpoint.id}=${JSON.stringify(record[endpoint.id])}`,
    },
    noun: endpoint.noun,
    unsureRead:
      `it read ${endpoint.noun}s by offset while they shifted (the API ignores the ${key} filters, and ` +
      `${endpoint.plural} changed or were deleted during the run)`,

    read(streams, { api, log, pageSize, concurrency, fields }) {
      const since = streams.some((a) => a.start === undefined) ? undefined : Math.min(...streams.map((a) => a.start!));
      const from = since === undefined ? 'from the beginning' : `at ${key} >= ${formatInstantUs(since)}`;
      const read = readIncremental(api, endpoint, { since, fields, pageSize, concurrency }, log);
      return {
        intro: `sync starts ${from} for ${streams.map((a) => a.stream.descriptor.name).join(', ')}`,
        batches: batches(read),
      };
    },

    // A pass is in state from the start: a restart resumes it with its version even if nothing was read yet.
    startState,

    checkpoint(state, streams, checkpoint, future) {
      let next = state;
      for (const a of streams) {
        const value = formatInstantUs(future.cap(Math.max(a.start ?? checkpoint, checkpoint)));
        next = a.plan.fullTable
          ? withPassCheckpoint(next, a.stream.descriptor.name, { instant: value })
          : withBookmark(next, a.stream.descriptor.name, { replication_key: key, replication_key_value: value });
      }
      return JSON.stringify(next) === JSON.stringify(state) ? undefined : next;
    },
  };
}

async function* batches(read: ReturnType<typeof readIncremental>): AsyncGenerator<ResourceBatch<number>> {
  for await (const { records, keys, checkpoint, mayHaveMissed } of read)
    yield { records, positions: keys, checkpoint, mayHaveMissed };
}
