// Records sharing one filter (one second or instant of the replication key, or no key), read by offset pages.
// Offsets within the filter shift when a member is edited away, so the pages are read again from the start
// whenever meta.total changes, a bounded number of times; what was yielded before is skipped.
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

const MAX_INSTANT_RESTARTS = 1000;

/** What `seen` holds: one record at one key value (a record edited since is another entry). */
export const seenKey = (id: string, key: number | null): string => `${id}@${key}`;

export interface EnumeratedBatch extends Keyed {
  /** The first key value seen on this page that `take` refused (used to find the end of a run of nulls). */
  firstKnown?: number;
}

/**
 * Records matching `filter`, by offset pages, not already in `seen` (id@key) and not below `from`, restarted
 * when the count changes (a member edited away shifts the offsets of the rest; what was yielded is skipped, a
 * member edited into the second is not).
 * With `take`, only rows it accepts are yielded, and reading stops at the first page holding one it refuses.
 */
export async function* enumerate(
  endpoint: IncrementalEndpoint,
  fetch: PageFetcher,
  limitNow: Limit,
  filter: Partial<KeyQuery>,
  seen: Set<string>,
  from: number | undefined,
  take: (key: number | null) => boolean = () => true,
): AsyncGenerator<EnumeratedBatch> {
  for (let restart = 0; restart <= MAX_INSTANT_RESTARTS; restart++) {
    let total: number | undefined;
    // One limit for the whole round: offsets are page x limit.
    const limit = limitNow();
    for (let pageNo = 0; ; pageNo++) {
      const q: KeyQuery = { ...filter, page: pageNo, limit };
      let page: KeyedPage;
      try {
        page = await fetch(q);
      } catch (error) {
        if (error instanceof PageTooLargeError) break; // again from the start with the smaller limit
        throw error;
      }
      if (pageNo > 0 && page.total !== total) break;
      total = page.total;
      const refused = page.keys.find((key) => !take(key));
      const fresh = selectRecords(page, (record, i) => {
        const key = page.keys[i]!;
        const seenAs = seenKey(idOf(endpoint, record), key);
        if (!take(key) || (key !== null && from !== undefined && key < from) || seen.has(seenAs)) return false;
        seen.add(seenAs);
        return true;
      });
      yield { ...fresh, firstKnown: refused ?? undefined };
      if (refused !== undefined || isLastKeyedPage(page, q)) return;
    }
  }
  throw new ApiError(
    'API_CONTRACT_VIOLATED',
    `${endpoint.plural} sharing one ${endpoint.replicationKey} second kept changing while being read.`,
    'Run again later.',
  );
}
