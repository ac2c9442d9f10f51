// variants: one row per variant, every column from the API field of its name (schemas/variants.json).
import { loadSchema } from '../common/schema-files.js';
import { schemaColumns } from './schema-columns.js';
import { compileRowMapper, sourceFields, type KeyDescriber, type Stream } from './stream.js';

const schema = loadSchema('variants');
const TAIL = ['_account_id', '__synced_at'];
const columns = schemaColumns(schema, TAIL, ['id']);
const describe: KeyDescriber = (_row, variant) => `id=${JSON.stringify(variant.id)}`;
const toRow = compileRowMapper('variants', [], columns, TAIL, describe);

export const variants: Stream = {
  resource: 'variants',
  descriptor: { name: 'variants', schema, keyProperties: ['id'], replicationMethod: 'FULL_TABLE' },
  apiFields: (selected) => [...new Set(['id', ...sourceFields(columns, selected)])],
  rows: (variant, context) => [toRow(variant, context.accountId, context.syncedAt, context.onBadValue)],
};
