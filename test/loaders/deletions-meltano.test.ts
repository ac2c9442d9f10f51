// FULL_TABLE chosen the Meltano way (`metadata:` in meltano.yml): Meltano writes replication-method into the
// catalog it passes, the tap reads both streams in full and ends with ACTIVATE_VERSION, and target-postgres
// (hard_delete from its Meltano setting) deletes what was deleted in the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  dropSchema,
  freshSchemaName,
  meltano,
  meltanoProjectWithVenvTarget,
  psqlJson,
  removeMeltanoProjects,
  requireLoaders,
  type ProcResult,
} from './helpers.js';

const API_KEY = 'meltano-deletions-key-8080';
let sandbox: Sandbox;
const schema = freshSchemaName('meltanodel');

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 500, itemsPerOrder: 3, seed: 4711, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
  await dropSchema(schema);
});

const explain = (r: ProcResult): string =>
  `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-5000)}`;

describe('Meltano with replication-method FULL_TABLE in metadata:', () => {
  it('a second meltano run removes the orders and lines deleted in between', async () => {
    const project = await meltanoProjectWithVenvTarget((yml) => {
      yml.plugins.extractors[0]!.metadata = {
        purchase_orders: { 'replication-method': 'FULL_TABLE' },
        purchase_order_items: { 'replication-method': 'FULL_TABLE' },
      };
    });
    const env = {
      TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
      TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
      TARGET_POSTGRES_HARD_DELETE: 'true',
      TARGET_POSTGRES_PASSWORD: '', // the local server trusts loopback connections; the target insists on the setting
    };
    const keys = async (table: string, key: string): Promise<string[]> =>
      (
        await psqlJson<string[]>(`select coalesce(json_agg(${key} order by ${key}), '[]') from "${schema}".${table}`)
      ).sort();
    const truthKeys = () => {
      const t = sandbox.truth();
      return [
        t.purchase_orders.map((o) => String(o.purchase_order_id)).sort(),
        t.purchase_order_items.map((l) => String(l.key)).sort(),
      ];
    };

    const first = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(first, [API_KEY]);
    expect(first.code, explain(first)).toBe(0);
    expect([await keys('purchase_orders', 'purchase_order_id'), await keys('purchase_order_items', 'key')]).toEqual(
      truthKeys(),
    );

    const deleted = sandbox.deleteOrders(12);
    const removed = sandbox.removeLines(9);
    const second = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expectNoSecrets(second, [API_KEY]);
    expect(second.code, explain(second)).toBe(0);
    const orders = await keys('purchase_orders', 'purchase_order_id');
    const lines = await keys('purchase_order_items', 'key');
    expect([orders, lines]).toEqual(truthKeys());
    expect(orders.filter((id) => deleted.includes(id))).toEqual([]);
    expect(lines.filter((k) => removed.some((r) => r.key === k))).toEqual([]);

    // the state Meltano keeps closes each pass
    const stored = await meltano(project, ['state', 'get', 'dev:tap-inventory-planner-to-target-postgres'], env);
    const state = JSON.parse(stored.stdout.trim().split('\n').pop()!) as {
      singer_state: { bookmarks: Record<string, Record<string, unknown>> };
    };
    for (const stream of ['purchase_orders', 'purchase_order_items']) {
      expect(state.singer_state.bookmarks[stream]!.full_table_version, stream).toEqual(expect.any(Number));
      expect(state.singer_state.bookmarks[stream]!.full_table_pass, stream).toBeUndefined();
    }
  });
});
