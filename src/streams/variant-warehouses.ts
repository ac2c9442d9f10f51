// variant_warehouses: one row per block of a variant's `warehouse` list, keyed md5(variant id + warehouse id)
// (the items key's construction). The block's fields are asked for with dot notation (warehouse.<field>).
import { RecordError } from '../common/errors.js';
import { loadSchema } from '../common/schema-files.js';
import { itemKey } from './purchase-order-items.js';
import { toList } from '../values/coercions.js';
import { schemaColumns } from './schema-columns.js';
import {
  compileRowMapper,
  mapColumns,
  sourceFields,
  type Column,
  type KeyDescriber,
  type Row,
  type Stream,
} from './stream.js';
import { requireText, ValueError } from '../values/coercions.js';

const schema = loadSchema('variant_warehouses');
const TAIL = ['_account_id', '__synced_at'];
const columns = schemaColumns(schema, ['key', 'variant_id', ...TAIL], ['warehouse']);
const describe: KeyDescriber = (row, block) =>
  `variant_id=${JSON.stringify(row.variant_id)} warehouse=${JSON.stringify(block.warehouse)}`;
const toRow = compileRowMapper('variant_warehouses', ['key', 'variant_id'], columns, TAIL, describe);

export const variantWarehouses: Stream = {
  resource: 'variants',
  descriptor: { name: 'variant_warehouses', schema, keyProperties: ['key'], replicationMethod: 'FULL_TABLE' },
  apiFields: (selected) => [
    ...new Set(['id', 'warehouse.warehouse', ...sourceFields(columns, selected).map((f) => `warehouse.${f}`)]),
  ],
  rows: (variant, context) => {
    const variantId = parentId('variant_warehouses', variant);
    return blocks('variant_warehouses', variantId, variant.warehouse).map((block) => {
      const row = toRow(block, '', variantId, context.accountId, context.syncedAt, context.onBadValue);
      row.key = itemKey(variantId, row.warehouse as string);
      return row;
    });
  },
};

const idColumn: Column[] = [{ name: 'variant_id', from: 'id', convert: requireText, strict: true }];

/** The variant's id, which every child row is keyed by: a variant without one stops the run. */
export function parentId(stream: string, variant: Record<string, unknown>): string {
  return mapColumns(idColumn, variant, {}, stream, () => 'of a variant without an id').variant_id as string;
}

/** The objects of a nested list (absent: none). */
export function blocks(stream: string, variantId: string, value: unknown): Row[] {
  try {
    return (toList(value ?? []) ?? []).map((block) => (block ?? {}) as Row);
  } catch (error) {
    if (!(error instanceof ValueError)) throw error;
    throw new RecordError(`${stream} of variant_id=${JSON.stringify(variantId)}: ${error.message}.`);
  }
}
