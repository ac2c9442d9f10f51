// warehouses and vendors: the account's small reference collections, one row per record. A vendor's fields
// are not documented beyond its id: the whole record also goes into `data`.
import { loadSchema } from '../common/schema-files.js';
import { ALL_FIELDS } from '../client/paging/projection.js';
import { schemaColumns } from './schema-columns.js';
import { compileRowMapper, sourceFields, type KeyDescriber, type Stream } from './stream.js';

const TAIL = ['_account_id', '__synced_at'];

const warehouseSchema = loadSchema('warehouses');
const warehouseColumns = schemaColumns(warehouseSchema, TAIL, ['name']);
const describeWarehouse: KeyDescriber = (_row, w) => `name=${JSON.stringify(w.name)}`;
const toWarehouseRow = compileRowMapper('warehouses', [], warehouseColumns, TAIL, describeWarehouse);

export const warehouses: Stream = {
  resource: 'warehouses',
  descriptor: { name: 'warehouses', schema: warehouseSchema, keyProperties: ['name'], replicationMethod: 'FULL_TABLE' },
  apiFields: (selected) => [...new Set(['name', ...sourceFields(warehouseColumns, selected)])],
  rows: (w, context) => [toWarehouseRow(w, context.accountId, context.syncedAt, context.onBadValue)],
};

const vendorSchema = loadSchema('vendors');
const vendorColumns = schemaColumns(vendorSchema, ['data', ...TAIL], ['id']);
const describeVendor: KeyDescriber = (_row, v) => `id=${JSON.stringify(v.id)}`;
const toVendorRow = compileRowMapper('vendors', [], vendorColumns, ['data', ...TAIL], describeVendor);

export const vendors: Stream = {
  resource: 'vendors',
  descriptor: { name: 'vendors', schema: vendorSchema, keyProperties: ['id'], replicationMethod: 'FULL_TABLE' },
  // `data` is the whole record: no projection can serve it, so the selection asks for nothing less.
  apiFields: () => ALL_FIELDS,
  rows: (v, context) => [toVendorRow(v, v, context.accountId, context.syncedAt, context.onBadValue)],
};
