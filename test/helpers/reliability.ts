// vitest side of the reliability scenarios: every process a scenario ran goes through expectNoSecrets,
// and exactness is asserted with the per-stream counts (and a few examples) in the failure message.
import { expect } from 'vitest';
import { expectNoSecrets } from './secrets.js';
import { exactDiff, RELIABILITY_API_KEY, type Run, type StreamDiff } from './reliability-scenarios.js';

/** expectNoSecrets on stdout and stderr of every run; also checks that none of them hung. */
export function expectNoSecretsInRuns(runs: Run[], secrets: string[] = [RELIABILITY_API_KEY]): void {
  expect(runs.length).toBeGreaterThan(0);
  for (const run of runs) expectNoSecrets(run, secrets);
}

export function expectExact(diffs: StreamDiff[], what: string): void {
  expect(diffs.map((d) => d.stream).sort(), what).toEqual(['purchase_order_items', 'purchase_orders']);
  expect(
    diffs.every((d) => d.expected > 0),
    `${what}: the truth is not empty`,
  ).toBe(true);
  expect(diffs, what).toEqual(exactDiff(diffs));
}

/** No stack trace, no internal error text. */
export function expectNoStackTrace(run: Run): void {
  expect(run.stderr, `${run.label}: stack trace on stderr`).not.toMatch(
    /^\s+at\s|node:internal|INTERNAL_ERROR|Unhandled/m,
  );
}

/** A run that finished by itself, cleanly. */
export function expectSucceeded(run: Run): void {
  expect({
    label: run.label,
    code: run.code,
    signal: run.signal,
    critical: run.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l)),
  }).toEqual({ label: run.label, code: 0, signal: null, critical: [] });
}
