// What readers of the orders (the generator, the truth) see of the store: a live store or a frozen snapshot.

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

/** Frozen copy of a view, so long reads (truth dumps) see one consistent data set. */
export function snapshotOf(view: StoreView): StoreView {
  return {
    count: view.count,
    createdSec: view.createdSec.slice(0, view.count),
    lmSec: view.lmSec.slice(0, view.count),
    lmSub: view.lmSub.slice(0, view.count),
    lmDigits: view.lmDigits,
    version: view.version.slice(0, view.count),
    deleted: view.deleted.slice(0, view.count),
    removedLines: new Map([...view.removedLines].map(([i, variants]) => [i, new Set(variants)])),
  };
}
