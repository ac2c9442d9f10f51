// Meltano with the repo's target-snowflake loader (meltano/target-snowflake.yml, included as docs/meltano.md
// says), every setting from TARGET_SNOWFLAKE_* variables. The one change to the copied file: its pip_url gives way to an
// executable, the real target-snowflake run against fakesnow (test/loaders/fakesnow/).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  compareTable,
  freshSchemaName,
  meltano,
  meltanoProject,
  readYaml,
  removeMeltanoProjects,
  REPO_ROOT,
  requireLoaders,
  summary,
  type ProcResult,
  type Row,
} from './helpers.js';
import {
  comparableTypes,
  fakesnowTarget,
  readFakesnow,
  requireSnowflake,
  SNOWFLAKE_DATABASE,
} from './snowflake-helpers.js';

const API_KEY = 'meltano-sf-secret-api-key-8642';
const PASSWORD = 'snowflake-password-not-for-logs-9931';
const KEYS: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
let sandbox: Sandbox;

beforeAll(async () => {
  requireLoaders();
  requireSnowflake();
  sandbox = await startSandbox({ orders: 700, itemsPerOrder: 3, seed: 909, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
});

type Plugin = Record<string, unknown> & { name: string };
async function projectOnFakesnow(): Promise<string> {
  const project = meltanoProject(['meltano/target-snowflake.yml']);
  const file = join(project, 'meltano', 'target-snowflake.yml');
  const config = await readYaml<{ plugins: { loaders: Plugin[] } }>(file);
  const loader = config.plugins.loaders.find((p) => p.name === 'target-snowflake')!;
  expect(loader).toMatchObject({
    variant: 'meltanolabs',
    pip_url: expect.stringMatching(/^meltanolabs-target-snowflake==\d+\.\d+\.\d+$/),
  });
  delete loader.pip_url;
  // Absolute: the throwaway project is outside the checkout that holds the venv.
  loader.executable = join(REPO_ROOT, '.venv-loaders', 'bin', 'target-snowflake-fakesnow');
  writeFileSync(file, JSON.stringify(config, null, 2)); // YAML is a superset of JSON
  return project;
}

const explain = (r: ProcResult) =>
  `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-5000)}`;

describe('Meltano: tap-inventory-planner to target-snowflake', () => {
  it(
    'meltano run with settings from the environment, twice: loads the truth, keeps state, ' + 'upserts what changed',
    async () => {
      const project = await projectOnFakesnow();
      const schema = freshSchemaName('meltano_sf');
      const t = fakesnowTarget(project, schema);
      const env = {
        TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
        TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
        TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
        TAP_INVENTORY_PLANNER_USE_SINGER_DECIMAL: 'true',
        TARGET_SNOWFLAKE_ACCOUNT: 'myorg-myaccount',
        TARGET_SNOWFLAKE_USER: 'LOADER',
        TARGET_SNOWFLAKE_PASSWORD: PASSWORD,
        TARGET_SNOWFLAKE_ROLE: 'TRANSFORMER',
        TARGET_SNOWFLAKE_WAREHOUSE: 'LOADING',
        TARGET_SNOWFLAKE_DATABASE: SNOWFLAKE_DATABASE,
        TARGET_SNOWFLAKE_DEFAULT_TARGET_SCHEMA: schema,
        ...t.env,
      };
      const compare = async () => {
        const loaded = await readFakesnow(t.dbPath, schema);
        const truth = sandbox.truth() as unknown as Record<string, Row[]>;
        return {
          loaded,
          tables: Object.keys(KEYS).map((s) =>
            summary(compareTable(s, loaded.rows[s] ?? [], truth[s]!, KEYS[s]!, comparableTypes(loaded.types[s] ?? {}))),
          ),
        };
      };

      const first = await meltano(project, ['run', 'tap-inventory-planner', 'target-snowflake'], env);
      expectNoSecrets(first, [API_KEY, PASSWORD]);
      expect(first.code, explain(first)).toBe(0);
      let truth = sandbox.truth();
      const one = await compare();
      expect(one.tables).toEqual([
        clean('purchase_orders', truth.purchase_orders.length),
        clean('purchase_order_items', truth.purchase_order_items.length),
      ]);
      // The tap setting travelled from the environment through Meltano: exact decimals, not FLOAT.
      expect(one.loaded.types.purchase_order_items).toMatchObject({
        cost_price: 'NUMBER(38,10)',
        replenishment: 'NUMBER(38,10)',
      });
      expect(one.loaded.types.purchase_orders).toMatchObject({
        total_ordered: 'NUMBER(38,10)',
        last_modified: 'TIMESTAMP_NTZ',
      });

      const stored = await meltano(project, ['state', 'get', 'dev:tap-inventory-planner-to-target-snowflake'], env);
      expect(stored.code, explain(stored)).toBe(0);
      const state = JSON.parse(stored.stdout.trim().split('\n').pop()!) as {
        singer_state: { bookmarks: Record<string, { replication_key_value: string }> };
      };
      const newest = truth.purchase_orders
        .map((o) => Date.parse(String(o.last_modified)))
        .reduce((a, b) => Math.max(a, b));
      expect(Date.parse(state.singer_state.bookmarks.purchase_orders!.replication_key_value)).toBe(newest);

      sandbox.edit(20, 4);
      sandbox.resetStats();
      const second = await meltano(project, ['run', 'tap-inventory-planner', 'target-snowflake'], env);
      expectNoSecrets(second, [API_KEY, PASSWORD]);
      expect(second.code, explain(second)).toBe(0);
      expect(sandbox.stats().listRequests, 'the tap got --state from Meltano').toBeLessThanOrEqual(2);
      truth = sandbox.truth();
      expect((await compare()).tables).toEqual([
        clean('purchase_orders', truth.purchase_orders.length),
        clean('purchase_order_items', truth.purchase_order_items.length),
      ]);
      console.log(
        `meltano run to target-snowflake (fakesnow): first ${first.seconds.toFixed(1)}s, second ` +
          `${second.seconds.toFixed(1)}s`,
      );
    },
  );
});
