// What one collection page shows about the server, checked on every page before the reader relies on it:
// meta.count and meta.start against the rows and the offset asked, ids seen twice on a page, the id order
// asked for (id-order.ts), and where the page stands against what was read before (the anchor); and which
// page to ask for so that it overlaps what was read.
import { ApiError } from '../common/errors.js';
import type { CollectionPage } from './collection-pages.js';
import type { IdOrder } from './id-order.js';

type ApiRecord = Record<string, unknown>;

/** What the server did that makes offsets untrustworthy, or undefined when the page is as asked. */
export function pageProblem(page: CollectionPage, offset: number, ids: string[], order: IdOrder): string | undefined {
  const rows = page.records.length;
  if (page.count !== undefined && page.count !== rows) return `meta.count is ${page.count} on a page of ${rows} rows`;
  // meta.start is the offset of the first row (0-based as far as known; a 1-based count is accepted too).
  if (page.start !== undefined && page.start !== offset && page.start !== offset + 1)
    return `meta.start is ${page.start} for the page asked at offset ${offset}`;
  if (rows > page.asked) return `${rows} rows were served on a page asked for ${page.asked}`;
  if (new Set(ids).size !== ids.length) return `an id appears twice on the page at offset ${offset}`;
  if (!order.accept(ids)) return `the page at offset ${offset} is not in id order (the API ignores the id sort)`;
  return undefined;
}

/**
 * The rows of a sorted page not read before, or undefined when the page may have skipped something: it must
 * hold the record read last, or start at or before it in id order (records before it were removed, so it
 * starts earlier than planned; everything after that record is then on the page). A row the orders still
 * possible disagree about is kept: written twice is harmless, skipped is not.
 */
export function freshRows(
  rows: ApiRecord[],
  ids: string[],
  offset: number,
  lastId: string | undefined,
  order: IdOrder,
): ApiRecord[] | undefined {
  if (offset === 0 && lastId === undefined) return rows;
  if (lastId === undefined) return undefined;
  const at = ids.indexOf(lastId);
  if (at >= 0) return rows.slice(at + 1);
  if (offset > 0 && (ids.length === 0 || !order.notAfter(ids[0]!, lastId))) return undefined;
  return rows.filter((_, i) => !order.notAfter(ids[i]!, lastId));
}

/**
 * No page follows this one: it is empty, or shorter than what the server serves and meta.total, when given,
 * is reached (never merely shorter than asked: servers cap pages), as for purchase orders.
 */
export function isLastCollectionPage(page: CollectionPage, offset: number): boolean {
  const rows = page.records.length;
  if (rows === 0) return true;
  if (rows >= page.limit) return false;
  return page.total === undefined || offset + rows >= page.total;
}

/** A 4xx other than auth and rate limits for a page past the first: the server does not serve that offset. */
export function deepOffsetRefused(error: unknown, offset: number): boolean {
  const status = error instanceof ApiError ? error.status : undefined;
  return offset > 0 && status !== undefined && status >= 400 && status < 500 && ![401, 403, 408, 429].includes(status);
}

/**
 * The page index and limit of a page that starts at or below `end - 1` (overlapping the record read last)
 * and ends past `end`, with the least overlap: a limit of at most `limit` where one fits, else the smallest
 * one above (at least 2, and not dividing `end`, since such a page would end exactly at `end`). From the
 * start when `end` is 0.
 */
export function overlappingPage(end: number, limit: number): { page: number; limit: number } {
  if (end === 0) return { page: 0, limit };
  let best = { page: 0, limit: 0, overlap: Number.POSITIVE_INFINITY };
  for (let m = Math.max(2, limit); m >= Math.max(2, Math.floor(limit * 0.8)); m--) {
    if (end % m === 0) continue;
    const page = Math.floor((end - 1) / m);
    const overlap = end - page * m;
    if (overlap < best.overlap) best = { page, limit: m, overlap };
    if (overlap === 1) break;
  }
  if (best.limit === 0) {
    let m = Math.max(2, limit) + 1;
    while (end % m === 0) m++;
    return { page: Math.floor((end - 1) / m), limit: m };
  }
  return { page: best.page, limit: best.limit };
}
