// Reads a whole collection (variants, warehouses, vendors) by offset pages, and says whether it can vouch that
// it saw every record that existed from its start to its end (a pass deletes every row it did not send).
// The listing is asked for in id order; records added or removed mid-run shift offsets, so every page after
// the first overlaps what was read (it starts at or below the record read last) and is accepted only when it
// holds that record or starts before it in id order: the page is then a contiguous continuation and nothing
// was skipped. A page that anchors nowhere (records before it were removed) is read again from further back,
// and while the listing shifts the pages keep a margin of overlap, halved at every page that anchors.
// `concurrency` pages are asked for ahead, each overlapping the one before as planned; one that does not
// anchor on arrival sends the reader back and the pages ahead are dropped.
// What a server may do instead is checked on every page (collection-checks.ts). A server that does not keep
// to the id order, or to the offsets asked, makes the read untrustworthy: a collection that fits one page is
// then read again in one request (one response is one instant's listing); a larger one is read to the end
// by plain offsets and every batch carries mayHaveMissed, so its pass deletes nothing. Every loop is bounded:
// pages read (a multiple of the pages the listing needs), empty pages where meta.total says more, going back.
import type { ApiError } from '../errors.js';
import type { ApiClient } from './http.js';
import type { Collection } from './collections.js';
import { CollectionProjection, type CollectionPage } from './collection-pages.js';
import {
  deepOffsetRefused,
  freshRows,
  isLastCollectionPage,
  overlappingPage,
  pageProblem,
} from './collection-checks.js';
import { IdOrder } from './id-order.js';
import { PageSizer, PageTooLargeError } from './page-sizer.js';

export type ApiRecord = Record<string, unknown>;

/** Where a pass goes on: the offset just past the verified prefix and the id of its last record. */
export interface CollectionResume {
  offset: number;
  id: string;
}

export interface CollectionBatch {
  /** Records not yielded before in this read, in the server's order. */
  records: ApiRecord[];
  /** Safe once this batch is handled; absent once the read cannot vouch for itself (the last one stays). */
  resume?: CollectionResume;
  /** The read cannot show that it saw every record that existed throughout: its pass must delete nothing. */
  mayHaveMissed?: true;
  /** What the server did, with mayHaveMissed. */
  why?: string;
}

export interface CollectionReadOptions {
  pageSize: number;
  fields?: string[];
  resume?: CollectionResume;
  pageBudgetBytes?: number;
  /** Pages asked for at once (default 1). */
  concurrency?: number;
}

type Log = { info(message: string): void; warn(message: string): void };

/** The API's largest page: a collection up to this size can be read in one response. */
export const ONE_PAGE_MAX = 1000;
/** Empty pages in a row where meta.total says rows follow, before the server is taken as serving no deeper. */
export const EMPTY_DEEP_PAGES = 3;
/** Pages read per page the listing needs (plus PAGES_SLACK), before a read that keeps shifting is given up. */
export const PAGES_FACTOR = 3;
export const PAGES_SLACK = 20;

interface Planned {
  page: number;
  limit: number;
  result: Promise<CollectionPage>;
}

