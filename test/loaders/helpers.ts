// Shared by the real-loader suite: PostgreSQL through the psql CLI, the tap piped into the real
// target-postgres the way a shell pipe does, Meltano in a throwaway project, and the comparison of
// loaded tables with the sandbox's ground truth. Needs `bash scripts/setup-loaders.sh` first.
import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  copyFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT, TAP_BIN } from '../../scripts/lib/tap-process.js';
import type { Sandbox } from '../../sandbox/server.js';

export { REPO_ROOT, TAP_BIN };
export const LOADERS_BIN = join(REPO_ROOT, '.venv-loaders', 'bin');
export const TARGET_POSTGRES = join(LOADERS_BIN, 'target-postgres');
export const MELTANO = join(LOADERS_BIN, 'meltano');
export const SINGER_CHECK_TAP = join(LOADERS_BIN, 'singer-check-tap');
export const VENV_PYTHON = join(LOADERS_BIN, 'python');
export const PG = { host: '127.0.0.1', port: 5432, user: 'postgres', password: '', database: 'postgres' };
/** PATH with this node first: the tap's shebang is `#!/usr/bin/env node`, and other programs start it by path. */
export const PATH_WITH_NODE = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
/**
 * Meltano's PATH: the loaders' venv and a directory of links to the few system programs Meltano and pip use,
 * and no node, so that a tap that ran at all ran on the Node.js its wheel brought.
 */
export const PATH_WITHOUT_NODE = `${LOADERS_BIN}:${systemToolsWithoutNode()}`;

function systemToolsWithoutNode(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tip-path-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  for (const tool of ['sh', 'bash', 'env', 'uname', 'git']) {
    for (const base of ['/usr/bin', '/bin']) {
      const path = join(base, tool);
      if (existsSync(path) && statSync(path).isFile()) {
        symlinkSync(path, join(dir, tool));
        break;
      }
    }
  }
  return dir;
}

export function requireLoaders(): void {
  for (const bin of [TARGET_POSTGRES, MELTANO, SINGER_CHECK_TAP]) {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run \`bash scripts/setup-loaders.sh\` first`);
  }
  if (!existsSync(TAP_BIN)) throw new Error(`${TAP_BIN} is missing: run \`npm run build\` first`);
}

// ------------------------------------------------------------------------------------------- processes

export interface ProcResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs a program to its end and collects what it printed. */
export function run(
  cmd: string,
  args: string[],
  options: SpawnOptions & { input?: string; timeoutMs?: number } = {},
): Promise<ProcResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...options, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (c: Buffer) => out.push(c));
    child.stderr!.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 240_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        seconds: (Date.now() - started) / 1000,
      });
    });
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ?? '');
  });
}

export interface PipeResult {
  tap: ProcResult;
  target: ProcResult;
  /** RECORD messages per stream that went through the pipe. */
  records: Record<string, number>;
  /** SCHEMA messages per stream. */
  schemas: Record<string, number>;
  /** The last non-empty line target-postgres printed: the bare state value, parsed. */
  state: unknown;
  seconds: number;
  /** The tap got SIGKILL while it was running (killAfterMs). */
  killed: boolean;
}

/**
 * `tap-inventory-planner --config tap.json [...] | target-postgres --config target.json`: both programs
 * spawned, the tap's stdout piped into the target's stdin (and counted on the way), each stderr kept.
 * `targetBin` runs another target instead (target-snowflake on fakesnow).
 */
