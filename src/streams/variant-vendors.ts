// variant_vendors: one row per vendor of each of a variant's connections (connections[].vendors[]; the API
// may send `connections` as one object). Keyed md5(variant id + vendor); a vendor listed again (in another
// connection) gets md5(variant id + vendor + "#k"), k = 2, 3, ... in the API's order.
import { loadSchema } from '../common/schema-files.js';
import { itemKey } from './purchase-order-items.js';
import { schemaColumns } from './schema-columns.js';
import { compileRowMapper, type KeyDescriber, type Row, type Stream } from './stream.js';
import { blocks, parentId } from './variant-warehouses.js';

const schema = loadSchema('variant_vendors');
const TAIL = ['_account_id', '__synced_at'];
const columns = schemaColumns(schema, ['key', 'variant_id', 'connection_sku', ...TAIL], ['vendor']);
const describe: KeyDescriber = (row, vendor) =>
  `variant_id=${JSON.stringify(row.variant_id)} vendor=${JSON.stringify(vendor.vendor)}`;
const toRow = compileRowMapper('variant_vendors', ['key', 'variant_id', 'connection_sku'], columns, TAIL, describe);

export const variantVendors: Stream = {
  resource: 'variants',
  descriptor: { name: 'variant_vendors', schema, keyProperties: ['key'], replicationMethod: 'FULL_TABLE' },
  apiFields: () => ['id', 'connections'],
  rows: (variant, context) => {
    const variantId = parentId('variant_vendors', variant);
    const rows: Row[] = [];
    const seen = new Map<string, number>();
    for (const connection of blocks('variant_vendors', variantId, variant.connections)) {
      const sku = typeof connection.sku === 'string' ? connection.sku : null;
      for (const vendor of blocks('variant_vendors', variantId, connection.vendors)) {
        const row = toRow(vendor, '', variantId, sku, context.accountId, context.syncedAt, context.onBadValue);
        const k = (seen.get(row.vendor as string) ?? 0) + 1;
        seen.set(row.vendor as string, k);
        row.key = itemKey(variantId, k === 1 ? (row.vendor as string) : `${row.vendor as string}#${k}`);
        rows.push(row);
      }
    }
    return rows;
  },
};
