// The pages of a collection read asked for ahead: `concurrency` pages at once, each planned to start at or below
// the end of the one before if it comes full (collection-checks.ts overlappingPage), so that each can anchor on
// the one before. One that does not anchor on arrival sends the reader back and the pages ahead are dropped.
import type { CollectionPage } from './collection-pages.js';
import { overlappingPage } from './collection-checks.js';
import type { PageSizer } from './page-sizer.js';

export interface PlannedPage {
  page: number;
  limit: number;
  result: Promise<CollectionPage>;
}

export class PageQueue {
  /** The largest page the server serves, once it has served fewer rows than asked. */
  cap = Number.POSITIVE_INFINITY;
  private queue: PlannedPage[] = [];
  /** Every request asked and not yet answered, dropped or not. */
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(
    private readonly fetch: (page: number, limit: number) => Promise<CollectionPage>,
    private readonly sizer: PageSizer,
    private readonly ahead: number,
  ) {}

  /**
   * The next page to read, planning pages ahead from `start` when none are in flight. `plain`: the read is
   * untrusted, so pages are consecutive (there is nothing left to anchor on) and may hold a single row.
   */
  next(start: number, plain: boolean): PlannedPage {
    const last = this.queue.at(-1);
    let from = last ? (last.page + 1) * last.limit : start;
    while (this.queue.length < this.ahead) {
      const limit = Math.max(plain ? 1 : 2, Math.min(this.cap, this.sizer.limit()));
      const next = plain ? { page: Math.floor(from / limit), limit } : overlappingPage(from, limit);
      this.queue.push(this.ask(next.page, next.limit));
      from = (next.page + 1) * next.limit;
    }
    return this.queue.shift()!;
  }

  /** Drops the pages in flight: the next page is planned afresh. */
  drop(): void {
    this.queue = [];
  }

  /**
   * Waits until every request asked has been answered (the answers are not read). A read that ends with pages
   * still in flight leaves none behind: one that got had not yet written when the process exited never reached
   * the server, so the requests the server saw depended on timing.
   */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.unanswered]);
  }

  private ask(page: number, limit: number): PlannedPage {
    const result = this.fetch(page, limit);
    const answered = result.catch(() => undefined); // a page dropped unread must not be an unhandled rejection
    this.unanswered.add(answered);
    answered.then(() => this.unanswered.delete(answered));
    return { page, limit, result };
  }
}
