// `npm run soak -- [--orders N] [--kills N] [--fault-rate R] [--seed S] [--out FILE]`: the long versions of
// the reliability scenarios of issue 5 (test/reliability/ has the fast ones), against the local sandbox
// with the BUILT tap. Prints one figures table (stderr) and writes every figure to out/soak.json.
// The expected result is zeros in every loss column (missing, extra, mismatched, failed, secret leaks).
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import type { SandboxOptions, SandboxStats } from '../sandbox/server.js';
import { REPO_ROOT, writeJson } from './lib/tap-process.js';
import { collectionTable, soakCollections, type CollectionSoakRow } from './soak-collections.js';
import {
  BAD_INPUT_CASES,
  caseSecrets,
  failureProblems,
  runBadInput,
  startBadApi,
  type CaseContext,
} from '../test/helpers/reliability-cases.js';
import { futureSummary, quirkRuns, repeatedIdSummary, unreadableSummary } from '../test/helpers/quirk-scenarios.js';
import {
  closedPipe,
  interrupt,
  interruptDuringRetry,
  isExact,
  killAndResume,
  newDir,
  retriesExhausted,
  RELIABILITY_API_KEY,
  secretLeaks,
  startReliabilitySandbox,
  twoRuns,
  type Run,
  type StreamDiff,
  type TwoRunResult,
} from '../test/helpers/reliability-scenarios.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('soak')
  .options({
    orders: { type: 'number', default: 20_000, describe: 'orders in the big sandboxes' },
    kills: { type: 'number', default: 25, describe: 'kill -9 of the tap at random moments' },
    'fault-rate': { type: 'number', default: 0.2, describe: 'share of requests that fail' },
    seed: { type: 'number', default: 1, describe: 'sandbox data and kill-schedule seed' },
    variants: { type: 'number', default: 3000, describe: 'variants in the collection scenarios (section 10)' },
    out: { type: 'string', default: join(REPO_ROOT, 'out', 'soak.json') },
  })
  .strict()
  .help()
  .parseAsync();

const N = argv.orders;
const say = (line = ''): boolean => process.stderr.write(`${line}\n`);

interface Row {
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

const rows: Row[] = [];
const allRuns: Run[] = [];
const started = Date.now();

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

function addDiffs(r: Row, diffs: StreamDiff[] | undefined): void {
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

function addRuns(r: Row, runs: Run[]): void {
  r.runs += runs.length;
  allRuns.push(...runs);
}

const okRun = (run: Run): boolean => run.code === 0 && run.signal === null && !/ (ERROR|CRITICAL) /.test(run.stderr);
let current: Row | undefined;
/** A run that ended cleanly; otherwise a note with how it ended (its error line, or the first lines of a crash). */
function ok(run: Run): boolean {
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

async function section(name: string, fn: (r: Row) => Promise<void>): Promise<void> {
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
    `  ${r.failed || r.missing || r.extra || r.mismatched ? 'PROBLEM' : 'ok'} in ${r.seconds.toFixed(1)}s: ${r.runs} runs, ${r.requests} requests, expected ${r.expected}, missing ${r.missing}, extra ${r.extra}, mismatched ${r.mismatched}, failed ${r.failed}`,
  );
  for (const note of r.notes.slice(0, 5)) say(`    ${note}`);
}

const requests = (s: SandboxStats | undefined): number => s?.requests ?? 0;

/** A twoRuns() scenario: both runs, their requests, the orders changed mid-run, and the final comparison. */
function addTwoRuns(r: Row, result: TwoRunResult): void {
  addRuns(r, result.runs);
  r.requests += requests(result.firstStats) + requests(result.secondStats);
  r.editedMidRun += result.firstStats.edits + result.firstStats.created;
  r.failed += result.runs.filter((run) => !ok(run)).length;
  addDiffs(r, result.afterSecond);
}

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
    r.notes.push(
      `faults by kind: ${JSON.stringify(Object.fromEntries(Object.keys(result.firstStats.faults).map((k) => [k, (result.firstStats.faults as Record<string, number>)[k]! + (result.secondStats.faults as Record<string, number>)[k]!])))}`,
    );
  },
);

