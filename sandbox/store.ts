// Compact per-order state in typed arrays. Everything else about an order is
// regenerated on demand from (seed, index, version) by the generator.
import type { LmPrecision } from './options.js';
import { Rng, SALT } from './rng.js';

export const BASE_SEC = Date.UTC(2021, 0, 1) / 1000;
const SPAN_SEC = 3 * 365 * 86_400;
const INDEX_BITS = 2 ** 20; // > 1_000_000, so (lm, index) packs exactly into a double
/** last_modified of the first future-stamped order (issue 12); the next ones follow a second apart. */
export const FUTURE_SEC = Date.UTC(2099, 0, 1) / 1000;

/** What the generator needs to know about the orders; a live store or a frozen snapshot. */
export interface StoreView {
  readonly count: number;
  readonly createdSec: Uint32Array;
  /** Whole seconds of last_modified; 0: the order has none. */
  readonly lmSec: Uint32Array;
  /** Microseconds within the second of last_modified (0 for whole-second data). */
  readonly lmSub: Uint32Array;
  readonly version: Uint32Array;
  /** 1 = deleted in the app: gone from every answer and from the truth. */
  readonly deleted: Uint8Array;
  /** Order index -> catalog variants of lines removed from that order. */
  readonly removedLines: ReadonlyMap<number, ReadonlySet<number>>;
  /** Fraction digits last_modified is written with: 0, 3 or 6. */
  readonly lmDigits: number;
}

const DIGITS: Record<LmPrecision, number> = { s: 0, ms: 3, us: 6 };

/** Store shape options beyond the order count. */
export interface StoreShape {
  tieBlockSize: number;
  tieBlockCount: number;
  lmPrecision?: LmPrecision;
  nullLastModified?: number;
  /** Orders stamped last_modified 2099 and later; edits then take the real clock. */
  futureOrders?: number;
}

/** Step between creation times of the initial orders. */
export const creationStep = (initialOrders: number): number => SPAN_SEC / initialOrders;

/**
 * created_at and the first last_modified delay of an initial order. created_at is
 * non-decreasing in the index, so ids (which embed it) sort like indices.
 */
export function initialTimes(seed: number, i: number, step: number): { created: number; delay: number } {
  const r = new Rng(seed, i, SALT.time);
  const created = BASE_SEC + Math.floor((i + r.next()) * step);
  const x = r.next();
  const delay = x < 0.4 ? r.int(3600) : x < 0.8 ? r.int(30 * 86_400) : r.int(180 * 86_400);
  return { created, delay };
}

export class OrderStore implements StoreView {
  count: number;
  createdSec: Uint32Array;
  lmSec: Uint32Array;
  lmSub: Uint32Array;
  version: Uint32Array;
  deleted: Uint8Array;
  deletedCount = 0;
  readonly removedLines = new Map<number, Set<number>>();
  readonly lmDigits: number;
  /** Order indices sorted by (last_modified, position); ties keep their relative order. */
  sorted: Int32Array;
  maxLm = 0;
  private editEvents = 0;
  /**
   * With future-stamped orders, edits take the real clock: the tap caps its bookmark near its run's start, so
   * an edit made after a run must be later than that start, as on a real server.
   */
  private readonly realClock: boolean;
  private deleteEvents = 0;

  constructor(
    private readonly seed: number,
    orders: number,
    shape: StoreShape,
  ) {
    this.count = orders;
    this.createdSec = new Uint32Array(orders);
    this.lmSec = new Uint32Array(orders);
    this.lmSub = new Uint32Array(orders);
    this.version = new Uint32Array(orders);
    this.deleted = new Uint8Array(orders);
    this.sorted = new Int32Array(orders);
    this.lmDigits = DIGITS[shape.lmPrecision ?? 's'];
    this.generateTimes(shape.nullLastModified ?? 0);
    this.applyTieBlocks(shape.tieBlockSize, shape.tieBlockCount);
    this.maxLm = this.count > 0 ? (this.lmSec[this.sorted[this.count - 1]!] ?? 0) : 0;
    this.realClock = (shape.futureOrders ?? 0) > 0;
    if (this.realClock) this.applyFuture(Math.min(shape.futureOrders!, this.count));
  }

