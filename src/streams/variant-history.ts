// variant_history: one row per point of a variant's [timestamp, value] arrays (stock_hist ... regular_retail_
// price_hist, stockouts_hist), keyed (variant_id, metric, recorded_at in UTC), with the point's date in the shop's
// offset. Points never change once written, and accounts hold years of them: the stream keeps a bookmark (the
// newest point written by the last read that vouched for itself) and writes only the points from three days
// before it, and every point of a variant created since then (its history came with it). Never deleted.
import { loadSchema } from '../common/schema-files.js';
import { toUtcDateTime, ValueError } from '../values/coercions.js';
import { historyPoints } from './series.js';
import type { Row, Stream } from './stream.js';
import { parentId } from './variant-warehouses.js';

const HISTORY_METRICS = [
  'stock_hist',
  'stock_cost_hist',
  'stock_retail_hist',
  'stock_gross_hist',
  'cost_price_hist',
  'landing_cost_price_hist',
  'retail_price_hist',
  'regular_retail_price_hist',
  'stockouts_hist',
];

/**
 * How far before the bookmark each run starts again: the bookmark is the newest point over every variant, and
 * the API writes a day's points variant by variant over the day (each variant is forecast a few times a day),
 * so a point may appear up to a day after a newer one of another variant. Three days covers that with room;
 * the points sent again are upserted onto themselves.
 */
const HISTORY_OVERLAP_MS = 3 * 86_400_000;

function createdSince(variant: Row, floor: string): boolean {
  try {
    const created = toUtcDateTime(variant.created_at);
    return created !== null && created >= floor;
  } catch (error) {
    if (error instanceof ValueError) return false;
    throw error;
  }
}

export const variantHistory: Stream = {
  resource: 'variants',
  history: true,
  bookmark: { column: 'recorded_at', overlapMs: HISTORY_OVERLAP_MS, whole: createdSince },
  descriptor: {
    name: 'variant_history',
    schema: loadSchema('variant_history'),
    keyProperties: ['variant_id', 'metric', 'recorded_at'],
    replicationKey: 'recorded_at',
    replicationMethod: 'INCREMENTAL',
  },
  apiFields: () => ['id', 'created_at', ...HISTORY_METRICS],
  rows: (variant, context) => {
    const variantId = parentId('variant_history', variant);
    const rows: Row[] = [];
    const record = `variant_id=${JSON.stringify(variantId)}`;
    for (const metric of HISTORY_METRICS) {
      if (variant[metric] === undefined || variant[metric] === null) continue;
      for (const point of historyPoints(variant[metric], context, { stream: 'variant_history', record, field: metric }))
        rows.push({
          variant_id: variantId,
          metric,
          recorded_at: point.recordedAt,
          local_date: point.localDate,
          value: point.value,
          _account_id: context.accountId,
          __synced_at: context.syncedAt,
        });
    }
    return rows;
  },
};
