// The README's first run, as a newcomer types it: the sandbox config it shows gets every order of the default
// sandbox, and the incremental run from the first run's output (--state out.jsonl) reads only the bookmark's
// instant again.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { REPO_ROOT, runTap } from '../../scripts/lib/tap-process.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'tip-readme-'));
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({}); // what `npm run sandbox` serves by default
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

const orders = (stdout: string): number =>
  stdout.split('\n').filter((l) => l.startsWith('{"type":"RECORD","stream":"purchase_orders"')).length;

describe("README's first run against the sandbox", () => {
  it('its config gets all the sandbox orders, and --state out.jsonl resumes from that output', async () => {
    expect(readme).toContain('npm run sandbox -- --port 8080');
    const block = [...readme.matchAll(/```json\n(.*)\n```/g)].map((m) => m[1]!).find((b) => b.includes('base_url'))!;
    const config = JSON.parse(block) as Record<string, string>;
    expect(config.base_url).toBe('http://127.0.0.1:8080/api/v1');
    // The same sandbox on a free port instead of 8080.
    const file = join(work, 'config.json');
    writeFileSync(file, JSON.stringify({ ...config, base_url: sandbox.baseUrl }));

    const full = await runTap({ args: ['--config', file] });
    expect(full.code, full.stderr).toBe(0);
    const total = sandbox.truth().purchase_orders.length;
    expect(orders(full.stdout)).toBe(total);
    expect(readme).toContain(`all ${total} orders of the sandbox`);

    writeFileSync(join(work, 'out.jsonl'), full.stdout);
    const next = await runTap({ args: ['--config', file, '--state', join(work, 'out.jsonl')] });
    expect(next.code, next.stderr).toBe(0);
    expect(orders(next.stdout)).toBeGreaterThanOrEqual(1); // the orders at exactly the bookmark, sent again
    expect(orders(next.stdout)).toBeLessThan(5);
  });
});
