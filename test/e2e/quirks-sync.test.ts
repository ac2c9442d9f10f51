// Issue 12's values and shapes, the built tap against the sandbox: odd values, items keyed by position and
// repeated line ids give exact output (odd columns null or read as documented) with warnings and end-summary
// counts, run after run; strict_values stops at the same order every run until it is unset; a future
// last_modified never becomes the bookmark.
import { describe, expect, it } from 'vitest';
import { FUTURE_SEC } from '../../sandbox/order-times.js';
import { applySingerOutput } from '../../scripts/lib/singer-output.js';
import {
  errorLines,
  futureSummary,
  quirkRuns,
  repeatedIdSummary,
  unreadableSummary,
  warningLines,
} from '../helpers/quirk-scenarios.js';
import { expectExact, expectNoSecretsInRuns, expectNoStackTrace, expectSucceeded } from '../helpers/reliability.js';
import { lastState } from '../helpers/reliability-runs.js';

describe('odd values and item shapes', () => {
  it(
    'are no poison pill: every run exits 0, exact against the truth, ' +
      'with warnings and the counts of the end summary',
    async () => {
      const result = await quirkRuns({
        name: 'e2e-odd',
        sandbox: {
          orders: 1500,
          itemsPerOrder: 3,
          seed: 12,
          oddValueRate: 0.1,
          duplicateLineRate: 0.05,
          itemsAsObject: 0.3,
        },
        config: { page_size: 200, concurrency: 4 },
        lenientRuns: 2,
        editBetween: [300, 20], // edits draw new odd values
      });
      expectNoSecretsInRuns(result.runs);
      for (const run of result.lenient) {
        expectSucceeded(run);
        expectNoStackTrace(run);
      }
      result.diffs.forEach((diffs, k) => expectExact(diffs, `after lenient run ${k + 1}`));
      const [first, second] = result.lenient as [(typeof result.lenient)[0], (typeof result.lenient)[0]];

      expect(Object.values(result.unreadableBefore).reduce((a, b) => a + b, 0)).toBeGreaterThan(100);
      expect(unreadableSummary(first.stderr)).toEqual(result.unreadableBefore);
      expect(result.ordersWithRepeatedIds).toBeGreaterThan(20);
      expect(repeatedIdSummary(first.stderr)).toBe(result.ordersWithRepeatedIds);
      // The second run reads the edited orders, with their new odd values: counted, not stopped at.
      expect(Object.keys(unreadableSummary(second.stderr)).length).toBeGreaterThan(0);

      // At most 10 warnings per column, never with the raw value (which is at debug level).
      const perValue = warningLines(first.stderr).filter((l) => /written as null($|\. Further)/.test(l));
      const perColumn = new Map<string, number>();
      for (const line of perValue) {
        const column = /: (\w+) (?:\(API \w+\) )?(?:expected|breaks)/.exec(line)![1]!;
        perColumn.set(column, (perColumn.get(column) ?? 0) + 1);
      }
      expect(Math.max(...perColumn.values())).toBe(10);
      for (const raw of ['N/A', '$8.50', '03/15/2024', '2024-13-45', 'Infinity', '"name"']) {
        expect(
          warningLines(first.stderr).filter((l) => l.includes(raw)),
          raw,
        ).toEqual([]);
        expect(
          first.stderr.split('\n').some((l) => / DEBUG /.test(l) && l.includes(raw)),
          raw,
        ).toBe(true);
      }
      const metrics = first.stderr
        .split('\n')
        .filter((l) => l.startsWith('INFO METRIC: '))
        .map((l) => JSON.parse(l.slice(13)))
        .filter((m) => m.metric === 'invalid_value_count');
      const metricTotals: Record<string, number> = {};
      for (const m of metrics)
        metricTotals[`${m.tags.stream}.${m.tags.column}`] =
          (metricTotals[`${m.tags.stream}.${m.tags.column}`] ?? 0) + m.value;
      expect(metricTotals).toEqual(result.unreadableBefore);
    },
  );

  it(
    'with strict_values, every run stops at the same order with one clear line; ' + 'unsetting it resumes exactly',
    async () => {
      const result = await quirkRuns({
        name: 'e2e-strict',
        // its first odd value comes after a few pages
        sandbox: { orders: 1500, itemsPerOrder: 3, seed: 19, oddValueRate: 0.002 },
        config: { page_size: 200, concurrency: 1 },
        strictRuns: 2,
        lenientRuns: 1,
      });
      expectNoSecretsInRuns(result.runs);
      const lines = result.strict.map((run) => {
        expect(run.code).toBe(1);
        expectNoStackTrace(run);
        expect(errorLines(run.stderr)).toHaveLength(1);
        return errorLines(run.stderr)[0]!.replace(/^.* CRITICAL tap-inventory-planner: /, '');
      });
      expect(lines[0]).toMatch(
        new RegExp(
          /^RECORD_INVALID: purchase_order(_item)?s record .*: field \w+ \(API \w+\) expected .*, got .*\. /.source +
            /Nothing after the last STATE was committed/.source,
        ),
      );
      expect(lines[1]).toBe(lines[0]);
      expect(lastState(result.strict[0]!.stdout)).toBeDefined(); // it got somewhere before the bad order
      expectSucceeded(result.lenient[0]!);
      expectExact(result.diffs[0]!, 'strict runs, then a lenient run');
    },
  );
});

describe('a last_modified in the future', () => {
  it(
    'is written, warned about once per run, and never the bookmark: ' + 'edits after the run are read by the next one',
    async () => {
      const result = await quirkRuns({
        name: 'e2e-future',
        sandbox: { orders: 1500, itemsPerOrder: 2, seed: 13, futureOrders: 2 },
        config: { page_size: 200, concurrency: 4 },
        lenientRuns: 2,
        editBetween: [30, 5],
      });
      expectNoSecretsInRuns(result.runs);
      for (const run of result.lenient) expectSucceeded(run);
      result.diffs.forEach((diffs, k) => expectExact(diffs, `after run ${k + 1}`));
      const [first, second] = result.lenient as [(typeof result.lenient)[0], (typeof result.lenient)[0]];
      expect(futureSummary(first.stderr)).toBe(2);
      expect(warningLines(first.stderr).filter((l) => /last_modified after the run's start/.test(l))).toHaveLength(1);
      const all = (lastState(first.stdout) as { bookmarks: Record<string, { replication_key_value: string }> })
        .bookmarks;
      const bookmarks = ['purchase_orders', 'purchase_order_items'].map((stream) => all[stream]!.replication_key_value);
      expect(bookmarks).toHaveLength(2);
      for (const b of bookmarks) expect(b < new Date().toISOString() && b > '2025-01-01').toBe(true);
      // The next run reads what changed since (and the future orders again), not the whole history.
      const read = applySingerOutput(second.stdout).counts.purchase_orders ?? 0;
      expect(read).toBeGreaterThanOrEqual(30);
      expect(read).toBeLessThanOrEqual(37);
      expect(new Date(FUTURE_SEC * 1000).toISOString() > bookmarks[0]!).toBe(true);
    },
  );
});
