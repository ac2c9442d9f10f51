// Issue 5, scenario 6: SIGTERM and SIGINT make the tap print the latest safe STATE and exit non-zero
// within a second or two (also while it waits out a Retry-After); a downstream process that stops reading
// (EPIPE) makes it exit promptly with code 1 and one line, no stack trace, no hang.
import { describe, expect, it } from 'vitest';
import { closedPipe, interrupt, interruptDuringRetry } from '../helpers/reliability-scenarios.js';
import { expectExact, expectNoSecretsInRuns, expectNoStackTrace, expectSucceeded } from '../helpers/reliability.js';

const EXIT_BOUND_MS = 3000; // generous: the figures in RELIABILITY.md say how long it really takes

describe('signals', () => {
  it.concurrent.each([
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)('%s mid-run: latest STATE last, exit %i, resume exact', async (signal, code) => {
    const result = await interrupt({
      name: `signal-${signal}`,
      signal,
      afterStates: 2,
      sandbox: { orders: 3000, itemsPerOrder: 2, seed: 41, latencyMs: 20 },
      config: { page_size: 50, concurrency: 4, state_every_records: 1 },
    });
    expectNoSecretsInRuns(result.runs);
    expect(result.interrupted.code).toBe(code);
    expect(result.interrupted.signal).toBeNull();
    expect(result.exitMs).toBeLessThan(EXIT_BOUND_MS);
    expectNoStackTrace(result.interrupted);
    expect(result.interrupted.stderr).toMatch(
      new RegExp(`WARNING tap-inventory-planner: received ${signal}; writing the latest safe STATE and stopping`),
    );
    expect(result.interrupted.stdout.endsWith('\n')).toBe(true);
    // the last line is a STATE, and not older than any STATE printed before the signal
    expect(result.lastLine?.type).toBe('STATE');
    const last = JSON.stringify(result.lastLine?.value);
    const before = result.statesBeforeSignal.map((s) => JSON.stringify(s));
    expect(before.length).toBeGreaterThanOrEqual(2);
    expect(last >= before[before.length - 1]!).toBe(true);
    expectSucceeded(result.resumed!);
    expectExact(result.afterResume!, `interrupted run + run resumed from the STATE it printed on ${signal}`);
  });

  it('SIGTERM while waiting out a 60 s Retry-After: exits at once with the input STATE', async () => {
    const result = await interruptDuringRetry({ name: 'signal-retry', signal: 'SIGTERM', waitMs: 1000 });
    expectNoSecretsInRuns(result.runs);
    expect(result.interrupted.code).toBe(143);
    expect(result.exitMs).toBeLessThan(EXIT_BOUND_MS);
    expect(result.interrupted.stderr).toMatch(/"http_status_code":429/);
    expect(result.exitMs).toBeGreaterThan(0);
    expect(result.lastLine).toEqual({ type: 'STATE', value: result.statesBeforeSignal[0] });
    expectNoStackTrace(result.interrupted);
  });
});

describe('closed stdout (EPIPE)', () => {
  it.concurrent.each([1, 200_000])(
    'downstream stops reading after %i bytes: exit 1 promptly, one line, no stack',
    async (afterBytes) => {
      const result = await closedPipe({
        name: `epipe-${afterBytes}`,
        afterBytes,
        sandbox: { orders: 4000, itemsPerOrder: 3, seed: 42, latencyMs: 5 },
        config: { page_size: 100, concurrency: 4 },
      });
      expectNoSecretsInRuns(result.runs);
      const run = result.interrupted;
      expect({ code: run.code, signal: run.signal }).toEqual({ code: 1, signal: null });
      expect(result.exitMs).toBeLessThan(EXIT_BOUND_MS);
      expectNoStackTrace(run);
      const errors = run.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        /CRITICAL tap-inventory-planner: OUTPUT_CLOSED: stdout was closed by the downstream process.*check its log/,
      );
      expect(run.stderr).not.toMatch(/finished in/);
    },
  );
});
