// Reads a whole collection (variants, warehouses, vendors) by offset pages, and says whether it can vouch that
// it saw every record that existed from its start to its end.
// The listing is asked for in id order; records added or removed mid-run shift offsets, so every page after
// the first overlaps what was read (it starts at or below the record read last) and is accepted only when it
// holds that record or starts before it in id order: the page is then a contiguous continuation and nothing
// was skipped. A page that anchors nowhere (records before it were removed) is read again from further back,
// and while the listing shifts the pages keep a margin of overlap, halved at every page that anchors.
// Pages are asked for ahead (queue.ts); one that does not anchor sends the reader back.
// What a server may do instead is checked on every page (checks.ts). A server that does not keep to the id
// order, or to the offsets asked, makes the read untrustworthy (trust.ts): a collection that fits one page is
// then read again in one request (one response is one instant's listing); a larger one is read to the end by
// plain offsets and every batch carries mayHaveMissed.
// Every loop is bounded (trust.ts): pages read, going back included, and empty deep pages; a page too large
// is asked again smaller, down to two records (sizer.ts).
import type { ApiError } from '../../common/errors.js';
import { type ApiRecord, type Endpoint, idOf as recordId } from '../endpoints.js';
import type { ApiClient } from '../http/types.js';
import { fetchPage, isLastPage, type Page } from '../paging/page.js';
import { ALL_FIELDS, FieldProjection, type Fields, withFields } from '../paging/projection.js';
import { PageSizer, PageTooLargeError } from '../paging/sizer.js';
import type { CollectionBatch, CollectionCheckpoint } from './batch.js';
import { deepOffsetRefused, freshRows, pageProblem } from './checks.js';
import { IdOrder } from './id-order.js';
import { PageQueue } from './queue.js';
import { ONE_PAGE_MAX, ReadTrust } from './trust.js';

export type { CollectionBatch, CollectionCheckpoint } from './batch.js';

export interface CollectionReadOptions {
  pageSize: number;
  /** fields= projection to ask for (default ALL_FIELDS); verified before it is relied on. */
  fields?: Fields;
  /** Where to go on (a checkpoint of an earlier read). */
  checkpoint?: CollectionCheckpoint;
  pageBudgetBytes?: number;
  /** Pages asked for at once (default 1). */
  concurrency?: number;
}

type Log = { info(message: string): void; warn(message: string): void };

