// Everything a running sandbox holds: options, data, counters and pending timers.
import { buildCatalog } from './catalog.js';
import { RateLimiter } from './faults.js';
import { OrderGenerator } from './generator.js';
import { FAULT_KINDS, FaultKind, ResolvedOptions, applyPatch } from './options.js';
import { OrderStore } from './store.js';

export interface SandboxStats {
  requests: number;
  listRequests: number;
  bytesSent: number;
  faults: Record<FaultKind, number>;
  faultsTotal: number;
  edits: number; // orders edited
  created: number;
  statusCounts: Record<string, number>;
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
  };
}

export class SandboxState {
  opts: ResolvedOptions;
  readonly store: OrderStore;
  readonly gen: OrderGenerator;
  stats = emptyStats();
  readonly limiter = new RateLimiter();
  requestSeq = 0;
  listSeq = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(opts: ResolvedOptions) {
    this.opts = opts;
    this.store = new OrderStore(opts.seed, opts.orders, opts);
    this.gen = new OrderGenerator(opts.seed, opts.itemsPerOrder, opts.orders, buildCatalog(opts.seed), opts.itemsPerOrderMin);
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
    if (ms <= 0) return fn();
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
