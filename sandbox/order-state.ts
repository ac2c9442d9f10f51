// The typed business state of one order at one version: the base draw plus the
// replayed edit events 1..version. Rendering (with wire quirks) happens elsewhere.
import { type Catalog, VARIANT_COUNT } from './catalog.js';
import { Rng, SALT } from './rng.js';

export type Status = 'draft' | 'open' | 'sent' | 'partial' | 'closed' | 'cancelled';

export interface LineState {
  variant: number; // index into catalog.variants
  qty: number;
  received: number;
  cost: number;
}

export interface OrderState {
  transfer: boolean;
  vendor: number;
  warehouse: number;
  sourceWarehouse: number;
  status: Status;
  expectedDays: number; // expected_date = created date + expectedDays
  lines: LineState[];
  notes: string;
  /** True once an edit event received goods (received_date then follows last_modified). */
  receivedInEdit: boolean;
  addedLines: number;
}

const MAX_ADDED_LINES = 20;
const NOTES = ['Call before delivery', 'Pallets only', 'Split shipment OK', 'Rush order', 'Use the dock door'];

function baseStatus(r: Rng): Status {
  const x = r.next();
  if (x < 0.1) return 'draft';
  if (x < 0.4) return 'open';
  if (x < 0.6) return 'sent';
  if (x < 0.7) return 'partial';
  if (x < 0.95) return 'closed';
  return 'cancelled';
}

function newLine(r: Rng, catalog: Catalog, variant: number): LineState {
  const v = catalog.variants[variant]!;
  const qty = v.uom > 1 ? v.uom * r.range(1, 30) : r.range(1, 300);
  return { variant, qty, received: 0, cost: Math.round(v.cost * (90 + r.int(21))) / 100 };
}

export function baseState(
  seed: number,
  i: number,
  catalog: Catalog,
  itemsPerOrder: number,
  itemsPerOrderMin = 0,
): OrderState {
  const r = new Rng(seed, i, SALT.order);
  const transfer = r.chance(0.03);
  const warehouse = r.int(catalog.warehouses.length);
  const status = baseStatus(r);
  const lineCount =
    itemsPerOrderMin > 0
      ? itemsPerOrderMin + r.int(Math.max(1, itemsPerOrder - itemsPerOrderMin + 1))
      : 1 + r.int(2 * itemsPerOrder - 1);
  const first = r.int(VARIANT_COUNT);
  const stride = 1 + r.int(9);
  const lines: LineState[] = [];
  for (let j = 0; j < lineCount; j++) {
    const line = newLine(r, catalog, (first + j * stride) % VARIANT_COUNT);
    if (status === 'closed') line.received = r.chance(0.95) ? line.qty : r.int(line.qty);
    else if (status === 'partial' && (j === 0 || r.chance(0.5))) line.received = r.range(1, line.qty);
    lines.push(line);
  }
  return {
    transfer,
    vendor: r.int(catalog.vendors.length),
    warehouse,
    sourceWarehouse: (warehouse + 1 + r.int(catalog.warehouses.length - 1)) % catalog.warehouses.length,
    status,
    expectedDays: r.range(7, 60),
    lines,
    notes: r.chance(0.3) ? r.pick(NOTES) : '',
    receivedInEdit: false,
    addedLines: 0,
  };
}

/** Receives part of the remaining quantities; returns true if anything was received. */
function receive(r: Rng, state: OrderState): boolean {
  let any = false;
  for (const line of state.lines) {
    const remaining = line.qty - line.received;
    if (remaining > 0 && (r.chance(0.6) || !any)) {
      line.received += r.range(1, remaining);
      any = true;
    }
  }
  return any;
}

/** Replays edit event `v` (1-based) on the state. */
export function applyEdit(seed: number, i: number, v: number, state: OrderState, catalog: Catalog): void {
  const r = new Rng(seed, i, SALT.edit, v);
  const active = state.status !== 'closed' && state.status !== 'cancelled';
  if (state.status === 'draft') state.status = 'open';
  else if (state.status === 'open') state.status = 'sent';
  else if (state.status === 'sent' || state.status === 'partial') {
    if (receive(r, state)) state.receivedInEdit = true;
    state.status = state.lines.every((l) => l.received >= l.qty) ? 'closed' : 'partial';
  }
  if (active && r.chance(0.3)) state.expectedDays += r.range(1, 14);
  if (r.chance(0.25)) state.notes = `Updated by buyer (rev ${v})`;
  if (active && state.addedLines < MAX_ADDED_LINES && r.chance(0.15)) {
    state.addedLines++;
    const last = state.lines[state.lines.length - 1]!;
    const prev = state.lines[state.lines.length - 2];
    const stride = prev ? (last.variant - prev.variant + VARIANT_COUNT) % VARIANT_COUNT : 1;
    state.lines.push(newLine(r, catalog, (last.variant + stride) % VARIANT_COUNT));
  }
}

export function orderState(
  seed: number,
  i: number,
  version: number,
  catalog: Catalog,
  itemsPerOrder: number,
  itemsPerOrderMin = 0,
): OrderState {
  const state = baseState(seed, i, catalog, itemsPerOrder, itemsPerOrderMin);
  for (let v = 1; v <= version; v++) applyEdit(seed, i, v, state, catalog);
  return state;
}