  /** Spreads `n` orders over the data and stamps them FUTURE_SEC, FUTURE_SEC + 1, ... */
  private applyFuture(n: number): void {
    for (let k = 0; k < n; k++) this.lmSec[Math.floor(((k + 0.5) * this.count) / n)] = FUTURE_SEC + k;
    this.resort();
    this.maxLm = this.count > n ? this.lmSec[this.sorted[this.count - n - 1]!]! : 0;
  }

  /** Sorts by last_modified again, ties in their current order (Array.prototype.sort is stable). */
  private resort(): void {
    const lm = this.lmSec;
    const sub = this.lmSub;
    this.sorted.set(
      Array.from(this.sorted.subarray(0, this.count)).sort((a, b) => lm[a]! - lm[b]! || sub[a]! - sub[b]!),
    );
  }

  /** The last_modified of an edit: after all others; on the real clock, the current second (ties allowed). */
  private nextLm(): number {
    this.maxLm = this.realClock ? Math.max(this.maxLm, Math.floor(Date.now() / 1000)) : this.maxLm + 1;
    return this.maxLm;
  }

  /** A sub-second part at the store's precision (0 for whole seconds). */
  private subSecond(r: Rng): number {
    return this.lmDigits === 0 ? 0 : r.int(10 ** this.lmDigits) * 10 ** (6 - this.lmDigits);
  }

  private generateTimes(nulls: number): void {
    const n = this.count;
    const step = creationStep(n);
    const keys = new Float64Array(n);
    const k = Math.min(nulls, n);
    for (let j = 0; j < k; j++) this.lmSec[Math.floor(((j + 0.5) * n) / k)] = 1; // marked: no last_modified
    for (let i = 0; i < n; i++) {
      const { created, delay } = initialTimes(this.seed, i, step);
      this.createdSec[i] = created;
      const none = this.lmSec[i] === 1;
      this.lmSec[i] = none ? 0 : created + delay;
      this.lmSub[i] = none ? 0 : this.subSecond(new Rng(this.seed, i, SALT.subSecond));
      keys[i] = (none ? 0 : this.lmSec[i]! - BASE_SEC + 1) * INDEX_BITS + i; // non-negative: orders without one first
    }
    keys.sort();
    for (let p = 0; p < n; p++) this.sorted[p] = (keys[p] ?? 0) % INDEX_BITS;
    if (this.lmDigits > 0) this.sortWithinSeconds();
  }

  /** Orders within one second, by their sub-second part (then position). */
  private sortWithinSeconds(): void {
    for (let a = 0; a < this.count; ) {
      let b = a + 1;
      while (b < this.count && this.lmSec[this.sorted[b]!] === this.lmSec[this.sorted[a]!]) b++;
      if (b - a > 1) {
        const run = Array.from(this.sorted.subarray(a, b)).sort((x, y) => this.lmSub[x]! - this.lmSub[y]! || x - y);
        this.sorted.set(run, a);
      }
      a = b;
    }
  }

  /** Raises each block of consecutive (in last_modified order) orders to the block's max instant. */
  private applyTieBlocks(size: number, blocks: number): void {
    const n = this.count;
    if (size <= 1 || blocks <= 0) return;
    const len = Math.min(size, n);
    for (let b = 0; b < blocks; b++) {
      const center = Math.floor(((b + 1) * n) / (blocks + 1));
      const start = Math.max(0, Math.min(n - len, center - Math.floor(len / 2)));
      const top = this.sorted[start + len - 1]!;
      for (let p = start; p < start + len; p++) {
        this.lmSec[this.sorted[p]!] = this.lmSec[top]!;
        this.lmSub[this.sorted[p]!] = this.lmSub[top]!;
      }
    }
  }

  /** last_modified of order i in epoch microseconds (0: none). */
  lmUs(i: number): number {
    return this.lmSec[i]! * 1e6 + this.lmSub[i]!;
  }

  lmAt(position: number): number {
    return this.lmUs(this.sorted[position]!);
  }

  /** First sorted position whose last_modified >= us (epoch microseconds). */
  lowerBound(us: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.lmAt(mid) < us) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** First sorted position whose last_modified > us. */
  upperBound(us: number): number {
    return this.lowerBound(us + 1);
  }

