// `meltano run tap-inventory-planner target-postgres` with batch_config set in the project's meltano.yml (by
// `meltano config ... set`, as a user does): the tap sends BATCH files, the target loads them, the tables equal the
// truth after a first run and after a second one that gets its state from Meltano (variants removed in between
// are deleted by the pass; hard_delete: true, so a row without its version would be deleted too).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  meltano,
  meltanoProject,
  removeMeltanoProjects,
  requireLoaders,
  summary,
  tableRows,
  type ProcResult,
  type Row,
} from './helpers.js';
import { jsonColumns } from './json-columns.js';

const KEYS: Record<string, string> = {
  purchase_orders: 'purchase_order_id',
  purchase_order_items: 'key',
  ...COLLECTION_KEYS,
};
let sandbox: Sandbox;
let project: string;
let schema: string;

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 300, itemsPerOrder: 3, variants: 120, seed: 2504 });
  project = meltanoProject();
  schema = freshSchemaName('batchmeltano');
  const installed = await meltano(project, ['install', 'loader', 'target-postgres'], {});
  expect(installed.code, explain(installed)).toBe(0);
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
  if (schema) await dropSchema(schema);
});

function explain(r: ProcResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-3000)}\n--- stderr\n${r.stderr.slice(-5000)}`;
}

describe('meltano run with batch_config in meltano.yml', () => {
  it('loads BATCH files into target-postgres; a second run from Meltano state deletes exactly the removed variants', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tip-batch-meltano-'));
    const env = {
      MELTANO_DATABASE_URI: `sqlite:///${join(project, 'batch-system.db')}`,
      TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
      TAP_INVENTORY_PLANNER_API_KEY: sandbox.apiKey,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
      TARGET_POSTGRES_PASSWORD: '',
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
      TARGET_POSTGRES_HARD_DELETE: 'true',
    };
    const batchConfig = { encoding: { format: 'jsonl', compression: 'gzip' }, storage: { root: `file://${root}` } };
    const set = await meltano(
      project,
      ['config', 'set', 'tap-inventory-planner', 'batch_config', JSON.stringify(batchConfig)],
      env,
    );
    expect(set.code, explain(set)).toBe(0);
    expect(readFileSync(join(project, 'meltano.yml'), 'utf8')).toMatch(/batch_config:\s*\n\s+encoding:/);

    const check = async () => {
      const types = await columnTypes(schema);
      const truth: Record<string, Row[]> = {
        ...(sandbox.truth() as unknown as Record<string, Row[]>),
        ...(sandbox.collectionTruth() as unknown as Record<string, Row[]>),
      };
      const out = [];
      for (const [stream, key] of Object.entries(KEYS)) {
        const rows = await tableRows(schema, stream);
        expect(
          rows.filter((r) => r._sdc_table_version === null),
          `${stream}: rows without a version`,
        ).toEqual([]);
        out.push(summary(compareTable(stream, jsonColumns(rows), jsonColumns(truth[stream]!), key, types[stream]!)));
      }
      return { out, expected: Object.keys(KEYS).map((s) => clean(s, truth[s]!.length)) };
    };

    const first = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expect(first.code, explain(first)).toBe(0);
    const files = readdirSync(root);
    expect(files.length, 'the tap wrote batch files').toBeGreaterThanOrEqual(Object.keys(KEYS).length);
    expect(files.every((f) => /^tap-inventory-planner--\w+-[0-9a-f-]{36}-\d+\.json\.gz$/.test(f))).toBe(true);
    let c = await check();
    expect(c.out).toEqual(c.expected);

    const removed = sandbox.removeVariants(6);
    sandbox.edit(20, 3);
    const second = await meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], env);
    expect(second.code, explain(second)).toBe(0);
    c = await check();
    expect(c.out).toEqual(c.expected);
    const ids = (await tableRows(schema, 'variants')).map((r) => String(r.id));
    expect(removed.filter((id) => ids.includes(id))).toEqual([]);
  });
});
