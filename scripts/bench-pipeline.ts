// `npm run bench:pipeline`: the main job, tap | target-postgres, on the sandbox (default 20,000 orders + 5,000
// variants, every default stream), RECORD messages against BATCH files, with the target's defaults, with
// validate_records: false, with use_copy: true, and with both (meltano.yml's settings). Prints the end-to-end time,
// the tap's and the target's CPU and peak RSS (GNU time), checks that every variant loaded the same rows as the
// first, and writes bench-results/pipeline-latest.json.
//   npm run bench:pipeline -- --orders 2000 --variants 500     smaller
//   npm run bench:pipeline -- --only record,batch              some variants of the run
//   npm run bench:pipeline -- --state-every-records 1           the tap's checkpoint cadence (default: its own)
//   npm run bench:pipeline -- --batch-size 50000                 batch_config.batch_size (default: the tap's, 50,000)
// Needs scripts/setup-loaders.sh (target-postgres in .venv-loaders) and PostgreSQL on 127.0.0.1:5432.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.js';
import { STREAMS as REGISTRY } from '../src/streams/index.js';
import { REPO_ROOT, TAP_BIN, writeJson } from './lib/tap-process.js';

const TARGET = join(REPO_ROOT, '.venv-loaders', 'bin', 'target-postgres');
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' };
/** The tables a default run loads: every stream selected by default. */
const STREAMS = REGISTRY.filter((s) => s.descriptor.selectedByDefault !== false).map((s) => s.descriptor.name);
/**
 * Left out of the comparison: what the target fills itself at load time (on the RECORD path only), and what
 * differs from one run to the next by design (the run's sync time, and the table version, the run's start).
 */
const PER_RUN = [
  '_sdc_received_at',
  '_sdc_batched_at',
  '_sdc_sequence',
  '_sdc_sync_started_at',
  '_sdc_extracted_at',
  '_sdc_table_version',
  '__synced_at',
];

const VARIANTS = {
  record: { batch: false, target: {} },
  'record-novalidate': { batch: false, target: { validate_records: false } },
  batch: { batch: true, target: {} },
  'batch-novalidate': { batch: true, target: { validate_records: false } },
  // target-postgres's use_copy: COPY instead of INSERT statements for every batch it loads
  'record-copy': { batch: false, target: { use_copy: true } },
  'batch-copy': { batch: true, target: { use_copy: true } },
  // the target settings of the project's meltano.yml
  'record-meltano': { batch: false, target: { validate_records: false, use_copy: true } },
  'batch-meltano': { batch: true, target: { validate_records: false, use_copy: true } },
} as const;
type Variant = keyof typeof VARIANTS;

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const orders = Number(option('orders') ?? 20_000);
const variants = Number(option('variants') ?? 5_000);
const only = (option('only')?.split(',') ?? Object.keys(VARIANTS)) as Variant[];
const stateEveryRecords = option('state-every-records');
const batchSize = option('batch-size');

interface Usage {
  seconds: number;
  user: number;
  sys: number;
  rssMB: number;
}
interface Result {
  variant: Variant;
  seconds: number;
  tap: Usage;
  target: Usage;
  rows: Record<string, number>;
  /** Rows without a table version (ACTIVATE_VERSION deletes them in target-postgres): must be 0. */
  unversioned: number;
  files: number;
  filesMB: number;
  sameRowsAsFirst: boolean | null;
}

function psql(sql: string): string {
  return execFileSync('psql', ['-h', PG.host, '-U', PG.user, '-d', PG.database, '-X', '-At', '-c', sql], {
    encoding: 'utf8',
    env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' },
  }).trim();
}

function usage(file: string): Usage {
  const [seconds, user, sys, kb] = readFileSync(file, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { seconds: seconds!, user: user!, sys: sys!, rssMB: Math.round(kb! / 1024) };
}

function pipeline(tapConfig: string, targetConfig: string, work: string): Promise<number> {
  const time = (out: string) => `/usr/bin/time -f '%e %U %S %M' -o ${out}`;
  const command = `set -o pipefail; ${time(join(work, 'tap.time'))} ${TAP_BIN} --config ${tapConfig} 2>${join(work, 'tap.log')} | ${time(join(work, 'target.time'))} ${TARGET} --config ${targetConfig} >${join(work, 'state.json')} 2>${join(work, 'target.log')}`;
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', command], { stdio: 'inherit' });
    child.on('close', (code) =>
      code === 0 ? resolve((Date.now() - started) / 1000) : reject(new Error(`pipeline failed (${code}); see ${work}`)),
    );
  });
}

