// Columns derived from a record schema (schemas/ is the single source of truth): each property becomes a
// column read from the API field of the same name, with the coercion its type calls for (src/values/).
import type { JsonSchema } from '../common/schema-files.js';
import {
  requireText,
  toBoolean,
  toDate,
  toHistory,
  toList,
  toMap,
  toNumber,
  toText,
  toUtcDateTime,
} from '../values/coercions.js';
import type { Column } from './stream.js';

function coercion(name: string, property: JsonSchema): Column['convert'] {
  const types = ([] as unknown[]).concat(property.type);
  if (types.includes('number') || types.includes('integer')) return toNumber;
  if (types.includes('boolean')) return toBoolean;
  if (types.includes('object')) return toMap;
  if (types.includes('array')) return name.endsWith('_hist') ? toHistory : toList;
  if (property.format === 'date-time') return toUtcDateTime;
  if (property.format === 'date') return toDate;
  return toText;
}

/**
 * Every property of `schema` but `except`, as columns from the API field of the same name (or its `x-api-field`);
 * `strict` ones are required text.
 */
export function schemaColumns(schema: JsonSchema, except: string[], strict: string[] = []): Column[] {
  return Object.entries(schema.properties ?? {})
    .filter(([name]) => !except.includes(name))
    .map(([name, property]) => {
      // `x-api-field`: a column renamed from its API field (e.g. version, which target-postgres reserves).
      const from = typeof property['x-api-field'] === 'string' ? property['x-api-field'] : name;
      return strict.includes(name)
        ? { name, from, convert: requireText, strict: true }
        : { name, from, convert: coercion(name, property) };
    });
}
