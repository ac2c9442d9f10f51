// What a scheduler sees (issue 29): under `meltano run`, a run whose pass is held (the deletion budget) or
// dropped (a read that cannot vouch for itself) exits withheld_deletions_exit_code, 3 by default. Measured here
// with the real Meltano and target-postgres: the job fails, yet the state the target confirmed during the run is
// kept (Meltano stores it as the job's partial state and merges it into the next run's --state), so the next
// scheduled run resumes purchase orders from the bookmark the failed one reached, and nothing is read twice or
// deleted. With withheld_deletions_exit_code 0 the job succeeds, the WARNING stays, and the next run resumes the
// same way. allow_deletions, set once through its environment variable, lets the held pass complete.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
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

const API_KEY = 'meltano-withheld-key-2929';
const JOB = 'dev:tap-inventory-planner-to-target-postgres';
let sandbox: Sandbox;
const schema = freshSchemaName('withheld');

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 300, itemsPerOrder: 2, variants: 200, seed: 2929, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
  await dropSchema(schema);
});

const explain = (r: ProcResult): string =>
  `exit ${r.code}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-6000)}`;

type Bookmarks = Record<string, Record<string, unknown>>;

describe('meltano run with a held or a dropped pass', () => {
  it('fails the job with exit 3 by default, or succeeds with withheld_deletions_exit_code 0; the next run resumes from the bookmark either way', async () => {
    const project = await meltanoProjectWithVenvTarget();
    const env = {
      TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
      TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
      TAP_INVENTORY_PLANNER_PAGE_SIZE: '100',
      TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
      TARGET_POSTGRES_HARD_DELETE: 'true',
      TARGET_POSTGRES_PASSWORD: '',
    };
    const run = (more: Record<string, string> = {}) =>
      meltano(project, ['run', 'tap-inventory-planner', 'target-postgres'], { ...env, ...more });
    const saved = async (): Promise<Bookmarks> => {
      const r = await meltano(project, ['state', 'get', JOB], env);
      expect(r.code, explain(r)).toBe(0);
      return (JSON.parse(r.stdout.trim().split('\n').pop()!) as { singer_state: { bookmarks: Bookmarks } }).singer_state
        .bookmarks;
    };
    const variants = async () => psqlJson<number>(`select count(*) from "${schema}".variants`);
    const startsAt = (r: ProcResult) => /sync starts at last_modified >= (\S+) for purchase_orders/.exec(r.stderr)?.[1];
    const newestOrder = () =>
      sandbox
        .truth()
        .purchase_orders.map((o) => Date.parse(String(o.last_modified)))
        .reduce((a, b) => Math.max(a, b));

    const first = await run();
    expect(first.code, explain(first)).toBe(0);
    expect(await variants()).toBe(200);
    expect((await saved()).variants!.full_table_count).toBe(200);

    // Day 2: orders edited; the variants list shows only its first 20 (meta.total 20). The pass is held.
    sandbox.edit(15);
    sandbox.configure({ listsShowFirst: 20, listsShowFirstOn: ['variants'] });
    const held = await run();
    expect(held.code, explain(held)).toBe(1); // meltano run fails the job: "Extractor failed"
    expect(held.stderr).toMatch(
      /the full-table pass of variants is held: it wrote 20 records where the last completed/,
    );
    expect(held.stderr).toMatch(/Extractor failed|exited with code 3|return code 3|returned 3/i);
    expect(await variants(), 'nothing deleted').toBe(200);
    // The failed job's state is kept: the orders' bookmark reached the newest edit, the variants' last pass stays.
    const afterHeld = await saved();
    expect(Date.parse(String(afterHeld.purchase_orders!.replication_key_value))).toBe(newestOrder());
    expect(afterHeld.variants).toMatchObject({ full_table_count: 200 });
    expect(afterHeld.variants).not.toHaveProperty('full_table_pass');

    // Day 3, the API well again: the next run starts from that bookmark, and the variants' pass completes.
    sandbox.configure({ listsShowFirst: false });
    const resumed = await run();
    expect(resumed.code, explain(resumed)).toBe(0);
    expect(startsAt(resumed), explain(resumed)).toBe(String(afterHeld.purchase_orders!.replication_key_value));
    expect(await variants()).toBe(200);

    // Day 4, scheduled with withheld_deletions_exit_code 0: a dropped pass (no deep offsets) succeeds, warned.
    sandbox.edit(10);
    sandbox.configure({ deepOffsetLimit: 100 });
    const dropped = await run({ TAP_INVENTORY_PLANNER_WITHHELD_DELETIONS_EXIT_CODE: '0' });
    expect(dropped.code, explain(dropped)).toBe(0);
    expect(dropped.stderr).toMatch(
      /the full-table pass of variants, variant_warehouses, variant_vendors(, variant_\w+)* is dropped/,
    );
    const afterDropped = await saved();
    expect(Date.parse(String(afterDropped.purchase_orders!.replication_key_value))).toBe(newestOrder());

    // Day 5: 120 of the 200 variants really removed: over the budget, held; allowed once by its env var, it completes.
    sandbox.configure({ deepOffsetLimit: 0 });
    const removed = sandbox.removeVariants(120);
    const heldAgain = await run({ TAP_INVENTORY_PLANNER_WITHHELD_DELETIONS_EXIT_CODE: '0' });
    expect(heldAgain.code, explain(heldAgain)).toBe(0);
    expect(heldAgain.stderr).toMatch(/the full-table pass of variants is held: it wrote 80 records/);
    expect(startsAt(heldAgain)).toBe(String(afterDropped.purchase_orders!.replication_key_value));
    expect(await variants()).toBe(200);
    const allowed = await run({
      TAP_INVENTORY_PLANNER_ALLOW_DELETIONS:
        'variants,variant_warehouses,variant_vendors,variant_monthly,variant_daily',
    });
    expect(allowed.code, explain(allowed)).toBe(0);
    expect(await variants()).toBe(80);
    expect(removed).toHaveLength(120);
    expect((await saved()).variants!.full_table_count).toBe(80);
  });
});
