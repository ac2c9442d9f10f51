// Issue 5, scenario 2: kill -9 at random moments, at least 20 times, each restart from the last complete
// STATE the killed run printed, orders edited and created between runs. Every chain of runs that ends in
// a run finishing by itself must, upserted by key, equal the ground truth.
import { describe, expect, it } from 'vitest';
import { killAndResume } from '../helpers/reliability-scenarios.js';
import { expectExact, expectNoSecretsInRuns } from '../helpers/reliability.js';

describe('kill -9 and resume', () => {
  it('20 kills at random moments, resumed from the last STATE each time: exact', async () => {
    const result = await killAndResume({
      name: 'kill-resume',
      sandbox: { orders: 2000, itemsPerOrder: 2, seed: 31, latencyMs: 8 },
      config: { page_size: 100, concurrency: 4 },
      kills: 20,
      minDelayMs: 0,
      maxDelayMs: 400,
      editBetween: [6, 2],
      seed: 5,
      maxRuns: 80,
    });
    expectNoSecretsInRuns(result.runs);
    expect(result.kills).toBeGreaterThanOrEqual(20);
    expect(result.unexpected.map((r) => `${r.label}: exit ${r.code} ${r.stderr.slice(-300)}`)).toEqual([]);
    expect(result.cycles.length).toBeGreaterThanOrEqual(1);
    for (const [i, cycle] of result.cycles.entries()) {
      expect(cycle.complete, `cycle ${i + 1} ended with a run that finished`).toBe(true);
      expectExact(cycle.diffs, `cycle ${i + 1}: ${cycle.runs} runs, ${cycle.kills} killed`);
    }
    // the kills did land mid-run: many restarts resumed from a STATE newer than the one before
    expect(result.cycles.reduce((n, c) => n + c.killsWithProgress, 0)).toBeGreaterThanOrEqual(5);
    expect(result.resumes).toBeGreaterThanOrEqual(result.kills - result.cycles.length);
    expect(result.stats.edits).toBeGreaterThanOrEqual(6 * 20);
  });
});