/** Rows of one schema's table that another's lacks, over the columns both load (target-only columns aside). */
function differing(a: string, b: string, table: string): number {
  const columns = psql(
    `select string_agg(quote_ident(column_name), ',' order by column_name) from information_schema.columns where table_schema = '${a}' and table_name = '${table}' and column_name not in (${PER_RUN.map((c) => `'${c}'`).join(',')})`,
  );
  const diff = (x: string, y: string) =>
    `select ${columns} from "${x}".${table} except select ${columns} from "${y}".${table}`;
  return Number(psql(`select (select count(*) from (${diff(a, b)}) d) + (select count(*) from (${diff(b, a)}) e)`));
}

async function main(): Promise<void> {
  const sandbox = await startSandbox({ orders, variants, seed: 1 });
  const results: Result[] = [];
  const schemas: string[] = [];
  try {
    for (const variant of only) {
      const { batch, target } = VARIANTS[variant];
      const work = mkdtempSync(join(tmpdir(), `bench-pipeline-${variant}-`));
      const root = join(work, 'batches');
      const schema = `tip_bench_${variant.replaceAll('-', '_')}_${process.pid}`;
      schemas.push(schema);
      psql(`drop schema if exists "${schema}" cascade`);
      const tapConfig = writeJson(join(work, 'tap.json'), {
        api_key: sandbox.apiKey,
        account_id: sandbox.accountId,
        base_url: sandbox.baseUrl,
        ...(stateEveryRecords ? { state_every_records: Number(stateEveryRecords) } : {}),
        ...(batch
          ? {
              batch_config: {
                encoding: { format: 'jsonl', compression: 'gzip' },
                storage: { root: `file://${root}` },
                ...(batchSize ? { batch_size: Number(batchSize) } : {}),
              },
            }
          : {}),
      });
      const targetConfig = writeJson(join(work, 'target.json'), { ...PG, default_target_schema: schema, ...target });
      process.stderr.write(`${variant}: running (${work})\n`);
      const seconds = await pipeline(tapConfig, targetConfig, work);
      const files = batch ? readdirSync(root) : [];
      const bytes = files.reduce((n, f) => n + readFileSync(join(root, f)).length, 0);
      results.push({
        variant,
        seconds,
        tap: usage(join(work, 'tap.time')),
        target: usage(join(work, 'target.time')),
        rows: Object.fromEntries(STREAMS.map((t) => [t, Number(psql(`select count(*) from "${schema}".${t}`))])),
        unversioned: STREAMS.reduce(
          (n, t) => n + Number(psql(`select count(*) from "${schema}".${t} where _sdc_table_version is null`)),
          0,
        ),
        files: files.length,
        filesMB: Math.round(bytes / 1e5) / 10,
        sameRowsAsFirst: schemas.length === 1 ? null : STREAMS.every((t) => differing(schemas[0]!, schema, t) === 0),
      });
      rmSync(work, { recursive: true, force: true });
    }
  } finally {
    for (const schema of schemas) psql(`drop schema if exists "${schema}" cascade`);
    await sandbox.close();
  }
  const base = results.find((r) => r.variant === 'record');
  const lines = [
    `tap | target-postgres, ${orders} orders + ${variants} variants${stateEveryRecords ? `, state_every_records ${stateEveryRecords}` : ''} (${Object.values(results[0]?.rows ?? {}).reduce((a, b) => a + b, 0)} rows), ${cpus().length} cores, load ${loadavg()[0]!.toFixed(1)}`,
    '| variant | end to end s | vs record | tap CPU s | tap RSS MB | target CPU s | target RSS MB | files (MB) | rows as first | unversioned |',
    '|:--|--:|--:|--:|--:|--:|--:|--:|:--|--:|',
    ...results.map(
      (r) =>
        `| ${r.variant} | ${r.seconds.toFixed(1)} | ${base ? `${(base.seconds / r.seconds).toFixed(2)}x` : ''} | ${(r.tap.user + r.tap.sys).toFixed(1)} | ${r.tap.rssMB} | ${(r.target.user + r.target.sys).toFixed(1)} | ${r.target.rssMB} | ${r.files ? `${r.files} (${r.filesMB})` : ''} | ${r.sameRowsAsFirst === null ? 'first' : r.sameRowsAsFirst ? 'equal' : 'DIFFERENT'} | ${r.unversioned} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  writeJson(join(REPO_ROOT, 'bench-results', 'pipeline-latest.json'), { orders, variants, results });
  if (results.some((r) => r.sameRowsAsFirst === false || r.unversioned > 0)) process.exitCode = 1;
}

await main();
