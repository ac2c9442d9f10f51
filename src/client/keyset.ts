// Keyset reading of one last_modified window [lower, upper): every request asks for page 0 from the
// current cursor, so orders edited mid-run (which jump to the end) cannot shift offsets and hide an order.
// A page made of one single instant is enumerated with last_modified=<instant> pages, restarted whenever
// that instant's total changes, then reading continues strictly after it.
import { ApiError } from '../errors.js';
import { orderId, selectOrders, type ApiOrder, type OrderPage, type OrderQuery, type OrdersWithLms } from './order-pages.js';

export interface WindowBatch extends OrdersWithLms {
  /** Every order of the window with last_modified < cursor has been yielded (inclusive resume point). */
  cursor: number | undefined;
  /** The window's last batch. */
  done?: true;
}

export type PageFetcher = (q: OrderQuery) => Promise<OrderPage>;

const MAX_INSTANT_RESTARTS = 1000;

export async function* keysetWindow(
  fetch: PageFetcher,
  limit: number,
  lower: number | undefined,
  upper: number | undefined,
  firstPage?: OrderPage,
): AsyncGenerator<WindowBatch> {
  let cursor = lower;
  let strict = false;
  let seenAtCursor = new Set<string>();
  let pending = firstPage;
  for (;;) {
    const page = clip(pending ?? (await fetch({ ...bound(cursor, strict), lt: upper, page: 0, limit })), upper);
    pending = undefined;
    const fresh = selectOrders(page, (order, i) => !(page.lms[i] === cursor && seenAtCursor.has(orderId(order))));
    const last = page.lms[page.lms.length - 1];
    if (page.orders.length < limit || last === undefined) {
      yield { ...fresh, cursor: last === undefined ? cursor : Math.max(cursor ?? last, last), done: true };
      return;
    }
    if (page.lms[0] === last) {
      // The whole page is one instant: it may hold more orders than a page.
      yield { ...fresh, cursor: last };
      const seen = new Set(page.orders.map(orderId));
      for (const id of last === cursor ? seenAtCursor : []) seen.add(id);
      for await (const orders of enumerateInstant(fetch, limit, last, seen)) yield { orders, lms: orders.map(() => last), cursor: last };
      cursor = last;
      strict = true;
      seenAtCursor = new Set();
    } else {
      yield { ...fresh, cursor: last };
      cursor = last;
      strict = false;
      seenAtCursor = new Set(page.orders.filter((_, i) => page.lms[i] === last).map(orderId));
    }
  }
}

function bound(cursor: number | undefined, strict: boolean): Partial<OrderQuery> {
  if (cursor === undefined) return {};
  return strict ? { gt: cursor } : { gte: cursor };
}

/** A reused page fetched without the upper bound: keep only the rows inside the window. */
function clip(page: OrderPage, upper: number | undefined): OrderPage {
  if (upper === undefined || page.lms.every((lm) => lm < upper)) return page;
  return { ...selectOrders(page, (_, i) => page.lms[i]! < upper), total: page.total };
}

/** All orders whose last_modified is exactly `instant`, not already in `seen`. */
export async function* enumerateInstant(fetch: PageFetcher, limit: number, instant: number, seen: Set<string>): AsyncGenerator<ApiOrder[]> {
  for (let restart = 0; restart <= MAX_INSTANT_RESTARTS; restart++) {
    let total: number | undefined;
    let changed = false;
    for (let pageNo = 0; ; pageNo++) {
      const page = await fetch({ eq: instant, page: pageNo, limit });
      // A member edited away shifts the offsets of the rest: start again (ids already yielded are skipped).
      if (pageNo > 0 && page.total !== total) {
        changed = true;
        break;
      }
      total = page.total;
      const fresh = page.orders.filter((order) => !seen.has(orderId(order)));
      for (const order of fresh) seen.add(orderId(order));
      if (fresh.length) yield fresh;
      if (page.orders.length < limit) break;
    }
    if (!changed) return;
  }
  throw new ApiError('API_CONTRACT_VIOLATED', `orders sharing last_modified ${new Date(instant).toISOString()} kept changing while being read.`,
    'Run again later.');
}
