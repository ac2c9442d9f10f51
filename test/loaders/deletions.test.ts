// Issue 13 with the real target-postgres: deleted orders and removed lines reach the warehouse through
// FULL_TABLE passes and ACTIVATE_VERSION (hard and soft delete), stale lines are hidden by the view from
// docs/deletions.md, and a full pass killed with SIGKILL at random points never deletes a row that exists.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { mulberry32 } from '../helpers/reliability-scenarios.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  psql,
  psqlJson,
  REPO_ROOT,
  requireLoaders,
  run,
  summary,
  tableRows,
  type PipeResult,
  type Row,
} from './helpers.js';

const API_KEY = 'deletions-secret-api-key-5150';
const dir = mkdtempSync(join(tmpdir(), 'tip-deletions-'));
const KEYS: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
const STREAMS = Object.keys(KEYS);
const schemas: string[] = [];
let fullCatalog: string;
const figures: string[] = [];

beforeAll(async () => {
  requireLoaders();
  const discovered = await runTap({ args: ['--discover'] });
  expect(discovered.code).toBe(0);
  const catalog = JSON.parse(discovered.stdout) as {
    streams: { metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
  };
  for (const s of catalog.streams)
    s.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] = 'FULL_TABLE';
  fullCatalog = writeJson(join(dir, 'catalog-full.json'), catalog);
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});
afterAll(() => {
  if (figures.length) console.log(`deletions figures:\n${figures.join('\n')}`);
});

/** The SQL block of docs/deletions.md whose first line is `-- <title>`, for the given schema. */
function docSql(title: string, schema: string): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'deletions.md'), 'utf8');
  const block = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)]
    .map((m) => m[1]!)
    .find((b) => b.startsWith(`-- ${title}\n`));
  if (!block) throw new Error(`docs/deletions.md has no SQL block "-- ${title}"`);
  return block.replaceAll('inventory_planner.', `"${schema}".`);
}

interface Setup {
  sandbox: Sandbox;
  tapConfig: string;
  targetConfig: string;
  schema: string;
}

async function setup(
  hardDelete: boolean,
  options: {
    orders: number;
    latencyMs?: number;
    seed: number;
    tap?: Record<string, unknown>;
    target?: Record<string, unknown>;
  },
): Promise<Setup> {
  const sandbox = await startSandbox({
    orders: options.orders,
    itemsPerOrder: 3,
    seed: options.seed,
    apiKey: API_KEY,
    latencyMs: options.latencyMs ?? 0,
  });
  const schema = freshSchemaName(hardDelete ? 'delhard' : 'delsoft');
  schemas.push(schema);
  const tapConfig = writeJson(join(dir, `tap-${schema}.json`), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 200,
    ...options.tap,
  });
  const targetConfig = writeJson(join(dir, `target-${schema}.json`), {
    ...PG,
    default_target_schema: schema,
    hard_delete: hardDelete,
    ...options.target,
  });
  return { sandbox, tapConfig, targetConfig, schema };
}

/** Whether `state` holds a full-table pass that has a recorded position to go on from. */
function passPositionIn(state: unknown): boolean {
  const bookmarks = (state as { bookmarks?: Record<string, { full_table_pass?: Record<string, unknown> }> })?.bookmarks;
  return Object.values(bookmarks ?? {}).some(
    (b) => b.full_table_pass?.replication_key_value !== undefined || b.full_table_pass?.resume !== undefined,
  );
}

let runCount = 0;
/** One `tap | target-postgres` run, full or incremental, from a state (the last one the target printed). */
async function load(s: Setup, mode: 'incremental' | 'full', state: unknown, killAfterMs?: number): Promise<PipeResult> {
  const args = ['--config', s.tapConfig];
  if (mode === 'full') args.push('--catalog', fullCatalog);
  if (state !== undefined) args.push('--state', writeJson(join(dir, `state-${++runCount}.json`), state));
  const r = await pipeTapToTarget(args, s.targetConfig, {}, undefined, killAfterMs);
  for (const p of [r.tap, r.target]) expectNoSecrets(p, [API_KEY]);
  if (!r.killed) {
    expect(
      { tap: r.tap.code, target: r.target.code },
      `tap:\n${r.tap.stderr.slice(-2000)}\ntarget:\n${r.target.stderr.slice(-3000)}`,
    ).toEqual({ tap: 0, target: 0 });
  }
  return r;
}

const keysOf = (rows: Row[], stream: string): string[] => rows.map((r) => String(r[KEYS[stream]!])).sort();
const truthKeys = (s: Setup, stream: string): string[] =>
  keysOf((s.sandbox.truth() as unknown as Record<string, Row[]>)[stream]!, stream);
async function tableKeys(s: Setup, stream: string, where = 'true'): Promise<string[]> {
  return (
    await psqlJson<string[]>(
      `select coalesce(json_agg(${KEYS[stream]}::text order by ${KEYS[stream]}), '[]') from "${s.schema}".${stream} ` +
        `where ${where}`,
    )
  ).sort();
}
const minus = (a: string[], b: string[]): string[] => {
  const set = new Set(b);
  return a.filter((x) => !set.has(x));
};

