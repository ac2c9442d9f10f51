// An in-memory stand-in for GET /purchase-orders behind the ApiClient interface, for reader unit
// tests: last_modified filters and sort, offset paging, meta.total, ignorable operators, and a hook that
// edits orders between requests exactly as the real API does (an edited order jumps to the end).
import type { ApiClient } from '../../src/client/http/types.js';

export interface FakeOrder {
  id: string;
  lm: number;
  version: number;
}

export class FakeOrders {
  orders: FakeOrder[] = [];
  requests: { path: string; query: Record<string, string | number> }[] = [];
  ignore = new Set<string>();
  /** Called before each list request is answered. */
  beforeList?: (requestNo: number, store: FakeOrders) => void;
  private seq = 0;

  constructor(timestamps: number[]) {
    for (const lm of timestamps) this.orders.push({ id: `o${String(this.seq++).padStart(6, '0')}`, lm, version: 1 });
    this.orders.sort((a, b) => a.lm - b.lm);
  }

  get maxLm(): number {
    return this.orders.reduce((m, o) => Math.max(m, o.lm), 0);
  }

  /** Edits an order: new last_modified after every other, so it moves to the end. */
  edit(id: string): void {
    const index = this.orders.findIndex((o) => o.id === id);
    const [order] = this.orders.splice(index, 1);
    order!.lm = this.maxLm + 1000;
    order!.version += 1;
    this.orders.push(order!);
  }

  create(): FakeOrder {
    const order = { id: `o${String(this.seq++).padStart(6, '0')}`, lm: this.maxLm + 1000, version: 1 };
    this.orders.push(order);
    return order;
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
          return { 'purchase-order': order && this.render(order) };
        }
        this.beforeList?.(this.requests.length, this);
        return this.list(query);
      },
    };
  }

  render(order: FakeOrder): Record<string, unknown> {
    return {
      id: order.id,
      last_modified: new Date(order.lm).toISOString(),
      version: order.version,
      items: [{ id: 'i1', sku: 'S' }],
    };
  }

  private list(query: Record<string, string | number>): unknown {
    return answerList(
      query,
      this.orders.map((o) => ({ lm: o.lm, body: this.render(o) })),
      this.ignore,
    );
  }
}

/**
 * A list response over rows sorted by last_modified: filters, paging, meta.total; `ignore` names parameters to ignore.
 */
export function answerList(
  query: Record<string, string | number>,
  rows: { lm: number; body: unknown }[],
  ignore = new Set<string>(),
): unknown {
  const t = (name: string): number | undefined =>
    query[name] === undefined || ignore.has(name) ? undefined : Date.parse(String(query[name]));
  const gte = t('last_modified_gte');
  const gt = t('last_modified_gt');
  const lt = t('last_modified_lt');
  const eq = t('last_modified');
  const matching = rows.filter(
    (o) =>
      (gte === undefined || o.lm >= gte) &&
      (gt === undefined || o.lm > gt) &&
      (lt === undefined || o.lm < lt) &&
      (eq === undefined || o.lm === eq),
  );
  const limit = Math.min(Number(query.limit ?? 100), 1000);
  const page = Number(query.page ?? 0);
  const slice = matching.slice(page * limit, page * limit + limit);
  return {
    meta: { name: 'purchase-orders', total: matching.length, count: slice.length, limit, page },
    'purchase-orders': slice.map((o) => o.body),
  };
}

export const T0 = Date.parse('2024-01-01T00:00:00Z');
export const seconds = (n: number): number[] => Array.from({ length: n }, (_, i) => T0 + i * 1000);
