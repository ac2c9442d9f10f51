// When orders were created and first modified: a pure function of (seed, index), so the generator can
// recompute what the store does not keep.
import type { LmPrecision } from './options.js';
import { Rng, SALT } from './rng.js';

export const BASE_SEC = Date.UTC(2021, 0, 1) / 1000;
const SPAN_SEC = 3 * 365 * 86_400;
/** last_modified of the first future-stamped order (issue 12); the next ones follow a second apart. */
export const FUTURE_SEC = Date.UTC(2099, 0, 1) / 1000;

/** Fraction digits last_modified is written with, by precision. */
export const LM_DIGITS: Record<LmPrecision, number> = { s: 0, ms: 3, us: 6 };

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

/** A sub-second part (microseconds) at `digits` precision (0 for whole seconds). */
export function subSecond(digits: number, r: Rng): number {
  return digits === 0 ? 0 : r.int(10 ** digits) * 10 ** (6 - digits);
}
