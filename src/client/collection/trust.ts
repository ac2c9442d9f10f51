// Whether a collection read can still vouch that it saw every record, and the bounds on how long it tries.
// Once the server does something offsets cannot see past, the read is distrusted for good: every batch after
// carries mayHaveMissed and why, and no checkpoint. Every loop is bounded: pages read (a multiple of the
// pages the listing needs, from meta.total as first seen, or the offset reached), and empty pages in a row
// where meta.total says more.
import type { ApiRecord } from '../endpoints.js';
import type { Page } from '../paging/page.js';
import type { CollectionBatch, CollectionCheckpoint } from './batch.js';

/** The API's largest page: a collection up to this size can be read in one response. */
export const ONE_PAGE_MAX = 1000;
/** Empty pages in a row where meta.total says rows follow, before the server is taken as serving no deeper. */
export const EMPTY_DEEP_PAGES = 3;
/** Pages read per page the listing needs (plus PAGES_SLACK), before a read that keeps shifting is given up. */
export const PAGES_FACTOR = 3;
export const PAGES_SLACK = 20;

export class ReadTrust {
  /** What the server did, once the read cannot vouch for itself. */
  why?: string;
  private pagesRead = 0;
  /** The largest meta.total seen, bounded by twice the first one (plus a page). */
  maxTotal = 0;
  private firstTotal?: number;
  private emptyDeep = 0;
  /** Ids yielded in this read while they are few (a one-page re-read then writes only the others). */
  private yielded?: Set<string>;

  constructor(
    private readonly path: string,
    private readonly idOf: (r: ApiRecord) => string,
    fromCheckpoint: boolean,
  ) {
    this.yielded = fromCheckpoint ? undefined : new Set();
  }

  /** Marks the read as unable to vouch for itself; true the first time (the first problem is the one kept). */
  distrust(problem: string): boolean {
    if (this.why) return false;
    this.why = problem;
    return true;
  }

  /** Counts a page read outside the plan (the one-page re-read). */
  extraPageRead(): void {
    this.pagesRead++;
  }

  /** Counts a page read as planned with `limit`; says why when the read has taken too many pages. */
  pageRead(page: Page, limit: number, end: number): string | undefined {
    this.pagesRead++;
    if (page.total !== undefined) {
      this.firstTotal ??= page.total;
      this.maxTotal = Math.max(this.maxTotal, Math.min(page.total, 2 * this.firstTotal + ONE_PAGE_MAX));
    }
    // An overlapping page brings at least half its rows as new ones.
    const budget = PAGES_SLACK + PAGES_FACTOR * Math.ceil(Math.max(this.maxTotal, end, 1) / Math.ceil(limit / 2));
    if (this.pagesRead <= budget) return undefined;
    return `GET /${this.path} kept shifting: ${this.pagesRead} pages read for about ${this.maxTotal} records`;
  }

  /**
   * Whether the page is empty where meta.total says rows are there (a transient glitch, or no deep offsets),
   * with why to give up once EMPTY_DEEP_PAGES came in a row.
   */
  emptyDeepPage(page: Page, offset: number): { giveUp?: string } | undefined {
    if (page.records.length > 0 || page.total === undefined || offset >= page.total) {
      this.emptyDeep = 0;
      return undefined;
    }
    if (++this.emptyDeep < EMPTY_DEEP_PAGES) return {};
    return { giveUp: `GET /${this.path} served an empty page at offset ${offset} while meta.total is ${page.total}` };
  }

  /** The batch to yield: with the checkpoint while the read vouches for itself, else mayHaveMissed. */
  batch(records: ApiRecord[], checkpoint: CollectionCheckpoint): CollectionBatch {
    if (this.yielded) for (const r of records) this.yielded.add(this.idOf(r));
    if (this.yielded && this.yielded.size > ONE_PAGE_MAX) this.yielded = undefined;
    if (this.why) return { records, mayHaveMissed: true, why: this.why };
    return { records, checkpoint };
  }

  /** The records of a one-page re-read not yielded before (all of them once too many were yielded to track). */
  unseen(records: ApiRecord[], ids: string[]): ApiRecord[] {
    const seen = this.yielded;
    return seen ? records.filter((_, i) => !seen.has(ids[i]!)) : records;
  }
}