export function pipeTapToTarget(
  tapArgs: string[],
  targetConfig: string,
  env: NodeJS.ProcessEnv = {},
  targetBin = TARGET_POSTGRES,
  killAfterMs?: number,
): Promise<PipeResult> {
  const started = Date.now();
  const childEnv = { ...process.env, PATH: PATH_WITH_NODE, ...env };
  // The bin itself, as a shell starts it (its shebang runs node with the tap's own flags).
  const tap = spawn(TAP_BIN, tapArgs, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const target = spawn(targetBin, ['--config', targetConfig], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  const records: Record<string, number> = {};
  const schemas: Record<string, number> = {};
  const buffers = {
    tapOut: [] as Buffer[],
    tapErr: [] as Buffer[],
    targetOut: [] as Buffer[],
    targetErr: [] as Buffer[],
  };
  let pending = '';
  let killed = false;
  if (killAfterMs !== undefined) {
    // kill -9 this long after the tap's first byte
    tap.stdout.once('data', () =>
      setTimeout(() => {
        killed = tap.exitCode === null && tap.signalCode === null;
        tap.kill('SIGKILL');
      }, killAfterMs),
    );
  }
  const count = (line: string): void => {
    if (!line.trim()) return;
    const message = JSON.parse(line) as { type?: string; stream?: string };
    if (message.type === 'RECORD') records[message.stream!] = (records[message.stream!] ?? 0) + 1;
    if (message.type === 'SCHEMA') schemas[message.stream!] = (schemas[message.stream!] ?? 0) + 1;
  };
  tap.stdout.on('data', (c: Buffer) => {
    buffers.tapOut.push(c);
    const lines = (pending + c.toString()).split('\n');
    pending = lines.pop()!;
    lines.forEach(count);
  });
  tap.stdout.pipe(target.stdin);
  target.stdin.on('error', () => undefined); // the target died early: its exit code tells
  tap.stderr.on('data', (c: Buffer) => buffers.tapErr.push(c));
  target.stdout.on('data', (c: Buffer) => buffers.targetOut.push(c));
  target.stderr.on('data', (c: Buffer) => buffers.targetErr.push(c));
  const done = (child: ChildProcess, out: Buffer[], err: Buffer[]) =>
    new Promise<ProcResult>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
          seconds: (Date.now() - started) / 1000,
        });
      });
    });
  return Promise.all([
    done(tap, buffers.tapOut, buffers.tapErr),
    done(target, buffers.targetOut, buffers.targetErr),
  ]).then(([t, g]) => {
    if (!killed) count(pending); // a killed tap may have left half a line
    const last = g.stdout
      .split('\n')
      .filter((l) => l.trim())
      .pop();
    return {
      tap: t,
      target: g,
      records,
      schemas,
      state: last === undefined ? undefined : JSON.parse(last),
      seconds: (Date.now() - started) / 1000,
      killed,
    };
  });
}

// ------------------------------------------------------------------------------------------- PostgreSQL

export async function psql(sql: string): Promise<string> {
  const r = await run('psql', [
    '-h',
    PG.host,
    '-p',
    String(PG.port),
    '-U',
    PG.user,
    '-d',
    PG.database,
    '-X',
    '-At',
    '-v',
    'ON_ERROR_STOP=1',
    '-c',
    sql,
  ]);
  if (r.code !== 0) throw new Error(`psql failed (${r.code}): ${r.stderr.trim()}\n${sql}`);
  return r.stdout.trim();
}

export async function psqlJson<T>(sql: string): Promise<T> {
  return JSON.parse(await psql(sql)) as T;
}

