// A collection (variants, warehouses, vendors): read in full every run for all of its streams, as versioned
// passes that go on from a checkpoint (an offset and the id read there). The streams share one read: it goes
// on where all of them stopped at the same checkpoint, and starts over otherwise (rows written again carry the
// same version, so nothing is lost or doubled in the target).
import { type CollectionCheckpoint, readCollection } from '../client/collection/collection-reader.js';
import { type CollectionName, ENDPOINTS } from '../client/endpoints.js';
import { checkpointOffset, startState, withPassCheckpoint } from '../singer/full-table.js';
import type { ResourceReader } from './resource.js';

export function collectionResource(name: CollectionName): ResourceReader<CollectionCheckpoint> {
  const endpoint = ENDPOINTS[name];
  return {
    name,
    noun: endpoint.noun,
    unsureRead: `GET /${endpoint.path} could not show that it listed every record`,

    read(streams, { api, log, pageSize, concurrency, fields }) {
      // A bookmarked stream (Stream.bookmark) does not hold a read back: its bookmark moves only after a read that
      // ended, and the part before a checkpoint was written with the same floor by the run that was stopped.
      const checkpoints = streams.filter((a) => !a.stream.bookmark).map((a) => checkpointOffset(a.plan.checkpoint));
      const first = checkpoints[0];
      const checkpoint =
        first && checkpoints.every((c) => c?.offset === first.offset && c.id === first.id) ? first : undefined;
      const names = streams.map((a) => a.stream.descriptor.name).join(', ');
      const read = readCollection(api, endpoint, { pageSize, fields, checkpoint, concurrency }, log);
      return {
        intro: `${name}: read in full for ${names}${checkpoint ? `, resumed at offset ${checkpoint.offset}` : ''}`,
        batches: read,
        restarted: checkpoint === undefined && checkpoints.some((c) => c !== undefined),
      };
    },

    // A pass goes into state with its first checkpoint: until something is read, the STATE is the input's.
    startState: (state) => state,

    checkpoint(state, streams, checkpoint) {
      const passes = streams.filter((a) => a.plan.fullTable);
      if (passes.length === 0) return undefined;
      let next = startState(
        state,
        passes.map((a) => a.plan),
      );
      for (const a of passes) next = withPassCheckpoint(next, a.stream.descriptor.name, checkpoint);
      return next;
    },
  };
}