await section('1b. retries exhausted (500, 503, reset, slow): clear failure, resume from its last STATE', async (r) => {
  for (const kind of ['500', '503', 'reset', 'slow'] as const) {
    const result = await retriesExhausted({
      name: `soak-exhausted-${kind}`,
      kind,
      afterStates: 5,
      sandbox: { orders: Math.round(N / 4), itemsPerOrder: 2, seed: argv.seed + 1, latencyMs: 5, slowMs: 2000 },
      config: { page_size: 100, concurrency: 1, request_timeout: 0.5 },
    });
    addRuns(r, result.runs);
    r.requests += requests(result.stats);
    r.faults += result.faultsInjected;
    const errors = result.failed.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
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
});

// 2. Kill and resume ------------------------------------------------------------------------------------
await section(
  `2. kill -9 at random moments (${argv.kills}), resume from the last STATE, edits between runs`,
  async (r) => {
    const result = await killAndResume({
      name: 'soak-kill',
      kills: argv.kills,
      seed: argv.seed,
      sandbox: { orders: Math.round(N / 2), itemsPerOrder: 3, seed: argv.seed + 2, latencyMs: 5 },
      config: { page_size: 200, concurrency: 4 },
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
      `${result.cycles.length} cycles (each: killed runs chained by STATE, then one run to the end, compared with truth); ${result.cycles.reduce((n, c) => n + c.killsWithProgress, 0)} kills left a newer STATE to resume from`,
    );
  },
);

// 3. Edits during the sync ------------------------------------------------------------------------------
for (const [label, concurrency] of [
  ['parallel windows', 4],
  ['one keyset window', 1],
] as const) {
  await section(`3. edits and creations while paging (${label}), ${N} orders`, async (r) => {
    const result = await twoRuns({
      name: `soak-edits-${concurrency}`,
      sandbox: { orders: N, itemsPerOrder: 3, seed: argv.seed + 3, editEvery: 2, editCount: 10, createCount: 3 },
      config: { page_size: 200, concurrency },
      timeoutMs: 900_000,
    });
    addTwoRuns(r, result);
    r.notes.push(
      `after the first run alone: ${result.missingOriginalsAfterFirst} pre-existing orders missing; ${result.afterFirst.map((d) => `${d.stream} missing ${d.missing}/mismatched ${d.mismatched}`).join(', ')}`,
    );
  });
}

// 4. Equal timestamps -----------------------------------------------------------------------------------
for (const [label, sandbox] of [
  ['one block of 2,600 tied orders', { tieBlockSize: 2600, tieBlockCount: 1 }],
  ['five blocks of 2,500', { tieBlockSize: 2500, tieBlockCount: 5 }],
] as const) {
  await section(`4. ${label}, page_size 1000, ${N} orders, edits during the run`, async (r) => {
    const result = await twoRuns({
      name: 'soak-ties',
      sandbox: {
        orders: N,
        itemsPerOrder: 2,
        seed: argv.seed + 4,
        editEvery: 5,
        editCount: 3,
        createCount: 1,
        ...sandbox,
      },
      config: { page_size: 1000, concurrency: 4 },
      editBetween: [50, 10],
      timeoutMs: 600_000,
    });
    addTwoRuns(r, result);
  });
}

// 5. Ignored filter operators ---------------------------------------------------------------------------
for (const ignore of [['gte', 'gt'], ['lt'], ['eq'], ['eq', 'ne', 'eqi', 'gt', 'gte', 'lt', 'lte']] as const) {
  await section(
    `5. server ignores ${ignore.join(',')}, ${Math.round(N / 4)} orders, tie block, edits during the run`,
    async (r) => {
      const result = await twoRuns({
        name: `soak-ignore-${ignore.join('')}`,
        sandbox: {
          orders: Math.round(N / 4),
          itemsPerOrder: 2,
          seed: argv.seed + 5,
          tieBlockSize: 1200,
          ignoreOperators: [...ignore],
          editEvery: 4,
          editCount: 3,
          createCount: 1,
        },
        config: { page_size: 500, concurrency: 4 },
        second: { ignoreOperators: [...ignore] },
        editBetween: [20, 5],
        timeoutMs: 600_000,
      });
      addTwoRuns(r, result);
    },
  );
}

// 5b. A server that differs from the API notes (issue 12) ------------------------------------------------
const quirks: [string, SandboxOptions, Record<string, unknown>][] = [
  ['page cap of 300 (meta.limit), default page_size', { pageCap: 300 }, {}],
  [
    'millisecond last_modified, filter values floored to seconds',
    { lmPrecision: 'ms', floorFilters: true },
    { page_size: 250 },
  ],
  [
    'microsecond last_modified, filter values floored to seconds, tie block',
    { lmPrecision: 'us', floorFilters: true, tieBlockSize: 1200 },
    { page_size: 250 },
  ],
  ['1% of orders without last_modified', { nullLastModified: Math.round(N / 400) }, { page_size: 500 }],
  [
    '404 on the single-order request, {} for an empty list',
    { singleOrder404: true, emptyListAsObject: true },
    { page_size: 500 },
  ],
];
for (const [label, quirk, config] of quirks) {
  await section(`5b. ${label}, ${Math.round(N / 4)} orders, edits during the run`, async (r) => {
    const result = await twoRuns({
      name: 'soak-quirk',
      sandbox: {
        orders: Math.round(N / 4),
        itemsPerOrder: 2,
        seed: argv.seed + 7,
        editEvery: 4,
        editCount: 3,
        createCount: 1,
        ...quirk,
      },
      config: { concurrency: 4, ...config },
      second: quirk,
      editBetween: [20, 5],
      timeoutMs: 600_000,
    });
    addTwoRuns(r, result);
    if (/ignored the last_modified|page by page/.test(result.first.stderr)) {
      r.failed++;
      r.notes.push('a false "filter ignored" alarm');
    }
  });
}
await section(
  `5b. heavy orders: ${Math.round(N / 100)} orders of 300-600 lines, an API that ignores fields=, default settings`,
  async (r) => {
    const result = await twoRuns({
      name: 'soak-heavy',
      sandbox: {
        orders: Math.round(N / 100),
        itemsPerOrder: 600,
        itemsPerOrderMin: 300,
        seed: argv.seed + 8,
        ignoreFields: true,
        editEvery: 10,
        editCount: 1,
      },
      editBetween: [5, 1],
      timeoutMs: 900_000,
    });
    addTwoRuns(r, result);
  },
);

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
      config: { page_size: 100, concurrency: 4 },
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
    const errors = piped.interrupted.stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
    if (
      piped.interrupted.code !== 1 ||
      errors.length !== 1 ||
      !/OUTPUT_CLOSED/.test(errors[0] ?? '') ||
      /^\s+at\s/m.test(piped.interrupted.stderr) ||
      !(piped.exitMs < 3000)
    ) {
      r.failed++;
      r.notes.push(
        `EPIPE after ${afterBytes} bytes: exit ${piped.interrupted.code} after ${piped.exitMs} ms; ${errors.join(' | ').slice(0, 200)}`,
      );
    }
  }
  r.notes.push(
    `ms from signal / pipe close to exit: ${Object.entries(exitTimes)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
});

// 7. Bad input ------------------------------------------------------------------------------------------
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
    `${badHandled}/${badTotal} bad-input runs failed the way users need (exit code, one line, what + what to do, no stack, clean stdout)`,
  );
});

// 8. Odd values and shapes (issue 12) ---------------------------------------------------------------------
const quirkFigures: Record<string, unknown> = {};
await section(
  `8. odd values (5% of orders), items keyed by position, repeated line ids, 3 future orders, ${N} orders, 3 runs with edits between`,
  async (r) => {
    const result = await quirkRuns({
      name: 'soak-odd',
      sandbox: {
        orders: N,
        itemsPerOrder: 3,
        seed: argv.seed + 8,
        oddValueRate: 0.05,
        duplicateLineRate: 0.02,
        itemsAsObject: 0.2,
        futureOrders: 3,
      },
      config: { page_size: 500, concurrency: 4 },
      lenientRuns: 3,
      editBetween: [Math.round(N / 50), Math.round(N / 200)],
      timeoutMs: 900_000,
    });
    addRuns(r, result.runs);
    r.requests += result.requests;
    r.failed += result.runs.filter((run) => !ok(run)).length;
    for (const diffs of result.diffs) addDiffs(r, diffs);
    const first = result.lenient[0]!;
    const expected = result.unreadableBefore;
    const reported = unreadableSummary(first.stderr);
    if (JSON.stringify(Object.entries(reported).sort()) !== JSON.stringify(Object.entries(expected).sort())) {
      r.failed++;
      r.notes.push(
        `end summary ${JSON.stringify(reported)} differs from the sandbox's unreadable values ${JSON.stringify(expected)}`,
      );
    }
    if (repeatedIdSummary(first.stderr) !== result.ordersWithRepeatedIds) r.failed++;
    if (futureSummary(first.stderr) !== 3) r.failed++;
    const per = result.lenient.map((run) => Object.values(unreadableSummary(run.stderr)).reduce((a, b) => a + b, 0));
    quirkFigures.unreadablePerRun = per;
    quirkFigures.ordersWithRepeatedIds = result.ordersWithRepeatedIds;
    quirkFigures.futurePerRun = result.lenient.map((run) => futureSummary(run.stderr));
    r.notes.push(
      `unreadable values nulled per run ${per.join(', ')} (first run = the sandbox's ${Object.values(expected).reduce((a, b) => a + b, 0)}, by column ${JSON.stringify(reported)}); orders with repeated item ids ${result.ordersWithRepeatedIds}; future orders warned per run ${quirkFigures.futurePerRun}`,
    );
  },
);

