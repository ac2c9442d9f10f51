// variant_monthly: one row per variant, warehouse ("" for the variant's figure over all warehouses), metric and
// month, from every year -> month map of the variant and of its warehouse blocks. A versioned pass like variants:
// a month that leaves a map (the forecast horizon moves on) leaves the table.
import { loadSchema } from '../common/schema-files.js';
import { figures, monthValues } from './series.js';
import type { Row, Stream } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

/** The year -> month maps, by API field name; a warehouse block may carry any of them (forecast_by_period does). */
export const MONTHLY_METRICS = [
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
  rows: (variant, context) => {
    const variantId = parentId('variant_monthly', variant);
    const rows: Row[] = [];
    for (const { warehouse, source } of figures(variant, blocks('variant_monthly', variantId, variant.warehouse))) {
      const record = `variant_id=${JSON.stringify(variantId)} warehouse=${JSON.stringify(warehouse)}`;
      for (const metric of MONTHLY_METRICS) {
        if (source[metric] === undefined || source[metric] === null) continue;
        const at = { stream: 'variant_monthly', record, field: metric };
        for (const { date, value } of monthValues(source[metric], context, at))
          rows.push({
            variant_id: variantId,
            warehouse,
            metric,
            month: date,
            value,
            _account_id: context.accountId,
            __synced_at: context.syncedAt,
          });
      }
    }
    return rows;
  },
};
