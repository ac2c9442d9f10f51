// variant_monthly: one row per variant, warehouse ("" for the variant's figure over all warehouses), metric and
// month, from every year -> month map of the variant and of its warehouse blocks. A versioned pass like variants:
// a month that leaves a map (the forecast horizon moves on) leaves the table.
import { loadSchema } from '../common/schema-files.js';
import { mapEntries, monthValues } from './series.js';
import type { Stream } from './stream.js';

/** The year -> month maps, by API field name; a warehouse block may carry any of them (forecast_by_period does). */
const MONTHLY_METRICS = [
  'forecast_by_period',
  'orders_by_month',
  'real_orders_by_month',
  'revenue_by_month',
  'oos_by_month_user',
];

export const variantMonthly: Stream = {
  resource: 'variants',
  descriptor: {
    name: 'variant_monthly',
    schema: loadSchema('variant_monthly'),
    keyProperties: ['variant_id', 'warehouse', 'metric', 'month'],
    replicationMethod: 'FULL_TABLE',
  },
  apiFields: () => ['id', ...MONTHLY_METRICS, 'warehouse.warehouse', ...MONTHLY_METRICS.map((f) => `warehouse.${f}`)],
  rows: (variant, context) =>
    mapEntries('variant_monthly', variant, MONTHLY_METRICS, monthValues, context).map((e) => ({
      variant_id: e.variantId,
      warehouse: e.warehouse,
      metric: e.metric,
      month: e.date,
      value: e.value,
      _account_id: context.accountId,
      __synced_at: context.syncedAt,
    })),
};
