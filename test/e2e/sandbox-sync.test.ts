// The built tap against the sandbox API: a full sync, edits, an incremental sync from the emitted state;
// the union of both outputs, upserted by key, must equal the sandbox's ground truth exactly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { applySingerOutput, compareWithTruth, STREAM_KEYS } from '../../scripts/lib/singer-output.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'tap-e2e-'));
const API_KEY = 'e2e-secret-api-key-0451';

beforeAll(async () => {
  sandbox = await startSandbox({
    orders: 3000,
    itemsPerOrder: 4,
    seed: 11,
    apiKey: API_KEY,
    tieBlockSize: 1500,
    tieBlockCount: 1,
  });
});
afterAll(() => sandbox.close());

function exact(text: string[]) {
  const output = text.reduce((acc, t) => applySingerOutput(t, acc), applySingerOutput(''));
  return compareWithTruth(output, sandbox.truth() as never, STREAM_KEYS).map((d) => ({
    stream: d.stream,
    missing: d.missing.length,
    extra: d.extra.length,
    mismatched: d.mismatched.slice(0, 3),
  }));
}

describe('tap against the sandbox', () => {
  it('full, then incremental after edits: upserted output equals the ground truth', async () => {
    const config = writeJson(join(dir, 'config.json'), {
      api_key: API_KEY,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      page_size: 500,
    });
    const first = await runTap({ args: ['--config', config] });
    expect(first.stderr).not.toMatch(/CRITICAL|ERROR/);
    expect(first.code).toBe(0);
    expectNoSecrets(first, [API_KEY]);
    expect(exact([first.stdout])).toEqual([
      { stream: 'purchase_orders', missing: 0, extra: 0, mismatched: [] },
      { stream: 'purchase_order_items', missing: 0, extra: 0, mismatched: [] },
    ]);

    sandbox.edit(40, 10);
    sandbox.resetStats();
    const state = writeJson(join(dir, 'state.json'), applySingerOutput(first.stdout).lastState);
    const second = await runTap({ args: ['--config', config, '--state', state] });
    expect(second.code).toBe(0);
    expectNoSecrets(second, [API_KEY]);
    const incremental = applySingerOutput(second.stdout);
    expect(incremental.counts.purchase_orders).toBeGreaterThanOrEqual(50);
    expect(incremental.counts.purchase_orders).toBeLessThan(100); // proportional to what changed, not to 3,000
    expect(sandbox.stats().listRequests).toBeLessThanOrEqual(3);
    expect(exact([first.stdout, second.stdout])).toEqual([
      { stream: 'purchase_orders', missing: 0, extra: 0, mismatched: [] },
      { stream: 'purchase_order_items', missing: 0, extra: 0, mismatched: [] },
    ]);
  });
});
