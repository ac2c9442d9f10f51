// Ground truth: the rows the tap's two streams must hold for the current data,
// read from the generator's canonical values (never from rendered JSON).
import { createHash } from 'node:crypto';
import type { OrderGenerator, Order } from './generator.js';
import type { StoreView } from './store-view.js';
import { type WireObject, truthValue } from './values.js';

export type TruthStream = 'purchase_orders' | 'purchase_order_items';
export interface TruthRow {
  stream: TruthStream;
  row: Record<string, unknown>;
}
export interface Truth {
  purchase_orders: Record<string, unknown>[];
  purchase_order_items: Record<string, unknown>[];
}

// [column, API field]
const PO_COLUMNS: [string, string][] = [
  ['purchase_order_id', 'id'],
  ['purchase_order_number', 'reference'],
  ['status', 'status'],
  ['source', 'source'],
  ['type', 'type'],
  ['vendor', 'vendor'],
  ['last_modified', 'last_modified'],
  ['total_ordered', 'total_ordered'],
  ['total_received', 'total_received'],
  ['created_date', 'created_date'],
  ['received_date', 'received_date'],
  ['expected_date', 'expected_date'],
  ['created_at', 'created_at'],
  ['updated_at', 'updated_at'],
  ['warehouse', 'warehouse'],
  ['warehouse_display_name', 'warehouse_display_name'],
  ['vendor_name', 'vendor_display_name'],
  ['source_name', 'source_display_name'],
  ['replenishment_type', 'replenishment_type'],
];
const ITEM_COLUMNS: [string, string][] = [
  ['purchase_order_item_id', 'id'],
  ['sku', 'sku'],
  ['title', 'title'],
  ['vendor_reference', 'vendor_reference'],
  ['vendor_name', 'vendor_name'],
  ['replenishment', 'replenishment'],
  ['cost_price', 'cost_price'],
  ['received', 'received'],
];

export const itemKey = (orderId: string, itemId: string): string =>
  createHash('md5')
    .update(orderId + itemId)
    .digest('hex');

export function orderRow(order: Order, accountId: string): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const [column, field] of PO_COLUMNS) row[column] = truthValue(order[field]);
  row._account_id = accountId;
  return row;
}

/**
 * The key of each line (docs/streams.md): md5(order id + item id); a line repeating an item id
 * already seen in the order is keyed md5(order id + item id + "#k") for its k-th occurrence, the next free k.
 */
export function lineKeys(order: Order): string[] {
  const keys = order.items.map((item) => itemKey(order.id, String(item.id)));
  const used = new Set<string>();
  const later: number[] = [];
  keys.forEach((key, j) => {
    if (used.has(key)) later.push(j);
    else used.add(key);
  });
  const seen = new Map<string, number>();
  for (const j of later) {
    const id = String(order.items[j]!.id);
    let k = (seen.get(id) ?? 1) + 1;
    while (used.has(itemKey(order.id, `${id}#${k}`))) k += 1;
    seen.set(id, k);
    keys[j] = itemKey(order.id, `${id}#${k}`);
    used.add(keys[j]);
  }
  return keys;
}

export function itemRow(
  order: Order,
  item: WireObject,
  accountId: string,
  key = itemKey(order.id, String(item.id)),
): Record<string, unknown> {
  const row: Record<string, unknown> = { key, purchase_order_id: order.id };
  for (const [column, field] of ITEM_COLUMNS) row[column] = truthValue(item[field]);
  row._account_id = accountId;
  return row;
}

/**
 * All truth rows, each stream sorted by its key. Orders come in index order, which
 * is id order because ids start with the (non-decreasing) creation second and end
 * with the index. Items are sorted by md5 key: a first pass records each key's
 * 32-bit prefix, the second pass regenerates the orders in key order.
 */
const TRUTH_CACHE_LINES = 200_000;

export function* truthRows(gen: OrderGenerator, view: StoreView, accountId: string): Generator<TruthRow> {
  const prefix: number[] = [];
  const slotOrder: number[] = [];
  const slotItem: number[] = [];
  for (let i = 0; i < view.count; i++) {
    if (view.deleted[i]) continue;
    const order = gen.order(view, i);
    yield { stream: 'purchase_orders', row: orderRow(order, accountId) };
    lineKeys(order).forEach((key, j) => {
      prefix.push(parseInt(key.slice(0, 8), 16));
      slotOrder.push(i);
      slotItem.push(j);
    });
  }
  // Items come in key order, so orders are needed in random order: keep rendered orders (with their lines'
  // keys) up to a number of lines (heavy orders of hundreds of lines would otherwise be rendered once per line).
  type Rendered = { order: Order; keys: string[] };
  const cache = new Map<number, Rendered>();
  let cachedLines = 0;
  const orderAt = (i: number): Rendered => {
    let entry = cache.get(i);
    if (entry) return entry;
    const order = gen.order(view, i);
    entry = { order, keys: lineKeys(order) };
    while (cachedLines > TRUTH_CACHE_LINES && cache.size) {
      const [oldest, dropped] = cache.entries().next().value as [number, Rendered];
      cache.delete(oldest);
      cachedLines -= dropped.order.items.length;
    }
    cache.set(i, entry);
    cachedLines += order.items.length;
    return entry;
  };
  const fullKey = (slot: number): string => orderAt(slotOrder[slot]!).keys[slotItem[slot]!]!;
  const perm = new Int32Array(prefix.length).map((_, k) => k);
  perm.sort((a, b) => prefix[a]! - prefix[b]! || (fullKey(a) < fullKey(b) ? -1 : 1));
  for (const slot of perm) {
    const { order, keys } = orderAt(slotOrder[slot]!);
    const j = slotItem[slot]!;
    yield { stream: 'purchase_order_items', row: itemRow(order, order.items[j]!, accountId, keys[j]) };
  }
}

export function collectTruth(gen: OrderGenerator, view: StoreView, accountId: string): Truth {
  const truth: Truth = { purchase_orders: [], purchase_order_items: [] };
  for (const { stream, row } of truthRows(gen, view, accountId)) truth[stream].push(row);
  return truth;
}
