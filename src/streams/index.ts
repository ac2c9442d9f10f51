// The stream registry, in sync order: the one list of the tap's streams. The catalog (--discover), the README's
// streams table and the engine take it from here; the generators (scripts/gen-types.mjs, gen-validators.mjs)
// read schemas/, whose record schemas test/sync/stream-registry.test.ts holds to this list, as it does
// meltano.yml's select list. Adding a stream: docs/architecture.md, "Add a stream".
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
