// variant_snapshots (opt-in): the day's key metrics of each variant, one row for the variant (warehouse "")
// and one per warehouse block, keyed (snapshot_date, variant_id, warehouse). Rows are never deleted by a
// pass (no ACTIVATE_VERSION): run daily, they build a history; a second run on the same day upserts that day.
import { loadSchema } from '../common/schema-files.js';
import { schemaColumns } from './schema-columns.js';
import { compileRowMapper, type KeyDescriber, type Row, type Stream } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

const schema = loadSchema('variant_snapshots');
const HEAD = ['snapshot_date', 'variant_id', 'warehouse'];
const TAIL = ['_account_id', '__synced_at'];
const columns = schemaColumns(schema, [...HEAD, ...TAIL]);
const describe: KeyDescriber = (row) =>
  `variant_id=${JSON.stringify(row.variant_id)} warehouse=${JSON.stringify(row.warehouse)}`;
const toRow = compileRowMapper('variant_snapshots', HEAD, columns, TAIL, describe);
const METRICS = columns.map((c) => c.from!).filter((f) => f !== 'sku');

export const variantSnapshots: Stream = {
  resource: 'variants',
  history: true,
  descriptor: {
    name: 'variant_snapshots',
    schema,
    keyProperties: HEAD,
    replicationMethod: 'INCREMENTAL',
    selectedByDefault: false,
  },
  apiFields: () => ['id', 'sku', ...METRICS, 'warehouse.warehouse', ...METRICS.map((f) => `warehouse.${f}`)],
  rows: (variant, context) => {
    const variantId = parentId('variant_snapshots', variant);
    const date = context.runDate ?? context.syncedAt.slice(0, 10);
    const rows: Row[] = [toRow(variant, date, variantId, '', context.accountId, context.syncedAt, context.onBadValue)];
    for (const block of blocks('variant_snapshots', variantId, variant.warehouse)) {
      if (typeof block.warehouse !== 'string' || block.warehouse === '') continue;
      rows.push(
        toRow(
          { ...block, sku: variant.sku },
          date,
          variantId,
          block.warehouse,
          context.accountId,
          context.syncedAt,
          context.onBadValue,
        ),
      );
    }
    return rows;
  },
};
