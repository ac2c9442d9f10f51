// The soak's deletion-budget section (issue 29): a server that is wrong consistently, whose lists show only their
// first tenth of the variants with meta.total saying so, or are empty with total 0. Nothing on a page contradicts
// the rest, so the read vouches for itself and only the deletion budget holds the pass. Three daily runs per
// glitch, as section 10 runs them (scripts/soak/collections.ts): day 1 normal, day 2 with the glitch (after
// variants were removed and added), day 3 normal; the wrongly deleted column must be 0, and day 2 exits 3.
import { pathToFileURL } from 'node:url';
import { newDir } from '../../test/helpers/reliability-scenarios.js';
import {
  type CollectionScenario,
  type CollectionSoakRow,
  collectionRowsSection,
  soakAlone,
  soakCollections,
} from './collections.js';
import { say } from './rows.js';

export function budgetScenarios(variants: number): CollectionScenario[] {
  const first = Math.floor(variants / 10);
  const list: Omit<CollectionScenario, 'concurrency'>[] = [
    { name: `lists show only their first ${first} (meta.total ${first})`, server: { listsShowFirst: first }, exit: 3 },
    { name: 'lists empty (meta.total 0)', server: { listsShowFirst: 0 }, exit: 3 },
  ];
  return [1, 4].flatMap((concurrency) => list.map((s) => ({ ...s, concurrency })));
}

/** Section 11 of the soak: the two glitches. */
export function budgetSection(argv: { variants: number; seed: number }): Promise<CollectionSoakRow[]> {
  const title = `11. deletion budget: ${argv.variants} variants, short and empty lists x concurrency 1 and 4, 3 daily runs each`;
  return collectionRowsSection(title, async () =>
    (
      await soakCollections({ ...argv, scenarios: budgetScenarios(argv.variants), dir: newDir('soak-budget'), say })
    ).map((row) => ({ ...row, scenario: `budget: ${row.scenario}` })),
  );
}

// Alone: `npm run build && node dist/scripts/soak/budget.js [variants] [seed]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href)
  await soakAlone('budget', budgetScenarios);