/** Live rows (not soft-deleted) vs the ground truth, value by value. */
async function compareLive(s: Setup) {
  const truth = s.sandbox.truth() as unknown as Record<string, Row[]>;
  const types = await columnTypes(s.schema);
  const out = [];
  for (const stream of STREAMS) {
    const rows = (await tableRows(s.schema, stream)).filter((r) => r._sdc_deleted_at === null);
    out.push(summary(compareTable(stream, rows, truth[stream]!, KEYS[stream]!, types[stream] ?? {})));
  }
  return out;
}
const allClean = (s: Setup) =>
  STREAMS.map((stream) => clean(stream, (s.sandbox.truth() as unknown as Record<string, Row[]>)[stream]!.length));

const LIVE = '_sdc_deleted_at is null';
async function liveKeys(s: Setup): Promise<Record<string, string[]>> {
  return Object.fromEntries(await Promise.all(STREAMS.map(async (st) => [st, await tableKeys(s, st, LIVE)] as const)));
}

/**
 * Rows live before a full pass and not after it, per stream; checks they went the configured way (hard: no
 * longer in the table; soft: still there with _sdc_deleted_at set).
 */
async function removedBy(
  s: Setup,
  hardDelete: boolean,
  before: Record<string, string[]>,
): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const stream of STREAMS) {
    out[stream] = minus(before[stream]!, await tableKeys(s, stream, LIVE)).sort();
    const stillThere = minus(out[stream]!, minus(out[stream]!, await tableKeys(s, stream)));
    expect(stillThere.length, `${stream}: removed rows left in the table`).toBe(hardDelete ? 0 : out[stream]!.length);
  }
  return out;
}

/** Removed rows that exist in the sandbox: must be none. */
const wronglyRemoved = (s: Setup, removed: Record<string, string[]>): number =>
  STREAMS.reduce((n, st) => n + removed[st]!.length - minus(removed[st]!, truthKeys(s, st)).length, 0);

describe.each([true, false])('target-postgres hard_delete: %s', (hardDelete) => {
  it(
    'an incremental run keeps deleted rows (the view hides the removed lines); FULL_TABLE removes exactly them; an ' +
      'edit between passes shields nothing',
    async () => {
      const s = await setup(hardDelete, { orders: 600, seed: hardDelete ? 1301 : 1302 });
      try {
        let r = await load(s, 'incremental', undefined);
        expect(await compareLive(s)).toEqual(allClean(s));
        const loaded = await liveKeys(s);

        const deleted = s.sandbox.deleteOrders(20);
        const removed = s.sandbox.removeLines(30);
        expect(removed).toHaveLength(30);
        const linesOfDeleted = await tableKeys(
          s,
          'purchase_order_items',
          `${LIVE} and purchase_order_id in (${deleted.map((id) => `'${id}'`).join(',')})`,
        );

        // incremental: nothing leaves the tables; the documented view hides exactly the 30 removed lines
        r = await load(s, 'incremental', r.state);
        expect(await liveKeys(s)).toEqual(loaded);
        await psql(docSql('PostgreSQL: purchase_order_items without stale lines', s.schema));
        const visible = await psqlJson<string[]>(
          `select coalesce(json_agg(key), '[]') from "${s.schema}".purchase_order_items_current`,
        );
        expect(minus(loaded.purchase_order_items!, visible).sort()).toEqual(removed.map((x) => x.key).sort());
        expect(visible.length).toBe(loaded.purchase_order_items!.length - 30);
        // the documented cleanup deletes exactly those 30 (tried in a transaction that is rolled back)
        const cleanup = docSql('PostgreSQL: delete stale lines', s.schema).trim().replace(/;$/, '');
        const tried = await run('psql', [
          '-h',
          PG.host,
          '-p',
          String(PG.port),
          '-U',
          PG.user,
          '-d',
          PG.database,
          '-X',
          '-q',
          '-At',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          'begin',
          '-c',
          `with d as (${cleanup} returning i.key) select coalesce(json_agg(key), '[]') from d`,
          '-c',
          'rollback',
        ]);
        expect(tried.code, tried.stderr).toBe(0);
        expect((JSON.parse(tried.stdout) as string[]).sort()).toEqual(removed.map((x) => x.key).sort());
        expect(await liveKeys(s)).toEqual(loaded);

        // FULL_TABLE (both streams): exactly the deleted orders and the removed lines (and the deleted orders'
        // lines) go
        const beforeFull = await liveKeys(s);
        r = await load(s, 'full', r.state);
        expect(r.state).toMatchObject({ bookmarks: { purchase_orders: { full_table_version: expect.any(Number) } } });
        let gone = await removedBy(s, hardDelete, beforeFull);
        expect(gone.purchase_orders).toEqual([...deleted].sort());
        expect(gone.purchase_order_items).toEqual([...linesOfDeleted, ...removed.map((x) => x.key)].sort());
        expect(await compareLive(s)).toEqual(allClean(s));
        const how = hardDelete ? 'deleted' : 'soft-deleted';
        figures.push(
          `hard_delete ${hardDelete}, pass 1: ${how} ${gone.purchase_orders!.length} orders + ` +
            `${gone.purchase_order_items!.length} lines ` +
            `(20 deleted orders with ${linesOfDeleted.length} lines, 30 removed lines); wrongly ${how}: ` +
            `${wronglyRemoved(s, gone)}`,
        );

        // between two passes: orders edited and sent by an incremental run (a newer version), then deleted
        const firstVersion = (r.state as { bookmarks: Record<string, { full_table_version: number }> }).bookmarks
          .purchase_orders!.full_table_version;
        s.sandbox.edit(15);
        r = await load(s, 'incremental', r.state);
        const edited = await tableKeys(s, 'purchase_orders', `_sdc_table_version > ${firstVersion}`);
        expect(edited.length).toBeGreaterThanOrEqual(15);
        expect(
          Number(await psql(`select count(*) from "${s.schema}".purchase_orders where _sdc_table_version is null`)),
          'no unversioned row to shield',
        ).toBe(0);
        const deletedLater = s.sandbox.deleteOrders(edited.slice(0, 8));
        const removedLater = s.sandbox.removeLines(10);
        r = await load(s, 'incremental', r.state);
        const beforeSecond = await liveKeys(s);
        const linesOfDeletedLater = await tableKeys(
          s,
          'purchase_order_items',
          `${LIVE} and purchase_order_id in (${deletedLater.map((id) => `'${id}'`).join(',')})`,
        );
        r = await load(s, 'full', r.state);
        gone = await removedBy(s, hardDelete, beforeSecond);
        expect(gone.purchase_orders).toEqual([...deletedLater].sort());
        expect(gone.purchase_order_items).toEqual([...linesOfDeletedLater, ...removedLater.map((x) => x.key)].sort());
        expect(await compareLive(s)).toEqual(allClean(s));
        figures.push(
          `hard_delete ${hardDelete}, pass 2: ${how} ${gone.purchase_orders!.length} orders edited by an incremental ` +
            `run then deleted + ` +
            `${gone.purchase_order_items!.length} lines; wrongly ${how}: ${wronglyRemoved(s, gone)}`,
        );
      } finally {
        await s.sandbox.close();
      }
    },
  );
});

