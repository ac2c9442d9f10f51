// BATCH output (batch_config) through the real loaders: target-postgres (hard_delete: true, where a row without a
// version is deleted by ACTIVATE_VERSION) and target-snowflake on fakesnow. A full run, an incremental run after
// edits, a full-table pass after deletions: tables equal the sandbox's truth, no row that exists is ever deleted.
// kill -9 at random moments, each run resumed from the last state the target printed: nothing lost, and every
// file under its final name is whole. Who removes the files (target-snowflake does, target-postgres does not).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { mulberry32 } from '../helpers/reliability-scenarios.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  requireLoaders,
  summary,
  tableRows,
  tablesIn,
  type PipeResult,
  type Row,
} from './helpers.js';
import {
  comparableTypes,
  fakesnowTarget,
  pipeTapToFakesnow,
  readFakesnow,
  requireSnowflake,
} from './snowflake-helpers.js';
import { jsonColumns } from './json-columns.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-batch-'));
const KEYS: Record<string, string> = {
  purchase_orders: 'purchase_order_id',
  purchase_order_items: 'key',
  ...COLLECTION_KEYS,
};
const schemas: string[] = [];
let fullCatalog: string;
const figures: string[] = [];

beforeAll(async () => {
  requireLoaders();
  requireSnowflake();
  const discovered = JSON.parse((await runTap({ args: ['--discover'] })).stdout) as {
    streams: { metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
  };
  for (const s of discovered.streams)
    s.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] = 'FULL_TABLE';
  fullCatalog = writeJson(join(dir, 'catalog-full.json'), discovered);
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});
afterAll(() => {
  if (figures.length) console.log(`batch figures:\n${figures.join('\n')}`);
});

interface Setup {
  sandbox: Sandbox;
  tapConfig: string;
  root: string;
}

async function setup(options: { seed: number; latencyMs?: number; tap?: Record<string, unknown> }): Promise<Setup> {
  const sandbox = await startSandbox({
    orders: 400,
    itemsPerOrder: 3,
    variants: 150,
    seed: options.seed,
    latencyMs: options.latencyMs ?? 0,
  });
  const root = mkdtempSync(join(tmpdir(), 'tip-batch-files-'));
  const tapConfig = writeJson(join(dir, `tap-${options.seed}.json`), {
    api_key: sandbox.apiKey,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 100,
    batch_config: {
      encoding: { format: 'jsonl', compression: 'gzip' },
      storage: { root: `file://${root}`, prefix: 'test-' },
      batch_size: 120,
    },
    ...options.tap,
  });
  return { sandbox, tapConfig, root };
}

let runs = 0;
function args(s: Setup, mode: 'incremental' | 'full', state: unknown): string[] {
  const a = ['--config', s.tapConfig];
  if (mode === 'full') a.push('--catalog', fullCatalog);
  if (state !== undefined) a.push('--state', writeJson(join(dir, `state-${++runs}.json`), state));
  return a;
}

/** A fresh schema (dropped after the test) and a target-postgres config that hard-deletes into it. */
function postgresTarget(purpose: string): { schema: string; target: string } {
  const schema = freshSchemaName(purpose);
  schemas.push(schema);
  const target = writeJson(join(dir, `target-${schema}.json`), {
    ...PG,
    default_target_schema: schema,
    hard_delete: true,
  });
  return { schema, target };
}

function expectOk(r: PipeResult): void {
  expect(
    { tap: r.tap.code, target: r.target.code },
    `tap:\n${r.tap.stderr.slice(-2000)}\ntarget:\n${r.target.stderr.slice(-3000)}`,
  ).toEqual({ tap: 0, target: 0 });
}

/** Message types the tap sent, counted. */
function sent(r: PipeResult): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of r.tap.stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const type = (JSON.parse(line) as { type: string }).type;
    out[type] = (out[type] ?? 0) + 1;
  }
  return out;
}

/** The truth of every default stream, as rows. */
function truth(s: Setup): Record<string, Row[]> {
  return { ...(s.sandbox.truth() as unknown as Record<string, Row[]>), ...s.sandbox.collectionTruth() };
}

