// Keyset reading of one last_modified window [lower, upper): every request asks for page 0 from the
// current cursor, so orders edited mid-run (which jump to the end) cannot shift offsets and hide an order.
// Every filter value sent is a whole second (a server that rounds filter values to seconds cannot move
// it); rows below the exact cursor that this brings back were yielded already and are dropped. A page
// that lies within one second is enumerated by offset (last_modified=<instant>, or the second's range when
// its instants differ below the second; order-enumeration.ts), then reading goes on after it. Orders
// without a usable last_modified are yielded and never move the cursor.
import { ApiError } from '../common/errors.js';
import { floorToSecond, SECOND_US } from '../values/instants.js';
import { withLimit } from './page-sizer.js';
import { enumerate, seenKey } from './order-enumeration.js';
import {
  isLastPage,
  orderId,
  servedLimit,
  selectOrders,
  type OrderPage,
  type OrderQuery,
  type OrdersWithLms,
} from './order-pages.js';

export interface WindowBatch extends OrdersWithLms {
  /** Every order of the window with last_modified < cursor has been yielded (inclusive resume point). */
  cursor: number | undefined;
  /** The window's last batch. */
  done?: true;
}

export type PageFetcher = (q: OrderQuery) => Promise<OrderPage>;

/** The page limit to ask for now (it may fall as heavier orders are seen: page-sizer.ts). */
export type Limit = () => number;

export async function* keysetWindow(
  fetch: PageFetcher,
  limitNow: Limit,
  lower: number | undefined,
  upper: number | undefined,
  firstPage?: OrderPage,
): AsyncGenerator<WindowBatch> {
  // cursor: the exact resume point; from: what the next request asks for (whole seconds, or > an instant).
  let cursor = lower;
  let from: Partial<OrderQuery> = lower === undefined ? {} : { gte: floorToSecond(lower) };
  let seenAtCursor = new Set<string>();
  let pending = firstPage;
  for (;;) {
    const [q, fetched] = pending
      ? ([{ ...from, lt: upper, page: 0, limit: pending.limit ?? limitNow() }, pending] as const)
      : await withLimit(limitNow, async (limit) => {
          const query: OrderQuery = { ...from, lt: upper, page: 0, limit };
          return [query, await fetch(query)] as const;
        });
    const limit = q.limit;
    const { page, clipped } = clip(fetched, upper);
    pending = undefined;
    const fresh = selectOrders(page, (order, i) => {
      const lm = page.lms[i];
      if (lm === null || lm === undefined || cursor === undefined) return true;
      return lm > cursor || (lm === cursor && !seenAtCursor.has(orderId(order)));
    });
    const known = page.lms.filter((lm): lm is number => lm !== null);
    const first = known[0];
    const last = known[known.length - 1];
    // A short page that brings nothing new ends the window even when meta.total claims more (a server may
    // count something else): asking again would bring the same rows.
    const stuck =
      page.orders.length < servedLimit(page, limit) &&
      last !== undefined &&
      last === cursor &&
      fresh.orders.length === 0;
    if (clipped || stuck || isLastPage(page, q)) {
      yield { ...fresh, cursor: last === undefined ? cursor : Math.max(cursor ?? last, last), done: true };
      return;
    }
    if (last === undefined) {
      // A full page of orders without last_modified: read them by offset, then go on from the first that has one.
      if (cursor !== undefined) {
        throw new ApiError(
          'API_CONTRACT_VIOLATED',
          `a page of GET /purchase-orders filtered by last_modified held only orders without one.`,
          'The tap cannot page through them; report this to Inventory Planner support.',
        );
      }
      yield { ...fresh, cursor };
      const seen = new Set(page.orders.map((order) => seenKey(orderId(order), null)));
      let next: number | undefined;
      for await (const batch of enumerate(fetch, limitNow, {}, seen, undefined, (lm) => lm === null)) {
        next ??= batch.firstKnown;
        if (batch.orders.length) yield { orders: batch.orders, lms: batch.lms, cursor };
        if (next !== undefined) break;
      }
      if (next === undefined) {
        yield { orders: [], lms: [], cursor, done: true };
        return;
      }
      cursor = next;
      from = { gte: floorToSecond(next) };
      seenAtCursor = new Set();
      continue;
    }
    yield { ...fresh, cursor: last };
    if (floorToSecond(first!) === floorToSecond(last)) {
      // The whole page lies in one second: asking again from there would bring the same page.
      const second = floorToSecond(last);
      const whole = first === last && last === second;
      const seen = new Set(page.orders.map((order, i) => seenKey(orderId(order), page.lms[i]!)));
      if (last === cursor) for (const id of seenAtCursor) seen.add(seenKey(id, last));
      let max = last;
      for await (const batch of enumerate(
        fetch,
        limitNow,
        whole ? { eq: last } : { gte: second, lt: second + SECOND_US },
        seen,
        cursor,
      )) {
        if (!batch.orders.length) continue;
        for (const lm of batch.lms) if (lm !== null && lm > max) max = lm;
        yield { orders: batch.orders, lms: batch.lms, cursor: last };
      }
      // Go on strictly after the instant, or from the next second. The resume point stays at the newest
      // instant seen: an order edited after the second was read lands at or after it.
      cursor = max;
      from = whole ? { gt: last } : { gte: second + SECOND_US };
      seenAtCursor = new Set();
    } else {
      cursor = last;
      from = { gte: floorToSecond(last) };
      seenAtCursor = new Set(page.orders.filter((_, i) => page.lms[i] === last).map(orderId));
    }
  }
}

/** A reused page fetched without the upper bound: keep only the rows inside the window. */
function clip(page: OrderPage, upper: number | undefined): { page: OrderPage; clipped: boolean } {
  if (upper === undefined || page.lms.every((lm) => lm === null || lm < upper)) return { page, clipped: false };
  return {
    page: { ...selectOrders(page, (_, i) => (page.lms[i] ?? -Infinity) < upper), total: page.total },
    clipped: true,
  };
}

/**
 * Orders without last_modified that the server sorts after all the others (as PostgreSQL sorts NULLs):
 * no filtered request returns them and an ascending read would reach them only at its very end, after
 * its last STATE. A full sync reads them first, from the start of the descending listing.
 */
export async function* ordersWithoutLmSortedLast(fetch: PageFetcher, limitNow: Limit): AsyncGenerator<OrdersWithLms> {
  for await (const batch of enumerate(fetch, limitNow, { desc: true }, new Set(), undefined, (lm) => lm === null)) {
    if (batch.orders.length) yield { orders: batch.orders, lms: batch.lms };
  }
}
