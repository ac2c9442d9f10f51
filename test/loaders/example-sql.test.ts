// The long tables through the real target-postgres, and the example SQL of docs/example-sql.md run against them:
// every stream loaded from the sandbox with its key as primary key; variant_monthly, variant_daily,
// variant_history and variant_forecast_snapshots equal the sandbox's truth value by value; then each PostgreSQL
// block of the page (read from the doc, so it cannot drift) runs in the loaded schema and its answer equals
// the same question answered from the sandbox's truth.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERIES_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeCatalogAllSelected, writeJson } from '../../scripts/lib/tap-process.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  normalise,
  PG,
  pipeTapToTarget,
  primaryKeys,
  psql,
  requireLoaders,
  summary,
  tableRows,
  type Row,
} from './helpers.js';
import { canonical, docQueries, expectedAnswers } from './example-sql-truth.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-example-sql-'));
let sandbox: Sandbox;
let schema: string;

beforeAll(async () => {
  requireLoaders();
  // Seed 30: the shop's offset is -04:00; orders with open, sent and partly received statuses.
  sandbox = await startSandbox({ orders: 150, variants: 150, seed: 30 });
  schema = freshSchemaName('series');
});
afterAll(async () => {
  await sandbox?.close();
  if (schema) await dropSchema(schema);
});

async function answer(sql: string): Promise<Row[]> {
  // psql prints the SET's tag on a line of its own before the answer.
  const out = await psql(`set search_path to "${schema}"; select coalesce(json_agg(q), '[]') from (${sql}) q`);
  return JSON.parse(out.replace(/^SET\n/, '')) as Row[];
}

describe('docs/example-sql.md against tables loaded by target-postgres', () => {
  it('loads the long tables exactly with their keys, and every PostgreSQL query of the page answers as the truth does', async () => {
    const { path: catalog } = await writeCatalogAllSelected(join(dir, 'catalog.json'));
    const tap = writeJson(join(dir, 'tap.json'), {
      api_key: sandbox.apiKey,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      page_size: 100,
    });
    const target = writeJson(join(dir, 'target.json'), { ...PG, default_target_schema: schema, hard_delete: true });
    const today = new Date().toISOString().slice(0, 10);
    const loaded = await pipeTapToTarget(['--config', tap, '--catalog', catalog], target);
    expect({ tap: loaded.tap.code, target: loaded.target.code }, loaded.target.stderr.slice(-2000)).toEqual({
      tap: 0,
      target: 0,
    });

    const keys = await primaryKeys(schema);
    const types = await columnTypes(schema);
    const truth: Record<string, Row[]> = {
      ...sandbox.seriesTruth(),
      variant_forecast_snapshots: sandbox.forecastSnapshotTruth(today),
    };
    const results = [];
    for (const [stream, key] of Object.entries(SERIES_KEYS)) {
      expect(keys[stream], stream).toEqual(key);
      const k = (r: Row): Row => ({
        ...r,
        k: key.map((c) => String(normalise(r[c], types[stream]![c], 'pg'))).join('|'),
      });
      const rows = (await tableRows(schema, stream)).map(k);
      results.push(summary(compareTable(stream, rows, truth[stream]!.map(k), 'k', types[stream]!)));
    }
    expect(results).toEqual(Object.keys(SERIES_KEYS).map((s) => clean(s, truth[s]!.length)));
    expect(types.variant_monthly).toMatchObject({ month: 'date', value: 'numeric', warehouse: 'text' });
    expect(types.variant_history).toMatchObject({ recorded_at: 'timestamp without time zone', local_date: 'date' });

    const queries = docQueries('postgresql');
    const expected = expectedAnswers(sandbox, today);
    expect(Object.keys(queries).sort()).toEqual(Object.keys(expected).sort());
    for (const [id, sql] of Object.entries(queries)) {
      const got = await answer(sql);
      expect(got.length, id).toBeGreaterThan(0);
      expect(canonical(got), id).toEqual(canonical(expected[id]!));
    }
    // "Worst first": the lead-time answer comes in the order the page promises.
    const lead = await answer(queries['lead-time']!);
    const late = lead.map((r) => Number(r.late_by_days));
    expect(late).toEqual([...late].sort((a, b) => b - a));
  });
});
