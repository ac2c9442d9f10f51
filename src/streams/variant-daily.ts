// variant_daily: one row per variant, warehouse ("" for all warehouses), metric and day, from the per-day maps
// (orders_by_day) of the variant and of its warehouse blocks. A versioned pass like variant_monthly: the map is
// the API's current window, and a day that leaves it leaves the table.
import { loadSchema } from '../common/schema-files.js';
import { dayValues, mapEntries } from './series.js';
import type { Stream } from './stream.js';

/** The per-day maps, by API field name. */
const DAILY_METRICS = ['orders_by_day'];

export const variantDaily: Stream = {
  resource: 'variants',
  descriptor: {
    name: 'variant_daily',
    schema: loadSchema('variant_daily'),
    keyProperties: ['variant_id', 'warehouse', 'metric', 'day'],
    replicationMethod: 'FULL_TABLE',
  },
  apiFields: () => ['id', ...DAILY_METRICS, 'warehouse.warehouse', ...DAILY_METRICS.map((f) => `warehouse.${f}`)],
  rows: (variant, context) =>
    mapEntries('variant_daily', variant, DAILY_METRICS, dayValues, context).map((e) => ({
      variant_id: e.variantId,
      warehouse: e.warehouse,
      metric: e.metric,
      day: e.date,
      value: e.value,
      _account_id: context.accountId,
      __synced_at: context.syncedAt,
    })),
};
