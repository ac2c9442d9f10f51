// A stand-in for GET /purchase-orders that behaves a little differently from the API notes, for reader
// unit tests: instants in epoch microseconds (rendered with 0, 3 or 6 fraction digits), a page cap
// reported in meta.limit, filter values floored to whole seconds, orders without last_modified (sorted
// first, excluded by any last_modified filter, like SQL NULL), `{}` for an empty list, and a 404 on the
// single-order request. Edits move an order to the end, as the real API does.
import type { ApiClient } from '../../src/client/http.js';
import { ApiError } from '../../src/common/errors.js';
import { parseInstantUs } from '../../src/values/instants.js';

export interface QuirkyOrder {
  id: string;
  /** epoch microseconds; null: the order has no last_modified. */
  us: number | null;
  version: number;
}

export interface Quirks {
  /** At most this many rows per page, whatever the limit asked (meta.limit says so). */
  cap?: number;
  /** meta.limit is left out (the cap is then silent). */
  noMetaLimit?: boolean;
  /** Filter values are floored to whole seconds before comparing. */
  floorFilters?: boolean;
  /** Fraction digits of last_modified: 0, 3 or 6. */
  digits?: 0 | 3 | 6;
  emptyAsObject?: boolean;
  single404?: boolean;
  /** Orders without last_modified sort after the others (as PostgreSQL sorts NULLs), not before. */
  nullsLast?: boolean;
  /** How an order without last_modified is rendered. */
  missing?: 'null' | 'absent' | 'garbage';
}

export const U0 = Date.parse('2024-01-01T00:00:00Z') * 1000;

export class QuirkyOrders {
  orders: QuirkyOrder[] = [];
  requests: { path: string; query: Record<string, string | number> }[] = [];
  beforeList?: (requestNo: number, store: QuirkyOrders) => void;
  private seq = 0;

  constructor(
    instants: (number | null)[],
    readonly quirks: Quirks = {},
  ) {
    for (const us of instants) this.orders.push({ id: `q${String(this.seq++).padStart(6, '0')}`, us, version: 1 });
    this.sort();
  }

  private sort(): void {
    this.orders.sort((a, b) => (a.us ?? -Infinity) - (b.us ?? -Infinity));
  }

  get maxUs(): number {
    return this.orders.reduce((m, o) => Math.max(m, o.us ?? 0), 0);
  }

  /**
   * An edit moves the order after every other: into a later second, or (sameSecond) the newest order's second if it
   * can.
   */
  edit(id: string, sameSecond = false): void {
    const order = this.orders.find((o) => o.id === id)!;
    const unit = 10 ** (6 - (this.quirks.digits ?? 6));
    order.us = this.maxUs + unit + (sameSecond ? 0 : 1_000_000);
    order.version += 1;
    this.sort();
  }

  render(order: QuirkyOrder): Record<string, unknown> {
    const body: Record<string, unknown> = { id: order.id, version: order.version };
    if (order.us === null) {
      const missing = this.quirks.missing ?? 'null';
      if (missing !== 'absent') body.last_modified = missing === 'null' ? null : 'N/A';
    } else body.last_modified = stamp(order.us, this.quirks.digits ?? 6);
    return body;
  }

  client(): ApiClient {
    const stats = { requests: 0, retries: 0, bytes: 0 };
    return {
      stats,
      getJson: async (path, query = {}) => {
        stats.requests += 1;
        this.requests.push({ path, query });
        if (path.startsWith('purchase-orders/')) {
          const order = this.orders.find((o) => o.id === path.split('/')[1]);
          if (!order || this.quirks.single404) throw new ApiError('API_HTTP_ERROR', 'not found', undefined, 404);
          return { 'purchase-order': this.render(order) };
        }
        this.beforeList?.(this.requests.length, this);
        return this.list(query);
      },
    };
  }

  private list(query: Record<string, string | number>): unknown {
    const t = (name: string): number | undefined => {
      if (query[name] === undefined) return undefined;
      const us = parseInstantUs(String(query[name]));
      return this.quirks.floorFilters ? Math.floor(us / 1e6) * 1e6 : us;
    };
    const [gte, gt, lt, eq] = ['last_modified_gte', 'last_modified_gt', 'last_modified_lt', 'last_modified'].map(t);
    const filtered = [gte, gt, lt, eq].some((v) => v !== undefined);
    const matching = this.orders.filter((o) =>
      o.us === null
        ? !filtered
        : (gte === undefined || o.us >= gte) &&
          (gt === undefined || o.us > gt) &&
          (lt === undefined || o.us < lt) &&
          (eq === undefined || o.us === eq),
    );
    if (this.quirks.nullsLast) matching.sort((a, b) => (a.us ?? Infinity) - (b.us ?? Infinity));
    if (query.last_modified_sort === 'desc') matching.reverse();
    const limit = Math.min(Number(query.limit ?? 100), this.quirks.cap ?? 1000);
    const page = Number(query.page ?? 0);
    const slice = matching.slice(page * limit, page * limit + limit).map((o) => this.render(o));
    const meta: Record<string, unknown> = {
      name: 'purchase-orders',
      total: matching.length,
      count: slice.length,
      page,
      start: page * limit,
    };
    if (!this.quirks.noMetaLimit) meta.limit = limit;
    return { meta, 'purchase-orders': slice.length === 0 && this.quirks.emptyAsObject ? {} : slice };
  }
}

/** ISO 8601 with `+00:00` and `digits` fraction digits (the rest of the instant must be zero). */
export function stamp(us: number, digits: 0 | 3 | 6): string {
  const base = new Date(Math.floor(us / 1e6) * 1000).toISOString().slice(0, 19);
  const fraction = String(us % 1e6)
    .padStart(6, '0')
    .slice(0, digits);
  return `${base}${digits ? `.${fraction}` : ''}+00:00`;
}
