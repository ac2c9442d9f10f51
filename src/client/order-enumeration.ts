// Orders sharing one filter (one last_modified second or instant, or no last_modified), read by offset pages.
// Offsets within the filter shift when a member is edited away, so the pages are read again from the start
// whenever meta.total changes, a bounded number of times; what was yielded before is skipped.
import { ApiError } from '../common/errors.js';
import type { Limit, PageFetcher } from './keyset.js';
import { PageTooLargeError } from './page-sizer.js';
import {
  isLastPage,
  orderId,
  selectOrders,
  type OrderPage,
  type OrderQuery,
  type OrdersWithLms,
} from './order-pages.js';

const MAX_INSTANT_RESTARTS = 1000;

/** What `seen` holds: one order at one last_modified (an order edited since is another entry). */
export const seenKey = (id: string, lm: number | null): string => `${id}@${lm}`;

export interface EnumeratedBatch extends OrdersWithLms {
  /** The first last_modified seen on this page that `take` refused (used to find the end of a run of nulls). */
  firstKnown?: number;
}

/**
 * Orders matching `filter`, by offset pages, not already in `seen` (id@last_modified) and not below `from`,
 * restarted when the count changes (a member edited away shifts the offsets of the rest; what was yielded
 * is skipped, a member edited into the second is not).
 * With `take`, only rows it accepts are yielded, and reading stops at the first page holding one it refuses.
 */
export async function* enumerate(
  fetch: PageFetcher,
  limitNow: Limit,
  filter: Partial<OrderQuery>,
  seen: Set<string>,
  from: number | undefined,
  take: (lm: number | null) => boolean = () => true,
): AsyncGenerator<EnumeratedBatch> {
  for (let restart = 0; restart <= MAX_INSTANT_RESTARTS; restart++) {
    let total: number | undefined;
    // One limit for the whole pass: offsets are page x limit.
    const limit = limitNow();
    for (let pageNo = 0; ; pageNo++) {
      const q: OrderQuery = { ...filter, page: pageNo, limit };
      let page: OrderPage;
      try {
        page = await fetch(q);
      } catch (error) {
        if (error instanceof PageTooLargeError) break; // again from the start with the smaller limit
        throw error;
      }
      if (pageNo > 0 && page.total !== total) break;
      total = page.total;
      const refused = page.lms.find((lm) => !take(lm));
      const fresh = selectOrders(page, (order, i) => {
        const lm = page.lms[i]!;
        const key = seenKey(orderId(order), lm);
        if (!take(lm) || (lm !== null && from !== undefined && lm < from) || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
      yield { ...fresh, firstKnown: refused ?? undefined };
      if (refused !== undefined || isLastPage(page, q)) return;
    }
  }
  throw new ApiError(
    'API_CONTRACT_VIOLATED',
    `orders sharing one last_modified second kept changing while being read.`,
    'Run again later.',
  );
}
