// use_singer_decimal: the money and quantity columns (annotated in schemas/) read as exact decimal text
// instead of JSON numbers; every other column as it is.
import { toDecimalText } from '../values/decimal.js';
import { decimalColumns } from '../singer/decimal-schema.js';
import type { JsonSchema } from '../common/schema-files.js';
import type { Column } from './stream.js';

export function withDecimalColumns(columns: Column[], schema: JsonSchema): Column[] {
  const specs = decimalColumns(schema);
  return columns.map((column) => {
    const spec = specs[column.name];
    return spec ? { ...column, convert: (value: unknown) => toDecimalText(value, spec.precision, spec.scale) } : column;
  });
}