await section(
  `8b. strict_values: two runs stop at the same order, then a lenient run resumes, ${N} orders`,
  async (r) => {
    const result = await quirkRuns({
      name: 'soak-strict',
      sandbox: { orders: N, itemsPerOrder: 3, seed: argv.seed + 9, oddValueRate: 0.0005 },
      config: { page_size: 500, concurrency: 4 },
      strictRuns: 2,
      lenientRuns: 1,
      timeoutMs: 900_000,
    });
    addRuns(r, result.runs);
    r.requests += result.requests;
    const errors = result.strict.map((run) =>
      run.stderr
        .split('\n')
        .filter((l) => / (ERROR|CRITICAL) /.test(l))
        .map((l) => l.replace(/^\S+ /, '')),
    );
    const sameStop = result.strict.every(
      (run, k) =>
        run.code === 1 &&
        errors[k]!.length === 1 &&
        /RECORD_INVALID: /.test(errors[k]![0]!) &&
        errors[k]![0] === errors[0]![0],
    );
    if (!sameStop) {
      r.failed++;
      r.notes.push(
        `strict runs: exit ${result.strict.map((run) => run.code).join(', ')}; ${errors.flat().join(' | ').slice(0, 300)}`,
      );
    } else r.notes.push(`both strict runs: ${errors[0]![0]!.slice(0, 160)}…`);
    if (!ok(result.lenient[0]!)) r.failed++;
    addDiffs(r, result.diffs[0]);
  },
);

