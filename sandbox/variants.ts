// Variants, warehouses and vendors of one sandbox account. Each variant is a canonical model (plain numbers,
// UTC instants, lists) drawn from the seed and its index; the wire form adds the quirks the research found:
// maps sent as [] when empty, `connections` as one object instead of a list, last_forecast_time in Unix
// seconds, history points and block timestamps in the shop's offset (never UTC; sandbox/variant-series.ts). The
// ground truth reads the model.
import { Rng } from './rng.js';
import {
  blockForecast,
  emptyMapAsList,
  inOffset,
  STOCKOUT_DAYS,
  shopOffset,
  variantSeries,
  wireSeries,
} from './variant-series.js';

export interface VariantOptions {
  variants: number;
  /** Warehouse blocks per variant (the account has this many warehouses). */
  warehouseBlocks: number;
  /** Points per history array (heavy variants: hundreds). */
  historyPoints: number;
}

type Obj = Record<string, unknown>;
const SALT_VARIANT = 0x7a11;
const VENDORS = ['acme supply', 'globex', 'initech', 'umbrella parts', 'stark goods', 'wayne trading'];
const DAY = 86_400_000;
const BASE = Date.UTC(2024, 0, 1);

export interface VariantModel {
  id: string;
  fields: Obj;
  blocks: Obj[];
  connections: { sku: string; vendors: Obj[] }[];
  /** The shop's offset (minutes east of UTC) the API writes its timestamps in. */
  offsetMinutes: number;
}

export class VariantStore {
  /** Live variant indices, in id order (the API's id_sort=asc). */
  live: number[];
  /** Edits per variant (each moves its stock, updated_at and version), and when it was edited last. */
  readonly edits = new Map<number, { count: number; seq: number }>();
  /** stock_hist points added since the start (addHistoryPoints), per variant index. */
  readonly extraPoints = new Map<number, [number, number][]>();
  private next: number;
  private editSeq = 0;

  constructor(
    readonly seed: number,
    readonly opts: VariantOptions,
  ) {
    this.live = Array.from({ length: opts.variants }, (_, i) => i);
    this.next = opts.variants;
  }

  id(n: number): string {
    return `c${1000 + (this.seed % 97)}_${String(100_000 + n * 13).padStart(9, '0')}`;
  }

  warehouses(): Obj[] {
    return Array.from({ length: this.opts.warehouseBlocks }, (_, w) => ({
      name: `c${1000 + (this.seed % 97)}_${4_000_000 + w}`,
      display_name: `Warehouse ${w + 1}`,
      type: w === 0 ? 'main' : 'location',
      disabled: w === 3,
      connection: `c${1000 + (this.seed % 97)}`,
      currency: 'USD',
      created_at: new Date(BASE + w * DAY).toISOString(),
      updated_at: new Date(BASE + (w + 30) * DAY).toISOString(),
    }));
  }

  vendors(): Obj[] {
    return VENDORS.map((id) => ({
      id,
      name: id.replace(/\b\w/g, (c) => c.toUpperCase()),
      display_name: id.toUpperCase(),
      currency: 'USD',
    }));
  }

  /** Adds `count` variants (at the end of the id order); returns their ids. */
  add(count: number): string[] {
    const made = Array.from({ length: count }, () => this.next++);
    this.live.push(...made);
    return made.map((n) => this.id(n));
  }

  /**
   * The newest history point of the variants the store started with: variants added later are created the day
   * after it, and points added by addHistoryPoints are placed relative to it.
   */
  get historyEnd(): number {
    return BASE + (299 + Math.max(this.opts.historyPoints - 1, STOCKOUT_DAYS)) * DAY;
  }

  /**
   * Adds a stock_hist point at historyEnd + `days` (days may be fractional) to every live variant or to `count`
   * picked by the seed: new points (the API's next day), or late ones (before points already listed).
   */
  addHistoryPoints(which: number | 'all', days: number, pick = 0): void {
    const r = new Rng(this.seed, pick, 0x51a7);
    const at = this.historyEnd + Math.round(days * DAY);
    const indices =
      which === 'all' ? this.live : Array.from({ length: which }, () => this.live[r.int(this.live.length)]!);
    for (const n of new Set(indices))
      this.extraPoints.set(n, [...(this.extraPoints.get(n) ?? []), [at, r.range(0, 900)]]);
  }

  /** Removes `count` variants picked by the seed, or the variants with these ids; returns their ids. */
  remove(which: number | string[], pick = 0): string[] {
    const r = new Rng(this.seed, pick, 0x4e30);
    const indices =
      typeof which === 'number'
        ? Array.from(
            { length: Math.min(which, this.live.length) },
            () => this.live.splice(r.int(this.live.length), 1)[0]!,
          )
        : which.map((id) => {
            const at = this.live.findIndex((n) => this.id(n) === id);
            if (at < 0) throw new Error(`no such variant: ${id}`);
            return this.live.splice(at, 1)[0]!;
          });
    return indices.map((n) => this.id(n));
  }

  /** Edits `count` live variants picked by the seed, as forecasts and stock moves do all day. */
  edit(count: number, pick: number): void {
    const r = new Rng(this.seed, pick, 0x3d17);
    for (let i = 0; i < count && this.live.length; i++) {
      const n = this.live[r.int(this.live.length)]!;
      this.edits.set(n, { count: (this.edits.get(n)?.count ?? 0) + 1, seq: ++this.editSeq });
    }
  }

