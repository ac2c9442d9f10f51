// Parses list query parameters: paging, sort, filters and the fields projection.
import { ORDER_SCALAR_FIELDS } from './order-fields.js';
import type { Operator } from './options.js';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

export interface Filter {
  field: string;
  op: Operator;
  value: string;
}

export interface ListQuery {
  page: number;
  limit: number;
  sort?: { field: string; desc: boolean };
  filters: Filter[];
  fields?: string[];
}

// Longer suffixes first, so `_gte` is not read as `_gt` + "e".
const SUFFIXES: [string, Operator][] = [
  ['_gte', 'gte'],
  ['_lte', 'lte'],
  ['_eqi', 'eqi'],
  ['_gt', 'gt'],
  ['_lt', 'lt'],
  ['_ne', 'ne'],
];
const RESERVED = new Set(['page', 'limit', 'fields']);

function intParam(raw: string | null, fallback: number, min: number): number {
  if (raw === null || !/^\d+$/.test(raw.trim())) return fallback;
  const n = Number(raw);
  return n >= min ? n : fallback;
}

export function parseFilter(key: string, value: string): Filter | undefined {
  if (ORDER_SCALAR_FIELDS.has(key)) return { field: key, op: 'eq', value };
  for (const [suffix, op] of SUFFIXES) {
    if (!key.endsWith(suffix)) continue;
    const field = key.slice(0, -suffix.length);
    if (ORDER_SCALAR_FIELDS.has(field)) return { field, op, value };
  }
  return undefined;
}

export function parseFields(raw: string | null): string[] | undefined {
  if (raw === null) return undefined;
  const names = raw
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  return names.length > 0 ? names : undefined;
}

/** Unknown parameters are ignored, as are filters whose operator is in `ignoreOperators`. */
export function parseListQuery(params: URLSearchParams, ignoreOperators: readonly Operator[]): ListQuery {
  const query: ListQuery = {
    page: intParam(params.get('page'), 0, 0),
    limit: Math.min(MAX_LIMIT, intParam(params.get('limit'), DEFAULT_LIMIT, 1)),
    filters: [],
    fields: parseFields(params.get('fields')),
  };
  for (const [key, value] of params) {
    if (RESERVED.has(key)) continue;
    if (key.endsWith('_sort')) {
      const field = key.slice(0, -'_sort'.length);
      const dir = value.trim().toLowerCase();
      if (!query.sort && ORDER_SCALAR_FIELDS.has(field) && (dir === 'asc' || dir === 'desc')) {
        query.sort = { field, desc: dir === 'desc' };
      }
      continue;
    }
    const filter = parseFilter(key, value);
    if (filter && !ignoreOperators.includes(filter.op)) query.filters.push(filter);
  }
  return query;
}
