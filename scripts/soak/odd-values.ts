// Soak scenarios 8 and 8b: odd values and shapes (issue 12), leniently and with strict_values.
import { futureSummary, quirkRuns, repeatedIdSummary, unreadableSummary } from '../../test/helpers/quirk-scenarios.js';
import { errorLines, withoutTimestamp } from '../lib/tap-log.js';
import { type SoakArgs, addDiffs, addRuns, ok, section } from './rows.js';

/** Odd values nulled and counted, repeated line ids, future orders; strict runs that stop. */
export async function oddValueScenarios(argv: SoakArgs): Promise<Record<string, unknown>> {
  const N = argv.orders;
  // 8. Odd values and shapes (issue 12) ---------------------------------------------------------------------
  const quirkFigures: Record<string, unknown> = {};
  await section(
    `8. odd values (5% of orders), items keyed by position, repeated line ids, 3 future orders, ${N} orders, 3 runs ` +
      `with edits between`,
    async (r) => {
      const result = await quirkRuns({
        name: 'soak-odd',
        sandbox: {
          orders: N,
          itemsPerOrder: 3,
          seed: argv.seed + 8,
          oddValueRate: 0.05,
          duplicateLineRate: 0.02,
          itemsAsObject: 0.2,
          futureOrders: 3,
        },
        config: { page_size: 500, concurrency: 4 },
        lenientRuns: 3,
        editBetween: [Math.round(N / 50), Math.round(N / 200)],
        timeoutMs: 900_000,
      });
      addRuns(r, result.runs);
      r.requests += result.requests;
      r.failed += result.runs.filter((run) => !ok(run)).length;
      for (const diffs of result.diffs) addDiffs(r, diffs);
      const first = result.lenient[0]!;
      const expected = result.unreadableBefore;
      const reported = unreadableSummary(first.stderr);
      if (JSON.stringify(Object.entries(reported).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
        r.failed++;
        r.notes.push(
          `end summary ${JSON.stringify(reported)} differs from the sandbox's unreadable values ` +
            `${JSON.stringify(expected)}`,
        );
      }
      if (repeatedIdSummary(first.stderr) !== result.ordersWithRepeatedIds) r.failed++;
      if (futureSummary(first.stderr) !== 3) r.failed++;
      const per = result.lenient.map((run) => Object.values(unreadableSummary(run.stderr)).reduce((a, b) => a + b, 0));
      quirkFigures.unreadablePerRun = per;
      quirkFigures.ordersWithRepeatedIds = result.ordersWithRepeatedIds;
      quirkFigures.futurePerRun = result.lenient.map((run) => futureSummary(run.stderr));
      r.notes.push(
        `unreadable values nulled per run ${per.join(', ')} (first run = the sandbox's ` +
          `${Object.values(expected).reduce((a, b) => a + b, 0)}, by column ${JSON.stringify(reported)}); orders ` +
          `with repeated item ids ${result.ordersWithRepeatedIds}; future orders warned per run ` +
          `${quirkFigures.futurePerRun}`,
      );
    },
  );

  await section(
    `8b. strict_values: two runs stop at the same order, then a lenient run resumes, ${N} orders`,
    async (r) => {
      const result = await quirkRuns({
        name: 'soak-strict',
        sandbox: { orders: N, itemsPerOrder: 3, seed: argv.seed + 9, oddValueRate: 0.0005 },
        config: { page_size: 500, concurrency: 4 },
        strictRuns: 2,
        lenientRuns: 1,
        timeoutMs: 900_000,
      });
      addRuns(r, result.runs);
      r.requests += result.requests;
      const errors = result.strict.map((run) => errorLines(run.stderr).map(withoutTimestamp));
      const sameStop = result.strict.every(
        (run, k) =>
          run.code === 1 &&
          errors[k]!.length === 1 &&
          /RECORD_INVALID: /.test(errors[k]![0]!) &&
          errors[k]![0] === errors[0]![0],
      );
      if (!sameStop) {
        r.failed++;
        r.notes.push(
          `strict runs: exit ${result.strict.map((run) => run.code).join(', ')}; ` +
            `${errors.flat().join(' | ').slice(0, 300)}`,
        );
      } else r.notes.push(`both strict runs: ${errors[0]![0]!.slice(0, 160)}…`);
      if (!ok(result.lenient[0]!)) r.failed++;
      addDiffs(r, result.diffs[0]);
    },
  );
  return quirkFigures;
}