  /** Live indices in the listing's order: by id, by a fixed hash, or the most recently edited first. */
  listing(order: 'id' | 'scrambled' | 'recent'): number[] {
    if (order === 'id') return this.live;
    const hash = (n: number): number => Math.imul(n ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
    const seq = (n: number): number => this.edits.get(n)?.seq ?? 0;
    return [...this.live].sort((a, b) => (order === 'recent' ? seq(b) - seq(a) : 0) || hash(a) - hash(b));
  }

  model(n: number): VariantModel {
    const r = new Rng(this.seed, n, SALT_VARIANT);
    const id = this.id(n);
    // A variant added after the start is new: created the day after the newest point of the others.
    const created = n < this.opts.variants ? BASE + r.int(300) * DAY : this.historyEnd + DAY;
    const fields: Obj = {
      id,
      sku: `SKU-${n}`,
      product_id: `p${n >> 1}`,
      title: `Variant ${n}`,
      product_title: `Product ${n >> 1}`,
      brand: r.pick(['Acme', 'Globex', null]),
      barcode: r.chance(0.5) ? String(4_000_000_000_000 + n) : '',
      price: r.money(5, 200),
      regular_price: r.money(5, 250),
      published: r.chance(0.9),
      removed: false,
      inventory_management: true,
      hide_in_replenishment: r.chance(0.1),
      created_at: created,
      updated_at: created + r.int(100) * DAY,
      last_forecast_time: created + 200 * DAY + r.int(86_400) * 1000,
      version: r.range(1, 400),
      in_stock: r.range(-5, 900),
      cost_price: r.money(1, 100),
      replenishment: r.range(0, 500),
      lead_time: r.range(7, 60),
      review_period: r.pick([7, 14, 30]),
      oos: r.range(0, 365),
      forecasted_stock: r.money(0, 800),
      last_30_days_sales: r.range(0, 300),
      total_sales: r.range(0, 9000),
      under_value: r.money(0, 5000),
      segment: r.pick(['A', 'B', 'C']),
      // A new variant comes with history from before it was created (imported from its platform).
      ...variantSeries(r, n < this.opts.variants ? created : created - 10 * DAY, this.opts.historyPoints),
      forecast_description: { method: 'test', sales_velocity30: r.money(0, 9), sales_from: '1 Dec, 2016' },
      tags: r.chance(0.5) ? [] : ['overstock11/01'],
      attributes: [{ n: 'Car', t: 'brand' }],
    };
    const extra = this.extraPoints.get(n);
    if (extra) fields.stock_hist = [...(fields.stock_hist as [number, number][]), ...extra].sort((a, b) => a[0] - b[0]);
    const edited = this.edits.get(n)?.count ?? 0;
    if (edited) {
      fields.in_stock = (fields.in_stock as number) + edited;
      fields.updated_at = Date.UTC(2026, 0, 1) + edited * 60_000;
      fields.version = (fields.version as number) + edited;
    }
    const blocks = this.warehouses().map((w) => ({
      warehouse: w.name,
      in_stock: r.range(0, 300),
      replenishment: r.range(0, 200),
      lead_time: r.range(7, 60),
      avg_lead_time: r.money(1, 98),
      to_order: r.range(0, 100),
      replenish_date: new Date(BASE + r.int(400) * DAY).toISOString().slice(0, 10),
      last_received_at_time: created + r.int(300) * DAY,
      above_moq: r.chance(0.5),
      forecast_by_period: blockForecast(r),
    }));
    const vendorCount = r.range(0, 2);
    const connections = [
      {
        sku: `SKU-${n}`,
        vendors: Array.from({ length: vendorCount }, (_, k) => ({
          vendor: VENDORS[(n + k) % VENDORS.length]!,
          cost_price: r.money(1, 90),
          cost_price_currency: 'USD',
          landing_cost_price: r.money(1, 99),
        })),
      },
    ];
    return { id, fields, blocks, connections, offsetMinutes: shopOffset(this.seed) };
  }
}

/** The variant as the API sends it. */
export function wireVariant(m: VariantModel, n: number): Obj {
  const f = m.fields;
  const offset = (ms: number) => inOffset(ms, m.offsetMinutes);
  const wire: Obj = { ...f };
  wire.created_at = `${new Date(f.created_at as number).toISOString().slice(0, 19)}+00:00`;
  wire.updated_at = offset(f.updated_at as number);
  wire.last_forecast_time = Math.floor((f.last_forecast_time as number) / 1000);
  wireSeries(wire, f, m.offsetMinutes);
  wire.warehouse = m.blocks.map((b) => ({
    ...b,
    last_received_at_time: offset(b.last_received_at_time as number),
    forecast_by_period: emptyMapAsList(b.forecast_by_period),
  }));
  // Every third variant sends its one connection as an object, not a list.
  wire.connections = n % 3 === 0 ? m.connections[0] : m.connections;
  return wire;
}

/** fields= as the research found it: an allowlist for the variant and (dot notation) for each warehouse block. */
export function projectVariant(wire: Obj, fields: string[]): Obj {
  const top = new Set(fields.filter((f) => !f.includes('.')));
  const inBlocks = fields.filter((f) => f.startsWith('warehouse.')).map((f) => f.slice('warehouse.'.length));
  const out: Obj = {};
  for (const key of Object.keys(wire)) if (top.has(key)) out[key] = wire[key];
  if (inBlocks.length) {
    // Plain `warehouse` gives only the id stub of each block; dot names add their fields to it.
    out.warehouse = (wire.warehouse as Obj[]).map((b) =>
      Object.fromEntries(Object.entries(b).filter(([k]) => k === 'warehouse' || inBlocks.includes(k))),
    );
  } else if (top.has('warehouse')) out.warehouse = (wire.warehouse as Obj[]).map((b) => ({ warehouse: b.warehouse }));
  return out;
}
