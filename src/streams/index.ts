// The stream registry, in sync order.
import { purchaseOrderItems } from './purchase-order-items.js';
import { purchaseOrders } from './purchase-orders.js';
import type { Stream } from './stream.js';

export const STREAMS: Stream[] = [purchaseOrders, purchaseOrderItems];
