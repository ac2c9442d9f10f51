// Reads a whole collection (variants, warehouses, vendors) by offset pages, exactly, while records are added
// or removed mid-run. Offsets shift then: a removal before the reader's position moves a record into a page
// already read. So every page after the first is asked to overlap what was read before (page × limit just
// below the end read so far), and is accepted only when it contains a record of the verified prefix: the
// server's order being stable, the page is then a contiguous continuation of that prefix and nothing that
// existed was skipped. A page that anchors nowhere (records before it were removed) is read again from
// further back. Pages are sized by bytes (page-sizer.ts). Each batch carries the resume point after it.
import type { ApiClient } from './http.js';
import type { Collection } from './collections.js';
import { CollectionProjection, type CollectionPage } from './collection-pages.js';
import { PageSizer, withLimit } from './page-sizer.js';

export type ApiRecord = Record<string, unknown>;

/** Where a pass goes on: the offset just past the verified prefix and the id of its last record. */
export interface CollectionResume {
  offset: number;
  id: string;
}

export interface CollectionBatch {
  /** Records not yielded before in this read, in the server's order. */
  records: ApiRecord[];
  /** Safe once this batch is handled. */
  resume: CollectionResume;
  /** The read cannot vouch that it saw every record that existed throughout: no pass may be completed on it. */
  mayHaveMissed?: true;
}

export interface CollectionReadOptions {
  pageSize: number;
  fields?: string[];
  resume?: CollectionResume;
  pageBudgetBytes?: number;
}

type Log = { info(message: string): void; warn(message: string): void };

export async function* readCollection(
  api: ApiClient,
  collection: Collection,
  options: CollectionReadOptions,
  log: Log,
): AsyncGenerator<CollectionBatch> {
  const sizer = new PageSizer(options.pageSize, options.pageBudgetBytes);
  const projection = new CollectionProjection(api, collection, options.fields, log, sizer);
  const idOf = (r: ApiRecord): string => String(r[collection.id]);
  // Ids of the verified prefix (every record read so far is in it: pages are only taken when anchored).
  const verified = new Set<string>();
  let end = 0;
  let lastId: string | undefined;
  if (options.resume) {
    end = options.resume.offset;
    lastId = options.resume.id;
    verified.add(lastId);
  }
  let back = 0;
  let cap = Infinity;
  for (;;) {
    const target = Math.max(0, end - back);
    const page: CollectionPage & { start: number } = await withLimit(
      () => Math.min(cap, sizer.limit()),
      async (limit) => {
        const { page: index, limit: size } = overlappingPage(target, limit);
        const p = await projection.fetch(index, size);
        return { ...p, start: p.start ?? index * size };
      },
    );
    if (page.limit < page.asked) cap = page.limit;
    const rows = page.records;
    const anchored = page.start === 0 || rows.some((r) => verified.has(idOf(r)));
    if (!anchored) {
      // Records before the page were removed since the prefix was read (or the resume record is gone): the
      // continuation starts further back. At offset 0 every page anchors, so this ends.
      back = Math.max(page.limit, back * 2);
      log.info(
        `${collection.path}: the listing shifted (records removed mid-run); ` +
          `reading again from offset ${Math.max(0, end - back)}`,
      );
      continue;
    }
    back = 0;
    const fresh = rows.filter((r) => !verified.has(idOf(r)));
    for (const r of rows) verified.add(idOf(r));
    if (rows.length > 0) {
      end = page.start + rows.length;
      lastId = idOf(rows[rows.length - 1]!);
    }
    const last = rows.length < page.limit;
    if (fresh.length > 0 || last) yield { records: fresh, resume: { offset: end, id: lastId ?? '' } };
    if (last) return;
  }
}

/**
 * The page index and limit of a page that starts at or below `end - 1` (overlapping the record read last)
 * and ends past `end`, with the least overlap: a limit of at most `limit` where one fits, else the smallest
 * one above (at least 2, and not dividing `end`, since such a page would end exactly at `end`). From the
 * start when `end` is 0.
 */
export function overlappingPage(end: number, limit: number): { page: number; limit: number } {
  if (end === 0) return { page: 0, limit };
  let best = { page: 0, limit: 0, overlap: Infinity };
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
