// Soak scenario 6: signals and closed pipes; returns the milliseconds from each to the tap's exit.
import { closedPipe, interrupt, interruptDuringRetry } from '../../test/helpers/reliability-scenarios.js';
import { errorLines } from '../lib/tap-log.js';
import { type SoakArgs, addDiffs, addRuns, ok, requests, section } from './rows.js';

/** SIGTERM and SIGINT mid-run and during a Retry-After wait, and stdout closed. */
export async function interruptScenarios(argv: SoakArgs): Promise<Record<string, number>> {
  const N = argv.orders;
  // 6. Signals and pipes ----------------------------------------------------------------------------------
  const exitTimes: Record<string, number> = {};
  await section('6. SIGTERM / SIGINT mid-run and during a Retry-After wait; stdout closed (EPIPE)', async (r) => {
    for (const [signal, code] of [
      ['SIGTERM', 143],
      ['SIGINT', 130],
    ] as const) {
      const result = await interrupt({
        name: `soak-${signal}`,
        signal,
        afterStates: 5,
        sandbox: { orders: Math.round(N / 4), itemsPerOrder: 2, seed: argv.seed + 6, latencyMs: 10 },
        config: { page_size: 100, concurrency: 4, state_every_records: 1 },
      });
      addRuns(r, result.runs);
      r.requests += requests(result.stats);
      exitTimes[signal] = result.exitMs;
      if (result.interrupted.code !== code || result.lastLine?.type !== 'STATE' || !(result.exitMs < 3000)) {
        r.failed++;
        r.notes.push(
          `${signal}: exit ${result.interrupted.code} after ${result.exitMs} ms, last line ${result.lastLine?.type}`,
        );
      }
      if (!result.resumed || !ok(result.resumed)) r.failed++;
      addDiffs(r, result.afterResume);
    }
    const waiting = await interruptDuringRetry({ name: 'soak-retry-wait', signal: 'SIGTERM', waitMs: 1000 });
    addRuns(r, waiting.runs);
    r.requests += requests(waiting.stats);
    exitTimes['SIGTERM during Retry-After'] = waiting.exitMs;
    if (waiting.interrupted.code !== 143 || waiting.lastLine?.type !== 'STATE' || !(waiting.exitMs < 3000)) r.failed++;
    for (const afterBytes of [1, 500_000]) {
      const piped = await closedPipe({
        name: `soak-epipe-${afterBytes}`,
        afterBytes,
        sandbox: { orders: Math.round(N / 4), itemsPerOrder: 3, seed: argv.seed + 7, latencyMs: 5 },
        config: { page_size: 200, concurrency: 4 },
      });
      addRuns(r, piped.runs);
      r.requests += requests(piped.stats);
      exitTimes[`EPIPE after ${afterBytes} bytes`] = piped.exitMs;
      const errors = errorLines(piped.interrupted.stderr);
      if (
        piped.interrupted.code !== 1 ||
        errors.length !== 1 ||
        !/OUTPUT_CLOSED/.test(errors[0] ?? '') ||
        /^\s+at\s/m.test(piped.interrupted.stderr) ||
        !(piped.exitMs < 3000)
      ) {
        r.failed++;
        r.notes.push(
          `EPIPE after ${afterBytes} bytes: exit ${piped.interrupted.code} after ${piped.exitMs} ms; ` +
            `${errors.join(' | ').slice(0, 200)}`,
        );
      }
    }
    r.notes.push(
      `ms from signal / pipe close to exit: ${Object.entries(exitTimes)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`,
    );
  });
  return exitTimes;
}
