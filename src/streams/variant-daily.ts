// variant_daily: one row per variant, warehouse ("" for all warehouses), metric and day, from the per-day maps
// (orders_by_day) of the variant and of its warehouse blocks. A versioned pass like variant_monthly: the map is
// the API's current window, and a day that leaves it leaves the table.
import { loadSchema } from '../common/schema-files.js';
import { dayValues, figures } from './series.js';
import type { Row, Stream } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

/** The per-day maps, by API field name. */
export const DAILY_METRICS = ['orders_by_day'];

export const variantDaily: Stream = {
  resource: 'variants',
  descriptor: {
    name: 'variant_daily',
    schema: loadSchema('variant_daily'),
    keyProperties: ['variant_id', 'warehouse', 'metric', 'day'],
    replicationMethod: 'FULL_TABLE',
  },
  apiFields: () => ['id', ...DAILY_METRICS, 'warehouse.warehouse', ...DAILY_METRICS.map((f) => `warehouse.${f}`)],
  rows: (variant, context) => {
    const variantId = parentId('variant_daily', variant);
    const rows: Row[] = [];
    for (const { warehouse, source } of figures(variant, blocks('variant_daily', variantId, variant.warehouse))) {
      const record = `variant_id=${JSON.stringify(variantId)} warehouse=${JSON.stringify(warehouse)}`;
      for (const metric of DAILY_METRICS) {
        if (source[metric] === undefined || source[metric] === null) continue;
        for (const { date, value } of dayValues(source[metric], context, {
          stream: 'variant_daily',
          record,
          field: metric,
        }))
          rows.push({
            variant_id: variantId,
            warehouse,
            metric,
            day: date,
            value,
            _account_id: context.accountId,
            __synced_at: context.syncedAt,
          });
      }
    }
    return rows;
  },
};
