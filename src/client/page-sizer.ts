// Page sizes from bytes, not counts: purchase orders range from a few hundred bytes to megabytes (hundreds
// of lines, or an API that ignores fields=). The limit asked for is page_size, or fewer orders so that all
// the pages held at once (in flight and waiting, in every window) stay within a byte budget, sized from the
// bytes per order actually received. A response larger than a page may be is abandoned as it arrives and
// asked again with a smaller limit; a single order larger than that ends the run with a clear error.
import { getHeapStatistics } from 'node:v8';
import { ApiError } from '../common/errors.js';
import type { ResponseTooLargeError } from './http.js';

/** A response was abandoned for its size: ask again with limit() (it is smaller now). */
export class PageTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`a page of ${limit} orders was too large`);
  }
}

// JSON text of the pages held, as a share of V8's heap limit: parsed, a page takes 2-4 times its text, and
// the response being parsed needs its text and its objects at once.
const BUDGET_SHARE = 0.15;

export class PageSizer {
  /** Pages that may be held at once (set by the reader: two per parallel window, plus the one being written). */
  pagesHeld = 3;
  private bytesPerOrder = 0;

  constructor(
    readonly pageSize: number,
    readonly budgetBytes = Math.round(getHeapStatistics().heap_size_limit * BUDGET_SHARE),
  ) {}

  /** The limit to ask for now. */
  limit(): number {
    return Math.min(this.pageSize, this.byteLimit());
  }

  /** The most records a page may hold by the byte budget alone (page_size aside). */
  byteLimit(): number {
    if (this.bytesPerOrder === 0) return Number.POSITIVE_INFINITY;
    return Math.max(1, Math.floor(this.budgetBytes / this.pagesHeld / this.bytesPerOrder));
  }

  /** The largest response taken: half the budget (one large page while the others are small). */
  maxResponseBytes(): number {
    return Math.round(this.budgetBytes / 2);
  }

  /**
   * `parsed`: what one record of the page costs once parsed (parsedSize), when known. A record of many small
   * arrays and strings (history points) costs several times its JSON text, one of numbers less: a record
   * counts as the larger of the two.
   */
  observe(bytes: number, orders: number, parsed = 0): void {
    // The largest average seen, slowly forgotten: one light page does not undo a heavy one.
    if (orders > 0) this.bytesPerOrder = Math.max(this.bytesPerOrder * 0.95, bytes / orders, parsed);
  }

  /** Learns from an abandoned response; the error to throw (fatal when even one order is too large). */
  tooLarge(error: ResponseTooLargeError, limit: number): Error {
    // Without Content-Length only a part arrived: guess the whole at four times that, to get there in few tries.
    this.bytesPerOrder = Math.max(this.bytesPerOrder, ((error.complete ? 1 : 4) * error.bytes) / limit);
    if (limit > 1) return new PageTooLargeError(limit);
    const mb = (n: number): string => (n / 2 ** 20).toFixed(0);
    return new ApiError(
      'API_PAGE_TOO_LARGE',
      `one purchase order is ${error.complete ? '' : 'over '}${mb(error.bytes)} MB of JSON, ` +
        `more than the ${mb(error.maxBytes)} MB a page may take in this process's heap.`,
      'Give the tap more heap: run its bin through node, e.g. node --max-old-space-size=1024 dist/src/cli.js ' +
        '--config ...; the page size allowed grows with it.',
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