/** Live rows of every stream against the truth, value by value. */
async function comparePostgres(s: Setup, schema: string) {
  const types = await columnTypes(schema);
  const want = truth(s);
  const out = [];
  for (const [stream, key] of Object.entries(KEYS)) {
    const rows = (await tableRows(schema, stream)).filter((r) => r._sdc_deleted_at === null);
    out.push(summary(compareTable(stream, jsonColumns(rows), jsonColumns(want[stream]!), key, types[stream]!)));
  }
  return out;
}
const ordered = (s: Setup) => Object.keys(KEYS).map((stream) => clean(stream, truth(s)[stream]!.length));

async function keysIn(schema: string): Promise<Record<string, string[]>> {
  const tables = await tablesIn(schema);
  const out: Record<string, string[]> = {};
  for (const [stream, key] of Object.entries(KEYS))
    out[stream] = tables.includes(stream) ? (await tableRows(schema, stream)).map((r) => String(r[key])).sort() : [];
  return out;
}

/** Every file under its final name is whole (gunzips, every line is JSON); temporary files counted apart. */
function filesIn(root: string): { complete: number; temporary: number; rows: number } {
  let rows = 0;
  let complete = 0;
  let temporary = 0;
  for (const name of readdirSync(root)) {
    if (name.endsWith('.tmp')) {
      temporary++;
      continue;
    }
    complete++;
    for (const line of gunzipSync(readFileSync(join(root, name)))
      .toString('utf8')
      .split('\n')
      .filter(Boolean)) {
      JSON.parse(line);
      rows++;
    }
  }
  return { complete, temporary, rows };
}

describe('BATCH files into target-postgres (hard_delete: true)', () => {
  it('full, incremental and a full-table pass with deletions: tables equal the truth, versions kept, files left to the user', async () => {
    const s = await setup({ seed: 2501 });
    const { schema, target } = postgresTarget('batch');
    try {
      let r = await pipeTapToTarget(args(s, 'incremental', undefined), target);
      expectOk(r);
      expect(sent(r).RECORD, 'no RECORD message').toBeUndefined();
      expect(sent(r).BATCH).toBeGreaterThan(Object.keys(KEYS).length);
      expect(await comparePostgres(s, schema)).toEqual(ordered(s));
      // target-postgres leaves every file where it was: the user removes them (docs/batch.md)
      const files = filesIn(s.root);
      expect(files.temporary).toBe(0);
      expect(files.complete).toBe(sent(r).BATCH);
      figures.push(
        `postgres full run: ${sent(r).BATCH} BATCH messages, ${files.complete} files (${files.rows} rows) left by the target`,
      );

      // incremental after edits and variant removals: orders upserted, the variants' pass deletes exactly the removed
      s.sandbox.edit(30, 5);
      const removedVariants = s.sandbox.removeVariants(7);
      r = await pipeTapToTarget(args(s, 'incremental', r.state), target);
      expectOk(r);
      expect(await comparePostgres(s, schema)).toEqual(ordered(s));
      const variantsLeft = (await keysIn(schema)).variants!;
      expect(removedVariants.filter((id) => variantsLeft.includes(id))).toEqual([]);

      // a full-table pass of every stream after orders were deleted and lines removed
      const deleted = s.sandbox.deleteOrders(12);
      s.sandbox.removeLines(20);
      r = await pipeTapToTarget(args(s, 'full', r.state), target);
      expectOk(r);
      // the streams compared here, and the long tables in a pass (variant_monthly, variant_daily)
      expect(sent(r).ACTIVATE_VERSION).toBe(Object.keys(KEYS).length + 2);
      expect(await comparePostgres(s, schema)).toEqual(ordered(s));
      expect((await keysIn(schema)).purchase_orders!.filter((id) => deleted.includes(id))).toEqual([]);
    } finally {
      await s.sandbox.close();
    }
  });

  it('kill -9 at random moments, each run resumed from the last state: no existing row deleted, no half file, the truth at the end', async () => {
    const s = await setup({
      seed: 2502,
      latencyMs: 60,
      tap: { concurrency: 1, page_size: 40, state_every_records: 200 },
    });
    const { schema, target } = postgresTarget('batchkill');
    try {
      let state: unknown;
      const random = mulberry32(2525);
      let kills = 0;
      let completed = 0;
      let temporarySeen = 0;
      for (let run = 0; run < 40 && (kills < 10 || completed < 2); run++) {
        const before = await keysIn(schema);
        const mode = run % 3 === 2 ? 'full' : 'incremental';
        const r = await pipeTapToTarget(
          args(s, mode, state),
          target,
          {},
          undefined,
          kills < 10 ? 50 + random() * 2500 : undefined,
        );
        if (r.killed) kills++;
        else {
          expectOk(r);
          completed++;
        }
        if (r.state !== undefined) state = r.state;
        const files = filesIn(s.root); // throws on a file under its final name that is not whole
        temporarySeen += files.temporary;
        const exists = truth(s);
        const after = await keysIn(schema);
        for (const [stream, key] of Object.entries(KEYS)) {
          const live = new Set(exists[stream]!.map((row) => String(row[key])));
          const lost = before[stream]!.filter((k) => live.has(k) && !after[stream]!.includes(k));
          expect(lost, `${stream}: existing rows deleted (run ${run}, killed ${r.killed})`).toEqual([]);
        }
        s.sandbox.edit(8, 2);
        if (run % 4 === 1) s.sandbox.removeVariants(2);
      }
      expect(kills).toBeGreaterThanOrEqual(10);
      // The first run after the kills may resume a pass a killed run started, with its version: a variant that
      // pass wrote and that was removed since stays until the next pass (docs/deletions.md). That next pass
      // starts afresh and must leave exactly the truth.
      const resumed = await pipeTapToTarget(args(s, 'full', state), target);
      expectOk(resumed);
      const last = await pipeTapToTarget(args(s, 'full', resumed.state ?? state), target);
      expectOk(last);
      expect(await comparePostgres(s, schema)).toEqual(ordered(s));
      // the last run started after every killed one: it removed the temporary files they left
      expect(filesIn(s.root).temporary).toBe(0);
      figures.push(
        `kill -9: ${kills} kills, ${completed} runs completed, ${temporarySeen} temporary files seen after kills (removed by the next run), existing rows deleted: 0`,
      );
    } finally {
      await s.sandbox.close();
    }
  });
});

