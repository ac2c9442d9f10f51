// What the strategies of one incremental read share, and the two that read one stretch of the listing: a
// keyset window to the end, and the offset scan for a server that ignores the filters.
import type { IncrementalEndpoint } from '../endpoints.js';
import type { ApiClient } from '../http/types.js';
import { prefetch } from '../paging/read-ahead.js';
import type { Fields } from '../paging/projection.js';
import type { PageSizer } from '../paging/sizer.js';
import type { Keyed, KeyedPage, KeyQuery, Limit, PageFetcher } from './keyed-page.js';
import { keysetWindow } from './keyset.js';
import { offsetScan } from './offset-scan.js';

export type Log = { info(message: string): void; warn(message: string): void };

export interface IncrementalReadOptions {
  /** Inclusive start, epoch microseconds. */
  since?: number;
  pageSize: number;
  concurrency: number;
  /** fields= projection to ask for (default ALL_FIELDS); verified before it is relied on. */
  fields?: Fields;
  /** JSON bytes of the pages held at once (default: a share of V8's heap limit). */
  pageBudgetBytes?: number;
}

export interface IncrementalBatch extends Keyed {
  /** Inclusive checkpoint (epoch microseconds) that is safe once this batch is handled; absent = unchanged. */
  checkpoint?: number;
  /**
   * The read went by offsets that may have shifted under it (the filter-ignoring fallback): a record that
   * existed throughout may not have been yielded, so the read cannot show it is complete.
   */
  mayHaveMissed?: true;
}

/** What the strategies of one read share. */
export interface IncrementalRead {
  api: ApiClient;
  endpoint: IncrementalEndpoint;
  options: IncrementalReadOptions;
  sizer: PageSizer;
  /** A page for the query, with the projection once proven. */
  fetch: PageFetcher;
  /** The query's page, the projection not yet proven, and the page to use once it is. */
  fetchDeferred(q: KeyQuery): Promise<{ page: KeyedPage; ready: Promise<KeyedPage> }>;
  limit: Limit;
  log: Log;
}

/** One keyset window from `since` to the end, with one page of read-ahead. */
export async function* single(
  read: IncrementalRead,
  since: number | undefined,
  first?: KeyedPage,
): AsyncGenerator<IncrementalBatch> {
  for await (const { records, keys, checkpoint } of prefetch(
    keysetWindow(read.endpoint, read.fetch, read.limit, since, undefined, first),
  ))
    yield { records, keys, checkpoint };
}

export async function* scan(
  read: IncrementalRead,
  fetch: PageFetcher,
  since: number | undefined,
): AsyncGenerator<IncrementalBatch> {
  for await (const { records, keys, checkpoint, shifted } of prefetch(
    offsetScan(read.endpoint, fetch, read.limit, since),
  ))
    yield shifted ? { records, keys, checkpoint, mayHaveMissed: true } : { records, keys, checkpoint };
}
