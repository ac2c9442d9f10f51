// The pages of a collection read asked for ahead: `concurrency` pages at once, each planned to start at or below
// the end of the one before if it comes full (checks.ts overlappingPage), so that each can anchor on the one
// before. One that does not anchor on arrival sends the reader back and the pages ahead are dropped. Requests in
// flight follow the read-ahead policy (paging/read-ahead.ts).
import type { Page } from '../paging/page.js';
import { InFlight } from '../paging/read-ahead.js';
import type { PageSizer } from '../paging/sizer.js';
import { overlappingPage } from './checks.js';

export interface PlannedPage {
  page: number;
  limit: number;
  result: Promise<Page>;
}

export class PageQueue {
  /** The largest page the server serves, once it has served fewer rows than asked. */
  private cap = Number.POSITIVE_INFINITY;
  private queue: PlannedPage[] = [];
  private readonly inFlight = new InFlight();

  constructor(
    private readonly fetch: (page: number, limit: number) => Promise<Page>,
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

  /** The server serves at most `rows` a page: later pages ask for no more. */
  capAt(rows: number): void {
    this.cap = rows;
  }

  /** The largest page the server is known to serve. */
  get served(): number {
    return this.cap;
  }

  /** Drops the pages in flight: the next page is planned afresh. */
  drop(): void {
    this.queue = [];
  }

  /** Waits until every request asked has been answered (the answers are not read). */
  async settle(): Promise<void> {
    await this.inFlight.settle();
  }

  private ask(page: number, limit: number): PlannedPage {
    return { page, limit, result: this.inFlight.track(this.fetch(page, limit)) };
  }
}