describe('BATCH files into target-snowflake (fakesnow, hard_delete: true)', () => {
  it('full run and a full-table pass with deletions: tables equal the truth; the target removes the files it loaded', async () => {
    const s = await setup({ seed: 2503 });
    const sf = fakesnowTarget(dir, 'BATCH_SF', { hard_delete: true });
    try {
      const check = async () => {
        const loaded = await readFakesnow(sf.dbPath, sf.schema);
        const want = truth(s);
        return Object.entries(KEYS).map(([stream, key]) =>
          summary(
            compareTable(
              stream,
              jsonColumns(loaded.rows[stream]!.filter((r) => r._sdc_deleted_at === null)),
              jsonColumns(want[stream]!),
              key,
              comparableTypes(loaded.types[stream]!),
            ),
          ),
        );
      };
      let r = await pipeTapToFakesnow(args(s, 'incremental', undefined), sf);
      expectOk(r);
      expect(sent(r).BATCH).toBeGreaterThan(0);
      expect(await check()).toEqual(ordered(s));
      // clean_up_batch_files (default true): target-snowflake deletes each file once loaded
      expect(readdirSync(s.root)).toEqual([]);

      s.sandbox.removeVariants(5);
      s.sandbox.deleteOrders(10);
      s.sandbox.removeLines(15);
      r = await pipeTapToFakesnow(args(s, 'full', r.state), sf);
      expectOk(r);
      const loaded = await readFakesnow(sf.dbPath, sf.schema);
      expect(loaded.rows.variants!.every((row) => row._sdc_table_version !== null)).toBe(true);
      expect(await check()).toEqual(ordered(s));
    } finally {
      await s.sandbox.close();
    }
  });
});
