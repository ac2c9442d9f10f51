// variant_forecast_snapshots (opt-in): the forecast (forecast_by_period) of each variant (warehouse "") and of
// each warehouse block as it stood on the run's date, one row per month, keyed (snapshot_date, variant_id,
// warehouse, month). Never deleted by a pass (no ACTIVATE_VERSION): run daily, the past forecasts Inventory
// Planner does not keep build up, so forecast accuracy can be measured later; a second run on a day upserts it.
import { loadSchema } from '../common/schema-files.js';
import { mapEntries, monthValues } from './series.js';
import type { Stream } from './stream.js';

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
    const snapshotDate = context.runDate ?? context.syncedAt.slice(0, 10);
    return mapEntries('variant_forecast_snapshots', variant, [METRIC], monthValues, context).map((e) => ({
      snapshot_date: snapshotDate,
      variant_id: e.variantId,
      warehouse: e.warehouse,
      month: e.date,
      value: e.value,
      _account_id: context.accountId,
      __synced_at: context.syncedAt,
    }));
  },
};
