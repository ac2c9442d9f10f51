// What a collection read yields.
import type { ApiRecord } from '../endpoints.js';

/** Where a read goes on: the offset just past the verified prefix and the id of its last record. */
export interface CollectionCheckpoint {
  offset: number;
  id: string;
}

export interface CollectionBatch {
  /** Records not yielded before in this read, in the server's order. */
  records: ApiRecord[];
  /** Safe once this batch is handled; absent once the read cannot vouch for itself (the last one stays). */
  checkpoint?: CollectionCheckpoint;
  /** The read cannot show that it saw every record that existed throughout. */
  mayHaveMissed?: true;
  /** What the server did, with mayHaveMissed. */
  why?: string;
}
