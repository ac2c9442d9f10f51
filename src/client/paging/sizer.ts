// Page sizes from bytes, not counts: records range from a few hundred bytes to megabytes (purchase orders of
// hundreds of lines, variants with long histories, an API that ignores fields=). The limit asked for is
// page_size, or fewer records so that all the pages held at once (in flight and waiting) stay within a byte
// budget, sized from the bytes per record actually received. A response larger than a page may be is
// abandoned as it arrives and asked again with a smaller limit, down to the fewest records a page of the read
// may hold (`minimum`); a page of that many that is still too large ends the read with a clear error.
import { getHeapStatistics } from 'node:v8';
import { ApiError } from '../../common/errors.js';
import type { ApiRecord, Endpoint } from '../endpoints.js';
import type { ResponseTooLargeError } from '../http/api-errors.js';

/** A response was abandoned for its size: ask again with limit() (it is smaller now). */
export class PageTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`a page of ${limit} records was too large`);
  }
}

// JSON text of the pages held, as a share of V8's heap limit: parsed, a page takes 2-4 times its text, and
// the response being parsed needs its text and its objects at once.
const BUDGET_SHARE = 0.15;

export interface SizerOptions {
  pageSize: number;
  /** JSON bytes of the pages held at once (default: a share of V8's heap limit). */
  budgetBytes?: number;
  /** Pages held at once to begin with (in flight and waiting, plus the one being handled). */
  pagesHeld: number;
  /** The fewest records a page of this read may hold (a page that overlaps the one before needs 2). */
  minimum: number;
  /**
   * Weigh records by their parsed size too (parsedSize): a record of many small arrays and strings (history
   * points) costs several times its JSON text.
   */
  weighParsed?: boolean;
}

export class PageSizer {
  readonly pageSize: number;
  readonly budgetBytes: number;
  readonly minimum: number;
  private pagesHeld: number;
  private bytesPerRecord = 0;

  constructor(
    private readonly endpoint: Pick<Endpoint, 'noun' | 'plural'>,
    private readonly options: SizerOptions,
  ) {
    this.pageSize = options.pageSize;
    this.budgetBytes = options.budgetBytes ?? Math.round(getHeapStatistics().heap_size_limit * BUDGET_SHARE);
    this.minimum = options.minimum;
    this.pagesHeld = options.pagesHeld;
  }

  /** The reader now holds up to `pages` pages at once (more parallel requests, or fewer). */
  holdPages(pages: number): void {
    this.pagesHeld = pages;
  }

  /** The limit to ask for now: never below the minimum. */
  limit(): number {
    return Math.max(this.minimum, Math.min(this.pageSize, this.byteLimit()));
  }

  /** The most records a page may hold by the byte budget alone (page_size and the minimum aside). */
  byteLimit(): number {
    if (this.bytesPerRecord === 0) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.floor(this.budgetBytes / this.pagesHeld / this.bytesPerRecord));
  }

  /** The largest response taken: half the budget (one large page while the others are small). */
  maxResponseBytes(): number {
    return Math.round(this.budgetBytes / 2);
  }

  /** Learns from a page received: `bytes` of JSON for `records`. */
  observe(bytes: number, records: ApiRecord[]): void {
    if (records.length === 0) return;
    const parsed = this.options.weighParsed ? sampledSize(records) : 0;
    // The largest average seen, slowly forgotten: one light page does not undo a heavy one.
    this.bytesPerRecord = Math.max(this.bytesPerRecord * 0.95, bytes / records.length, parsed);
  }

  /**
   * Learns from a response abandoned at `limit`; the error to throw: PageTooLargeError to ask again with fewer
   * records, or a fatal one when the page held no more than the minimum. Each retry asks for fewer records
   * than the one before, so the retries end.
   */
  tooLarge(error: ResponseTooLargeError, limit: number): Error {
    if (limit > this.minimum) {
      // Without Content-Length only a part arrived: guess the whole at four times that, to get there in few tries.
      const guessed = ((error.complete ? 1 : 4) * error.bytes) / limit;
      // At least enough to bring the next limit below this one.
      const below = this.budgetBytes / this.pagesHeld / (limit - 1) + 1;
      this.bytesPerRecord = Math.max(this.bytesPerRecord, guessed, limit > 1 ? below : 0);
      return new PageTooLargeError(limit);
    }
    const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
    const size = `${error.complete ? '' : 'over '}${mb(error.bytes)} MB of JSON`;
    const what =
      limit <= 1
        ? `one ${this.endpoint.noun} is ${size}`
        : `${limit} ${this.endpoint.plural} (the fewest a page of this read holds) are ${size}`;
    return new ApiError(
      'API_PAGE_TOO_LARGE',
      `${what}, more than the ${mb(error.maxBytes)} MB a page may take in this process's heap.`,
      "Give the process more heap (node's --max-old-space-size, e.g. 1024); the page size allowed grows with it.",
    );
  }
}

/** Runs `request` with limit(), asking again with the smaller limit after a page too large to hold. */
export async function withLimit<T>(limit: () => number, request: (limit: number) => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await request(limit());
    } catch (error) {
      if (!(error instanceof PageTooLargeError)) throw error;
    }
  }
}

/** The parsed size of a record of the page, from its first, middle and last records. */
function sampledSize(records: ApiRecord[]): number {
  const sample = [...new Set([0, records.length >> 1, records.length - 1])].map((i) => records[i]!);
  return sample.reduce((n, r) => n + parsedSize(r), 0) / sample.length;
}

/**
 * About what `value` takes in V8's heap once parsed: objects and arrays by their slots, strings by their
 * length, fractional numbers boxed; small integers, booleans and null live in their slot.
 */
export function parsedSize(value: unknown): number {
  if (typeof value === 'string') return 16 + value.length;
  if (typeof value === 'number') return Number.isInteger(value) ? 0 : 16;
  if (value === null || typeof value !== 'object') return 0;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + 8 + parsedSize(v), 16);
  let n = 24;
  for (const key in value) n += 16 + parsedSize((value as Record<string, unknown>)[key]);
  return n;
}
