// Issue 5, scenario 1: faults. Each fault kind alone on ~30% of requests, then all kinds mixed on 20%: the
// run succeeds and its output is exact. When the retries run out the run fails with one clear line, and
// the last STATE it printed before failing resumes to an exact result.
import { describe, expect, it } from 'vitest';
import type { FaultKind } from '../../sandbox/server.js';
import { retriesExhausted, twoRuns } from '../helpers/reliability-scenarios.js';
import { expectExact, expectNoSecretsInRuns, expectNoStackTrace, expectSucceeded } from '../helpers/reliability.js';

// A 'slow' answer takes 1.5 s; the tap gives up on a response after 0.4 s and asks again.
const FAST_RETRIES = {
  page_size: 50,
  request_timeout: 0.4,
  retry_initial_delay: 0.05,
  retry_max_delay: 0.3,
  max_retries: 8,
};

describe('faults are survived and the result is exact', () => {
  // 429 has its own test below (its Retry-After of 1 s makes it the slow one).
  const kinds: FaultKind[] = ['500', '502', '503', 'reset', 'truncate', 'slow'];
  it.concurrent.each(kinds)('%s on 30 percent of requests', async (kind) => {
    const result = await twoRuns({
      name: `fault-${kind}`,
      sandbox: {
        orders: 300,
        itemsPerOrder: 2,
        seed: 21,
        faultRate: 0.3,
        faultKinds: [kind],
        slowMs: 1500,
        retryAfterSeconds: 1,
      },
      config: { ...FAST_RETRIES, concurrency: 2 },
      second: { faultRate: 0.3 }, // the incremental run also meets faults
      editBetween: [15, 5],
    });
    expectNoSecretsInRuns(result.runs);
    for (const run of result.runs) expectSucceeded(run);
    expect(result.firstStats.faults[kind]).toBeGreaterThanOrEqual(2);
    expect(result.firstStats.faultsTotal).toBe(result.firstStats.faults[kind]);
    expect(result.first.stderr).toMatch(
      /WARNING tap-inventory-planner: GET 127\.0\.0\.1:\d+\/api\/v1\/purchase-orders failed with .*; retry \d+ of \d+ in /,
    );
    expectExact(result.afterFirst, 'after the first run');
    expectExact(result.afterSecond, 'after the incremental run');
  });

  it('429 with Retry-After on 50 percent of requests: waited out, exact', async () => {
    const result = await twoRuns({
      name: 'fault-429-wait',
      sandbox: { orders: 150, itemsPerOrder: 1, seed: 4, faultRate: 0.5, faultKinds: ['429'], retryAfterSeconds: 1 },
      config: { page_size: 50, concurrency: 1, retry_initial_delay: 0.01, retry_max_delay: 0.01 },
      second: { faultRate: 0.5 },
      editBetween: [10, 3],
    });
    expectNoSecretsInRuns(result.runs);
    for (const run of result.runs) expectSucceeded(run);
    const faults = result.firstStats.faults['429'];
    expect(faults).toBeGreaterThanOrEqual(2);
    // one request at a time, and each 429 says "wait 1 s": the backoff settings (10 ms) must not win
    expect(result.first.seconds).toBeGreaterThanOrEqual(faults * 0.95);
    expectExact(result.afterFirst, 'after the first run');
    expectExact(result.afterSecond, 'after the incremental run');
  });

  it('all fault kinds mixed on 20% of requests, with the windowed parallel reader', async () => {
    const result = await twoRuns({
      name: 'fault-mix',
      sandbox: { orders: 2500, itemsPerOrder: 2, seed: 8, faultRate: 0.2, slowMs: 1500, retryAfterSeconds: 1 },
      config: { ...FAST_RETRIES, page_size: 100, concurrency: 4 },
      second: { faultRate: 0.2 },
      editBetween: [40, 10],
    });
    expectNoSecretsInRuns(result.runs);
    for (const run of result.runs) expectSucceeded(run);
    expect(result.first.stderr).toMatch(/parallel last_modified windows/);
    expect(result.firstStats.faultsTotal / result.firstStats.requests).toBeGreaterThan(0.1);
    expect(Object.values(result.firstStats.faults).filter((n) => n > 0).length).toBeGreaterThanOrEqual(4);
    expectExact(result.afterFirst, 'after the first run');
    expectExact(result.afterSecond, 'after the incremental run');
  });
});

