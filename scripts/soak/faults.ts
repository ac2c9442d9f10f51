// Soak scenarios 1, 1b and 2: injected faults, retries exhausted, kill -9 and resume.
import { isExact, killAndResume, retriesExhausted, twoRuns } from '../../test/helpers/reliability-scenarios.js';
import { errorLines } from '../lib/tap-log.js';
import { type SoakArgs, addDiffs, addRuns, ok, requests, say, section } from './rows.js';

/** Faults survived, retries that run out, and kills at random moments. */
export async function faultScenarios(argv: SoakArgs): Promise<void> {
  const N = argv.orders;
  // 1. Faults ---------------------------------------------------------------------------------------------
  await section(
    `1. faults: ${Math.round(argv['fault-rate'] * 100)}% of requests (all 7 kinds), ${N} orders, full + incremental`,
    async (r) => {
      const result = await twoRuns({
        name: 'soak-faults',
        sandbox: {
          orders: N,
          itemsPerOrder: 3,
          seed: argv.seed,
          faultRate: argv['fault-rate'],
          slowMs: 2500,
          retryAfterSeconds: 1,
        },
        config: {
          page_size: 50,
          concurrency: 4,
          request_timeout: 1,
          retry_initial_delay: 0.1,
          retry_max_delay: 1,
          max_retries: 10,
        },
        second: { faultRate: argv['fault-rate'] },
        editBetween: [Math.round(N / 50), Math.round(N / 200)],
        timeoutMs: 900_000,
      });
      addRuns(r, result.runs);
      r.requests += requests(result.firstStats) + requests(result.secondStats);
      const faults = result.firstStats.faultsTotal + result.secondStats.faultsTotal;
      r.faults += faults;
      const failedRuns = result.runs.filter((run) => !ok(run)).length;
      if (failedRuns === 0 && isExact(result.afterSecond)) r.faultsSurvived += faults;
      r.failed += failedRuns;
      addDiffs(r, result.afterFirst);
      addDiffs(r, result.afterSecond);
      const first = result.firstStats.faults as Record<string, number>;
      const second = result.secondStats.faults as Record<string, number>;
      const byKind = Object.fromEntries(Object.keys(first).map((k) => [k, first[k]! + second[k]!]));
      r.notes.push(`faults by kind: ${JSON.stringify(byKind)}`);
    },
  );

  await section(
    '1b. retries exhausted (500, 503, reset, slow): clear failure, resume from its last STATE',
    async (r) => {
      for (const kind of ['500', '503', 'reset', 'slow'] as const) {
        const result = await retriesExhausted({
          name: `soak-exhausted-${kind}`,
          kind,
          afterStates: 5,
          sandbox: { orders: Math.round(N / 4), itemsPerOrder: 2, seed: argv.seed + 1, latencyMs: 5, slowMs: 2000 },
          config: { page_size: 100, concurrency: 1, request_timeout: 0.5, state_every_records: 1 },
        });
        addRuns(r, result.runs);
        r.requests += requests(result.stats);
        r.faults += result.faultsInjected;
        const errors = errorLines(result.failed.stderr);
        const clear =
          result.failed.code === 1 &&
          errors.length === 1 &&
          /API_(HTTP|NETWORK)_ERROR: .*after 3 attempt\(s\)/.test(errors[0] ?? '') &&
          !/^\s+at\s/m.test(result.failed.stderr);
        if (!clear) {
          r.failed++;
          r.notes.push(`${kind}: exit ${result.failed.code}, error lines: ${errors.join(' | ').slice(0, 300)}`);
        }
        if (!ok(result.resumed)) r.failed++;
        addDiffs(r, result.afterResume);
      }
      r.notes.push(
        'faults here are meant to exhaust the retries: each run fails on purpose, then its last STATE is resumed',
      );
    },
  );

  // 2. Kill and resume ------------------------------------------------------------------------------------
  await section(
    `2. kill -9 at random moments (${argv.kills}), resume from the last STATE, edits between runs`,
    async (r) => {
      const result = await killAndResume({
        name: 'soak-kill',
        kills: argv.kills,
        seed: argv.seed,
        sandbox: { orders: Math.round(N / 2), itemsPerOrder: 3, seed: argv.seed + 2, latencyMs: 5 },
        // a page is 200 orders and their 600 lines: a STATE every two pages or so, so that kills land between
        // STATEs (with the default cadence a run of this size sends its first one at the end of the read)
        config: { page_size: 200, concurrency: 4, state_every_records: 1600 },
        minDelayMs: 0,
        maxDelayMs: 2000,
        calibrate: true,
        editBetween: [20, 5],
        onProgress: say,
      });
      addRuns(r, result.runs);
      r.requests += requests(result.stats);
      r.kills += result.kills;
      r.resumes += result.resumes;
      r.failed += result.unexpected.length + result.cycles.filter((c) => !c.complete).length;
      for (const cycle of result.cycles) addDiffs(r, cycle.diffs);
      r.notes.push(
        `${result.cycles.length} cycles (each: killed runs chained by STATE, then one run to the end, compared with ` +
          `truth); ${result.cycles.reduce((n, c) => n + c.killsWithProgress, 0)} kills left a newer STATE to resume ` +
          `from`,
      );
    },
  );
}
