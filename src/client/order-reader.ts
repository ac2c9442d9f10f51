// Reads every purchase order with last_modified >= since, exactly once or more, whatever the server does
// mid-run. Large reads are split into last_modified windows read in parallel (bounds found by probing
// offsets); the open-ended tail window, where edited and new orders land, is read last so that a newer
// version of an order is always yielded after an older one. Each batch carries the resume point that is
// safe after it. If the server is found ignoring a filter, reading continues from the last safe point
// with a strategy that does not need it.
import type { ApiClient } from './http.js';
import { keysetWindow, ordersWithoutLmSortedLast, type Limit, type PageFetcher, type WindowBatch } from './keyset.js';
import { mergeSources, prefetch } from './merge.js';
import { offsetScan } from './offset-scan.js';
import { floorToSecond, formatInstantUs } from '../values/instants.js';
import { fetchOrderPage, FilterIgnoredError, type OrderPage, type OrdersWithLms } from './order-pages.js';
import { PageSizer, PageTooLargeError, withLimit } from './page-sizer.js';
import { FieldProjection } from './projection.js';

export interface ReadOptions {
  /** Inclusive start, epoch microseconds. */
  since?: number;
  pageSize: number;
  concurrency: number;
  /** fields= projection to ask for; verified before it is relied on. */
  fields?: string[];
  /** JSON bytes of the pages held at once (default: a share of V8's heap limit). */
  pageBudgetBytes?: number;
}

export interface OrderBatch extends OrdersWithLms {
  /** Inclusive resume point (epoch microseconds) that is safe once this batch is handled; absent = unchanged. */
  checkpoint?: number;
  /**
   * The read went by offsets that may have shifted under it (the filter-ignoring fallback): an order that
   * existed throughout may not have been yielded, so the read must not be taken as complete.
   */
  mayHaveMissed?: true;
}

type Mode = 'windows' | 'keyset' | 'scan';
type Log = { info(message: string): void; warn(message: string): void };

