// The fallback for a server that ignores the last_modified filters: read every page by offset, in
// last_modified order, and keep only orders at or after `since`. Offsets shift when an order already read
// is edited (it jumps to the end), which can hide one unread order; an order seen twice reveals it, and
// the resume point then stays at or below the old position of every such order, so the next run re-reads
// whatever may have been hidden. No resume point is given until the scan ends. An order deleted during the
// scan shifts offsets too, with no trace but a smaller meta.total (a new order only adds to the end): the
// resume point then stays where the scan started, and the last batch says the offsets may have shifted, so
// that nothing is taken as deleted on the word of such a scan. (A deletion and a creation between the same
// two pages leave meta.total as it was and go unnoticed.)
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

export interface ScanBatch extends OrdersWithLms {
  /** Only on the last batch: the inclusive resume point for the next run. */
  cursor?: number;
  /** Only on the last batch: offsets may have shifted (an order seen twice, or meta.total went down). */
  shifted?: boolean;
}

export async function* offsetScan(
  fetch: PageFetcher,
  limitNow: Limit,
  since: number | undefined,
): AsyncGenerator<ScanBatch> {
  let limit = limitNow();
  const firstSeenAt = new Map<number, number>(); // id hash -> last_modified when first read (-Infinity: none)
  let resumeCap = Number.POSITIVE_INFINITY;
  let maxLm = since ?? Number.NEGATIVE_INFINITY;
  let previousLast = Number.NEGATIVE_INFINITY;
  let maxTotal = 0;
  let shrank = false;
  for (let pageNo = 0; ; pageNo++) {
    const q: OrderQuery = { gte: since, page: pageNo, limit };
    let page: OrderPage;
    try {
      page = await fetch(q);
    } catch (error) {
      if (!(error instanceof PageTooLargeError)) throw error;
      // Smaller pages from the same offset, rounded down: rows read again only make the resume point more cautious.
      const offset = pageNo * limit;
      limit = limitNow();
      pageNo = Math.floor(offset / limit) - 1;
      continue;
    }
    const known = page.lms.filter((lm): lm is number => lm !== null);
    if ((known[0] ?? previousLast) < previousLast) {
      throw new ApiError(
        'API_CONTRACT_VIOLATED',
        'pages of GET /purchase-orders are not in last_modified order.',
        'The tap needs sorted pages to guarantee completeness; report this to the tap maintainers.',
      );
    }
    if (page.total !== undefined) {
      if (page.total < maxTotal) shrank = true;
      maxTotal = Math.max(maxTotal, page.total);
    }
    page.orders.forEach((order, i) => {
      const lm = page.lms[i] ?? Number.NEGATIVE_INFINITY;
      const key = hashId(orderId(order));
      const before = firstSeenAt.get(key);
      if (before === undefined) firstSeenAt.set(key, lm);
      else resumeCap = Math.min(resumeCap, before); // a hash collision only makes this more cautious
      maxLm = Math.max(maxLm, lm);
    });
    // Orders without last_modified are kept: they are written whatever the start.
    const batch = selectOrders(page, (_, i) => since === undefined || (page.lms[i] ?? since) >= since);
    previousLast = known[known.length - 1] ?? previousLast;
    if (isLastPage(page, q)) {
      const end = shrank ? Number.NEGATIVE_INFINITY : Math.min(maxLm, resumeCap);
      yield { ...batch, cursor: Number.isFinite(end) ? end : since, shifted: shrank || Number.isFinite(resumeCap) };
      return;
    }
    yield batch;
  }
}

/** 32-bit FNV-1a: a number per order in the seen-map instead of its id string. */
export function hashId(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
