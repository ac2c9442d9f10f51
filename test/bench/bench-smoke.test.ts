// Functional smoke test of `npm run bench`: the built bench in --quick mode writes a JSON report with every
// section. No timing or memory assertions here: the figures are measured by the benchmark itself.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';

const out = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npm run bench -- --quick', () => {
  it('produces a JSON report with all sections and targets', () => {
    const bench = join(REPO_ROOT, 'dist', 'scripts', 'bench.js');
    const run = spawnSync(process.execPath, [bench, '--quick', '--out', out], { encoding: 'utf8', timeout: 110_000 });
    expect(run.status, run.stderr.slice(-2000)).toBe(0);
    const path = join(out, 'latest.json');
    expect(existsSync(path)).toBe(true);
    const report = JSON.parse(readFileSync(path, 'utf8'));
    expect(report.meta).toMatchObject({ mode: 'quick', node: process.version });
    expect(Object.keys(report.sections).sort()).toEqual([
      'floor',
      'heavy',
      'incremental',
      'latency',
      'projection',
      'scale',
      'slow_consumer',
      'throughput',
    ]);
    const { throughput, floor, latency, scale, slow_consumer: slow, incremental, projection } = report.sections;
    expect(throughput.records).toBeGreaterThan(0);
    expect(throughput.requests).toBeGreaterThan(0);
    expect(floor.requests).toBe(throughput.requests);
    expect(floor.outputBytes).toBe(throughput.outputBytes);
    expect(latency.runs.length).toBeGreaterThan(0);
    expect(scale.rows.length).toBe(3);
    expect(slow.rssTimeline.length).toBeGreaterThan(0);
    expect(incremental.afterEdits.records).toBeGreaterThan(0);
    expect(projection.projectedSameRecordsAsWhole).toBe(true);
    expect(projection.fallbackIgnoringServer.sameRecordsAsWhole).toBe(true);
    expect(report.sections.heavy.runs.map((r: { exact: boolean }) => r.exact)).toEqual([true, true]);
    expect(report.targets.length).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'latest.md'), 'utf8')).toContain('### Targets');
  }, 120_000);
});
