// The stream registry, in sync order.
import { purchaseOrderItems } from './purchase-order-items.js';
import { purchaseOrders } from './purchase-orders.js';
import { vendors, warehouses } from './reference.js';
import type { Stream } from './stream.js';
import { variantDaily } from './variant-daily.js';
import { variantForecastSnapshots } from './variant-forecast-snapshots.js';
import { variantHistory } from './variant-history.js';
import { variantMonthly } from './variant-monthly.js';
import { variantSnapshots } from './variant-snapshots.js';
import { variantVendors } from './variant-vendors.js';
import { variantWarehouses } from './variant-warehouses.js';
import { variants } from './variants.js';

export const STREAMS: Stream[] = [
  purchaseOrders,
  purchaseOrderItems,
  variants,
  variantWarehouses,
  variantVendors,
  variantSnapshots,
  variantMonthly,
  variantDaily,
  variantHistory,
  variantForecastSnapshots,
  warehouses,
  vendors,
];
