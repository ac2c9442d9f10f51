// `npm run soak -- [--orders N] [--kills N] [--fault-rate R] [--seed S] [--out FILE]`: the long versions of
// the reliability scenarios of issue 5 (test/reliability/ has the fast ones), against the local sandbox
// with the BUILT tap. Prints one figures table (stderr) and writes every figure to out/soak.json.
// The expected result is zeros in every loss column (missing, extra, mismatched, failed, secret leaks).
// The scenarios are in scripts/soak/, one file per group, numbered as in the table.
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { RELIABILITY_API_KEY, secretLeaks } from '../test/helpers/reliability-scenarios.js';
import { REPO_ROOT } from './lib/tap-process.js';
import { badInputScenario } from './soak/bad-input.js';
import { budgetSection } from './soak/budget.js';
import { collectionSection } from './soak/collections.js';
import { faultScenarios } from './soak/faults.js';
import { report } from './soak/figures.js';
import { interruptScenarios } from './soak/interrupts.js';
import { oddValueScenarios } from './soak/odd-values.js';
import { pagingScenarios } from './soak/paging.js';
import { allRuns } from './soak/rows.js';
import { serverQuirkScenarios } from './soak/server-quirks.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('soak')
  .options({
    orders: { type: 'number', default: 20_000, describe: 'orders in the big sandboxes' },
    kills: { type: 'number', default: 25, describe: 'kill -9 of the tap at random moments' },
    'fault-rate': { type: 'number', default: 0.2, describe: 'share of requests that fail' },
    seed: { type: 'number', default: 1, describe: 'sandbox data and kill-schedule seed' },
    variants: { type: 'number', default: 3000, describe: 'variants in the collection scenarios (section 10)' },
    out: { type: 'string', default: join(REPO_ROOT, 'out', 'soak.json') },
  })
  .strict()
  .help()
  .parseAsync();

const started = Date.now();
await faultScenarios(argv); // 1. faults, 1b. retries exhausted, 2. kill -9 and resume
await pagingScenarios(argv); // 3. edits while paging, 4. equal timestamps, 5. ignored filter operators
await serverQuirkScenarios(argv); // 5b. a server that differs from the API notes
const exitTimes = await interruptScenarios(argv); // 6. signals and pipes
const bad = await badInputScenario(); // 7. bad input
const quirks = await oddValueScenarios(argv); // 8. odd values and shapes, 8b. strict_values
const collections = await collectionSection(argv); // 10. collections read in full while the server misbehaves
collections.push(...(await budgetSection(argv))); // 11. the deletion budget: short and empty lists

// 9. Secrets --------------------------------------------------------------------------------------------
const leaks = secretLeaks(allRuns, [RELIABILITY_API_KEY, 'wrong-KEY-0d9a4c77e1']);

const lossFree = report(argv, { started, bad, exitTimes, quirks, leaks, collections });
process.exitCode = lossFree ? 0 : 1;
