// Loaded rows and truth rows made comparable where a column holds JSON: jsonb (and a VARIANT read back as text)
// keeps its own key order, so both sides become one canonical text with the keys sorted.
import type { Row } from './helpers.js';

/** JSON values (jsonb, VARIANT read back as text) in one canonical text, keys sorted. */
export const canonical = (value: unknown): unknown => {
  if (typeof value === 'string' && /^[[{]/.test(value)) {
    try {
      return JSON.stringify(sortKeys(JSON.parse(value)));
    } catch {
      return value;
    }
  }
  return value !== null && typeof value === 'object' ? JSON.stringify(sortKeys(value)) : value;
};
const sortKeys = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(sortKeys)
    : v && typeof v === 'object'
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map((k) => [k, sortKeys((v as Row)[k])]),
        )
      : v;
export const jsonColumns = (rows: Row[]): Row[] =>
  rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, canonical(v)])));