describe('kill -9 during full passes (hard_delete: true)', () => {
  it(
    'resumed from the last state the target printed: no existing row is ever deleted, ' +
      'and the end result is the truth',
    async () => {
      // The tap mostly waits for the API (150 ms a page, one at a time), so kills land both while the target is
      // idle (it then reads a clean end of input, loads what it has and prints the latest state) and in the middle of
      // a line (it fails and prints nothing: the next run starts from the last state it did print).
      const s = await setup(true, {
        orders: 1200,
        seed: 1303,
        latencyMs: 150,
        tap: { page_size: 50, concurrency: 1, state_every_records: 100 },
      });
      try {
        let r = await load(s, 'incremental', undefined);
        let state = r.state;
        s.sandbox.deleteOrders(20);
        s.sandbox.removeLines(30);
        const random = mulberry32(1313);
        let kills = 0;
        let printedAfterKill = 0;
        let resumedPasses = 0;
        let completed = 0;
        for (let run = 0; run < 60 && (kills < 12 || completed === 0); run++) {
          const before = Object.fromEntries(
            await Promise.all(STREAMS.map(async (st) => [st, await tableKeys(s, st)] as const)),
          );
          const resumes = passPositionIn(state);
          r = await load(s, 'full', state, kills < 12 ? 100 + random() * 3500 : undefined);
          if (r.killed) kills++;
          else completed++;
          if (r.killed && r.state !== undefined) printedAfterKill++;
          if (resumes) resumedPasses++;
          if (r.state !== undefined) state = r.state;
          // no row that exists in the sandbox and was in the table before this run is gone after it
          for (const stream of STREAMS) {
            const exists = new Set(truthKeys(s, stream));
            const lost = minus(
              before[stream]!.filter((k) => exists.has(k)),
              await tableKeys(s, stream),
            );
            expect(lost, `${stream} rows that exist were deleted (run ${run}, killed ${r.killed})`).toEqual([]);
          }
          s.sandbox.edit(10, 2); // the account keeps changing between runs
        }
        expect(kills).toBeGreaterThanOrEqual(10);
        expect(resumedPasses, 'runs that went on with a pass from its recorded position').toBeGreaterThanOrEqual(3);
        r = await load(s, 'full', state); // one more run to the end: it loads the last edits too
        expect(await compareLive(s)).toEqual(allClean(s));
        figures.push(
          `kill -9: ${kills} kills survived (${printedAfterKill} with a state printed by the target), ` +
            `${resumedPasses} runs resumed a pass ` +
            `from its position, ${completed} passes completed; existing rows deleted at any check: 0`,
        );
      } finally {
        await s.sandbox.close();
      }
    },
  );
});
