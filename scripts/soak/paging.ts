// Soak scenarios 3, 4 and 5: edits while paging, equal timestamps, filter operators the server ignores.
import { twoRuns } from '../../test/helpers/reliability-scenarios.js';
import { type SoakArgs, addTwoRuns, section } from './rows.js';

/** Orders that change or tie while the tap pages through them. */
export async function pagingScenarios(argv: SoakArgs): Promise<void> {
  const N = argv.orders;
  // 3. Edits during the sync ------------------------------------------------------------------------------
  for (const [label, concurrency] of [
    ['parallel windows', 4],
    ['one keyset window', 1],
  ] as const) {
    await section(`3. edits and creations while paging (${label}), ${N} orders`, async (r) => {
      const result = await twoRuns({
        name: `soak-edits-${concurrency}`,
        sandbox: { orders: N, itemsPerOrder: 3, seed: argv.seed + 3, editEvery: 2, editCount: 10, createCount: 3 },
        config: { page_size: 200, concurrency },
        timeoutMs: 900_000,
      });
      addTwoRuns(r, result);
      r.notes.push(
        `after the first run alone: ${result.missingOriginalsAfterFirst} pre-existing orders missing; ` +
          `${result.afterFirst.map((d) => `${d.stream} missing ${d.missing}/mismatched ${d.mismatched}`).join(', ')}`,
      );
    });
  }

  // 4. Equal timestamps -----------------------------------------------------------------------------------
  for (const [label, sandbox] of [
    ['one block of 2,600 tied orders', { tieBlockSize: 2600, tieBlockCount: 1 }],
    ['five blocks of 2,500', { tieBlockSize: 2500, tieBlockCount: 5 }],
  ] as const) {
    await section(`4. ${label}, page_size 1000, ${N} orders, edits during the run`, async (r) => {
      const result = await twoRuns({
        name: 'soak-ties',
        sandbox: {
          orders: N,
          itemsPerOrder: 2,
          seed: argv.seed + 4,
          editEvery: 5,
          editCount: 3,
          createCount: 1,
          ...sandbox,
        },
        config: { page_size: 1000, concurrency: 4 },
        editBetween: [50, 10],
        timeoutMs: 600_000,
      });
      addTwoRuns(r, result);
    });
  }

  // 5. Ignored filter operators ---------------------------------------------------------------------------
  for (const ignore of [['gte', 'gt'], ['lt'], ['eq'], ['eq', 'ne', 'eqi', 'gt', 'gte', 'lt', 'lte']] as const) {
    await section(
      `5. server ignores ${ignore.join(',')}, ${Math.round(N / 4)} orders, tie block, edits during the run`,
      async (r) => {
        const result = await twoRuns({
          name: `soak-ignore-${ignore.join('')}`,
          sandbox: {
            orders: Math.round(N / 4),
            itemsPerOrder: 2,
            seed: argv.seed + 5,
            tieBlockSize: 1200,
            ignoreOperators: [...ignore],
            editEvery: 4,
            editCount: 3,
            createCount: 1,
          },
          config: { page_size: 500, concurrency: 4 },
          second: { ignoreOperators: [...ignore] },
          editBetween: [20, 5],
          timeoutMs: 600_000,
        });
        addTwoRuns(r, result);
      },
    );
  }
}
