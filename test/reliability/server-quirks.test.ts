// Issue 12, the reader: a server that behaves a little differently from the API notes. A page cap below
// page_size (said in meta.limit), filter values floored to whole seconds over millisecond and microsecond
// data, orders without last_modified, `{}` for an empty list, a 404 on the single-order request that
// verifies fields=. Each: exact output (union upserted by key equals the truth), exit 0, and the warnings.
import { describe, expect, it } from 'vitest';
import { applySingerOutput } from '../../scripts/lib/singer-output.js';
import { lastState, twoRuns, type TwoRunResult } from '../helpers/reliability-scenarios.js';
import { expectExact, expectNoSecretsInRuns, expectSucceeded } from '../helpers/reliability.js';

function expectClean(result: TwoRunResult): void {
  expectNoSecretsInRuns(result.runs);
  for (const run of result.runs) expectSucceeded(run);
}

const recordCount = (stdout: string, stream: string): number =>
  stdout.split('\n').filter((l) => l.startsWith(`{"type":"RECORD","stream":"${stream}"`)).length;
const bookmarkOf = (stdout: string): string =>
  (lastState(stdout) as { bookmarks: Record<string, { replication_key_value: string }> }).bookmarks.purchase_orders!
    .replication_key_value;

describe('a server page cap below page_size', () => {
  it.concurrent.each([[1], [4]])(
    '300 orders a page (meta.limit), default page_size, concurrency %i: exact',
    async (concurrency) => {
      const result = await twoRuns({
        name: `cap-${concurrency}`,
        sandbox: { orders: 2500, itemsPerOrder: 1, seed: 91, pageCap: 300, editEvery: 5, editCount: 2, createCount: 1 },
        config: { concurrency },
        editBetween: [10, 3],
      });
      expectClean(result);
      expect(result.missingOriginalsAfterFirst).toBe(0);
      expectExact(result.afterFirst, 'after the first run');
      expectExact(result.afterSecond, 'after the incremental run');
    },
  );
});

describe('filter values floored to whole seconds', () => {
  it.concurrent.each([[92], [93], [94]])(
    'millisecond data, concurrency 4, edits during the run (seed %i): exact, no alarm',
    async (seed) => {
      const result = await twoRuns({
        name: `floor-ms-${seed}`,
        sandbox: {
          orders: 5000,
          itemsPerOrder: 1,
          seed,
          lmPrecision: 'ms',
          floorFilters: true,
          editEvery: 4,
          editCount: 2,
          createCount: 1,
        },
        config: { concurrency: 4, page_size: 250 },
        second: { floorFilters: true },
        editBetween: [10, 3],
      });
      expectClean(result);
      expect(result.first.stderr).not.toMatch(/ignored the last_modified/);
      expect(result.missingOriginalsAfterFirst).toBe(0);
      expectExact(result.afterFirst, 'after the first run');
      expectExact(result.afterSecond, 'after the incremental run');
      expect(bookmarkOf(result.first.stdout)).toMatch(/\.\d{3}Z$/);
    },
  );

  it.concurrent.each([[true], [false]])(
    'microsecond data (floored filters: %s): exact, no alarm, no fallback scan, bookmark in microseconds',
    async (floorFilters) => {
      const result = await twoRuns({
        name: `floor-us-${floorFilters}`,
        sandbox: { orders: 4000, itemsPerOrder: 1, seed: 95, lmPrecision: 'us', floorFilters, tieBlockSize: 600 },
        config: { concurrency: 4, page_size: 250 },
        second: { floorFilters },
        editBetween: [10, 3],
      });
      expectClean(result);
      expect(result.first.stderr).not.toMatch(/ignored the last_modified|page by page/);
      expectExact(result.afterFirst, 'after the first run');
      expectExact(result.afterSecond, 'after the incremental run');
      expect(recordCount(result.first.stdout, 'purchase_orders')).toBeLessThan(4000 * 1.05);
      expect(bookmarkOf(result.first.stdout)).toMatch(/\.\d{6}Z$/);
    },
  );
});

describe('orders without last_modified', () => {
  it.concurrent.each([
    [1, 20],
    [4, 20],
    [4, 1200],
  ])(
    'concurrency %i, %i such orders: written with a warning, exact, the bookmark never moves because of them',
    async (concurrency, nulls) => {
      const result = await twoRuns({
        name: `null-lm-${concurrency}-${nulls}`,
        sandbox: { orders: 3000, itemsPerOrder: 1, seed: 96, nullLastModified: nulls },
        config: { concurrency, page_size: 500 },
        editBetween: [10, 3],
      });
      expectClean(result);
      expectExact(result.afterFirst, 'after the first run');
      expectExact(result.afterSecond, 'after the incremental run');
      const warnings = result.first.stderr
        .split('\n')
        .filter((l) =>
          new RegExp(
            / WARNING .*purchase_orders, purchase_order_items: /.source +
              /purchase order id="[0-9a-f]{24}" has no usable last_modified; it is written/.source,
          ).test(l),
        );
      expect(warnings).toHaveLength(nulls);
      const nullRows = applySingerOutput(result.first.stdout).tables.get('purchase_orders')!;
      expect([...nullRows.values()].filter((row) => row.last_modified === null)).toHaveLength(nulls);
      expect(bookmarkOf(result.first.stdout)).toMatch(/^202\d-/);
    },
  );
});

describe('odd answers', () => {
  it('an empty list sent as {}: the incremental run with nothing new ends cleanly', async () => {
    const result = await twoRuns({
      name: 'empty-object',
      sandbox: { orders: 800, itemsPerOrder: 2, seed: 97, emptyListAsObject: true },
      config: { concurrency: 4, page_size: 100 },
    });
    expectClean(result);
    expectExact(result.afterSecond, 'after the incremental run');
  });

  it('a 404 on the single-order request keeps fields= projection for the run', async () => {
    const result = await twoRuns({
      name: 'single-404',
      sandbox: { orders: 1500, itemsPerOrder: 3, seed: 98, singleOrder404: true },
      config: { concurrency: 4, page_size: 200 },
    });
    expectClean(result);
    expectExact(result.afterFirst, 'after the first run');
    expect(result.first.stderr).toMatch(/WARNING .*fields= could not be verified: .* keeping the projection/);
    expect(result.first.stderr).not.toMatch(/fetching whole orders/);
    expect(result.first.stderr).toMatch(/GET \/purchase-orders\?.*fields=/);
  });
});

describe('heavy orders from an API that ignores fields=', () => {
  it('80 orders of 300-600 lines, default settings: pages sized by bytes, exact, exit 0', async () => {
    const result = await twoRuns({
      name: 'heavy',
      sandbox: { orders: 80, itemsPerOrder: 600, itemsPerOrderMin: 300, seed: 99, ignoreFields: true },
      editBetween: [5, 2],
      timeoutMs: 180_000,
    });
    expectClean(result);
    expectExact(result.afterFirst, 'after the first run');
    expectExact(result.afterSecond, 'after the incremental run');
    // ~0.5 MB an order: after the full sync's first request (20 orders, descending, for orders without
    // last_modified sorted last) every page holds a few orders
    const requests = [
      ...result.first.stderr.matchAll(/GET \/purchase-orders\?last_modified_sort=(asc|desc)&limit=(\d+)/g),
    ];
    expect(requests[0]!.slice(1)).toEqual(['desc', '20']);
    const limits = requests.slice(1).map((m) => Number(m[2]));
    expect(Math.max(...limits)).toBeLessThan(40);
  }, 200_000);
});
