// The `fields=` projection: top-level names keep those keys, `items.x` keeps only
// those keys inside each item. Unknown names are ignored.
import type { Order } from './generator.js';
import type { WireObject } from './values.js';

export function project(order: Order, fields: readonly string[]): WireObject {
  const top = new Set<string>();
  const itemKeys: string[] = [];
  for (const f of fields) {
    if (f.startsWith('items.')) itemKeys.push(f.slice('items.'.length));
    else top.add(f);
  }
  const out: WireObject = {};
  for (const key of Object.keys(order)) {
    if (key === 'items') continue;
    if (top.has(key)) out[key] = order[key];
  }
  if (top.has('items')) out.items = order.items;
  else if (itemKeys.length > 0) {
    out.items = order.items.map((item) => {
      const sub: WireObject = {};
      for (const k of itemKeys) if (k in item) sub[k] = item[k];
      return sub;
    });
  }
  return out;
}
