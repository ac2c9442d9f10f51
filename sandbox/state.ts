// Everything a running sandbox holds: options, data, counters and pending timers.
import { buildCatalog } from './catalog.js';
import { RateLimiter } from './faults.js';
import { OrderGenerator } from './generator.js';
import { FAULT_KINDS, type FaultKind, type ResolvedOptions, applyPatch } from './options.js';
import { Rng, SALT } from './rng.js';
import { OrderStore } from './store.js';
import { itemKey } from './truth.js';
import { VariantStore } from './variants.js';

export interface SandboxStats {
  requests: number;
  listRequests: number;
  bytesSent: number;
  faults: Record<FaultKind, number>;
  faultsTotal: number;
  edits: number; // orders edited
  created: number;
  statusCounts: Record<string, number>;
  /** List requests to variants, warehouses and vendors (not in listRequests, which counts purchase orders). */
  collectionRequests: number;
}

export function emptyStats(): SandboxStats {
  return {
    requests: 0,
    listRequests: 0,
    bytesSent: 0,
    faults: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    faultsTotal: 0,
    edits: 0,
    created: 0,
    statusCounts: {},
    collectionRequests: 0,
  };
}

export class SandboxState {
  opts: ResolvedOptions;
  readonly store: OrderStore;
  readonly gen: OrderGenerator;
  readonly variants: VariantStore;
  /** Variants removed (or added, if negative) at the k-th variants list request: [k, count] (admin switch). */
  variantChanges: { atRequest: number; remove: number; add: number }[] = [];
  variantListSeq = 0;
  private variantPicks = 0;
  stats = emptyStats();
  readonly limiter = new RateLimiter();
  requestSeq = 0;
  listSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private lineRemovals = 0;

  constructor(opts: ResolvedOptions) {
    this.opts = opts;
    this.store = new OrderStore(opts.seed, opts.orders, opts);
    const quirks = opts.oddValueRate > 0 || opts.duplicateLineRate > 0 ? opts : undefined;
    this.variants = new VariantStore(opts.seed, {
      variants: opts.variants,
      warehouseBlocks: opts.warehouseBlocks,
      historyPoints: opts.historyPoints,
    });
    this.gen = new OrderGenerator(
      opts.seed,
      opts.itemsPerOrder,
      opts.orders,
      buildCatalog(opts.seed),
      quirks,
      opts.itemsPerOrderMin,
    );
  }

  configure(patch: Record<string, unknown>): void {
    const every = this.opts.editEvery;
    this.opts = applyPatch(this.opts, patch);
    // Count from the switch, so "every K-th list request" means K-th from now on.
    if (this.opts.editEvery !== every) this.listSeq = 0;
  }

  edit(count: number, create = 0): void {
    const { edited, created } = this.store.edit(count, create);
    this.stats.edits += edited;
    this.stats.created += created;
  }

  /**
   * Deletes `count` orders picked at random (or the orders with these ids), as a user does in the app; returns their
   * ids.
   */
  deleteOrders(which: number | string[]): string[] {
    if (typeof which === 'number') return this.store.deleteOrders(which).map((i) => this.gen.orderId(this.store, i));
    const indices = which.map((id) => this.gen.indexOf(this.store, id));
    if (indices.includes(-1)) throw new Error(`no such order: ${which[indices.indexOf(-1)]}`);
    return indices.filter((i) => this.store.markDeleted(i)).map((i) => this.gen.orderId(this.store, i));
  }

  /**
   * Removes `count` lines, each from a random live order that has two or more (so the order stays with lines);
   * each such order is modified (its last_modified moves on). Returns the removed lines' keys.
   */
  removeLines(count: number): { purchase_order_id: string; key: string }[] {
    const r = new Rng(this.opts.seed, ++this.lineRemovals, SALT.linePick);
    const removed: { purchase_order_id: string; key: string }[] = [];
    for (let tries = 0; removed.length < count && tries < 100 * count + 1000; tries++) {
      const i = r.int(this.store.count);
      if (this.store.deleted[i]) continue;
      const lines = this.gen.state(this.store, i).lines;
      if (lines.length < 2) continue;
      const variant = lines[r.int(lines.length)]!.variant;
      const id = this.gen.orderId(this.store, i);
      this.store.removeLine(i, variant);
      removed.push({ purchase_order_id: id, key: itemKey(id, this.gen.catalog.variants[variant]!.id) });
    }
    return removed;
  }

  /** Removes `count` variants (or these ids) as a user does in the app; returns their ids. */
  removeVariants(which: number | string[]): string[] {
    return this.variants.remove(which, ++this.variantPicks);
  }

  /** Counts a variants list request and applies the changes due at it. */
  countVariantRequest(): void {
    this.variantListSeq++;
    if (this.opts.variantEditsPerRequest) this.variants.edit(this.opts.variantEditsPerRequest, ++this.variantPicks);
    if (this.opts.variantChurnPerRequest) {
      this.removeVariants(this.opts.variantChurnPerRequest);
      this.variants.add(this.opts.variantChurnPerRequest);
    }
    for (const change of this.variantChanges) {
      if (change.atRequest !== this.variantListSeq) continue;
      this.removeVariants(change.remove);
      this.variants.add(change.add);
    }
  }

  /** Counts a list request and applies the edit event due on every editEvery-th one. */
  countListRequest(): void {
    this.stats.listRequests++;
    this.listSeq++;
    const every = this.opts.editEvery;
    if (every > 0 && this.listSeq % every === 0) this.edit(this.opts.editCount, this.opts.createCount);
  }

  recordStatus(status: number | string, bytes: number): void {
    const key = String(status);
    this.stats.statusCounts[key] = (this.stats.statusCounts[key] ?? 0) + 1;
    this.stats.bytesSent += bytes;
  }

  recordFault(kind: FaultKind): void {
    this.stats.faults[kind]++;
    this.stats.faultsTotal++;
  }

  /** Runs `fn` after `ms` (synchronously when 0); pending timers are dropped on close. */
  later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
