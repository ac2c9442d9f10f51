// variant_forecast_snapshots (opt-in): the forecast (forecast_by_period) of each variant (warehouse "") and of
// each warehouse block as it stood on the run's date, one row per month, keyed (snapshot_date, variant_id,
// warehouse, month). Never deleted by a pass (no ACTIVATE_VERSION): run daily, the past forecasts Inventory
// Planner does not keep build up, so forecast accuracy can be measured later; a second run on a day upserts it.
import { loadSchema } from '../common/schema-files.js';
import { figures, monthValues } from './series.js';
import type { Row, Stream } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

const METRIC = 'forecast_by_period';

export const variantForecastSnapshots: Stream = {
  resource: 'variants',
  history: true,
  descriptor: {
    name: 'variant_forecast_snapshots',
    schema: loadSchema('variant_forecast_snapshots'),
    keyProperties: ['snapshot_date', 'variant_id', 'warehouse', 'month'],
    replicationMethod: 'INCREMENTAL',
    selectedByDefault: false,
  },
  apiFields: () => ['id', METRIC, 'warehouse.warehouse', `warehouse.${METRIC}`],
  rows: (variant, context) => {
    const variantId = parentId('variant_forecast_snapshots', variant);
    const date = context.runDate ?? context.syncedAt.slice(0, 10);
    const rows: Row[] = [];
    for (const { warehouse, source } of figures(
      variant,
      blocks('variant_forecast_snapshots', variantId, variant.warehouse),
    )) {
      if (source[METRIC] === undefined || source[METRIC] === null) continue;
      const record = `variant_id=${JSON.stringify(variantId)} warehouse=${JSON.stringify(warehouse)}`;
      for (const { date: month, value } of monthValues(source[METRIC], context, {
        stream: 'variant_forecast_snapshots',
        record,
        field: METRIC,
      }))
        rows.push({
          snapshot_date: date,
          variant_id: variantId,
          warehouse,
          month,
          value,
          _account_id: context.accountId,
          __synced_at: context.syncedAt,
        });
    }
    return rows;
  },
};
