// Soak scenario 5b: a server that differs from the API notes (issue 12).
import type { SandboxOptions } from '../../sandbox/server.js';
import { twoRuns } from '../../test/helpers/reliability-scenarios.js';
import { type SoakArgs, addTwoRuns, section } from './rows.js';

/** Page caps, sub-second last_modified, missing last_modified, odd answers, heavy orders. */
export async function serverQuirkScenarios(argv: SoakArgs): Promise<void> {
  const N = argv.orders;
  // 5b. A server that differs from the API notes (issue 12) ------------------------------------------------
  const quirks: [string, SandboxOptions, Record<string, unknown>][] = [
    ['page cap of 300 (meta.limit), default page_size', { pageCap: 300 }, {}],
    [
      'millisecond last_modified, filter values floored to seconds',
      { lmPrecision: 'ms', floorFilters: true },
      { page_size: 250 },
    ],
    [
      'microsecond last_modified, filter values floored to seconds, tie block',
      { lmPrecision: 'us', floorFilters: true, tieBlockSize: 1200 },
      { page_size: 250 },
    ],
    ['1% of orders without last_modified', { nullLastModified: Math.round(N / 400) }, { page_size: 500 }],
    [
      '404 on the single-order request, {} for an empty list',
      { singleOrder404: true, emptyListAsObject: true },
      { page_size: 500 },
    ],
  ];
  for (const [label, quirk, config] of quirks) {
    await section(`5b. ${label}, ${Math.round(N / 4)} orders, edits during the run`, async (r) => {
      const result = await twoRuns({
        name: 'soak-quirk',
        sandbox: {
          orders: Math.round(N / 4),
          itemsPerOrder: 2,
          seed: argv.seed + 7,
          editEvery: 4,
          editCount: 3,
          createCount: 1,
          ...quirk,
        },
        config: { concurrency: 4, ...config },
        second: quirk,
        editBetween: [20, 5],
        timeoutMs: 600_000,
      });
      addTwoRuns(r, result);
      if (/ignored the last_modified|page by page/.test(result.first.stderr)) {
        r.failed++;
        r.notes.push('a false "filter ignored" alarm');
      }
    });
  }
  await section(
    `5b. heavy orders: ${Math.round(N / 100)} orders of 300-600 lines, an API that ignores fields=, default settings`,
    async (r) => {
      const result = await twoRuns({
        name: 'soak-heavy',
        sandbox: {
          orders: Math.round(N / 100),
          itemsPerOrder: 600,
          itemsPerOrderMin: 300,
          seed: argv.seed + 8,
          ignoreFields: true,
          editEvery: 10,
          editCount: 1,
        },
        editBetween: [5, 1],
        timeoutMs: 900_000,
      });
      addTwoRuns(r, result);
    },
  );
}
