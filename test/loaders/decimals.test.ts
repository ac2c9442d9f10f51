// use_singer_decimal with both real targets: money and quantity columns become numeric(38,10) in
// target-postgres and NUMBER(38,10) in target-snowflake (on fakesnow), and every value lands exactly as the
// sandbox's truth, compared as decimal text (not as floats). The rest of the table is compared as usual.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  psqlJson,
  requireLoaders,
  summary,
  tableRows,
  type PipeResult,
  type Row,
} from './helpers.js';
import {
  comparableTypes,
  decimalMismatches,
  fakesnowTarget,
  pgTextRows,
  pipeTapToFakesnow,
  readFakesnow,
  requireSnowflake,
} from './snowflake-helpers.js';

const API_KEY = 'decimals-secret-api-key-3307';
const MONEY: Record<string, string[]> = {
  purchase_orders: ['total_ordered', 'total_received'],
  purchase_order_items: ['replenishment', 'cost_price', 'received'],
};
const KEYS: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
const dir = mkdtempSync(join(tmpdir(), 'tip-decimals-'));
const cleanup: string[] = [];
const schemas: string[] = [];
let sandbox: Sandbox;
let tapConfig: string;

beforeAll(async () => {
  requireLoaders();
  requireSnowflake();
  sandbox = await startSandbox({ orders: 600, itemsPerOrder: 3, seed: 7373, apiKey: API_KEY });
  tapConfig = writeJson(join(dir, 'tap.json'), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 500,
    use_singer_decimal: true,
  });
});
afterAll(async () => {
  await sandbox?.close();
  for (const path of [dir, ...cleanup]) rmSync(path, { recursive: true, force: true });
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function expectCleanRun(r: PipeResult): void {
  expect(
    { tap: r.tap.code, target: r.target.code },
    `tap stderr:\n${r.tap.stderr.slice(-2000)}\ntarget stderr:\n${r.target.stderr.slice(-4000)}`,
  ).toEqual({ tap: 0, target: 0 });
}

const truth = () => sandbox.truth() as unknown as Record<string, Row[]>;
const expectedTables = () => Object.keys(KEYS).map((stream) => clean(stream, truth()[stream]!.length));
/** Money values the comparison covers (so that it cannot pass on nulls alone). */
const moneyValues = (stream: string) =>
  truth()[stream]!.reduce((n, row) => n + MONEY[stream]!.filter((c) => row[c] !== null).length, 0);

describe('use_singer_decimal', () => {
  it('target-postgres: numeric(38,10) columns holding the exact values', async () => {
    const schema = freshSchemaName('dec');
    schemas.push(schema);
    const r = await pipeTapToTarget(
      ['--config', tapConfig],
      writeJson(join(dir, `${schema}.json`), { ...PG, default_target_schema: schema }),
    );
    expectCleanRun(r);

    const specs = await psqlJson<{ table_name: string; column_name: string; spec: string }[]>(
      `select coalesce(json_agg(c), '[]') from (select table_name, column_name,
         data_type || '(' || numeric_precision || ',' || numeric_scale || ')' as spec
       from information_schema.columns
       where table_schema = '${schema}' and data_type = 'numeric' and table_name like 'purchase_order%') c`,
    );
    expect(Object.fromEntries(specs.map((s) => [`${s.table_name}.${s.column_name}`, s.spec]))).toEqual(
      Object.fromEntries(
        Object.entries(MONEY).flatMap(([table, columns]) => columns.map((c) => [`${table}.${c}`, 'numeric(38,10)'])),
      ),
    );

    const types = await columnTypes(schema);
    const tables = [];
    for (const stream of Object.keys(KEYS)) {
      tables.push(
        summary(
          compareTable(stream, await tableRows(schema, stream), truth()[stream]!, KEYS[stream]!, types[stream] ?? {}),
        ),
      );
      const text = await pgTextRows(schema, stream, [KEYS[stream]!, ...MONEY[stream]!]);
      expect(
        text.filter((row) => MONEY[stream]!.some((c) => row[c] !== null && !/^-?\d+\.\d{10}$/.test(String(row[c])))),
        stream,
      ).toEqual([]);
      expect(decimalMismatches(text, truth()[stream]!, KEYS[stream]!, MONEY[stream]!), stream).toEqual([]);
      expect(moneyValues(stream)).toBeGreaterThan(500);
    }
    expect(tables).toEqual(expectedTables());
  });

  it('target-snowflake: NUMBER(38,10) columns holding the exact values', async () => {
    const t = fakesnowTarget(dir, freshSchemaName('dec_sf'));
    cleanup.push(t.dbPath);
    const r = await pipeTapToFakesnow(['--config', tapConfig], t);
    expectCleanRun(r);

    const loaded = await readFakesnow(t.dbPath, t.schema);
    const tables = [];
    for (const stream of Object.keys(KEYS)) {
      const types = loaded.types[stream] ?? {};
      expect(Object.fromEntries(MONEY[stream]!.map((c) => [c, types[c]])), stream).toEqual(
        Object.fromEntries(MONEY[stream]!.map((c) => [c, 'NUMBER(38,10)'])),
      );
      const rows = loaded.rows[stream] ?? [];
      tables.push(summary(compareTable(stream, rows, truth()[stream]!, KEYS[stream]!, comparableTypes(types))));
      expect(
        rows.filter((row) => MONEY[stream]!.some((c) => row[c] !== null && !/^-?\d+\.\d{10}$/.test(String(row[c])))),
        stream,
      ).toEqual([]);
      expect(decimalMismatches(rows, truth()[stream]!, KEYS[stream]!, MONEY[stream]!), stream).toEqual([]);
      expect(moneyValues(stream)).toBeGreaterThan(500);
    }
    expect(tables).toEqual(expectedTables());
  });
});
