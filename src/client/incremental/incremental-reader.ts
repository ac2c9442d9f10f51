// Reads every record of an incremental endpoint with its replication key >= since, exactly once or more,
// whatever the server does mid-run. Large reads are split into key windows read in parallel (windows.ts);
// the open-ended tail window, where edited and new records land, is read last so that a newer version of a
// record is always yielded after an older one. Each batch carries the checkpoint that is safe after it. If
// the server is found ignoring a filter, reading continues from the last checkpoint with a strategy that does
// not need it.
import { formatInstantUs } from '../../values/instants.js';
import type { IncrementalEndpoint } from '../endpoints.js';
import type { ApiClient } from '../http/types.js';
import { ALL_FIELDS, FieldProjection, type Fields } from '../paging/projection.js';
import { PageSizer } from '../paging/sizer.js';
import { fetchKeyedPage, FilterIgnoredError, type KeyQuery } from './keyed-page.js';
import { recordsWithoutKeySortedLast } from './keyset.js';
import {
  type IncrementalBatch,
  type IncrementalRead,
  type IncrementalReadOptions,
  type Log,
  scan,
  single,
} from './strategies.js';
import { windowed } from './windows.js';

export type { IncrementalBatch, IncrementalReadOptions } from './strategies.js';

type Mode = 'windows' | 'keyset' | 'scan';

export async function* readIncremental(
  api: ApiClient,
  endpoint: IncrementalEndpoint,
  options: IncrementalReadOptions,
  log: Log,
): AsyncGenerator<IncrementalBatch> {
  const sizer = new PageSizer(endpoint, {
    pageSize: options.pageSize,
    budgetBytes: options.pageBudgetBytes,
    pagesHeld: 3,
    minimum: 1,
  });
  const projection = new FieldProjection(api, endpoint, options.fields ?? ALL_FIELDS, log);
  const keyed =
    (q: KeyQuery, check = true) =>
    (fields: Fields) =>
      fetchKeyedPage(api, endpoint, q, fields, check, sizer);
  const read: IncrementalRead = {
    api,
    endpoint,
    options,
    sizer,
    fetch: (q) => projection.fetch(keyed(q)),
    fetchDeferred: (q) => projection.fetchDeferred(keyed(q)),
    limit: () => sizer.limit(),
    log,
  };
  let mode: Mode = options.concurrency > 1 ? 'windows' : 'keyset';
  let since = options.since;
  if (since === undefined) {
    // A few records a request: with most servers the descending listing starts with the newest record.
    for await (const batch of recordsWithoutKeySortedLast(endpoint, read.fetch, () =>
      Math.min(NULLS_LAST_LIMIT, read.limit()),
    ))
      yield { records: batch.records, keys: batch.keys };
  }
  for (;;) {
    try {
      const batches =
        mode === 'scan'
          ? scan(read, (q) => projection.fetch(keyed(q, false)), since)
          : mode === 'windows'
            ? windowed(read, since)
            : single(read, since);
      for await (const batch of batches) {
        if (batch.checkpoint !== undefined) since = batch.checkpoint;
        yield batch;
      }
      return;
    } catch (error) {
      if (!(error instanceof FilterIgnoredError) || mode === 'scan') throw error;
      const next: Mode = error.operator === 'lt' && mode === 'windows' ? 'keyset' : 'scan';
      const from = since === undefined ? 'the beginning' : formatInstantUs(since);
      log.warn(
        `${error.message}; re-reading from ${from} ` +
          (next === 'scan' ? 'page by page (slower, still complete)' : 'one window at a time'),
      );
      mode = next;
    }
  }
}

const NULLS_LAST_LIMIT = 20;
