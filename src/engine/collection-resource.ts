// The collections (variants, warehouses, vendors): read in full every run for all of their streams, as
// versioned passes that resume by offset. The streams share one read: it resumes where all of them stopped at
// the same point, and starts over otherwise (rows written again carry the same version, so nothing is lost or
// doubled in the target).
import { type CollectionResume, readCollection } from '../client/collection-reader.js';
import { COLLECTIONS, type CollectionName } from '../client/collections.js';
import { startState, withPassResume } from '../singer/full-table.js';
import type { ResourceBatch, ResourceReader } from './resource.js';

export function collectionResource(name: CollectionName): ResourceReader<CollectionResume> {
  const collection = COLLECTIONS[name];
  return {
    name,
    noun: collection.noun,
    unsureRead: `GET /${collection.path} could not show that it listed every record`,

    read(streams, { api, log, pageSize, concurrency, fields }) {
      const resumes = streams.map((a) => a.plan.resume);
      const first = resumes[0];
      const resume = first && resumes.every((r) => r?.offset === first.offset && r.id === first.id) ? first : undefined;
      const names = streams.map((a) => a.stream.descriptor.name).join(', ');
      return {
        intro: `${name}: read in full for ${names}${resume ? `, resumed at offset ${resume.offset}` : ''}`,
        batches: batches(readCollection(api, collection, { pageSize, fields, resume, concurrency }, log)),
      };
    },

    // A pass goes into state with its first checkpoint: until something is read, the STATE is the input's.
    startState: (state) => state,

    checkpoint(state, streams, resume) {
      const passes = streams.filter((a) => a.plan.fullTable);
      if (passes.length === 0) return undefined;
      let next = startState(
        state,
        passes.map((a) => a.plan),
      );
      for (const a of passes) next = withPassResume(next, a.stream.descriptor.name, resume);
      return next;
    },
  };
}

async function* batches(read: ReturnType<typeof readCollection>): AsyncGenerator<ResourceBatch<CollectionResume>> {
  for await (const { records, resume, mayHaveMissed, why } of read)
    yield { records, checkpoint: resume, mayHaveMissed, why };
}
