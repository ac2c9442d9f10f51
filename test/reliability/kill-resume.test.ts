// Issue 5, scenario 2: kill -9 at random moments, at least 20 times, each restart from the last complete
// STATE the killed run printed, orders edited and created between runs. Every chain of runs that ends in
// a run finishing by itself must, upserted by key, equal the ground truth. STATE is held between checkpoints
// (state_every_records), so most kills land between two STATEs, after records no STATE covers yet.
import { describe, expect, it } from 'vitest';
import { killAndResume } from '../helpers/reliability-scenarios.js';
import { completeLines } from '../helpers/reliability-runs.js';
import { expectExact, expectNoSecretsInRuns } from '../helpers/reliability.js';

/** Per run: the purchase-order RECORD lines before each STATE line since the one before, then after the last. */
function recordsBetweenStates(stdout: string): number[] {
  const gaps = [0];
  for (const line of completeLines(stdout)) {
    if (line.startsWith('{"type":"STATE"')) gaps.push(0);
    else if (/^\{"type":"RECORD","stream":"purchase_order/.test(line)) gaps[gaps.length - 1]! += 1;
  }
  return gaps;
}

describe('kill -9 and resume', () => {
  it('20 kills at random moments, resumed from the last STATE each time: exact', async () => {
    const result = await killAndResume({
      name: 'kill-resume',
      sandbox: { orders: 2000, itemsPerOrder: 2, seed: 31, latencyMs: 8 },
      // a page is 100 orders and their 200 lines: a STATE every two pages or so
      config: { page_size: 100, concurrency: 4, state_every_records: 500 },
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
    // STATE was held: 500 records or more before each STATE of the purchase-order read but its last (which ends
    // the read, after fewer); and kills landed after records no STATE covered yet
    const gaps = result.runs.map((r) => recordsBetweenStates(r.stdout));
    const held = gaps.flatMap((g) =>
      g
        .slice(0, -1)
        .filter((n) => n > 0)
        .slice(0, -1),
    );
    expect(held.length).toBeGreaterThan(0); // how many depends on where the kills land; each must be >= 500
    expect(Math.min(...held)).toBeGreaterThanOrEqual(500);
    const killed = result.runs.filter((r) => r.signal === 'SIGKILL');
    expect(killed.filter((r) => recordsBetweenStates(r.stdout).at(-1)! > 0).length).toBeGreaterThanOrEqual(5);
  });
});
