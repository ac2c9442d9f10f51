// Meltano with the repo's meltano.yml (copied into a throwaway project, dist/ and .venv-loaders/ linked):
// `meltano config test`, `meltano select --list`, and `meltano run tap-inventory-planner target-postgres`
// twice, the second run getting its state from Meltano's store. Settings come from TAP_INVENTORY_PLANNER_*
// variables, as users are told to pass secrets; each test has its own system DB and target schema.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean, columnTypes, compareTable, dropSchema, freshSchemaName, meltano, meltanoProject, primaryKeys, psql, removeMeltanoProjects, requireLoaders,
  summary, tableRows, type ProcResult, type Row,
} from './helpers.js';

const API_KEY = 'meltano-secret-api-key-3141';
let sandbox: Sandbox;
const schemas: string[] = [];

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 1200, itemsPerOrder: 3, seed: 777, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

function tapEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
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
  it('meltano config test tap-inventory-planner passes with the right key and fails with a wrong one', async () => {
    const project = meltanoProject();
    sandbox.resetStats();
    const ok = await meltano(project, ['config', 'test', 'tap-inventory-planner'], tapEnv());
    expectNoSecrets(ok, [API_KEY]);
    expect(ok.code, explain(ok)).toBe(0);
    expect(ok.stdout + ok.stderr).toContain('Plugin configuration is valid');
    expect(sandbox.stats().listRequests, 'the test really called the API').toBeGreaterThanOrEqual(1);

    const wrong = 'not-the-right-key-2718';
    const bad = await meltano(project, ['config', 'test', 'tap-inventory-planner'], tapEnv({ TAP_INVENTORY_PLANNER_API_KEY: wrong, TAP_INVENTORY_PLANNER_MAX_RETRIES: '0' }));
    expectNoSecrets(bad, [API_KEY, wrong]);
    expect(bad.code, explain(bad)).not.toBe(0);
    expect(bad.stdout + bad.stderr).not.toContain('Plugin configuration is valid');
  });

  it('meltano select tap-inventory-planner --list shows both streams and their fields', async () => {
    const project = meltanoProject();
    const r = await meltano(project, ['select', 'tap-inventory-planner', '--list'], tapEnv());
    expectNoSecrets(r, [API_KEY]);
    expect(r.code, explain(r)).toBe(0);
    const listed = new Map([...r.stdout.matchAll(/\[(\w+)\s*\] (\w+)\.(\w+)/g)].map((m) => [`${m[2]}.${m[3]}`, m[1]]));
    for (const field of ['purchase_orders.total_ordered', 'purchase_orders.created_date', 'purchase_orders._account_id', 'purchase_orders.__synced_at',
      'purchase_order_items.sku', 'purchase_order_items.cost_price', 'purchase_order_items.received']) {
      expect(listed.get(field), field).toBe('selected');
    }
    // Keys and the replication key cannot be deselected.
    expect(listed.get('purchase_orders.purchase_order_id')).toBe('automatic');
    expect(listed.get('purchase_orders.last_modified')).toBe('automatic');
    expect(listed.get('purchase_order_items.key')).toBe('automatic');
    expect(listed.size).toBeGreaterThanOrEqual(30);
  });

  it('meltano run twice: a full load, then only what changed, with the state from Meltano\'s store', async () => {
    const project = meltanoProject();
    const schema = freshSchemaName('meltano');
    schemas.push(schema);
    // page_size and field_projection through env vars: Meltano casts them to the setting kinds.
    const env = tapEnv({ TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema, TAP_INVENTORY_PLANNER_PAGE_SIZE: '400', TAP_INVENTORY_PLANNER_FIELD_PROJECTION: 'true' });
    const keys: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
    const compare = async () => {
      const truth = sandbox.truth() as unknown as Record<string, Row[]>;
      const types = await columnTypes(schema);
      const out = [];
      for (const stream of Object.keys(keys)) out.push(summary(compareTable(stream, await tableRows(schema, stream), truth[stream]!, keys[stream]!, types[stream] ?? {})));
      return out;
    };

    sandbox.resetStats();
    const first = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(first, [API_KEY]);
    expect(first.code, explain(first)).toBe(0);
    expect(sandbox.stats().listRequests, 'page_size=400 from the env var: 1,200 orders in 3+ pages').toBeGreaterThanOrEqual(3);
    let truth = sandbox.truth();
    expect(await compare()).toEqual([clean('purchase_orders', truth.purchase_orders.length), clean('purchase_order_items', truth.purchase_order_items.length)]);
    expect(await primaryKeys(schema)).toEqual({ purchase_orders: ['purchase_order_id'], purchase_order_items: ['key'] });

    const stored = await meltano(project, ['state', 'get', 'dev:tap-inventory-planner-to-target-postgres'], env);
    expect(stored.code, explain(stored)).toBe(0);
    const state = JSON.parse(stored.stdout.trim().split('\n').pop()!) as { singer_state: { bookmarks: Record<string, { replication_key_value: string }> } };
    const newest = truth.purchase_orders.map((o) => Date.parse(String(o.last_modified))).reduce((a, b) => Math.max(a, b));
    expect(Date.parse(state.singer_state.bookmarks.purchase_orders!.replication_key_value)).toBe(newest);
    const firstSync = await psql(`select max(_sdc_sync_started_at) from "${schema}".purchase_orders`);

    sandbox.edit(25, 5);
    sandbox.resetStats();
    const second = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(second, [API_KEY]);
    expect(second.code, explain(second)).toBe(0);
    // The tap got --state from Meltano: one page for the 30 changed orders, not a re-read of 1,200.
    expect(sandbox.stats().listRequests).toBeLessThanOrEqual(2);
    const touched = Number(await psql(`select count(*) from "${schema}".purchase_orders where _sdc_sync_started_at > ${firstSync}`));
    expect(touched).toBeGreaterThanOrEqual(30);
    expect(touched).toBeLessThan(50);
    truth = sandbox.truth();
    expect(await compare()).toEqual([clean('purchase_orders', truth.purchase_orders.length), clean('purchase_order_items', truth.purchase_order_items.length)]);
    console.log(`meltano run: first ${first.seconds.toFixed(1)}s, second ${second.seconds.toFixed(1)}s touching ${touched} orders`);
  });
});
