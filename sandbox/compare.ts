// Filter and sort semantics on canonical values: timestamps compare as instants,
// numbers (and numeric strings) numerically, other strings lexicographically.
import type { Operator } from './options.js';
import { NumStr, Stamp } from './values.js';

type Scalar = { kind: 'time'; ms: number } | { kind: 'num'; n: number; text: string } | { kind: 'text'; text: string };

const NUMERIC = /^-?\d+(\.\d+)?$/;

export function scalarOf(v: unknown): Scalar | undefined {
  if (v instanceof Stamp) return { kind: 'time', ms: v.ms };
  if (v instanceof NumStr)
    return Number.isNaN(v.value) ? { kind: 'text', text: '' } : { kind: 'num', n: v.value, text: v.text };
  if (typeof v === 'number') return { kind: 'num', n: v, text: String(v) };
  if (typeof v === 'string')
    return NUMERIC.test(v) ? { kind: 'num', n: Number(v), text: v } : { kind: 'text', text: v };
  if (typeof v === 'boolean') return { kind: 'text', text: String(v) };
  return undefined;
}

function holds(op: Operator, c: number): boolean {
  switch (op) {
    case 'eq':
    case 'eqi':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'gt':
      return c > 0;
    case 'gte':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'lte':
      return c <= 0;
  }
}

const sign = (d: number): number => (d < 0 ? -1 : d > 0 ? 1 : 0);

/** Does the value satisfy `<field>_<op>=<query>`? Absent values only satisfy `ne`. */
export function matches(value: unknown, op: Operator, query: string): boolean {
  const s = scalarOf(value);
  if (!s) return op === 'ne';
  if (s.kind === 'time') {
    const q = Date.parse(query);
    return Number.isNaN(q) ? op === 'ne' : holds(op, sign(s.ms - q));
  }
  if (op === 'eqi') return s.text.toLowerCase() === query.toLowerCase();
  if (s.kind === 'num' && NUMERIC.test(query.trim())) return holds(op, sign(s.n - Number(query)));
  return holds(op, s.text < query ? -1 : s.text > query ? 1 : 0);
}

/** A sort key: null (absent) < numbers/instants < strings. */
export type SortKey = number | string | null;

export function sortKeyOf(value: unknown): SortKey {
  const s = scalarOf(value);
  if (!s) return null;
  if (s.kind === 'time') return s.ms;
  return s.kind === 'num' ? s.n : s.text;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a !== typeof b) return typeof a === 'number' ? -1 : 1;
  return a < b ? -1 : 1;
}
