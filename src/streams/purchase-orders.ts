// purchase_orders: one row per API purchase order.
import type { ApiOrder } from '../client/order-pages.js';
import type { PurchaseOrderRow, PurchaseOrderRowDecimal } from '../generated/schemas.js';
import { loadSchema } from '../common/schema-files.js';
import { decimalForm, numberForm } from '../singer/decimal-schema.js';
import { requireText, toDate, toNumber, toText, toUtcDateTime, ValueError } from '../values/coercions.js';
import { withDecimalColumns } from './decimal-columns.js';
import {
  compileRowMapper,
  sourceFields,
  type Column,
  type KeyDescriber,
  type Row,
  type RowContext,
  type Stream,
} from './stream.js';

const columns: Column[] = [
  { name: 'purchase_order_id', from: 'id', convert: requireText, strict: true },
  { name: 'purchase_order_number', from: 'reference', convert: toText },
  { name: 'status', from: 'status', convert: toText },
  { name: 'source', from: 'source', convert: toText },
  { name: 'type', from: 'type', convert: toText },
  { name: 'vendor', from: 'vendor', convert: toText },
  { name: 'last_modified', from: 'last_modified', convert: lastModified },
  { name: 'total_ordered', from: 'total_ordered', convert: toNumber },
  { name: 'total_received', from: 'total_received', convert: toNumber },
  { name: 'created_date', from: 'created_date', convert: toDate },
  { name: 'received_date', from: 'received_date', convert: toDate },
  { name: 'expected_date', from: 'expected_date', convert: toDate },
  { name: 'created_at', from: 'created_at', convert: toUtcDateTime },
  { name: 'updated_at', from: 'updated_at', convert: toUtcDateTime },
  { name: 'warehouse', from: 'warehouse', convert: toText },
  { name: 'warehouse_display_name', from: 'warehouse_display_name', convert: toText },
  { name: 'vendor_name', from: 'vendor_display_name', convert: toText },
  { name: 'source_name', from: 'source_display_name', convert: toText },
  { name: 'replenishment_type', from: 'replenishment_type', convert: toText },
];

const schema = loadSchema('purchase_orders');

export const purchaseOrders: Stream = {
  resource: 'purchase-orders',
  descriptor: {
    name: 'purchase_orders',
    schema: numberForm(schema),
    decimalSchema: decimalForm(schema),
    keyProperties: ['purchase_order_id'],
    replicationKey: 'last_modified',
    replicationMethod: 'INCREMENTAL',
  },
  apiFields: (selected) => ['id', 'last_modified', ...sourceFields(columns, selected)],
  rows: (order, context) => [toPurchaseOrderRow(order, context) as unknown as Row],
};

/** The replication key; the reader has already warned about an order without a usable one. */
function lastModified(value: unknown): string | null {
  try {
    return toUtcDateTime(value);
  } catch (error) {
    if (error instanceof ValueError) return null;
    throw error;
  }
}

const describeOrder: KeyDescriber = (_row, order) => `purchase_order_id=${JSON.stringify(order.id)}`;
const toRow = compileRowMapper('purchase_orders', [], columns, ['_account_id', '__synced_at'], describeOrder);
const toDecimalRow = compileRowMapper(
  'purchase_orders',
  [],
  withDecimalColumns(columns, schema),
  ['_account_id', '__synced_at'],
  describeOrder,
);

export function toPurchaseOrderRow(order: ApiOrder, context: RowContext): PurchaseOrderRow | PurchaseOrderRowDecimal {
  return (context.decimal ? toDecimalRow : toRow)(
    order,
    context.accountId,
    context.syncedAt,
    context.onBadValue,
  ) as unknown as PurchaseOrderRow;
}
