// The Singer targets docs/targets.md compares, as scripts/setup-loaders.sh installs them: where each one's
// program is, the config a user gives it for a fresh destination, and how to read back what it loaded.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT, writeJson } from './tap-process.js';

export type Row = Record<string, unknown>;
const VENVS = join(REPO_ROOT, '.venv-loaders');
const TARGET_VENVS = join(VENVS, 'targets');
const READER = join(REPO_ROOT, 'scripts', 'lib', 'read_target.py');
const FAKESNOW_READER = join(REPO_ROOT, 'test', 'loaders', 'fakesnow', 'read_fakesnow.py');
const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '' };

export interface Destination {
  /** The target's --config file. */
  config: string;
  env: NodeJS.ProcessEnv;
  /** What the target loaded: table -> rows (values as its reader gives them). */
  read(): Promise<Record<string, Row[]>>;
}

export interface TargetUnderTest {
  name: string;
  /** The pip requirement installed (scripts/setup-loaders.sh). */
  pip: string;
  bin: string;
  /** A fresh destination in `dir` (a folder of its own); `id` is unique per destination (a schema name). */
  destination(dir: string, id: string, extra?: Row): Destination;
}

export function runProgram(
  cmd: string,
  args: string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

async function readJson(cmd: string, args: string[]): Promise<Record<string, Row[]>> {
  const r = await runProgram(cmd, args);
  if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.stderr.slice(-1500)}`);
  return JSON.parse(r.stdout) as Record<string, Row[]>;
}

async function psqlJson<T>(sql: string): Promise<T> {
  const r = await runProgram('psql', ['-h', PG.host, '-U', PG.user, '-d', 'postgres', '-X', '-At', '-c', sql]);
  if (r.code !== 0) throw new Error(`psql: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

async function readPostgres(schema: string): Promise<Record<string, Row[]>> {
  const tables = await psqlJson<string[]>(
    `select coalesce(json_agg(table_name), '[]') from information_schema.tables where table_schema = '${schema}'`,
  );
  const out: Record<string, Row[]> = {};
  for (const t of tables)
    out[t] = await psqlJson<Row[]>(`select coalesce(json_agg(t), '[]') from "${schema}"."${t}" t`);
  return out;
}

const venvBin = (venv: string, exe: string) => join(TARGET_VENVS, venv, 'bin', exe);
const venvPython = (venv: string) => join(TARGET_VENVS, venv, 'bin', 'python');

/** Every target of the comparison. `installed` in scripts/setup-loaders.sh: the suite's two, or --all-targets. */
export const TARGETS: TargetUnderTest[] = [
  {
    name: 'target-postgres (MeltanoLabs)',
    pip: 'meltanolabs-target-postgres==0.8.1',
    bin: join(VENVS, 'bin', 'target-postgres'),
    destination: (dir, id, extra = {}) => ({
      config: writeJson(join(dir, 'target.json'), {
        ...PG,
        database: 'postgres',
        default_target_schema: id,
        validate_records: false,
        ...extra,
      }),
      env: {},
      read: () => readPostgres(id),
    }),
  },
  {
    name: 'target-snowflake (MeltanoLabs, on fakesnow)',
    pip: 'meltanolabs-target-snowflake==0.20.4',
    bin: join(VENVS, 'bin', 'target-snowflake-fakesnow'),
    destination: (dir, id, extra = {}) => ({
      config: writeJson(join(dir, 'target.json'), {
        account: 'fake-account',
        user: 'fake-user',
        password: 'fake-password',
        database: 'TIP',
        schema: id,
        ...extra,
      }),
      env: { FAKESNOW_DB_PATH: dir },
      read: async () =>
        (
          (await readJson(join(VENVS, 'snowflake', 'bin', 'python'), [
            FAKESNOW_READER,
            dir,
            'TIP',
            id.toUpperCase(),
          ])) as unknown as { rows: Record<string, Row[]> }
        ).rows,
    }),
  },
  {
    name: 'pipelinewise-target-postgres',
    pip: 'pipelinewise-target-postgres==2.1.2',
    bin: venvBin('pipelinewise-postgres', 'target-postgres'),
    destination: (dir, id, extra = {}) => ({
      // It refuses an empty password, even where the server asks for none (trust auth here).
      config: writeJson(join(dir, 'target.json'), {
        ...PG,
        password: 'unused',
        dbname: 'postgres',
        default_target_schema: id,
        ...extra,
      }),
      env: {},
      read: () => readPostgres(id),
    }),
  },
  duckdbTarget('target-duckdb', 'target-duckdb==0.8.0 duckdb==2.0.1', 'duckdb'),
  duckdbTarget('target-duckdb, duckdb 1.2.2', 'target-duckdb==0.8.0 duckdb==1.2.2', 'duckdb-1.2'),
  csvTarget('target-csv (MeltanoLabs)', {}),
  csvTarget('target-csv, append_records and add_record_metadata', {
    overwrite_behavior: 'append_records',
    add_record_metadata: true,
  }),
  {
    name: 'target-sqlite',
    pip: 'target-sqlite==0.2.0 (Python 3.9: it fails on 3.10 and later)',
    bin: venvBin('sqlite', 'target-sqlite'),
    destination: (dir, _id, extra = {}) => ({
      // The target adds .db to the name.
      config: writeJson(join(dir, 'target.json'), { database: join(dir, 'tip'), ...extra }),
      env: {},
      read: () => readJson(venvPython('sqlite'), [READER, 'sqlite', join(dir, 'tip.db')]),
    }),
  },
  {
    name: 'target-jsonl',
    pip: 'target-jsonl==0.1.4',
    bin: venvBin('jsonl', 'target-jsonl'),
    destination: (dir, _id, extra = {}) => ({
      config: writeJson(join(dir, 'target.json'), {
        destination_path: join(dir, 'out'),
        do_timestamp_file: false,
        ...extra,
      }),
      env: {},
      read: () => readJson(venvPython('jsonl'), [READER, 'jsonl', join(dir, 'out')]),
    }),
  },
];

function duckdbTarget(name: string, pip: string, venv: string): TargetUnderTest {
  return {
    name,
    pip,
    bin: venvBin(venv, 'target-duckdb'),
    destination: (dir, _id, extra = {}) => ({
      config: writeJson(join(dir, 'target.json'), {
        filepath: join(dir, 'tip.duckdb'),
        default_target_schema: 'tip',
        ...extra,
      }),
      env: {},
      read: () => readJson(venvPython(venv), [READER, 'duckdb', join(dir, 'tip.duckdb')]),
    }),
  };
}

function csvTarget(name: string, settings: Row): TargetUnderTest {
  return {
    name,
    pip: 'meltanolabs-target-csv==0.5.0',
    bin: venvBin('csv', 'target-csv'),
    destination: (dir, _id, extra = {}) => ({
      config: writeJson(join(dir, 'target.json'), { output_path: join(dir, 'out'), ...settings, ...extra }),
      env: {},
      read: () => readJson(venvPython('csv'), [READER, 'csv', join(dir, 'out')]),
    }),
  };
}

export function targetNamed(name: string): TargetUnderTest {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) throw new Error(`no target ${name}`);
  return t;
}
