// One page of GET /purchase-orders: query parameters, envelope parsing, and the checks that tell
// whether the server really applied the last_modified filters and sort the reader relies on.
import { ApiError } from '../errors.js';
import { parseInstant } from '../values.js';
import type { ApiClient } from './http.js';

export type ApiOrder = Record<string, unknown>;

export interface OrderQuery {
  gte?: number;
  gt?: number;
  lt?: number;
  eq?: number;
  page: number;
  limit: number;
}

/** Orders with their last_modified values, parsed once (by the page check) for every later use. */
export interface OrdersWithLms {
  orders: ApiOrder[];
  /** last_modified of each order, epoch ms, in order. */
  lms: number[];
}

export interface OrderPage extends OrdersWithLms {
  total?: number;
}

/** The orders of a page that `keep` accepts, with their last_modified values. */
export function selectOrders(page: OrderPage, keep: (order: ApiOrder, i: number) => boolean): OrdersWithLms {
  const orders: ApiOrder[] = [];
  const lms: number[] = [];
  page.orders.forEach((order, i) => {
    if (!keep(order, i)) return;
    orders.push(order);
    lms.push(page.lms[i]!);
  });
  return { orders, lms };
}

export type FilterOperator = 'gte' | 'gt' | 'lt' | 'eq';

/** The server returned rows outside a filter the reader sent: it ignores that operator. */
export class FilterIgnoredError extends Error {
  constructor(readonly operator: FilterOperator) {
    super(`the API ignored the last_modified ${operator} filter`);
  }
}

export const PATH = 'purchase-orders';

/** The API's own timestamp form (`+00:00`), so a server comparing text would still compare correctly. */
export function apiTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z').replace('Z', '+00:00');
}

export function queryParams(q: OrderQuery, fields: string[] | undefined): Record<string, string | number> {
  const params: Record<string, string | number> = { last_modified_sort: 'asc', limit: q.limit, page: q.page };
  if (q.gte !== undefined) params.last_modified_gte = apiTimestamp(q.gte);
  if (q.gt !== undefined) params.last_modified_gt = apiTimestamp(q.gt);
  if (q.lt !== undefined) params.last_modified_lt = apiTimestamp(q.lt);
  if (q.eq !== undefined) params.last_modified = apiTimestamp(q.eq);
  if (fields?.length) params.fields = fields.join(',');
  return params;
}

export function parseOrderPage(body: unknown): OrderPage {
  const envelope = body as { meta?: { total?: unknown }; 'purchase-orders'?: unknown } | null;
  const list = envelope?.['purchase-orders'];
  if (!Array.isArray(list)) {
    throw new ApiError('API_CONTRACT_VIOLATED', `GET /${PATH} answered without a "purchase-orders" list.`,
      'The API changed or base_url points elsewhere; check base_url.');
  }
  const lms = list.map((order: ApiOrder) => {
    try {
      return parseInstant(order.last_modified);
    } catch (error) {
      throw new ApiError('API_CONTRACT_VIOLATED', `purchase order ${JSON.stringify(order?.id)} has no usable last_modified (${(error as Error).message}).`,
        'The tap cannot place this order in time; report it to Inventory Planner support.');
    }
  });
  const total = envelope?.meta?.total;
  return { orders: list as ApiOrder[], lms, total: typeof total === 'number' ? total : Number(total) || undefined };
}

/** Throws FilterIgnoredError when a row breaks a filter, ApiError when rows are not in last_modified order. */
export function checkPage(page: OrderPage, q: OrderQuery): void {
  for (let i = 0; i < page.lms.length; i++) {
    const lm = page.lms[i]!;
    if (q.gte !== undefined && lm < q.gte) throw new FilterIgnoredError('gte');
    if (q.gt !== undefined && lm <= q.gt) throw new FilterIgnoredError('gt');
    if (q.lt !== undefined && lm >= q.lt) throw new FilterIgnoredError('lt');
    if (q.eq !== undefined && lm !== q.eq) throw new FilterIgnoredError('eq');
    if (i > 0 && lm < page.lms[i - 1]!) {
      throw new ApiError('API_CONTRACT_VIOLATED', `GET /${PATH} did not sort by last_modified_sort=asc.`,
        'The tap needs sorted pages to guarantee completeness; report this to the tap maintainers.');
    }
  }
}

export function orderId(order: ApiOrder): string {
  return String(order.id);
}

export async function fetchOrderPage(api: ApiClient, q: OrderQuery, fields: string[] | undefined, check = true): Promise<OrderPage> {
  const page = parseOrderPage(await api.getJson(PATH, queryParams(q, fields)));
  if (check) checkPage(page, q);
  return page;
}