/** A new schema name nobody used: tip_<purpose>_<8 hex>. target-postgres creates it. */
export function freshSchemaName(purpose: string): string {
  return `tip_${purpose}_${randomBytes(4).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  await psql(`drop schema if exists "${schema}" cascade`);
}

export async function tablesIn(schema: string): Promise<string[]> {
  return psqlJson<string[]>(
    `select coalesce(json_agg(table_name order by table_name), '[]') from information_schema.tables where ` +
      `table_schema = '${schema}'`,
  );
}

export type Row = Record<string, unknown>;

export async function tableRows(schema: string, table: string): Promise<Row[]> {
  return psqlJson<Row[]>(`select coalesce(json_agg(t), '[]') from "${schema}"."${table}" t`);
}

/** table -> column -> data_type, from information_schema. */
export async function columnTypes(schema: string): Promise<Record<string, Record<string, string>>> {
  const rows = await psqlJson<{ table_name: string; column_name: string; data_type: string }[]>(
    `select coalesce(json_agg(c order by table_name, ordinal_position), '[]') from (select table_name, column_name, ` +
      `data_type, ordinal_position from information_schema.columns where table_schema = '${schema}') c`,
  );
  const out: Record<string, Record<string, string>> = {};
  for (const r of rows) (out[r.table_name] ??= {})[r.column_name] = r.data_type;
  return out;
}

/** table -> primary key columns in key order. */
export async function primaryKeys(schema: string): Promise<Record<string, string[]>> {
  const rows = await psqlJson<{ table_name: string; column_name: string }[]>(
    `select coalesce(json_agg(k order by table_name, ordinal_position), '[]') from (
       select tc.table_name, kcu.column_name, kcu.ordinal_position
       from information_schema.table_constraints tc
       join information_schema.key_column_usage kcu
         on kcu.constraint_schema = tc.constraint_schema and kcu.constraint_name = tc.constraint_name
           and kcu.table_name = tc.table_name
       where tc.table_schema = '${schema}' and tc.constraint_type = 'PRIMARY KEY') k`,
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.table_name] ??= []).push(r.column_name);
  return out;
}

// ------------------------------------------------------------------------------------------- comparison

export interface TableDiff {
  table: string;
  expected: number;
  loaded: number;
  missing: string[];
  extra: string[];
  duplicates: number;
  /** First few value differences. */
  mismatched: { key: string; column: string; expected: unknown; loaded: unknown }[];
  mismatchCount: number;
}

/** A value as an instant/number/string, by the column's Postgres type, so truth and table compare. */
export function normalise(value: unknown, pgType: string | undefined, side: 'truth' | 'pg'): unknown {
  if (value === null || value === undefined) return null;
  if (pgType === 'timestamp without time zone') {
    // truth: toISOString() UTC; Postgres: the UTC wall time without zone, as target-postgres stored it.
    const text = String(value);
    const ms = Date.parse(side === 'pg' && !/(Z|[+-]\d\d:?\d\d)$/.test(text) ? `${text}Z` : text);
    return Number.isNaN(ms) ? `unparseable:${text}` : ms;
  }
  if (pgType === 'numeric' || pgType === 'bigint' || pgType === 'integer' || pgType === 'double precision')
    return Number(value);
  return value;
}

/** Compares a loaded table with truth rows value by value; every truth column must exist in the table. */
export function compareTable(
  table: string,
  loaded: Row[],
  truth: Row[],
  key: string,
  types: Record<string, string>,
): TableDiff {
  const diff: TableDiff = {
    table,
    expected: truth.length,
    loaded: loaded.length,
    missing: [],
    extra: [],
    duplicates: 0,
    mismatched: [],
    mismatchCount: 0,
  };
  const byKey = new Map<string, Row>();
  for (const row of loaded) {
    const k = String(row[key]);
    if (byKey.has(k)) diff.duplicates++;
    byKey.set(k, row);
  }
  const expectedKeys = new Set<string>();
  for (const want of truth) {
    const k = String(want[key]);
    expectedKeys.add(k);
    const got = byKey.get(k);
    if (!got) {
      diff.missing.push(k);
      continue;
    }
    for (const column of Object.keys(want)) {
      const a = normalise(want[column], types[column], 'truth');
      const b = column in got ? normalise(got[column], types[column], 'pg') : '<no such column>';
      if (a !== b) {
        diff.mismatchCount++;
        if (diff.mismatched.length < 5)
          diff.mismatched.push({ key: k, column, expected: want[column], loaded: got[column] });
      }
    }
  }
  for (const k of byKey.keys()) if (!expectedKeys.has(k)) diff.extra.push(k);
  return diff;
}

/** The shape a passing comparison has, to put in a single toEqual (its failure shows the differences). */
export function summary(d: TableDiff) {
  return {
    table: d.table,
    rows: d.loaded,
    missing: d.missing.slice(0, 5),
    extra: d.extra.slice(0, 5),
    duplicates: d.duplicates,
    mismatchCount: d.mismatchCount,
    mismatched: d.mismatched,
  };
}
export function clean(table: string, rows: number) {
  return { table, rows, missing: [], extra: [], duplicates: 0, mismatchCount: 0, mismatched: [] };
}

// ------------------------------------------------------------------------------------------- Meltano

/**
 * A throwaway Meltano project as a user has it: a copy of the repo's meltano.yml and plugins/ (the locked
 * loader definitions), the tap's wheel where meltano.yml's pip_url expects it (dist/wheel/, written by
 * scripts/wheel.mjs from this checkout's dist/), and the include files named in `include` (paths under
 * meltano/) added with include_paths. Nothing (.meltano/, the system DB) lands in the checkout. `meltano
 * install` is left to the caller (`meltano run` installs what is missing).
 */
const projects: string[] = [];
export function meltanoProject(include: string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'tip-meltano-'));
  projects.push(dir);
  copyFileSync(join(REPO_ROOT, 'meltano.yml'), join(dir, 'meltano.yml'));
  cpSync(join(REPO_ROOT, 'plugins'), join(dir, 'plugins'), { recursive: true });
  execFileSync(process.execPath, ['scripts/wheel.mjs', join(dir, 'dist', 'wheel')], { cwd: REPO_ROOT });
  if (include.length) {
    for (const file of include) cpSync(join(REPO_ROOT, file), join(dir, file));
    appendFileSync(join(dir, 'meltano.yml'), `include_paths:\n${include.map((f) => `- ./${f}\n`).join('')}`);
  }
  return dir;
}

/** The tap's venv in a Meltano project: where `meltano install` put the wheel and its Node.js. */
export function tapVenv(project: string): string {
  return join(project, '.meltano', 'extractors', 'tap-inventory-planner', 'venv');
}

/** Removes the throwaway projects. */
export function removeMeltanoProjects(): void {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Environment for a Meltano command: no tracking, its own system DB (and so state store). */
export function meltanoEnv(project: string, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: PATH_WITHOUT_NODE,
    MELTANO_SEND_ANONYMOUS_USAGE_STATS: 'false',
    MELTANO_DISABLE_TRACKING: 'true',
    MELTANO_PROJECT_ROOT: project,
    MELTANO_DATABASE_URI: `sqlite:///${join(project, 'system.db')}`,
    NO_COLOR: '1',
    ...extra,
  };
}