describe('retries exhausted: a clear failure, and the STATE before it is safe', () => {
  const cases: [FaultKind, RegExp][] = [
    [
      '500',
      new RegExp(
        /CRITICAL tap-inventory-planner: API_HTTP_ERROR: GET \/purchase-orders failed with HTTP 500 /.source +
          /after 3 attempt\(s\).*run again later \(the last STATE is safe to resume from\)/.source,
      ),
    ],
    [
      '503',
      new RegExp(
        /CRITICAL tap-inventory-planner: API_HTTP_ERROR: GET \/purchase-orders failed with HTTP 503 /.source +
          /after 3 attempt\(s\): an HTML error page/.source,
      ),
    ],
    [
      'reset',
      new RegExp(
        /CRITICAL tap-inventory-planner: API_NETWORK_ERROR: GET \/purchase-orders failed \(ECONNRESET\) /.source +
          /after 3 attempt\(s\).*last STATE is safe/.source,
      ),
    ],
    [
      'slow',
      new RegExp(
        /CRITICAL tap-inventory-planner: API_NETWORK_ERROR: GET \/purchase-orders timed out after 0.4s /.source +
          /after 3 attempt\(s\).*raise request_timeout/.source,
      ),
    ],
  ];
  it.concurrent.each(cases)('%s on every request after the third STATE', async (kind, line) => {
    const result = await retriesExhausted({
      name: `exhausted-${kind}`,
      sandbox: { orders: 600, itemsPerOrder: 2, seed: 5, latencyMs: 10, slowMs: 1500 },
      kind,
      afterStates: 3,
      config: { page_size: 50, concurrency: 1, request_timeout: 0.4, state_every_records: 1 },
    });
    expectNoSecretsInRuns(result.runs);
    expect(result.failed.code).toBe(1);
    expectNoStackTrace(result.failed);
    const errors = result.failed.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(line);
    expect(result.failed.stdout.endsWith('\n')).toBe(true);
    expect(result.statesBeforeFailure).toBeGreaterThanOrEqual(3);
    expect(result.faultsInjected).toBeGreaterThanOrEqual(3);
    expectSucceeded(result.resumed);
    expectExact(result.afterResume, 'failed run + run resumed from its last STATE');
  });

  it(
    '500 on every request while 4 parallel windows read: ' + 'still one clear line, and the STATE before it is safe',
    async () => {
      const result = await retriesExhausted({
        name: 'exhausted-windows',
        sandbox: { orders: 4000, itemsPerOrder: 1, seed: 6, latencyMs: 2 },
        kind: '500',
        afterStates: 2,
        config: {
          page_size: 400,
          concurrency: 4,
          retry_initial_delay: 0.01,
          retry_max_delay: 0.02,
          state_every_records: 1,
        },
      });
      expectNoSecretsInRuns(result.runs);
      expect(result.failed.code).toBe(1);
      expectNoStackTrace(result.failed);
      const errors = result.failed.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        new RegExp(
          /CRITICAL tap-inventory-planner: API_HTTP_ERROR: /.source +
            /GET \/purchase-orders failed with HTTP 500 after 3 attempt\(s\)/.source,
        ),
      );
      expect(result.failed.stderr).toMatch(/parallel last_modified windows/);
      expectSucceeded(result.resumed);
      expectExact(result.afterResume, 'failed run + run resumed from its last STATE');
    },
  );
});
