// The last_modified timeline of a store's orders: laid out once at the start (initial times, orders
// without last_modified, tie blocks, future-stamped orders), and the order of positions sorted by it.
import { BASE_SEC, FUTURE_SEC, creationStep, initialTimes, subSecond } from './order-times.js';
import { Rng, SALT } from './rng.js';

const INDEX_BITS = 2 ** 20; // > 1_000_000, so (lm, index) packs exactly into a double

/** The columns of a store the timeline fills and sorts. */
export interface Timeline {
  readonly count: number;
  readonly createdSec: Uint32Array;
  readonly lmSec: Uint32Array;
  readonly lmSub: Uint32Array;
  /** Order indices sorted by (last_modified, position); ties keep their relative order. */
  readonly sorted: Int32Array;
  readonly lmDigits: number;
}

/** Initial created_at and last_modified of every order, `nulls` of them without last_modified, sorted. */
export function generateTimes(t: Timeline, seed: number, nulls: number): void {
  const n = t.count;
  const step = creationStep(n);
  const keys = new Float64Array(n);
  const k = Math.min(nulls, n);
  for (let j = 0; j < k; j++) t.lmSec[Math.floor(((j + 0.5) * n) / k)] = 1; // marked: no last_modified
  for (let i = 0; i < n; i++) {
    const { created, delay } = initialTimes(seed, i, step);
    t.createdSec[i] = created;
    const none = t.lmSec[i] === 1;
    t.lmSec[i] = none ? 0 : created + delay;
    t.lmSub[i] = none ? 0 : subSecond(t.lmDigits, new Rng(seed, i, SALT.subSecond));
    keys[i] = (none ? 0 : t.lmSec[i]! - BASE_SEC + 1) * INDEX_BITS + i; // non-negative: orders without one first
  }
  keys.sort();
  for (let p = 0; p < n; p++) t.sorted[p] = (keys[p] ?? 0) % INDEX_BITS;
  if (t.lmDigits > 0) sortWithinSeconds(t);
}

/** Orders within one second, by their sub-second part (then position). */
function sortWithinSeconds(t: Timeline): void {
  for (let a = 0; a < t.count; ) {
    let b = a + 1;
    while (b < t.count && t.lmSec[t.sorted[b]!] === t.lmSec[t.sorted[a]!]) b++;
    if (b - a > 1) {
      const run = Array.from(t.sorted.subarray(a, b)).sort((x, y) => t.lmSub[x]! - t.lmSub[y]! || x - y);
      t.sorted.set(run, a);
    }
    a = b;
  }
}

/** Raises each block of consecutive (in last_modified order) orders to the block's max instant. */
export function applyTieBlocks(t: Timeline, size: number, blocks: number): void {
  const n = t.count;
  if (size <= 1 || blocks <= 0) return;
  const len = Math.min(size, n);
  for (let b = 0; b < blocks; b++) {
    const center = Math.floor(((b + 1) * n) / (blocks + 1));
    const start = Math.max(0, Math.min(n - len, center - Math.floor(len / 2)));
    const top = t.sorted[start + len - 1]!;
    for (let p = start; p < start + len; p++) {
      t.lmSec[t.sorted[p]!] = t.lmSec[top]!;
      t.lmSub[t.sorted[p]!] = t.lmSub[top]!;
    }
  }
}

/**
 * Spreads `n` orders over the data and stamps them FUTURE_SEC, FUTURE_SEC + 1, ...; returns the latest
 * last_modified of the other orders.
 */
export function applyFuture(t: Timeline, n: number): number {
  for (let k = 0; k < n; k++) t.lmSec[Math.floor(((k + 0.5) * t.count) / n)] = FUTURE_SEC + k;
  sortByLastModified(t);
  return t.count > n ? t.lmSec[t.sorted[t.count - n - 1]!]! : 0;
}

/** Sorts by last_modified again, ties in their current order (Array.prototype.sort is stable). */
export function sortByLastModified(t: Timeline): void {
  const lm = t.lmSec;
  const sub = t.lmSub;
  t.sorted.set(Array.from(t.sorted.subarray(0, t.count)).sort((a, b) => lm[a]! - lm[b]! || sub[a]! - sub[b]!));
}
