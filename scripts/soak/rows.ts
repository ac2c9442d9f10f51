// The soak's rows: one per scenario, with what its runs did and lost, and the helpers that fill them.
import type { SandboxStats } from '../../sandbox/server.js';
import type { Run, StreamDiff, TwoRunResult } from '../../test/helpers/reliability-scenarios.js';
import { errorLines } from '../lib/tap-log.js';

/** What the scenarios read from the command line. */
export interface SoakArgs {
  orders: number;
  kills: number;
  'fault-rate': number;
  seed: number;
}

export const say = (line = ''): boolean => process.stderr.write(`${line}\n`);

export interface Row {
  scenario: string;
  runs: number;
  requests: number;
  faults: number;
  faultsSurvived: number;
  kills: number;
  resumes: number;
  editedMidRun: number;
  expected: number;
  missing: number;
  extra: number;
  mismatched: number;
  /** runs or checks that did not behave as the scenario requires */
  failed: number;
  seconds: number;
  notes: string[];
}

export const rows: Row[] = [];
export const allRuns: Run[] = [];

function row(scenario: string): Row {
  const r: Row = {
    scenario,
    runs: 0,
    requests: 0,
    faults: 0,
    faultsSurvived: 0,
    kills: 0,
    resumes: 0,
    editedMidRun: 0,
    expected: 0,
    missing: 0,
    extra: 0,
    mismatched: 0,
    failed: 0,
    seconds: 0,
    notes: [],
  };
  rows.push(r);
  return r;
}

export function addDiffs(r: Row, diffs: StreamDiff[] | undefined): void {
  if (!diffs) {
    r.failed++;
    return;
  }
  for (const d of diffs) {
    r.expected += d.expected;
    r.missing += d.missing;
    r.extra += d.extra;
    r.mismatched += d.mismatched;
    if (d.examples.length) r.notes.push(...d.examples.slice(0, 2));
  }
}

export function addRuns(r: Row, runs: Run[]): void {
  r.runs += runs.length;
  allRuns.push(...runs);
}

const okRun = (run: Run): boolean => run.code === 0 && run.signal === null && errorLines(run.stderr).length === 0;
let current: Row | undefined;
/** A run that ended cleanly; otherwise a note with how it ended (its error line, or the first lines of a crash). */
export function ok(run: Run): boolean {
  if (okRun(run)) return true;
  const lines = run.stderr.split('\n').filter((l) => l && !/ (DEBUG|INFO) |^INFO METRIC/.test(l));
  current?.notes.push(
    `${run.label}: exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${lines
      .filter((l) => !/WARNING/.test(l))
      .slice(0, 4)
      .join(' / ')
      .slice(0, 400)}`,
  );
  return false;
}

export async function section(name: string, fn: (r: Row) => Promise<void>): Promise<void> {
  const r = row(name);
  current = r;
  const t0 = Date.now();
  say(`- ${name} ...`);
  try {
    await fn(r);
  } catch (error) {
    r.failed++;
    r.notes.push(`scenario crashed: ${(error as Error).stack ?? String(error)}`);
  }
  r.seconds = (Date.now() - t0) / 1000;
  say(
    `  ${r.failed || r.missing || r.extra || r.mismatched ? 'PROBLEM' : 'ok'} in ${r.seconds.toFixed(1)}s: ` +
      `${r.runs} runs, ${r.requests} requests, expected ${r.expected}, missing ${r.missing}, extra ${r.extra}, ` +
      `mismatched ${r.mismatched}, failed ${r.failed}`,
  );
  for (const note of r.notes.slice(0, 5)) say(`    ${note}`);
}

export const requests = (s: SandboxStats | undefined): number => s?.requests ?? 0;

/** A twoRuns() scenario: both runs, their requests, the orders changed mid-run, and the final comparison. */
export function addTwoRuns(r: Row, result: TwoRunResult): void {
  addRuns(r, result.runs);
  r.requests += requests(result.firstStats) + requests(result.secondStats);
  r.editedMidRun += result.firstStats.edits + result.firstStats.created;
  r.failed += result.runs.filter((run) => !ok(run)).length;
  addDiffs(r, result.afterSecond);
}