// 10. Collections (scripts/soak-collections.ts) -----------------------------------------------------------
const collectionRows: CollectionSoakRow[] = [];
await section(
  `10. collections: ${argv.variants} variants, server behaviours x concurrency 1 and 4, 3 daily runs each`,
  async (r) => {
    collectionRows.push(
      ...(await soakCollections({ variants: argv.variants, seed: argv.seed, dir: newDir('soak-collections'), say })),
    );
    for (const c of collectionRows) {
      r.runs += c.runs;
      r.requests += c.requests;
      r.expected += c.expected;
      r.missing += c.missing;
      r.extra += c.extra;
      r.mismatched += c.mismatched;
      r.failed += c.failed + c.wronglyDeleted;
      r.notes.push(...c.notes);
    }
  },
);

// 9. Secrets --------------------------------------------------------------------------------------------
const leaks = secretLeaks(allRuns, [RELIABILITY_API_KEY, 'wrong-KEY-0d9a4c77e1']);

// Figures -----------------------------------------------------------------------------------------------
const sum = (key: keyof Row): number =>
  rows.reduce((n, r) => n + (typeof r[key] === 'number' ? (r[key] as number) : 0), 0);
const totals = {
  requests: sum('requests'),
  faultsInjected: sum('faults'),
  faultsSurvived: sum('faultsSurvived'),
  kills: sum('kills'),
  resumes: sum('resumes'),
  editedMidRun: sum('editedMidRun'),
  expected: sum('expected'),
  missing: sum('missing'),
  extra: sum('extra'),
  mismatched: sum('mismatched'),
  failed: sum('failed'),
  badInputsHandled: badHandled,
  badInputRuns: badTotal,
  badInputCases: BAD_INPUT_CASES.length,
  secretLeaks: leaks.length,
  tapRuns: allRuns.length,
  seconds: (Date.now() - started) / 1000,
};
const machine = {
  date: new Date().toISOString(),
  nproc: cpus().length,
  cpu: cpus()[0]?.model ?? '?',
  ramGiB: Math.round(totalmem() / 2 ** 30),
  node: process.version,
  platform: `${process.platform} ${process.arch}`,
};
const command = `npm run soak -- --orders ${N} --kills ${argv.kills} --fault-rate ${argv['fault-rate']} --seed ${argv.seed} --variants ${argv.variants}`;