  /**
   * One edit event: `editCount` existing orders (spread across the data, possibly
   * already edited) and `createCount` new ones get last_modified later than all others.
   */
  edit(editCount: number, createCount: number): { edited: number; created: number } {
    const event = ++this.editEvents;
    const r = new Rng(this.seed, event, SALT.editPick);
    const n = this.count;
    const m = Math.min(editCount, n);
    const picked: number[] = [];
    if (m > 0) {
      const start = r.int(n);
      const segment = Math.floor(n / m);
      for (let k = 0; k < m; k++) {
        const idx = (start + Math.floor((k * n) / m) + r.int(segment)) % n;
        if (this.deleted[idx]) continue;
        picked.push(idx);
        this.version[idx]! += 1;
      }
      this.touch(picked);
    }
    for (let c = 0; c < createCount; c++) this.create();
    if (this.realClock) this.resort();
    return { edited: picked.length, created: createCount };
  }

  /** The orders were modified: last_modified later than all others (in this order), so they sort last. */
  touch(picked: number[]): void {
    if (picked.length === 0) return;
    const n = this.count;
    const mark = new Uint8Array(n);
    for (const idx of picked) {
      mark[idx] = 1;
      this.lmSec[idx] = this.nextLm();
      this.lmSub[idx] = this.subSecond(new Rng(this.seed, idx, SALT.subSecond, this.version[idx]!));
    }
    let write = 0;
    for (let p = 0; p < n; p++) {
      const i = this.sorted[p]!;
      if (!mark[i]) this.sorted[write++] = i;
    }
    for (const idx of picked) this.sorted[write++] = idx;
    // On the real clock an edit can be earlier than a future-stamped order: sort again.
    if (this.realClock) this.resort();
  }

  /** Deletes up to `count` live orders picked at random (deterministic per seed); returns their indices. */
  deleteOrders(count: number): number[] {
    const r = new Rng(this.seed, ++this.deleteEvents, SALT.deletePick);
    const picked: number[] = [];
    while (picked.length < count && this.deletedCount < this.count) {
      const idx = r.int(this.count);
      if (this.markDeleted(idx)) picked.push(idx);
    }
    return picked;
  }

  /** Deletes one order; false if it was deleted already. */
  markDeleted(idx: number): boolean {
    if (this.deleted[idx]) return false;
    this.deleted[idx] = 1;
    this.deletedCount++;
    return true;
  }

  /** A line (by its catalog variant) is removed from a live order, which is thereby modified. */
  removeLine(idx: number, variant: number): void {
    let removed = this.removedLines.get(idx);
    if (!removed) {
      removed = new Set();
      this.removedLines.set(idx, removed);
    }
    removed.add(variant);
    this.touch([idx]);
  }

  private create(): void {
    if (this.count === this.sorted.length) this.grow();
    const idx = this.count++;
    const now = this.nextLm();
    this.createdSec[idx] = now;
    this.lmSec[idx] = now;
    this.lmSub[idx] = this.subSecond(new Rng(this.seed, idx, SALT.subSecond));
    this.version[idx] = 0;
    this.sorted[idx] = idx;
  }

  private grow(): void {
    const cap = Math.max(16, this.sorted.length * 2);
    const widen = <T extends Uint32Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.createdSec = widen(this.createdSec, (k) => new Uint32Array(k));
    this.lmSec = widen(this.lmSec, (k) => new Uint32Array(k));
    this.lmSub = widen(this.lmSub, (k) => new Uint32Array(k));
    this.version = widen(this.version, (k) => new Uint32Array(k));
    this.deleted = widen(this.deleted, (k) => new Uint8Array(k));
    this.sorted = widen(this.sorted, (k) => new Int32Array(k));
  }

  /** Frozen copy of the state, so long reads (truth dumps) see one consistent data set. */
  snapshot(): StoreView {
    return {
      count: this.count,
      createdSec: this.createdSec.slice(0, this.count),
      lmSec: this.lmSec.slice(0, this.count),
      lmSub: this.lmSub.slice(0, this.count),
      lmDigits: this.lmDigits,
      version: this.version.slice(0, this.count),
      deleted: this.deleted.slice(0, this.count),
      removedLines: new Map([...this.removedLines].map(([i, variants]) => [i, new Set(variants)])),
    };
  }
}
