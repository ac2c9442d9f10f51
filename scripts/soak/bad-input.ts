// Soak scenario 7: every bad-input case, at info and debug log level.
import {
  BAD_INPUT_CASES,
  caseSecrets,
  failureProblems,
  runBadInput,
  startBadApi,
  type CaseContext,
} from '../../test/helpers/reliability-cases.js';
import { newDir, secretLeaks, startReliabilitySandbox } from '../../test/helpers/reliability-scenarios.js';
import { addRuns, section } from './rows.js';

/** Bad-input runs that failed the way users need, of all of them. */
export async function badInputScenario(): Promise<{ handled: number; total: number }> {
  let badHandled = 0;
  let badTotal = 0;
  await section(`7. bad input: ${BAD_INPUT_CASES.length} cases, each at info and debug log level`, async (r) => {
    const sandbox = await startReliabilitySandbox({ orders: 30, seed: 2 });
    const bad = await startBadApi();
    try {
      const ctx: CaseContext = { dir: newDir('soak-bad'), sandbox, bad, closedPort: 9 };
      for (const c of BAD_INPUT_CASES) {
        for (const level of ['info', 'debug'] as const) {
          const run = await runBadInput(c, ctx, level);
          addRuns(r, [run]);
          const problems = [...failureProblems(c, run, level), ...secretLeaks([run], caseSecrets(c))];
          badTotal++;
          if (problems.length === 0) badHandled++;
          else {
            r.failed++;
            r.notes.push(`${c.name} (${level}): ${problems.join('; ').slice(0, 300)}`);
          }
        }
      }
      r.requests += sandbox.stats().requests + bad.requests;
    } finally {
      await bad.close();
      await sandbox.close();
    }
    r.notes.push(
      `${badHandled}/${badTotal} bad-input runs failed the way users need (exit code, one line, what + what to do, ` +
        `no stack, clean stdout)`,
    );
  });
  return { handled: badHandled, total: badTotal };
}
