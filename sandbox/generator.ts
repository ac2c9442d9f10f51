// Builds the canonical API object of an order from (seed, index, version) plus the
// stored instants. Same inputs, same object: no state is kept here.
import type { Catalog } from './catalog.js';
import { renderItem } from './items.js';
import { type OrderState, orderState } from './order-state.js';
import { creationStep, initialTimes } from './order-times.js';
import { type Quirks, applyQuirks } from './quirks.js';
import { Rng, SALT, mix32 } from './rng.js';
import type { StoreView } from './store-view.js';
import { Stamp, type WireObject, isoDate, pickOffset, quirkNumber } from './values.js';

export interface Order extends WireObject {
  id: string;
  items: WireObject[];
}

const REPLENISHMENT_TYPES = ['old_products', 'old_products', 'new_products', 'all_products'];
const ATTN = ['', '', 'Dana Scully', 'Sam Carter', 'Receiving team'];
const round2 = (x: number): number => Math.round(x * 100) / 100;
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export class OrderGenerator {
  private readonly machine: string;
  private readonly step: number;

  constructor(
    private readonly seed: number,
    private readonly itemsPerOrder: number,
    private readonly initialOrders: number,
    readonly catalog: Catalog,
    private readonly quirks?: Quirks,
    private readonly itemsPerOrderMin = 0,
  ) {
    this.machine = hex(mix32(seed ^ 0x51ed270b), 8) + hex(mix32(seed) & 0xff, 2);
    this.step = creationStep(initialOrders);
  }

  /** ObjectId-like: creation second, a per-seed machine part, and the index as counter. */
  orderId(view: StoreView, i: number): string {
    return hex(view.createdSec[i]!, 8) + this.machine + hex(i, 6);
  }

  /** Index of an order id, or -1 when no such order exists. */
  indexOf(view: StoreView, id: string): number {
    if (!/^[0-9a-f]{24}$/.test(id)) return -1;
    const i = parseInt(id.slice(18), 16);
    return i < view.count && !view.deleted[i] && this.orderId(view, i) === id ? i : -1;
  }

  /** updated_at of the unedited order: somewhere between creation and its first last_modified. */
  private baseUpdated(i: number, created: number): number {
    if (i >= this.initialOrders) return created;
    const { delay } = initialTimes(this.seed, i, this.step);
    return created + Math.floor(delay * new Rng(this.seed, i, SALT.updated).next());
  }

  /** The order as the API shows it; `withItems = false` skips rendering items (for filters and sorts). */
  order(view: StoreView, i: number, withItems = true): Order {
    const version = view.version[i]!;
    const created = view.createdSec[i]!;
    const lm = view.lmSec[i]!;
    const state = this.state(view, i);
    const updated = version > 0 ? lm : this.baseUpdated(i, created);
    const order = this.render(
      state,
      i,
      version,
      created,
      lm,
      updated,
      this.orderId(view, i),
      withItems,
      view.lmSub[i]!,
      view.lmDigits,
    );
    if (this.quirks) applyQuirks(order, this.quirks, this.seed, i, version);
    return order;
  }

  /** The order's business state, without the lines removed from it. */
  state(view: StoreView, i: number): OrderState {
    const state = orderState(this.seed, i, view.version[i]!, this.catalog, this.itemsPerOrder, this.itemsPerOrderMin);
    const removed = view.removedLines.get(i);
    if (removed) state.lines = state.lines.filter((line) => !removed.has(line.variant));
    return state;
  }

  private render(
    s: OrderState,
    i: number,
    version: number,
    created: number,
    lm: number,
    updated: number,
    id: string,
    withItems: boolean,
    lmSub: number,
    lmDigits: number,
  ): Order {
    const q = new Rng(this.seed, i, SALT.quirk, version);
    const qItems = new Rng(this.seed, i, SALT.itemQuirk, version);
    const { vendors, warehouses, variants } = this.catalog;
    const vendor = vendors[s.vendor]!;
    const wh = warehouses[s.warehouse]!;
    const src = warehouses[s.sourceWarehouse]!;
    const createdAt = new Stamp(created, pickOffset(q));
    const createdText = createdAt.toJSON();
    const items = !withItems
      ? []
      : s.lines.map((line) => renderItem(qItems, variants[line.variant]!, line, vendor.currency, createdText));
    const ordered = s.lines.reduce((sum, l) => sum + l.qty, 0);
    const received = s.lines.reduce((sum, l) => sum + l.received, 0);
    const shipping = q.chance(0.3) ? q.money(5, 250) : 0;
    const total = round2(s.lines.reduce((sum, l) => sum + round2(l.qty * l.cost), 0) + shipping);
    const typeDraw = q.next();
    const closed = s.status === 'closed' || s.status === 'cancelled';
    const shipped = s.status === 'sent' || s.status === 'partial' || s.status === 'closed';
    return {
      id,
      reference: String(1000 + i),
      extra_reference: q.chance(0.3) ? `INV-${q.range(10_000, 99_999)}` : '',
      status: s.status,
      // POs: mostly 'po', sometimes '' or absent (undefined is left out of the JSON)
      type: s.transfer ? 'transfer' : typeDraw < 0.92 ? 'po' : typeDraw < 0.97 ? '' : undefined,
      source_type: s.transfer ? 'warehouse' : 'vendor',
      vendor: s.transfer ? '' : vendor.id,
      source: s.transfer ? src.id : vendor.id,
      source_warehouse: s.transfer ? src.id : undefined,
      vendor_display_name: s.transfer ? '' : vendor.name,
      source_display_name: s.transfer ? src.name : vendor.name,
      warehouse: wh.id,
      warehouse_display_name: wh.name,
      replenishment_type: q.pick(REPLENISHMENT_TYPES),
      currency: vendor.currency,
      created_date: isoDate(created),
      expected_date: isoDate(created + s.expectedDays * 86_400),
      received_date: received > 0 ? isoDate(s.receivedInEdit ? lm : updated) : undefined,
      payment_date: q.chance(0.2) ? isoDate(created + q.range(0, 30) * 86_400) : '',
      shipment_date: shipped ? isoDate(created + 86_400 * q.range(1, 5)) : '',
      // lm 0: no last_modified, sent as null or left out
      last_modified: lm === 0 ? (i % 2 ? null : undefined) : new Stamp(lm, pickOffset(q), lmSub, lmDigits),
      created_at: createdAt,
      updated_at: new Stamp(updated, pickOffset(q)),
      total: quirkNumber(q, total, 2),
      total_ordered: quirkNumber(q, ordered),
      total_received: quirkNumber(q, received),
      version: 1 + version,
      readonly: closed,
      email: s.transfer ? '' : vendor.email,
      attn: q.pick(ATTN),
      notes: s.notes,
      shipment_method: vendor.shipmentMethod,
      payment_terms: vendor.paymentTerms,
      shipping_handling: shipping,
      shipping_handling_tax: 0,
      min_budget: '',
      min_quantity: '',
      uom_ordering: q.chance(0.2),
      uom_round: 'up',
      moq: 'variant',
      discount_enabled: false,
      shop_name: 'Sandbox Store',
      vendor_address: s.transfer ? '' : vendor.address,
      billing_address: '1 Market Street, Springfield',
      shipping_address: `${wh.name}, 2 Dock Road, Springfield`,
      tax_info: {},
      source_address: {},
      edited: {},
      connections: [],
      accounting_connections: [],
      bundles: [],
      history: [],
      details: [],
      items,
    };
  }
}
