// How much each benchmark section does: the full sizes, and the quick ones of a smoke run.

export interface Sizes {
  items: number;
  throughputOrders: number;
  // The throughput run and the floor are repeated and the run with the median CPU time reported: on this
  // shared 2-core VM the same run's CPU seconds vary by about a tenth.
  throughputRepeats: number;
  // Few items per order here: the single-threaded sandbox shares the 2 cores, and with 10 items its CPU
  // per page (x concurrency) would be measured instead of how well the tap hides latency.
  // Each concurrency is run `repeats` times and the run with the median wall time is reported: a few
  // seconds of wall time on a shared 2-core machine vary by a tenth of a second from run to run.
  latency: {
    orders: number;
    items: number;
    pageSize: number;
    latencyMs: number;
    concurrencies: number[];
    rateCap: number;
    repeats: number;
  };
  scaleOrders: number[];
  slow: { orders: number; seconds: number; bytesPerSecond: number };
  editShare: number;
  projectionOrders: number;
  /** Heavy orders (issue 12): lines per order drawn from [itemsMin, itemsMax], default settings. */
  heavy: { orders: number; itemsMin: number; itemsMax: number };
}

export const FULL: Sizes = {
  items: 10,
  throughputOrders: 100_000,
  throughputRepeats: 3,
  latency: {
    orders: 10_000,
    items: 2,
    pageSize: 100,
    latencyMs: 100,
    concurrencies: [1, 4, 8],
    rateCap: 20,
    repeats: 3,
  },
  scaleOrders: [10_000, 100_000, 1_000_000],
  slow: { orders: 100_000, seconds: 30, bytesPerSecond: 1_000_000 },
  editShare: 0.01,
  projectionOrders: 20_000,
  heavy: { orders: 3_000, itemsMin: 300, itemsMax: 600 },
};

export const QUICK: Sizes = {
  items: 10,
  throughputOrders: 2_000,
  throughputRepeats: 1,
  latency: { orders: 600, items: 2, pageSize: 30, latencyMs: 100, concurrencies: [4], rateCap: 20, repeats: 1 },
  scaleOrders: [500, 2_000, 4_000],
  slow: { orders: 5_000, seconds: 2, bytesPerSecond: 1_000_000 },
  editShare: 0.01,
  projectionOrders: 1_000,
  heavy: { orders: 40, itemsMin: 300, itemsMax: 600 },
};
