// Fast seeded hashing and a small PRNG. Every generated value comes from an Rng
// keyed by (seed, index, salt, version), so any order can be rebuilt on demand.

export const SALT = {
  time: 1,
  order: 2,
  edit: 3,
  quirk: 4,
  editPick: 5,
  fault: 6,
  catalog: 7,
  updated: 8,
  itemQuirk: 9,
  deletePick: 10,
  linePick: 11,
  subSecond: 12,
} as const;

export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function hash4(a: number, b: number, c: number, d: number): number {
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ b);
  h = mix32(h ^ Math.imul(c, 0x85ebca6b));
  return mix32(h ^ Math.imul(d + 1, 0xc2b2ae35));
}

/** mulberry32 seeded from a 4-part key. */
export class Rng {
  private state: number;

  constructor(a: number, b: number, c: number, d = 0) {
    this.state = hash4(a, b, c, d);
  }

  /** Uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi], both inclusive. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** Money-like value with two decimals in [lo, hi). */
  money(lo: number, hi: number): number {
    return Math.round((lo + this.next() * (hi - lo)) * 100) / 100;
  }
}
