// Purchase orders: read incrementally on last_modified, once for all of their streams, from the earliest
// start among them (each stream only writes orders at or after its own start). Each stream keeps its own
// bookmark, or, in a full-table pass, the pass's position; both move with the reader's checkpoints.
import { readPurchaseOrders } from '../client/order-reader.js';
import { formatInstantUs } from '../values/instants.js';
import { startState, withPassPosition } from '../singer/full-table.js';
import { withBookmark } from '../singer/state.js';
import type { ResourceBatch, ResourceReader } from './resource.js';

const REPLICATION_KEY = 'last_modified';

/** Checkpoints are inclusive resume points, epoch microseconds. */
export const purchaseOrdersResource: ResourceReader<number> = {
  name: 'purchase-orders',
  replicationKey: { name: REPLICATION_KEY, describe: (order) => `purchase order id=${JSON.stringify(order.id)}` },
  noun: 'purchase order',
  unsureRead:
    'it read purchase orders by offset while they shifted (the API ignores the last_modified filters, and orders ' +
    'changed or were deleted during the run)',

  read(streams, { api, log, pageSize, concurrency, fields }) {
    const since = streams.some((a) => a.start === undefined) ? undefined : Math.min(...streams.map((a) => a.start!));
    const from = since === undefined ? 'from the beginning' : `at last_modified >= ${formatInstantUs(since)}`;
    return {
      intro: `sync starts ${from} for ${streams.map((a) => a.stream.descriptor.name).join(', ')}`,
      batches: batches(readPurchaseOrders(api, { since, fields, pageSize, concurrency }, log)),
    };
  },

  // A pass is in state from the start: a restart resumes it with its version even if nothing was read yet.
  startState,

  checkpoint(state, streams, checkpoint, future) {
    let next = state;
    for (const a of streams) {
      const value = formatInstantUs(future.cap(Math.max(a.start ?? checkpoint, checkpoint)));
      next = a.plan.fullTable
        ? withPassPosition(next, a.stream.descriptor.name, value)
        : withBookmark(next, a.stream.descriptor.name, {
            replication_key: REPLICATION_KEY,
            replication_key_value: value,
          });
    }
    return JSON.stringify(next) === JSON.stringify(state) ? undefined : next;
  },
};

async function* batches(read: ReturnType<typeof readPurchaseOrders>): AsyncGenerator<ResourceBatch<number>> {
  for await (const { orders, lms, checkpoint, mayHaveMissed } of read)
    yield { records: orders, positions: lms, checkpoint, mayHaveMissed };
}
