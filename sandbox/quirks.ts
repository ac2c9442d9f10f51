// Data quirks of issue 12 (values and shapes), off by default; with every option at 0 the data is byte for
// byte what it was without them (the draws come from their own Rng streams).
//  - oddValueRate: that share of orders carries one odd value in an order column and one in a line column
//    (chosen among oddColumns): "N/A", "1,234.50", "$8.50", 1e400, true, an object, "2024-13-45",
//    "03/15/2024", "0000-00-00 00:00:00"... Each has the truth of the tap's documented rule (docs/streams.md,
//    "Values the tap cannot read"): null, or the number it reads ("1,234.50" is 1234.5, 42 is "42").
//  - duplicateLineRate: that share of orders repeats its first line (same item id, another quantity).
//  - itemsAsObject (wire only, no truth change): that share of orders sends items as {"0": ..., "1": ...}.
import { Rng } from './rng.js';
import { OddValue, RawJson, type WireObject } from './values.js';

/** Salts of the quirk draws (beyond rng.ts's SALT values). */
const SALT_ODD = 101;
const SALT_DUPLICATE = 102;
const SALT_SHAPE = 103;

type Kind = 'number' | 'date' | 'date-time' | 'text';
// [wire value, truth]; a null truth is an unreadable value, but for MySQL's zero dates (the rule in docs/streams.md).
const CASES: Record<Kind, [unknown, unknown][]> = {
  number: [
    ['N/A', null],
    ['1,234.50', 1234.5],
    ['$8.50', null],
    ['1,234', null],
    [new RawJson('1e400'), null],
    [true, null],
    [{ value: 8.5 }, null],
  ],
  'date-time': [
    ['0000-00-00 00:00:00', null],
    ['2024-13-45 10:00:00', null],
    ['03/15/2024', null],
    ['N/A', null],
    [true, null],
  ],
  date: [
    ['2024-13-45', null],
    ['03/15/2024', null],
    ['0000-00-00', null],
    [{}, null],
  ],
  text: [
    [true, null],
    [{ name: 'x' }, null],
    [42, '42'],
    [['a'], null],
  ],
};
const isZeroDate = (raw: unknown): boolean => typeof raw === 'string' && raw.startsWith('0000-00-00');

/** API fields that may be poisoned (item fields as items.x) and their kinds: never a key nor last_modified. */
export const ODD_COLUMNS: Record<string, Kind> = {
  total_ordered: 'number',
  total_received: 'number',
  created_at: 'date-time',
  updated_at: 'date-time',
  created_date: 'date',
  expected_date: 'date',
  received_date: 'date',
  status: 'text',
  vendor: 'text',
  warehouse: 'text',
  'items.replenishment': 'number',
  'items.cost_price': 'number',
  'items.received': 'number',
  'items.sku': 'text',
  'items.title': 'text',
};
export const ODD_COLUMN_NAMES = Object.keys(ODD_COLUMNS);

export interface Quirks {
  oddValueRate: number;
  oddColumns: string[];
  duplicateLineRate: number;
}

/** Applies the quirks that change the data (and so the truth) to a freshly rendered order. */
export function applyQuirks(
  order: WireObject & { items: WireObject[] },
  q: Quirks,
  seed: number,
  i: number,
  version: number,
): void {
  // Drawn without the version: a repeated line stays through edits (lines are never removed from an order).
  const d = q.duplicateLineRate > 0 ? new Rng(seed, i, SALT_DUPLICATE) : undefined;
  if (d && order.items.length > 0 && d.chance(q.duplicateLineRate))
    order.items.push({ ...order.items[0]!, replenishment: d.range(1000, 1999) });
  if (q.oddValueRate <= 0) return;
  const r = new Rng(seed, i, SALT_ODD, version);
  if (!r.chance(q.oddValueRate)) return;
  const top = q.oddColumns.filter((c) => !c.startsWith('items.'));
  const inItems = q.oddColumns.filter((c) => c.startsWith('items.'));
  if (top.length) poison(order, r.pick(top), r);
  if (inItems.length && order.items.length)
    poison(order.items[r.int(order.items.length)]!, r.pick(inItems), r, 'items.');
}

function poison(target: WireObject, column: string, r: Rng, prefix = ''): void {
  const [raw, truth] = r.pick(CASES[ODD_COLUMNS[column]!]);
  target[column.slice(prefix.length)] = new OddValue(raw, truth, truth === null && !isZeroDate(raw));
}

/** Unreadable odd values of one order by `stream.column` (the tap's end summary counts them the same way). */
export function countUnreadable(order: WireObject & { items: WireObject[] }, into: Record<string, number>): void {
  const add = (stream: string, object: WireObject): void => {
    for (const [field, value] of Object.entries(object)) {
      if (value instanceof OddValue && value.unreadable)
        into[`${stream}.${field}`] = (into[`${stream}.${field}`] ?? 0) + 1;
    }
  };
  add('purchase_orders', order);
  for (const item of order.items) add('purchase_order_items', item);
}

/** Items as an object keyed by position, for that share of orders (a wire quirk: the truth is the same). */
export function itemsAsObject(order: WireObject, share: number, seed: number, i: number): WireObject {
  if (share <= 0 || !Array.isArray(order.items) || !new Rng(seed, i, SALT_SHAPE).chance(share)) return order;
  return { ...order, items: Object.fromEntries(order.items.map((item, k) => [String(k), item])) };
}