export async function* readCollection(
  api: ApiClient,
  endpoint: Endpoint,
  options: CollectionReadOptions,
  log: Log,
): AsyncGenerator<CollectionBatch> {
  const ahead = Math.max(1, options.concurrency ?? 1);
  // A page overlaps the one before: it needs the record read last and one more.
  const sizer = new PageSizer(endpoint, {
    pageSize: options.pageSize,
    budgetBytes: options.pageBudgetBytes,
    pagesHeld: ahead + 1,
    minimum: 2,
    weighParsed: true,
  });
  const projection = new FieldProjection(api, endpoint, options.fields ?? ALL_FIELDS, log);
  // A stable order is what the overlap check relies on; id order where the server honours it.
  const fetch = (page: number, limit: number): Promise<Page> =>
    projection.fetch((fields) =>
      fetchPage(api, endpoint, withFields({ [`${endpoint.id}_sort`]: 'asc', limit, page }, fields), sizer),
    );
  const queue = new PageQueue(fetch, sizer, ahead);
  const idOf = (r: ApiRecord): string => recordId(endpoint, r);
  const trust = new ReadTrust(endpoint.path, idOf, options.checkpoint !== undefined);
  const order = new IdOrder();
  const path = endpoint.path;
  let end = options.checkpoint?.offset ?? 0;
  let lastId = options.checkpoint?.id;
  let back = 0;

  const distrust = (problem: string): void => {
    if (trust.distrust(problem)) queue.drop();
  };
  const batch = (records: ApiRecord[]): CollectionBatch => trust.batch(records, { offset: end, id: lastId ?? '' });
  /** The last batch of a read given up: it vouches for nothing. */
  const giveUp = (problem: string): CollectionBatch => {
    distrust(problem);
    return batch([]);
  };

  let failed = false;
  try {
    for (;;) {
      const planned = queue.next(Math.max(0, end - back), trust.why !== undefined);
      const offset = planned.page * planned.limit;
      let page: Page;
      try {
        page = await planned.result;
      } catch (error) {
        if (error instanceof PageTooLargeError) {
          queue.drop(); // the sizer has learnt: ask again with smaller pages
          continue;
        }
        if (!deepOffsetRefused(error, offset)) throw error;
        yield giveUp(`GET /${path} refused the page at offset ${offset} (HTTP ${(error as ApiError).status})`);
        return;
      }
      if (page.limit < page.asked) queue.capAt(page.limit);
      const shifting = trust.pageRead(page, planned.limit, end);
      if (shifting) {
        yield giveUp(shifting);
        return;
      }
      const empty = trust.emptyDeepPage(page, offset);
      if (empty) {
        queue.drop();
        if (!empty.giveUp) continue;
        yield giveUp(empty.giveUp);
        return;
      }

      const rows = page.records;
      const ids = rows.map(idOf);
      const problem = trust.why ? undefined : pageProblem(page, offset, ids, order);
      if (problem) {
        distrust(`GET /${path}: ${problem}`);
        log.info(`${path}: ${problem}; offsets cannot show that the listing holds every record`);
        const whole = await onePage(page.total ?? trust.maxTotal);
        if (whole) {
          yield whole;
          return;
        }
        // Read on by plain offsets, for the records' sake; every batch says the read may have missed one.
      }
      if (!trust.why) {
        const fresh = freshRows(rows, ids, offset, lastId, order);
        if (!fresh) {
          // Records before this page were removed since the prefix was read: the continuation starts further back.
          back = Math.min(Math.max(8, back * 2), end);
          queue.drop();
          const from = Math.max(0, end - back);
          log.info(`${path}: the listing shifted (records removed mid-run); reading again from offset ${from}`);
          continue;
        }
        // Keep a margin while the listing shifts: the next page then still holds the record read last.
        back = Math.floor(back / 2);
        if (rows.length > 0) end = offset + rows.length;
        // A page from further back may end before the record read last: the position in id order never goes back.
        if (fresh.length > 0) lastId = ids.at(-1);
        const last = isLastPage(page, offset);
        if (fresh.length > 0 || last) yield batch(fresh);
        if (last) return;
      } else {
        end = offset + rows.length;
        const last = isLastPage(page, offset);
        yield batch(rows);
        if (last) return;
      }
      if (rows.length < planned.limit) {
        // Shorter than planned and not the last page: the server serves no more a page; the pages planned
        // after it start past its end.
        queue.capAt(Math.max(2, rows.length));
        queue.drop();
      }
    }
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // A read that ended (or was stopped by its consumer) leaves no request behind; a failed one does not wait.
    if (!failed) await queue.settle();
  }

  /** The whole listing in one response, when it fits in one page: exact whatever the order. */
  async function onePage(total: number): Promise<CollectionBatch | undefined> {
    const limit = Math.min(ONE_PAGE_MAX, queue.served, sizer.byteLimit());
    if (total >= limit) return undefined;
    queue.drop();
    let page: Page;
    try {
      page = await fetch(0, limit);
    } catch (error) {
      if (error instanceof PageTooLargeError) return undefined;
      throw error;
    }
    trust.extraPageRead();
    const ids = page.records.map(idOf);
    const whole =
      page.records.length < page.limit &&
      (page.total === undefined || page.total === page.records.length) &&
      (page.count === undefined || page.count === page.records.length) &&
      new Set(ids).size === ids.length;
    if (!whole) return undefined;
    log.info(`${path}: read again in one page of ${page.records.length} records, which holds every record`);
    const checkpoint = { offset: page.records.length, id: ids.at(-1) ?? '' };
    return { records: trust.unseen(page.records, ids), checkpoint };
  }
}
