// Fault injection and rate limiting for API requests.
import type { FaultKind } from './options.js';
import { Rng, SALT } from './rng.js';

/** Deterministic per (seed, request number): whether and which fault this request gets. */
export function pickFault(
  seed: number,
  requestNo: number,
  rate: number,
  kinds: readonly FaultKind[],
): FaultKind | undefined {
  if (rate <= 0 || kinds.length === 0) return undefined;
  const r = new Rng(seed, requestNo, SALT.fault);
  return r.next() < rate ? r.pick(kinds) : undefined;
}

/** Fixed one-second window; requests turned away do not count against it. */
export class RateLimiter {
  private windowStart = 0;
  private used = 0;

  allow(limitPerSecond: number, nowMs: number): boolean {
    if (nowMs - this.windowStart >= 1000) {
      this.windowStart = nowMs;
      this.used = 0;
    }
    if (this.used >= limitPerSecond) return false;
    this.used++;
    return true;
  }
}