const cols: [string, (r: Row) => string | number][] = [
  ['scenario', (r) => r.scenario],
  ['runs', (r) => r.runs],
  ['requests', (r) => r.requests],
  ['faults', (r) => r.faults],
  ['survived', (r) => r.faultsSurvived],
  ['kills', (r) => r.kills],
  ['resumes', (r) => r.resumes],
  ['edited mid-run', (r) => r.editedMidRun],
  ['expected', (r) => r.expected],
  ['missing', (r) => r.missing],
  ['extra', (r) => r.extra],
  ['mismatched', (r) => r.mismatched],
  ['failed', (r) => r.failed],
  ['s', (r) => r.seconds.toFixed(0)],
];
const table = [
  `| ${cols.map(([h]) => h).join(' | ')} |`,
  `|${cols.map(([_h], i) => (i === 0 ? '---' : '--:')).join('|')}|`,
  ...rows.map((r) => `| ${cols.map(([, f]) => f(r)).join(' | ')} |`),
  `| **total** | ${totals.tapRuns} | ${totals.requests} | ${totals.faultsInjected} | ${totals.faultsSurvived} | ${totals.kills} | ${totals.resumes} | ${totals.editedMidRun} | ${totals.expected} | ${totals.missing} | ${totals.extra} | ${totals.mismatched} | ${totals.failed} | ${totals.seconds.toFixed(0)} |`,
].join('\n');

const lossFree =
  totals.missing === 0 &&
  totals.extra === 0 &&
  totals.mismatched === 0 &&
  totals.failed === 0 &&
  totals.secretLeaks === 0;
const summary = [
  '',
  `Soak ${machine.date} on ${machine.nproc} CPU (${machine.cpu}), ${machine.ramGiB} GiB RAM, Node ${machine.node}: ${command}`,
  '',
  table,
  '',
  collectionTable(collectionRows),
  '',
  `requests made: ${totals.requests}`,
  `faults injected: ${totals.faultsInjected} (survived in runs meant to succeed: ${totals.faultsSurvived}; the rest exhausted retries on purpose)`,
  `kills -9: ${totals.kills}, resumes from a STATE: ${totals.resumes}`,
  `orders edited or created mid-run: ${totals.editedMidRun}`,
  `records expected ${totals.expected}, missing ${totals.missing}, extra ${totals.extra}, mismatched ${totals.mismatched}`,
  `bad inputs handled: ${totals.badInputsHandled}/${totals.badInputRuns} runs (${totals.badInputCases} cases x info and debug)`,
  `secret leaks: ${totals.secretLeaks}${leaks.length ? ` (${leaks.slice(0, 3).join('; ')})` : ''}`,
  `checks failed: ${totals.failed}`,
  '',
  lossFree ? 'RESULT: zeros in every loss column.' : 'RESULT: LOSS OR FAILURE, see the rows above and out/soak.json.',
].join('\n');
process.stdout.write(`${summary}\n`);
writeJson(argv.out, {
  machine,
  command,
  totals,
  exitTimesMs: exitTimes,
  quirks: quirkFigures,
  scenarios: rows,
  collections: collectionRows,
  leaks,
});
say(`figures written to ${argv.out}`);
process.exitCode = lossFree ? 0 : 1;
