// purchase_order_items: one row per element of an order's items array, keyed by md5(order id + item id).
import { hash } from 'node:crypto';
import type { ApiOrder } from '../client/order-pages.js';
import { RecordError } from '../common/errors.js';
import type { PurchaseOrderItemRow, PurchaseOrderItemRowDecimal } from '../generated/schemas.js';
import { loadSchema } from '../common/schema-files.js';
import { decimalForm, numberForm } from '../singer/decimal-schema.js';
import { listOf, requireText, toNumber, toText } from '../values/coercions.js';
import { withDecimalColumns } from './decimal-columns.js';
import {
  compileRowMapper,
  mapColumns,
  sourceFields,
  type Column,
  type KeyDescriber,
  type Row,
  type RowContext,
  type Stream,
} from './stream.js';

const columns: Column[] = [
  { name: 'purchase_order_item_id', from: 'id', convert: requireText, strict: true },
  { name: 'sku', from: 'sku', convert: toText },
  { name: 'title', from: 'title', convert: toText },
  { name: 'vendor_reference', from: 'vendor_reference', convert: toText },
  { name: 'vendor_name', from: 'vendor_name', convert: toText },
  { name: 'replenishment', from: 'replenishment', convert: toNumber },
  { name: 'cost_price', from: 'cost_price', convert: toNumber },
  { name: 'received', from: 'received', convert: toNumber },
];

const schema = loadSchema('purchase_order_items');

export const purchaseOrderItems: Stream = {
  resource: 'purchase-orders',
  descriptor: {
    name: 'purchase_order_items',
    schema: numberForm(schema),
    decimalSchema: decimalForm(schema),
    keyProperties: ['key'],
    // Incremental on the parent order's last_modified, which the line itself does not carry.
    replicationMethod: 'INCREMENTAL',
  },
  apiFields: (selected) => [
    'id',
    'last_modified',
    'items.id',
    ...sourceFields(columns, selected).map((f) => `items.${f}`),
  ],
  rows: (order, context) => toPurchaseOrderItemRows(order, context) as unknown as Row[],
};

export function itemKey(orderId: string, itemId: string): string {
  return hash('md5', orderId + itemId, 'hex');
}

const orderIdColumn: Column[] = [{ name: 'purchase_order_id', from: 'id', convert: requireText, strict: true }];
const describeOrder: KeyDescriber = () => 'of an order without an id';
const describeItem: KeyDescriber = (row, item) =>
  `purchase_order_id=${JSON.stringify(row.purchase_order_id)} item id=${JSON.stringify(item.id)}`;
// The key comes first in the schema; it is filled in once the item id is known.
const toRow = compileRowMapper(
  'purchase_order_items',
  ['key', 'purchase_order_id'],
  columns,
  ['_account_id', '__synced_at'],
  describeItem,
);
const toDecimalRow = compileRowMapper(
  'purchase_order_items',
  ['key', 'purchase_order_id'],
  withDecimalColumns(columns, schema),
  ['_account_id', '__synced_at'],
  describeItem,
);

export function toPurchaseOrderItemRows(
  order: ApiOrder,
  context: RowContext,
): (PurchaseOrderItemRow | PurchaseOrderItemRowDecimal)[] {
  const orderId = mapColumns(orderIdColumn, order, {}, 'purchase_order_items', describeOrder)
    .purchase_order_id as string;
  const items = listOf(order.items ?? []);
  if (!items)
    throw new RecordError(`purchase_order_items of purchase_order_id=${JSON.stringify(orderId)}: items is not a list.`);
  const mapper = context.decimal ? toDecimalRow : toRow;
  const rows = items.map((item) =>
    mapper(
      (item ?? {}) as Record<string, unknown>,
      '',
      orderId,
      context.accountId,
      context.syncedAt,
      context.onBadValue,
    ),
  );
  if (rows.length === 1) rows[0]!.key = itemKey(orderId, rows[0]!.purchase_order_item_id as string);
  else if (rows.length > 1) assignKeys(rows, orderId, context);
  return rows as unknown as PurchaseOrderItemRow[];
}

/**
 * Lines of one order that share an item id keep one row each: the first (in the API's order) is keyed
 * md5(order id + item id) as usual, the k-th is keyed md5(order id + item id + "#k"), the next free k should
 * that key be taken. The same lines in the same order give the same keys on every run.
 */
function assignKeys(rows: Row[], orderId: string, context: RowContext): void {
  const used = new Set<string>();
  const later: Row[] = [];
  for (const row of rows) {
    const key = itemKey(orderId, row.purchase_order_item_id as string);
    if (used.has(key)) later.push(row);
    else {
      used.add(key);
      row.key = key;
    }
  }
  if (later.length === 0) return;
  const seen = new Map<string, number>();
  for (const row of later) {
    const id = row.purchase_order_item_id as string;
    let k = (seen.get(id) ?? 1) + 1;
    while (used.has(itemKey(orderId, `${id}#${k}`))) k += 1;
    seen.set(id, k);
    row.key = itemKey(orderId, `${id}#${k}`);
    used.add(row.key as string);
  }
  context.onDuplicateLines?.(`purchase_order_id=${JSON.stringify(orderId)}`, [...seen.keys()], later.length);
}
