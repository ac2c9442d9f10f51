// docs/production.md's cron script, exactly as the doc prints it, with the real target-postgres: the first
// run loads everything and keeps the target's state, the next reads only what changed, and a failing run
// exits non-zero, leaves state.json as it was, and says why in one JSON log line a log system can alert on.
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  dropSchema,
  freshSchemaName,
  PATH_WITH_NODE,
  PG,
  psql,
  REPO_ROOT,
  requireLoaders,
  run,
  TAP_BIN,
  TARGET_POSTGRES,
} from './helpers.js';

const API_KEY = 'production-secret-api-key-5772';
const dir = mkdtempSync(join(tmpdir(), 'tip-production-'));
const schema = freshSchemaName('cron');
let sandbox: Sandbox;

/** The ```bash block of docs/production.md that starts with the run-tap.sh header. */
function scriptFromDocs(): string {
  const doc = readFileSync(join(REPO_ROOT, 'docs', 'production.md'), 'utf8');
  const block = [...doc.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('# run-tap.sh'));
  if (!block) throw new Error('docs/production.md has no ```bash block with run-tap.sh');
  return block;
}

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 900, itemsPerOrder: 3, seed: 5772, apiKey: API_KEY });
  writeFileSync(join(dir, 'run-tap.sh'), scriptFromDocs());
  chmodSync(join(dir, 'run-tap.sh'), 0o755);
  writeFileSync(
    join(dir, 'config.json'),
    JSON.stringify({
      api_key: API_KEY,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      page_size: 300,
      max_retries: 0,
    }),
  );
  writeFileSync(join(dir, 'target.json'), JSON.stringify({ ...PG, default_target_schema: schema }));
  // The two commands the script calls, found on PATH as after `npm install -g` and `pip install`.
  symlinkSync(TAP_BIN, join(dir, 'tap-inventory-planner'));
  symlinkSync(TARGET_POSTGRES, join(dir, 'target-postgres'));
});
afterAll(async () => {
  await sandbox?.close();
  await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

const cron = (env: NodeJS.ProcessEnv = {}) =>
  run(join(dir, 'run-tap.sh'), [], { cwd: '/', env: { ...process.env, PATH: `${dir}:${PATH_WITH_NODE}`, ...env } });
const bookmark = (): string =>
  (
    JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as {
      bookmarks: { purchase_orders: { replication_key_value: string } };
    }
  ).bookmarks.purchase_orders.replication_key_value;
const newest = (): number =>
  sandbox
    .truth()
    .purchase_orders.map((o) => Date.parse(String(o.last_modified)))
    .reduce((a, b) => Math.max(a, b));
const explain = (r: { code: number | null; stderr: string }) => `exit ${r.code}\n${r.stderr.slice(-3000)}`;

describe('docs/production.md: the cron script', () => {
  it(
    "loads everything, then only what changed, keeping the target's state; a failed run keeps the state and says " +
      'why',
    async () => {
      const first = await cron();
      expect(first.code, explain(first)).toBe(0);
      expect(Date.parse(bookmark())).toBe(newest());
      expect(Number(await psql(`select count(*) from "${schema}".purchase_orders`))).toBe(900);

      sandbox.edit(12, 3);
      sandbox.resetStats();
      const second = await cron();
      expect(second.code, explain(second)).toBe(0);
      expect(sandbox.stats().listRequests).toBeLessThanOrEqual(2);
      expect(Date.parse(bookmark())).toBe(newest());
      expect(Number(await psql(`select count(*) from "${schema}".purchase_orders`))).toBe(903);

      const kept = readFileSync(join(dir, 'state.json'), 'utf8');
      sandbox.configure({ faultRate: 1, faultKinds: ['500'] });
      const failed = await cron({ TAP_INVENTORY_PLANNER_LOG_FORMAT: 'json' });
      sandbox.configure({ faultRate: 0 });
      expectNoSecrets(failed, [API_KEY]);
      expect(failed.code, explain(failed)).toBe(1);
      expect(readFileSync(join(dir, 'state.json'), 'utf8')).toBe(kept);
      const tapLines = failed.stderr
        .split('\n')
        .filter((l) => l.includes('"app_name":"tap-inventory-planner"'))
        .map((l) => JSON.parse(l) as { level: string; message: string });
      expect(tapLines.length).toBeGreaterThan(0);
      expect(tapLines.at(-1)).toMatchObject({ level: 'critical', message: expect.stringMatching(/^API_HTTP_ERROR: /) });
    },
  );
});
