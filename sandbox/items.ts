// Renders one order line as an API item object (about 40 fields, with wire quirks).
// One literal with a fixed shape keeps generation and JSON.stringify fast; absent
// fields are `undefined`, which JSON.stringify leaves out.
import type { Variant } from './catalog.js';
import type { LineState } from './order-state.js';
import type { Rng } from './rng.js';
import { type WireObject, quirkNumber } from './values.js';

// Shared, never mutated: saves allocations on pages of 10k items.
const NO_MESSAGES: readonly unknown[] = Object.freeze([]);
const NOT_EDITED: Readonly<WireObject> = Object.freeze({});

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** `createdAtText` is already rendered: items are many, and the value is not part of the truth. */
export function renderItem(q: Rng, v: Variant, line: LineState, currency: string, createdAtText: string): WireObject {
  const orderedCost = round2(line.qty * line.cost);
  const remaining = line.qty - line.received;
  const sales30 = q.int(200);
  const inStock = q.int(500);
  return {
    id: v.id,
    line_id: v.id,
    sku: v.sku,
    title: v.title,
    vendor_reference: v.vendorReference,
    vendor_name: v.vendorName,
    replenishment: quirkNumber(q, line.qty),
    replenishment_original: line.qty,
    replenishment_variant: line.qty,
    received: line.received > 0 ? quirkNumber(q, line.received) : undefined,
    remaining: quirkNumber(q, remaining),
    cost_price: quirkNumber(q, line.cost, 2),
    landing_cost_price: line.cost,
    cost_price_list: { [currency]: line.cost },
    ordered_cost: quirkNumber(q, orderedCost, 2),
    price: v.price,
    total: orderedCost,
    total_ex_tax: orderedCost,
    uom_ordering: v.uom,
    uom_info: `1x${v.uom}`,
    boxes: Math.ceil(line.qty / v.uom),
    in_stock: inStock,
    minimum_stock: q.int(50),
    forecasted_stock: round2(inStock - sales30 * q.next()),
    cur_forecasted_stock: round2(inStock + remaining - sales30 * q.next()),
    lead_time: q.range(3, 90),
    purchase_orders_qty: remaining,
    total_sales: sales30 * 14 + q.int(100),
    last_30_days_sales: sales30,
    last_90_days_sales: sales30 * 3 + q.int(30),
    last_180_days_sales: sales30 * 6 + q.int(60),
    last_365_days_sales: sales30 * 12 + q.int(120),
    source_stock: 0,
    cbm_ordered: Math.round(line.qty * q.next() * 10) / 1000,
    replenishment_for_bundles: 0,
    hide_in_replenishment: false,
    has_error: false,
    messages: NO_MESSAGES,
    edited: NOT_EDITED,
    attributes: v.attributes,
    created_at_time: createdAtText,
    image: v.image,
    barcode: v.barcode,
    product_id: v.productId,
    product_type: v.productType,
  };
}
