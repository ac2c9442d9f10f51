// One page of GET /purchase-orders: query parameters, envelope parsing, and the checks that tell
// whether the server really applied the last_modified filters and sort the reader relies on.
import { ApiError } from '../common/errors.js';
import { formatInstantUs, parseInstantUs } from '../values/instants.js';
import { ResponseTooLargeError, type ApiClient } from './http.js';
import type { PageSizer } from './page-sizer.js';

export type ApiOrder = Record<string, unknown>;

/** Filter values are epoch microseconds (see instants.ts). */
export interface OrderQuery {
  gte?: number;
  gt?: number;
  lt?: number;
  eq?: number;
  page: number;
  limit: number;
  /** last_modified_sort=desc (only to find orders without last_modified that a server sorts last). */
  desc?: boolean;
}

/** Orders with their last_modified values, parsed once (by the page check) for every later use. */
export interface OrdersWithLms {
  orders: ApiOrder[];
  /** last_modified of each order, epoch microseconds, in order; null when missing or unreadable. */
  lms: (number | null)[];
}

export interface OrderPage extends OrdersWithLms {
  total?: number;
  /** meta.limit: the page size the server really serves (it may be below the limit asked for). */
  limit?: number;
  /** meta.start: offset of the page's first row. */
  start?: number;
}

/** The orders of a page that `keep` accepts, with their last_modified values. */
export function selectOrders(page: OrderPage, keep: (order: ApiOrder, i: number) => boolean): OrdersWithLms {
  const orders: ApiOrder[] = [];
  const lms: (number | null)[] = [];
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
export function apiTimestamp(us: number): string {
  return formatInstantUs(us).replace('.000Z', 'Z').replace('Z', '+00:00');
}

export function queryParams(q: OrderQuery, fields: string[] | undefined): Record<string, string | number> {
  const params: Record<string, string | number> = {
    last_modified_sort: q.desc ? 'desc' : 'asc',
    limit: q.limit,
    page: q.page,
  };
  if (q.gte !== undefined) params.last_modified_gte = apiTimestamp(q.gte);
  if (q.gt !== undefined) params.last_modified_gt = apiTimestamp(q.gt);
  if (q.lt !== undefined) params.last_modified_lt = apiTimestamp(q.lt);
  if (q.eq !== undefined) params.last_modified = apiTimestamp(q.eq);
  if (fields?.length) params.fields = fields.join(',');
  return params;
}

export function parseOrderPage(body: unknown): OrderPage {
  const envelope = body as { meta?: Record<string, unknown>; 'purchase-orders'?: unknown } | null;
  let list = envelope?.['purchase-orders'];
  // PHP encodes an empty array as {}.
  if (isEmptyObject(list)) list = [];
  if (!Array.isArray(list)) {
    throw new ApiError(
      'API_CONTRACT_VIOLATED',
      `GET /${PATH} answered without a "purchase-orders" list.`,
      'The API changed or base_url points elsewhere; check base_url.',
    );
  }
  // An order without a usable last_modified is still an order: it is read, and never moves a cursor.
  const lms = list.map((order: ApiOrder) => lastModifiedOf(order));
  const meta = envelope?.meta;
  return {
    orders: list as ApiOrder[],
    lms,
    total: metaCount(meta?.total),
    limit: metaCount(meta?.limit) || undefined,
    start: metaCount(meta?.start),
  };
}

export function lastModifiedOf(order: ApiOrder): number | null {
  try {
    return order?.last_modified === undefined || order.last_modified === null
      ? null
      : parseInstantUs(order.last_modified);
  } catch {
    return null;
  }
}

const isEmptyObject = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** A meta number (count, total, limit, start) the server may send as a number or a string; else undefined. */
export function metaCount(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** Rows the server serves per page: the limit asked for, or less when its meta.limit says so. */
export function servedLimit(page: OrderPage, asked: number): number {
  return page.limit !== undefined && page.limit > 0 && page.limit < asked ? page.limit : asked;
}

/**
 * No page follows this one: it is empty, or it is shorter than what the server serves (never merely
 * shorter than what was asked: servers cap pages) and meta.total, when given, is reached.
 */
export function isLastPage(page: OrderPage, q: OrderQuery): boolean {
  const rows = page.orders.length;
  if (rows === 0) return true;
  const served = servedLimit(page, q.limit);
  if (rows >= served) return false;
  return page.total === undefined || (page.start ?? q.page * served) + rows >= page.total;
}

/** Throws FilterIgnoredError when a row breaks a filter, ApiError when rows are not in last_modified order. */
export function checkPage(page: OrderPage, q: OrderQuery): void {
  let previous: number | undefined;
  for (let i = 0; i < page.lms.length; i++) {
    const lm = page.lms[i];
    if (lm === null || lm === undefined) continue;
    if (q.gte !== undefined && lm < q.gte) throw new FilterIgnoredError('gte');
    if (q.gt !== undefined && lm <= q.gt) throw new FilterIgnoredError('gt');
    if (q.lt !== undefined && lm >= q.lt) throw new FilterIgnoredError('lt');
    if (q.eq !== undefined && lm !== q.eq) throw new FilterIgnoredError('eq');
    if (!q.desc && previous !== undefined && lm < previous) {
      throw new ApiError(
        'API_CONTRACT_VIOLATED',
        `GET /${PATH} did not sort by last_modified_sort=asc.`,
        'The tap needs sorted pages to guarantee completeness; report this to the tap maintainers.',
      );
    }
    previous = lm;
  }
}

export function orderId(order: ApiOrder): string {
  return String(order.id);
}

/** With a sizer: a response over its maximum is abandoned (PageTooLargeError), and bytes per order are learnt. */
export async function fetchOrderPage(
  api: ApiClient,
  q: OrderQuery,
  fields: string[] | undefined,
  check = true,
  sizer?: PageSizer,
): Promise<OrderPage> {
  let page: OrderPage;
  if (sizer && api.getJsonSized) {
    let sized: { body: unknown; bytes: number };
    try {
      sized = await api.getJsonSized(PATH, queryParams(q, fields), sizer.maxResponseBytes());
    } catch (error) {
      throw error instanceof ResponseTooLargeError ? sizer.tooLarge(error, q.limit) : error;
    }
    page = parseOrderPage(sized.body);
    sizer.observe(sized.bytes, page.orders.length);
  } else {
    page = parseOrderPage(await api.getJson(PATH, queryParams(q, fields)));
  }
  if (check) checkPage(page, q);
  // What the server serves for this request: the limit asked, or its own smaller one.
  page.limit = servedLimit(page, q.limit);
  return page;
}
