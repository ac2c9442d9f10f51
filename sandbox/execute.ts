// Runs a list query. last_modified ranges use binary search over the sorted
// positions, so the tap's incremental queries cost O(log N + page); every other
// filter or sort falls back to a linear scan (generating orders as needed).
import { type SortKey, compareKeys, matches, sortKeyOf } from './compare.js';
import type { OrderGenerator, Order } from './generator.js';
import type { Filter, ListQuery } from './query.js';
import type { OrderStore } from './store.js';
import { Stamp, parseMicros } from './values.js';

export interface PageResult {
  total: number;
  orders: Order[];
}

interface Plan {
  min: number; // inclusive last_modified range in epoch microseconds (orders without one are at 0)
  max: number;
  cheap: Filter[]; // other last_modified filters, checked on the typed array
  generic: Filter[]; // need the generated order
}

function plan(filters: Filter[], floorFilters: boolean): Plan {
  const p: Plan = { min: 0, max: Number.MAX_SAFE_INTEGER, cheap: [], generic: [] };
  for (const f of filters) {
    if (f.field !== 'last_modified') p.generic.push(f);
    else {
      p.min = Math.max(p.min, 1); // like SQL NULL: an order without last_modified matches no such filter
      if (f.op === 'ne' || f.op === 'eqi') p.cheap.push(f);
      else narrow(p, f, floorFilters);
    }
  }
  return p;
}

function narrow(p: Plan, f: Filter, floorFilters: boolean): void {
  let us = parseMicros(f.value);
  if (Number.isNaN(us)) {
    p.min = 1;
    p.max = 0;
    return;
  }
  if (floorFilters) us = Math.floor(us / 1e6) * 1e6;
  if (f.op === 'gte') p.min = Math.max(p.min, us);
  else if (f.op === 'gt') p.min = Math.max(p.min, us + 1);
  else if (f.op === 'lte') p.max = Math.min(p.max, us);
  else if (f.op === 'lt') p.max = Math.min(p.max, us - 1);
  else {
    p.min = Math.max(p.min, us);
    p.max = Math.min(p.max, us);
  }
}

/** `visible`: only the first this many orders of the store are listed (the listsShowFirst switch). */
export function executeList(
  store: OrderStore,
  gen: OrderGenerator,
  q: ListQuery,
  floorFilters = false,
  visible = Number.POSITIVE_INFINITY,
): PageResult {
  const p = plan(q.filters, floorFilters);
  const start = q.page * q.limit;
  const end = start + q.limit;
  const passes = (i: number): boolean => {
    if (store.deleted[i] || i >= visible) return false;
    const lm = store.lmUs(i);
    if (lm < p.min || lm > p.max) return false;
    for (const f of p.cheap) if (!matches(new Stamp(store.lmSec[i]!, 0, store.lmSub[i]!), f.op, f.value)) return false;
    if (p.generic.length === 0) return true;
    const o = gen.order(store, i, false);
    return p.generic.every((f) => matches(o[f.field], f.op, f.value));
  };
  const picked: number[] = [];
  let total = 0;
  const visit = (i: number): void => {
    if (!passes(i)) return;
    if (total >= start && total < end) picked.push(i);
    total++;
  };

  if (q.sort?.field === 'last_modified') {
    const lo = p.min > p.max ? 0 : store.lowerBound(p.min);
    const hi = p.min > p.max ? 0 : store.upperBound(p.max);
    const desc = q.sort.desc;
    const at = (k: number): number => store.sorted[desc ? hi - 1 - k : lo + k]!;
    if (p.cheap.length === 0 && p.generic.length === 0 && store.deletedCount === 0 && visible >= store.count) {
      total = Math.max(0, hi - lo);
      for (let k = start; k < Math.min(end, total); k++) picked.push(at(k));
    } else {
      for (let k = 0; k < hi - lo; k++) visit(at(k));
    }
  } else if (!q.sort) {
    for (let i = 0; i < store.count; i++) visit(i);
  } else {
    const field = q.sort.field;
    const rows: { i: number; key: SortKey }[] = [];
    for (let i = 0; i < store.count; i++) {
      if (passes(i)) rows.push({ i, key: sortKeyOf(gen.order(store, i, false)[field]) });
    }
    const dir = q.sort.desc ? -1 : 1;
    rows.sort((a, b) => dir * compareKeys(a.key, b.key) || a.i - b.i);
    total = rows.length;
    for (const r of rows.slice(start, end)) picked.push(r.i);
  }
  return { total, orders: picked.map((i) => gen.order(store, i)) };
}