export async function* readCollection(
  api: ApiClient,
  collection: Collection,
  options: CollectionReadOptions,
  log: Log,
): AsyncGenerator<CollectionBatch> {
  const ahead = Math.max(1, options.concurrency ?? 1);
  const sizer = new PageSizer(options.pageSize, options.pageBudgetBytes);
  sizer.pagesHeld = ahead + 1;
  const projection = new CollectionProjection(api, collection, options.fields, log, sizer);
  const idOf = (r: ApiRecord): string => String(r[collection.id]);
  const order = new IdOrder();
  const path = collection.path;
  let end = options.resume?.offset ?? 0;
  let lastId = options.resume?.id;
  /** Ids yielded in this read while they are few (a one-page re-read then writes only the others). */
  let yielded: Set<string> | undefined = options.resume ? undefined : new Set();
  let why: string | undefined;
  let back = 0;
  let cap = Number.POSITIVE_INFINITY;
  let emptyDeep = 0;
  let pagesRead = 0;
  let firstTotal: number | undefined;
  let maxTotal = 0;
  let queue: Planned[] = [];

  const limitNow = (): number => Math.max(why ? 1 : 2, Math.min(cap, sizer.limit()));
  const ask = (page: number, limit: number): Planned => {
    const result = projection.fetch(page, limit);
    result.catch(() => undefined); // a page dropped unread must not be an unhandled rejection
    return { page, limit, result };
  };
  /** Fills the queue with pages that each start at or below the end of the one before, if it comes full. */
  const plan = (): void => {
    let from = queue.length ? (queue.at(-1)!.page + 1) * queue.at(-1)!.limit : Math.max(0, end - back);
    while (queue.length < ahead) {
      const limit = limitNow();
      // Untrusted: plain consecutive pages; there is nothing left to anchor on.
      const next = why ? { page: Math.floor(from / limit), limit } : overlappingPage(from, limit);
      queue.push(ask(next.page, next.limit));
      from = (next.page + 1) * next.limit;
    }
  };
  const restart = (): void => {
    queue = [];
  };
  const distrust = (problem: string): void => {
    if (why) return;
    why = problem;
    restart();
  };
  const batch = (records: ApiRecord[]): CollectionBatch => {
    if (yielded) for (const r of records) yielded.add(idOf(r));
    if (yielded && yielded.size > ONE_PAGE_MAX) yielded = undefined;
    if (why) return { records, mayHaveMissed: true, why };
    return { records, resume: { offset: end, id: lastId ?? '' } };
  };

  for (;;) {
    plan();
    const planned = queue.shift()!;
    const offset = planned.page * planned.limit;
    let page: CollectionPage;
    try {
      page = await planned.result;
    } catch (error) {
      if (error instanceof PageTooLargeError) {
        restart(); // the sizer has learnt: ask again with smaller pages
        continue;
      }
      if (!deepOffsetRefused(error, offset)) throw error;
      distrust(`GET /${path} refused the page at offset ${offset} (HTTP ${(error as ApiError).status})`);
      yield batch([]);
      return;
    }
    pagesRead++;
    if (page.total !== undefined) {
      firstTotal ??= page.total;
      maxTotal = Math.max(maxTotal, Math.min(page.total, 2 * firstTotal + ONE_PAGE_MAX));
    }
    if (page.limit < page.asked) cap = page.limit;
    const rows = page.records;
    const ids = rows.map(idOf);
    // An overlapping page brings at least half its rows as new ones.
    const budget = PAGES_SLACK + PAGES_FACTOR * Math.ceil(Math.max(maxTotal, end, 1) / Math.ceil(planned.limit / 2));
    if (pagesRead > budget) {
      distrust(`GET /${path} kept shifting: ${pagesRead} pages read for about ${maxTotal} records`);
      yield batch([]);
      return;
    }

    if (rows.length === 0 && page.total !== undefined && offset < page.total) {
      // The server says rows are there but serves none: a transient glitch, or no deep offsets.
      restart();
      if (++emptyDeep < EMPTY_DEEP_PAGES) continue;
      distrust(`GET /${path} served an empty page at offset ${offset} while meta.total is ${page.total}`);
      yield batch([]);
      return;
    }
    emptyDeep = 0;

    const problem = why ? undefined : pageProblem(page, offset, ids, order);
    if (problem) {
      distrust(`GET /${path}: ${problem}`);
      log.info(`${path}: ${problem}; offsets cannot show that the listing holds every record`);
      const whole = await onePage(page.total ?? maxTotal);
      if (whole) {
        yield whole;
        return;
      }
      // Read on by plain offsets, for the records' sake (upserts); the pass deletes nothing.
    }
    if (!why) {
      const fresh = freshRows(rows, ids, offset, lastId, order);
      if (!fresh) {
        // Records before this page were removed since the prefix was read: the continuation starts further back.
        back = Math.min(Math.max(8, back * 2), end);
        restart();
        const from = Math.max(0, end - back);
        log.info(`${path}: the listing shifted (records removed mid-run); reading again from offset ${from}`);
        continue;
      }
      // Keep a margin while the listing shifts: the next page then still holds the record read last.
      back = Math.floor(back / 2);
      if (rows.length > 0) end = offset + rows.length;
      // A page from further back may end before the record read last: the position in id order never goes back.
      if (fresh.length > 0) lastId = ids.at(-1);
      const last = isLastCollectionPage(page, offset);
      if (fresh.length > 0 || last) yield batch(fresh);
      if (last) return;
    } else {
      end = offset + rows.length;
      const last = isLastCollectionPage(page, offset);
      yield batch(rows);
      if (last) return;
    }
    if (rows.length < planned.limit) {
      // Shorter than planned and not the last page: the server serves no more a page; the pages planned
      // after it start past its end.
      cap = Math.max(2, rows.length);
      restart();
    }
  }

  /** The whole listing in one response, when it fits in one page: exact whatever the order. */
  async function onePage(total: number): Promise<CollectionBatch | undefined> {
    const limit = Math.min(ONE_PAGE_MAX, cap, sizer.byteLimit());
    if (total >= limit) return undefined;
    restart();
    let page: CollectionPage;
    try {
      page = await projection.fetch(0, limit);
    } catch (error) {
      if (error instanceof PageTooLargeError) return undefined;
      throw error;
    }
    pagesRead++;
    const ids = page.records.map(idOf);
    const whole =
      page.records.length < page.limit &&
      (page.total === undefined || page.total === page.records.length) &&
      (page.count === undefined || page.count === page.records.length) &&
      new Set(ids).size === ids.length;
    if (!whole) return undefined;
    log.info(`${path}: read again in one page of ${page.records.length} records, which holds every record`);
    end = page.records.length;
    lastId = ids.at(-1);
    const seen = yielded;
    return {
      records: seen ? page.records.filter((_, i) => !seen.has(ids[i]!)) : page.records,
      resume: { offset: end, id: lastId ?? '' },
    };
  }
}