export function meltano(project: string, args: string[], env: NodeJS.ProcessEnv): Promise<ProcResult> {
  return run(MELTANO, args, { cwd: project, env: meltanoEnv(project, env) });
}

/** YAML -> JSON with the PyYAML that Meltano brings (the suite needs the venv anyway). */
export async function readYaml<T>(path: string): Promise<T> {
  const r = await run(VENV_PYTHON, [
    '-c',
    'import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))',
    path,
  ]);
  if (r.code !== 0) throw new Error(`cannot read ${path} as YAML: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** The records a run with every default stream selected writes per stream: the sandbox's truth, counted. */
export function defaultStreamCounts(sandbox: Sandbox): Record<string, number> {
  const truth = { ...sandbox.truth(), ...sandbox.collectionTruth(), ...sandbox.seriesTruth() };
  return Object.fromEntries(Object.entries(truth).map(([stream, rows]) => [stream, rows.length]));
}

/** A table's rows, and how many of them the target marked deleted (_sdc_deleted_at). */
export interface RowsAndMarked {
  rows: number;
  marked: number;
}

export function rowsAndMarked(schema: string, table: string): Promise<RowsAndMarked> {
  return psqlJson<RowsAndMarked>(
    `SELECT json_build_object('rows', count(*), 'marked', count(_sdc_deleted_at)) FROM "${schema}"."${table}"`,
  );
}

/** meltano.yml's plugin lists, as far as tests edit them. */
export type MeltanoYml = { plugins: { extractors: Record<string, unknown>[]; loaders: Record<string, unknown>[] } };

/**
 * meltanoProject() with target-postgres run from the loader venv instead of installed from its pip_url (that
 * install is tested in meltano.test.ts), and `edit` applied to meltano.yml.
 */
export async function meltanoProjectWithVenvTarget(edit: (yml: MeltanoYml) => void = () => undefined): Promise<string> {
  const project = meltanoProject();
  const yml = await readYaml<MeltanoYml>(join(project, 'meltano.yml'));
  const loader = yml.plugins.loaders.find((p) => p.name === 'target-postgres')!;
  delete loader.pip_url;
  loader.executable = TARGET_POSTGRES;
  edit(yml);
  writeFileSync(join(project, 'meltano.yml'), JSON.stringify(yml, null, 2)); // JSON is YAML
  return project;
}
