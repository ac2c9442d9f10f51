// Compact per-order state in typed arrays, and the events that change it (edits, creations, deletions,
// removed lines). Everything else about an order is regenerated on demand from (seed, index, version)
// by the generator; timeline.ts lays out the initial last_modified values.
import type { LmPrecision } from './options.js';
import { LM_DIGITS, subSecond } from './order-times.js';
import { Rng, SALT } from './rng.js';
import { type StoreView, snapshotOf } from './store-view.js';
import { applyFuture, applyTieBlocks, generateTimes, sortByLastModified } from './timeline.js';

/** Store shape options beyond the order count. */
export interface StoreShape {
  tieBlockSize: number;
  tieBlockCount: number;
  lmPrecision?: LmPrecision;
  nullLastModified?: number;
  /** Orders stamped last_modified 2099 and later; edits then take the real clock. */
  futureOrders?: number;
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
    this.lmDigits = LM_DIGITS[shape.lmPrecision ?? 's'];
    generateTimes(this, seed, shape.nullLastModified ?? 0);
    applyTieBlocks(this, shape.tieBlockSize, shape.tieBlockCount);
    this.maxLm = this.count > 0 ? (this.lmSec[this.sorted[this.count - 1]!] ?? 0) : 0;
    this.realClock = (shape.futureOrders ?? 0) > 0;
    if (this.realClock) this.maxLm = applyFuture(this, Math.min(shape.futureOrders!, this.count));
  }

  /** The last_modified of an edit: after all others; on the real clock, the current second (ties allowed). */
  private nextLm(): number {
    this.maxLm = this.realClock ? Math.max(this.maxLm, Math.floor(Date.now() / 1000)) : this.maxLm + 1;
    return this.maxLm;
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
    if (this.realClock) sortByLastModified(this);
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
      this.lmSub[idx] = subSecond(this.lmDigits, new Rng(this.seed, idx, SALT.subSecond, this.version[idx]!));
    }
    let write = 0;
    for (let p = 0; p < n; p++) {
      const i = this.sorted[p]!;
      if (!mark[i]) this.sorted[write++] = i;
    }
    for (const idx of picked) this.sorted[write++] = idx;
    // On the real clock an edit can be earlier than a future-stamped order: sort again.
    if (this.realClock) sortByLastModified(this);
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
    this.lmSub[idx] = subSecond(this.lmDigits, new Rng(this.seed, idx, SALT.subSecond));
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
    return snapshotOf(this);
  }
}
