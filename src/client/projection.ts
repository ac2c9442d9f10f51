// fields= projection, used only once proven: a projected order of the first page is compared with the same
// order fetched whole, and any field the projection dropped turns projection off for the run. An order the
// single-order request cannot find (404) proves nothing either way: another order of the page is tried,
// and when none can be fetched the projection stays, checked on every page for the fields it sends.
import { ApiError } from '../common/errors.js';
import { listOf } from '../values/coercions.js';
import type { ApiClient } from './http.js';
import { fetchOrderPage, orderId, PATH, type ApiOrder, type OrderPage, type OrderQuery } from './order-pages.js';
import type { PageSizer } from './page-sizer.js';

export class FieldProjection {
  private verification: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private fields: string[] | undefined,
    private readonly log: { warn(message: string): void; info(message: string): void },
    private readonly sizer?: PageSizer,
  ) {}

  get active(): boolean {
    return this.fields !== undefined;
  }

  async fetch(q: OrderQuery, check = true): Promise<OrderPage> {
    return (await this.fetchDeferred(q, check)).ready;
  }

  /**
   * The page as received (good for its meta and last_modified values at once) and, in `ready`, the page
   * whose orders may be used: after the projection is verified, or fetched again whole if it failed.
   */
  async fetchDeferred(q: OrderQuery, check = true): Promise<{ page: OrderPage; ready: Promise<OrderPage> }> {
    const page = await fetchOrderPage(this.api, q, this.fields, check, this.sizer);
    if (!this.fields || page.orders.length === 0) return { page, ready: Promise.resolve(page) };
    this.verification ??= this.verify(candidates(page.orders));
    const ready = this.verification.then(() =>
      this.fields ? page : fetchOrderPage(this.api, q, undefined, check, this.sizer),
    );
    return { page, ready };
  }

  private async verify(orders: ApiOrder[]): Promise<void> {
    let projected = orders[0]!;
    let full: ApiOrder | undefined;
    for (const candidate of orders) {
      projected = candidate;
      full = await this.fetchWhole(candidate);
      if (full) break;
    }
    if (!full) {
      this.log.warn(
        `fields= could not be verified: GET /${PATH}/{id} found none of the ${orders.length} orders tried; ` +
          'keeping the projection.',
      );
    }
    const missing = full ? missingFields(projected, full, this.fields!) : [];
    if (missing.length) {
      this.log.warn(
        `the API did not honour fields= (missing ${missing.slice(0, 5).join(', ')}); ` +
          `fetching whole orders for this run. ${WHOLE_ORDERS_HINT}`,
      );
      this.fields = undefined;
      return;
    }
    const extra = unrequestedFields(projected, this.fields!);
    if (extra.length)
      this.log.warn(
        `the API sent ${extra.length} fields that fields= did not ask for (${extra.slice(0, 5).join(', ')}). ` +
          WHOLE_ORDERS_HINT,
      );
    else if (full) this.log.info(`fields= projection verified (${this.fields!.length} fields requested)`);
  }

  private async fetchWhole(projected: ApiOrder): Promise<ApiOrder | undefined> {
    try {
      return (
        (await this.api.getJson(`${PATH}/${encodeURIComponent(orderId(projected))}`)) as { 'purchase-order'?: ApiOrder }
      )['purchase-order'];
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      return undefined;
    }
  }
}

/** Up to three orders of a page to verify the projection with: its first, middle and last. */
function candidates(orders: ApiOrder[]): ApiOrder[] {
  return [...new Set([orders[0]!, orders[Math.floor(orders.length / 2)]!, orders[orders.length - 1]!])];
}

// Pages are sized by bytes (page-sizer.ts), so memory stays bounded; whole orders cost requests and bandwidth.
const WHOLE_ORDERS_HINT =
  'Whole orders are several times larger: pages hold fewer orders (sized by bytes), so the run takes more ' +
  'requests and bandwidth.';

/** Fields the projected order carries although they were not asked for: the server ignored (part of) fields=. */
export function unrequestedFields(projected: ApiOrder, fields: string[]): string[] {
  const asked = new Set(fields.map((f) => f.split('.', 1)[0]!));
  const askedInItems = new Set(fields.filter((f) => f.startsWith('items.')).map((f) => f.slice('items.'.length)));
  const extra = Object.keys(projected).filter((key) => !asked.has(key));
  const firstItem = listOf(projected.items)?.[0] as ApiOrder | undefined;
  if (askedInItems.size && firstItem)
    extra.push(
      ...Object.keys(firstItem)
        .filter((key) => !askedInItems.has(key))
        .map((key) => `items.${key}`),
    );
  return extra;
}

/** Requested fields present in the whole order but absent from the projected one. */
export function missingFields(projected: ApiOrder, full: ApiOrder, fields: string[]): string[] {
  const missing: string[] = [];
  // Items may come as an array or as an object keyed by position (listOf), in either order.
  const projectedItems = listOf(projected.items) as ApiOrder[] | undefined;
  const fullItems = (listOf(full.items) ?? []) as ApiOrder[];
  for (const field of fields) {
    const [head, sub] = field.split('.', 2) as [string, string | undefined];
    if (!sub) {
      if (head in full && !(head in projected)) missing.push(field);
      continue;
    }
    if (fullItems.length && !projectedItems) {
      missing.push(head);
      continue;
    }
    for (const item of projectedItems ?? []) {
      const whole = fullItems.find((candidate) => String(candidate.id) === String(item.id));
      if (whole && sub in whole && !(sub in item)) {
        missing.push(field);
        break;
      }
    }
  }
  return missing;
}