export async function* readPurchaseOrders(api: ApiClient, options: ReadOptions, log: Log): AsyncGenerator<OrderBatch> {
  const sizer = new PageSizer(options.pageSize, options.pageBudgetBytes);
  const projection = new FieldProjection(api, options.fields, log, sizer);
  const fetch: PageFetcher = (q) => projection.fetch(q);
  const limit: Limit = () => sizer.limit();
  let mode: Mode = options.concurrency > 1 ? 'windows' : 'keyset';
  let since = options.since;
  if (since === undefined) {
    // A few orders a request: with most servers the descending listing starts with the newest order.
    for await (const batch of ordersWithoutLmSortedLast(fetch, () => Math.min(NULLS_LAST_LIMIT, limit())))
      yield orderBatch(batch, undefined);
  }
  for (;;) {
    try {
      const batches =
        mode === 'scan'
          ? scan((q) => projection.fetch(q, false), limit, since)
          : mode === 'windows'
            ? windowed(api, projection, fetch, sizer, options, since, log)
            : single(fetch, limit, since);
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

async function* single(
  fetch: PageFetcher,
  limit: Limit,
  since: number | undefined,
  first?: OrderPage,
): AsyncGenerator<OrderBatch> {
  for await (const batch of prefetch(keysetWindow(fetch, limit, since, undefined, first))) {
    yield orderBatch(batch, batch.cursor);
  }
}

async function* scan(fetch: PageFetcher, limit: Limit, since: number | undefined): AsyncGenerator<OrderBatch> {
  for await (const batch of prefetch(offsetScan(fetch, limit, since))) {
    yield batch.shifted ? { ...orderBatch(batch, batch.cursor), mayHaveMissed: true } : orderBatch(batch, batch.cursor);
  }
}

async function* windowed(
  api: ApiClient,
  projection: FieldProjection,
  fetch: PageFetcher,
  sizer: PageSizer,
  options: ReadOptions,
  since: number | undefined,
  log: Log,
): AsyncGenerator<OrderBatch> {
  const limitNow: Limit = () => sizer.limit();
  sizer.pagesHeld = 2 * options.concurrency + 1;
  const { page: head, ready: projected } = await withLimit(limitNow, (limit) =>
    projection.fetchDeferred({ gte: since === undefined ? undefined : floorToSecond(since), page: 0, limit }),
  );
  // The page whole, when the projection failed, may be too large: window 0 then reads its first page itself.
  const ready = projected.catch((error: unknown) => {
    if (error instanceof PageTooLargeError) return undefined;
    throw error;
  });
  // A server may serve fewer rows than asked for (meta.limit), and heavy orders make pages smaller: the
  // split into windows uses the size of this page.
  const limit = head.limit ?? options.pageSize;
  const total = head.total;
  if (head.orders.length < limit || total === undefined || total < 3 * limit) {
    yield* single(fetch, limitNow, since, await ready);
    return;
  }
  // Probes need only last_modified: they go out while the projection is still being verified.
  const probe: PageFetcher = (q) => fetchOrderPage(api, q, ['id', 'last_modified']);
  const [first, cuts] = await Promise.all([
    ready,
    windowCuts(probe, total, limit, Math.min(options.concurrency, Math.floor(total / limit) - 1), since),
  ]);
  if (cuts.length < 2) {
    yield* single(fetch, limitNow, since, first);
    return;
  }
  const tailLower = cuts[cuts.length - 1]!;
  const lowers = [since, ...cuts.slice(0, -1)];
  log.info(`reading about ${total} orders in ${lowers.length} parallel last_modified windows, then the tail`);
  sizer.pagesHeld = 2 * lowers.length + 1;
  const windows = lowers.map((lower, i) => keysetWindow(fetch, limitNow, lower, cuts[i], i === 0 ? first : undefined));
  const progress: (number | undefined)[] = [...lowers];
  const done = lowers.map(() => false);
  for await (const { source, value } of mergeSources<WindowBatch>(windows)) {
    progress[source] = value.cursor;
    if (value.done) done[source] = true;
    const open = done.indexOf(false);
    yield orderBatch(value, open === -1 ? tailLower : progress[open]);
  }
  // Read only now, so that edits made while the windows were read are in it, after their older versions.
  sizer.pagesHeld = 3;
  yield* single(fetch, limitNow, tailLower);
}

const NULLS_LAST_LIMIT = 20;

const orderBatch = ({ orders, lms }: OrdersWithLms, checkpoint: number | undefined): OrderBatch => ({
  orders,
  lms,
  checkpoint,
});

/**
 * Offsets that split `total` orders into `windows` parts that take about the same number of requests, plus
 * a tail of about half a page (read in one request). Window 0 starts with its first page already read
 * (the head request), so it gets one page more; a keyset page after the first brings limit - 1 new orders
 * (it starts again at the last instant of the one before).
 */
export function windowOffsets(total: number, limit: number, windows: number): number[] {
  const span = total - Math.ceil(limit / 2);
  const head = Math.min(limit - 1, Math.floor(span / (windows + 1)));
  const share = (span - head) / windows;
  return [...Array.from({ length: windows - 1 }, (_, i) => Math.round(head + (i + 1) * share)), span];
}

/** last_modified values at windowOffsets(), found by asking for single orders at those offsets (all at once). */
async function windowCuts(
  fetch: PageFetcher,
  total: number,
  limit: number,
  windows: number,
  since: number | undefined,
): Promise<number[]> {
  const offsets = windowOffsets(total, limit, windows);
  const from = since === undefined ? undefined : floorToSecond(since);
  const found = await Promise.all(offsets.map((page) => fetch({ gte: from, page, limit: 1 }).then((p) => p.lms[0])));
  // Cut at whole seconds: a server that rounds filter values cannot move a bound between two windows.
  const cuts = found
    .filter((lm): lm is number => typeof lm === 'number')
    .map(floorToSecond)
    .filter((cut) => since === undefined || cut > since);
  return [...new Set(cuts)].sort((a, b) => a - b);
}
