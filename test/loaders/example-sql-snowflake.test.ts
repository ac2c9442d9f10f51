// docs/example-sql.md's Snowflake blocks against tables loaded by the real target-snowflake on fakesnow (a
// Snowflake emulator on duckdb, test/loaders/fakesnow/): every stream loaded from the sandbox, then each
// ```sql snowflake block of the page (read from the doc) runs in the loaded schema and its answer equals the
// same question answered from the sandbox's truth, as the PostgreSQL blocks do in example-sql.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeCatalogAllSelected, writeJson } from '../../scripts/lib/tap-process.js';
import { canonical, docQueries, expectedAnswers } from './example-sql-truth.js';
import { freshSchemaName, requireLoaders, type Row } from './helpers.js';
import {
  fakesnowTarget,
  pipeTapToFakesnow,
  requireSnowflake,
  queryFakesnow,
  type FakesnowTarget,
} from './snowflake-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-example-sql-snowflake-'));
let sandbox: Sandbox;
let target: FakesnowTarget;

beforeAll(async () => {
  requireLoaders();
  requireSnowflake();
  // The PostgreSQL test's account: seed 30, offset -04:00, orders with open, sent and partly received statuses.
  sandbox = await startSandbox({ orders: 150, variants: 150, seed: 30 });
  target = fakesnowTarget(dir, freshSchemaName('sf_example_sql'));
});
afterAll(async () => {
  await sandbox?.close();
  for (const path of [dir, target?.dbPath]) if (path) rmSync(path, { recursive: true, force: true });
});

const answer = (sql: string): Promise<Row[]> => queryFakesnow(target, sql);

describe('docs/example-sql.md against tables loaded by target-snowflake (fakesnow)', () => {
  it('loads every stream, and every Snowflake query of the page answers as the truth does', async () => {
    const { path: catalog, streams } = await writeCatalogAllSelected(join(dir, 'catalog.json'));
    const tap = writeJson(join(dir, 'tap.json'), {
      api_key: sandbox.apiKey,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      page_size: 100,
    });
    const today = new Date().toISOString().slice(0, 10);
    const loaded = await pipeTapToFakesnow(['--config', tap, '--catalog', catalog], target);
    expect({ tap: loaded.tap.code, target: loaded.target.code }, loaded.target.stderr.slice(-4000)).toEqual({
      tap: 0,
      target: 0,
    });
    expect(Object.keys(loaded.records).sort()).toEqual([...streams].sort());

    const queries = docQueries('snowflake');
    const expected = expectedAnswers(sandbox, today);
    expect(Object.keys(queries).sort()).toEqual(Object.keys(docQueries('postgresql')).sort());
    expect(Object.keys(queries).sort()).toEqual(Object.keys(expected).sort());
    const counts: string[] = [];
    for (const [id, sql] of Object.entries(queries)) {
      const got = await answer(sql);
      expect(got.length, id).toBeGreaterThan(0);
      expect(canonical(got), id).toEqual(canonical(expected[id]!));
      counts.push(`${id} ${got.length} rows`);
    }
    // "Worst first": the lead-time answer comes in the order the page promises.
    const lead = await answer(queries['lead-time']!);
    const late = lead.map((r) => Number(r.late_by_days));
    expect(late).toEqual([...late].sort((a, b) => b - a));
    console.log(`example SQL on fakesnow: ${counts.join(', ')}`);
  });
});
