// The fallback for a server that ignores the replication key filters: read every page by offset, in key
// order, and keep only records at or after `since`. Offsets shift when a record already read is edited (it
// jumps to the end), which can hide one unread record; a record seen twice reveals it, and the checkpoint then
// stays at or below the old place of every such record, so the next run re-reads whatever may have been
// hidden. No checkpoint is given until the scan ends. A record deleted during the scan shifts offsets too, with
// no trace but a smaller meta.total (a new record only adds to the end): the checkpoint then stays where the
// scan started, and the last batch says the offsets may have shifted, so that nothing is taken as deleted on
// the word of such a scan. (A deletion and a creation between the same two pages leave meta.total as it was
// and go unnoticed.)
import { ApiError } from '../../common/errors.js';
import { idOf, type IncrementalEndpoint } from '../endpoints.js';
import { PageTooLargeError } from '../paging/sizer.js';
import {
  isLastKeyedPage,
  selectRecords,
  type Keyed,
  type KeyedPage,
  type KeyQuery,
  type Limit,
  type PageFetcher,
} from './keyed-page.js';

export interface ScanBatch extends Keyed {
  /** Only on the last batch: the inclusive checkpoint for the next run. */
  checkpoint?: number;
  /** Only on the last batch: offsets may have shifted (a record seen twice, or meta.total went down). */
  shifted?: boolean;
}

export async function* offsetScan(
  endpoint: IncrementalEndpoint,
  fetch: PageFetcher,
  limitNow: Limit,
  since: number | undefined,
): AsyncGenerator<ScanBatch> {
  let limit = limitNow();
  const firstSeenAt = new Map<number, number>(); // id hash -> key when first read (-Infinity: none)
  let checkpointCap = Number.POSITIVE_INFINITY;
  let maxKey = since ?? Number.NEGATIVE_INFINITY;
  let previousLast = Number.NEGATIVE_INFINITY;
  let maxTotal = 0;
  let shrank = false;
  for (let pageNo = 0; ; pageNo++) {
    const q: KeyQuery = { gte: since, page: pageNo, limit };
    let page: KeyedPage;
    try {
      page = await fetch(q);
    } catch (error) {
      if (!(error instanceof PageTooLargeError)) throw error;
      // Smaller pages from the same offset, rounded down: rows read again only make the checkpoint more cautious.
      const offset = pageNo * limit;
      limit = limitNow();
      pageNo = Math.floor(offset / limit) - 1;
      continue;
    }
    const known = page.keys.filter((key): key is number => key !== null);
    if ((known[0] ?? previousLast) < previousLast) {
      throw new ApiError(
        'API_CONTRACT_VIOLATED',
        `pages of GET /${endpoint.path} are not in ${endpoint.replicationKey} order.`,
        'The tap needs sorted pages to guarantee completeness; report this to the tap maintainers.',
      );
    }
    if (page.total !== undefined) {
      if (page.total < maxTotal) shrank = true;
      maxTotal = Math.max(maxTotal, page.total);
    }
    page.records.forEach((record, i) => {
      const key = page.keys[i] ?? Number.NEGATIVE_INFINITY;
      const hash = hashId(idOf(endpoint, record));
      const before = firstSeenAt.get(hash);
      if (before === undefined) firstSeenAt.set(hash, key);
      else checkpointCap = Math.min(checkpointCap, before); // a hash collision only makes this more cautious
      maxKey = Math.max(maxKey, key);
    });
    // Records without a key are kept: they are written whatever the start.
    const batch = selectRecords(page, (_, i) => since === undefined || (page.keys[i] ?? since) >= since);
    previousLast = known[known.length - 1] ?? previousLast;
    if (isLastKeyedPage(page, q)) {
      const end = shrank ? Number.NEGATIVE_INFINITY : Math.min(maxKey, checkpointCap);
      yield {
        ...batch,
        checkpoint: Number.isFinite(end) ? end : since,
        shifted: shrank || Number.isFinite(checkpointCap),
      };
      return;
    }
    yield batch;
  }
}

/** 32-bit FNV-1a: a number per record in the seen-map instead of its id string. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
