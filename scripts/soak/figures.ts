// The soak's figures: totals over every row, the table (stdout) and out/soak.json.
import { cpus, totalmem } from 'node:os';
import { BAD_INPUT_CASES } from '../../test/helpers/reliability-cases.js';
import { markdownTable } from '../lib/markdown.js';
import { writeJson } from '../lib/tap-process.js';
import { type CollectionSoakRow, collectionTable } from './collections.js';
import { type Row, type SoakArgs, allRuns, rows, say } from './rows.js';

export interface SoakFigures {
  started: number;
  bad: { handled: number; total: number };
  exitTimes: Record<string, number>;
  quirks: Record<string, unknown>;
  leaks: string[];
  collections: CollectionSoakRow[];
}

/** Prints the summary, writes every figure to `argv.out`; true when every loss column is zero. */
export function report(argv: SoakArgs & { out: string; variants: number }, fig: SoakFigures): boolean {
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
    badInputsHandled: fig.bad.handled,
    badInputRuns: fig.bad.total,
    badInputCases: BAD_INPUT_CASES.length,
    secretLeaks: fig.leaks.length,
    tapRuns: allRuns.length,
    seconds: (Date.now() - fig.started) / 1000,
  };
  const machine = {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    ramGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  const command =
    `npm run soak -- --orders ${argv.orders} --kills ${argv.kills} --fault-rate ${argv['fault-rate']} ` +
    `--seed ${argv.seed} --variants ${argv.variants}`;

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
  const totalRow = [
    '**total**',
    totals.tapRuns,
    totals.requests,
    totals.faultsInjected,
    totals.faultsSurvived,
    totals.kills,
    totals.resumes,
    totals.editedMidRun,
    totals.expected,
    totals.missing,
    totals.extra,
    totals.mismatched,
    totals.failed,
    totals.seconds.toFixed(0),
  ];
  const table = markdownTable(
    cols.map(([h]) => h),
    [...rows.map((r) => cols.map(([, f]) => f(r))), totalRow],
    true,
  ).join('\n');

  const lossFree =
    totals.missing === 0 &&
    totals.extra === 0 &&
    totals.mismatched === 0 &&
    totals.failed === 0 &&
    totals.secretLeaks === 0;
  const summary = [
    '',
    `Soak ${machine.date} on ${machine.nproc} CPU (${machine.cpu}), ${machine.ramGiB} GiB RAM, Node ` +
      `${machine.node}: ${command}`,
    '',
    table,
    '',
    collectionTable(fig.collections),
    '',
    `requests made: ${totals.requests}`,
    `faults injected: ${totals.faultsInjected} (survived in runs meant to succeed: ${totals.faultsSurvived}; the ` +
      `rest exhausted retries on purpose)`,
    `kills -9: ${totals.kills}, resumes from a STATE: ${totals.resumes}`,
    `orders edited or created mid-run: ${totals.editedMidRun}`,
    `records expected ${totals.expected}, missing ${totals.missing}, extra ${totals.extra}, mismatched ` +
      `${totals.mismatched}`,
    `bad inputs handled: ${totals.badInputsHandled}/${totals.badInputRuns} runs (${totals.badInputCases} cases x ` +
      `info and debug)`,
    `secret leaks: ${totals.secretLeaks}${fig.leaks.length ? ` (${fig.leaks.slice(0, 3).join('; ')})` : ''}`,
    `checks failed: ${totals.failed}`,
    '',
    lossFree ? 'RESULT: zeros in every loss column.' : 'RESULT: LOSS OR FAILURE, see the rows above and out/soak.json.',
  ].join('\n');
  process.stdout.write(`${summary}\n`);
  writeJson(argv.out, {
    machine,
    command,
    totals,
    exitTimesMs: fig.exitTimes,
    quirks: fig.quirks,
    scenarios: rows,
    collections: fig.collections,
    leaks: fig.leaks,
  });
  say(`figures written to ${argv.out}`);
  return lossFree;
}
