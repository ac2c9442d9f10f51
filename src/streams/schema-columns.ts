// Columns derived from a record schema (schemas/ is the single source of truth): each property becomes a
// column read from the API field of the same name, with the coercion its type calls for. JSON columns keep
// nested values, with the API's PHP artefacts evened out: `[]` for an empty map, one object for a list.
import type { JsonSchema } from '../schemas.js';
import { listOf, requireText, toDate, toNumber, toText, toUtcDateTime, ValueError } from '../values.js';
import type { Column } from './stream.js';

export function toBoolean(value: unknown): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  throw new ValueError('expected a boolean', { value });
}

/** A map: an object, or `[]` (how PHP encodes an empty one), written as `{}`. */
export function toMap(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length === 0) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValueError('expected an object', { value });
}

/** A list: an array, an object keyed by position (or `{}`), or one object standing for a list of one. */
export function toList(value: unknown): unknown[] | null {
  if (value === undefined || value === null) return null;
  const list = listOf(value);
  if (list) return list;
  if (typeof value === 'object') return [value];
  throw new ValueError('expected a list', { value });
}

/** A history: [timestamp, value] pairs, timestamps (with any offset, or Unix seconds) in UTC. */
export function toHistory(value: unknown): [string | null, number | null][] | null {
  const list = toList(value);
  if (list === null) return null;
  return list.map((point) => {
    if (!Array.isArray(point) || point.length < 2)
      throw new ValueError('expected [timestamp, value] pairs', { value: point });
    return [toUtcDateTime(point[0]), toNumber(point[1])];
  });
}

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
