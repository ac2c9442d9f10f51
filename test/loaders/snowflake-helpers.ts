// The real target-snowflake against fakesnow (test/loaders/fakesnow/), and reading back what it loaded;
// exact-decimal checks shared by the target-postgres and target-snowflake tests.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeJson } from '../../scripts/lib/tap-process.js';
import { LOADERS_BIN, pipeTapToTarget, psqlJson, REPO_ROOT, run, type PipeResult, type Row } from './helpers.js';

const TARGET_SNOWFLAKE_FAKESNOW = join(LOADERS_BIN, 'target-snowflake-fakesnow');
const SNOWFLAKE_PYTHON = join(REPO_ROOT, '.venv-loaders', 'snowflake', 'bin', 'python');
const READER = join(REPO_ROOT, 'test', 'loaders', 'fakesnow', 'read_fakesnow.py');
const QUERY = join(REPO_ROOT, 'test', 'loaders', 'fakesnow', 'query_fakesnow.py');
export const SNOWFLAKE_DATABASE = 'TIP';

export function requireSnowflake(): void {
  if (!existsSync(TARGET_SNOWFLAKE_FAKESNOW))
    throw new Error(`${TARGET_SNOWFLAKE_FAKESNOW} is missing: run \`bash scripts/setup-loaders.sh\` first`);
}

/** A fresh fakesnow "account" (a directory of duckdb files) and a target config for one schema in it. */
export function fakesnowTarget(dir: string, schema: string, extra: Record<string, unknown> = {}) {
  const dbPath = mkdtempSync(join(tmpdir(), 'tip-fakesnow-'));
  // What a user gives target-snowflake; fakesnow accepts any credentials.
  const config = writeJson(join(dir, `${schema}-snowflake.json`), {
    account: 'fake-account',
    user: 'fake-user',
    password: 'fake-password',
    role: 'LOADER',
    warehouse: 'LOADING',
    database: SNOWFLAKE_DATABASE,
    schema,
    ...extra,
  });
  return { schema, dbPath, config, env: { FAKESNOW_DB_PATH: dbPath } };
}

export type FakesnowTarget = ReturnType<typeof fakesnowTarget>;

/**
 * `tap-inventory-planner ARGS | target-snowflake` into a fakesnowTarget(). Read the result back with
 * readFakesnow(), whose rows carry the target's _sdc_table_version and _sdc_deleted_at (what a FULL_TABLE
 * pass test with ACTIVATE_VERSION needs).
 */
export function pipeTapToFakesnow(tapArgs: string[], target: FakesnowTarget): Promise<PipeResult> {
  return pipeTapToTarget(tapArgs, target.config, target.env, TARGET_SNOWFLAKE_FAKESNOW);
}

export interface Loaded {
  /** table -> column -> Snowflake data type (NUMBER with precision and scale), lowercase names. */
  types: Record<string, Record<string, string>>;
  /** table -> rows; decimals as exact text, timestamps ISO 8601 without zone. */
  rows: Record<string, Row[]>;
  /** table -> primary key columns, as the target declared them. */
  keys: Record<string, string[]>;
}

/** What the target left in fakesnow, read back through the Snowflake connector. */
export async function readFakesnow(dbPath: string, schema: string): Promise<Loaded> {
  const r = await run(SNOWFLAKE_PYTHON, [READER, dbPath, SNOWFLAKE_DATABASE, schema.toUpperCase()]);
  if (r.code !== 0) throw new Error(`read_fakesnow.py failed (${r.code}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(r.stdout) as Loaded;
}

/** The rows one SQL statement answers in what the target left in fakesnow (its schema set first). */
export async function queryFakesnow(target: FakesnowTarget, sql: string): Promise<Row[]> {
  const r = await run(SNOWFLAKE_PYTHON, [QUERY, target.dbPath, SNOWFLAKE_DATABASE, target.schema.toUpperCase()], {
    input: sql,
  });
  if (r.code !== 0) throw new Error(`query_fakesnow.py failed (${r.code}): ${r.stderr.slice(-2000)}\n${sql}`);
  return JSON.parse(r.stdout) as Row[];
}

/** Snowflake types under the names compareTable() normalises by (its PostgreSQL ones). */
export function comparableTypes(types: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(types).map(([column, type]) => [
      column,
      type === 'TIMESTAMP_NTZ' ? 'timestamp without time zone' : /^(NUMBER|FLOAT)/.test(type) ? 'numeric' : type,
    ]),
  );
}

/** Decimal text without trailing fractional zeros: "8.5000000000" -> "8.5", "140.0000000000" -> "140". */
export function plainDecimal(text: string): string {
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/**
 * Money columns compared as text, exactly: the loaded decimal (trailing zeros dropped) must be the truth
 * number's shortest round-trip text. A float column fails this for values such as 0.1 + 0.2.
 */
export function decimalMismatches(loaded: Row[], truth: Row[], key: string, columns: string[]): string[] {
  const byKey = new Map(loaded.map((row) => [String(row[key]), row]));
  const out: string[] = [];
  for (const want of truth) {
    const got = byKey.get(String(want[key]));
    for (const column of columns) {
      const expected = want[column] === null || want[column] === undefined ? null : String(want[column]);
      const value = got?.[column];
      const actual = value === null || value === undefined ? null : plainDecimal(String(value));
      if (expected !== actual) out.push(`${String(want[key])}.${column}: truth ${expected}, loaded ${actual}`);
    }
  }
  return out;
}

/** A PostgreSQL table with the given columns as their exact text (json_agg would turn numeric into JSON numbers). */
export async function pgTextRows(schema: string, table: string, columns: string[]): Promise<Row[]> {
  const select = columns.map((c) => `"${c}"::text as "${c}"`).join(', ');
  return psqlJson<Row[]>(`select coalesce(json_agg(t), '[]') from (select ${select} from "${schema}"."${table}") t`);
}
