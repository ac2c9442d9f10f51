// singer-tools' singer-check-tap: runs the tap, validates every RECORD against its SCHEMA (date-times
// parsed strictly), then runs the tap again with the state it produced.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import { defaultStreamCounts, PATH_WITH_NODE, requireLoaders, run, SINGER_CHECK_TAP, TAP_BIN } from './helpers.js';

const API_KEY = 'check-tap-secret-key-5150';
let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'tip-check-tap-'));

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 400, itemsPerOrder: 3, seed: 99, apiKey: API_KEY });
});
afterAll(() => sandbox?.close());

/** The "Details by stream" table of one summary: stream -> records. */
function recordsByStream(block: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of block.matchAll(/^\| (\w+)\s+\| (\d+)\s+\| (\d+)\s+\|$/gm))
    if (m[1] !== 'stream') out[m[1]!] = Number(m[2]);
  return out;
}

describe('singer-check-tap', () => {
  it('passes: valid output on a first run and on the run with the state it produced', async () => {
    const config = writeJson(join(dir, 'config.json'), {
      api_key: API_KEY,
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
    });
    // --debug passes the tap's stderr through, so it is checked for secrets too.
    const r = await run(SINGER_CHECK_TAP, ['--tap', TAP_BIN, '--config', config, '--debug'], {
      cwd: dir,
      env: { ...process.env, PATH: PATH_WITH_NODE },
    });
    expectNoSecrets(r, [API_KEY]);
    expect(r.code, `${r.stdout}\n${r.stderr.slice(-3000)}`).toBe(0);

    const [first, second] = r.stdout.split('Now re-running tap with state produced by previous run');
    expect(second, r.stdout).toBeDefined();
    expect(first).toContain('The output is valid.');
    expect(second).toContain('The output is valid.');
    expect(second).toContain('--state singer-check-tap-data/state.json');
    expect(recordsByStream(first!)).toEqual(defaultStreamCounts(sandbox));
    // The rerun starts at the bookmark: only the order(s) at the last last_modified come again, not 400.
    const again = recordsByStream(second!);
    expect(again.purchase_orders).toBeGreaterThanOrEqual(1);
    expect(again.purchase_orders).toBeLessThan(10);
    console.log(
      `singer-check-tap: first ${JSON.stringify(recordsByStream(first!))}, with state ${JSON.stringify(again)}, ` +
        `${r.seconds.toFixed(1)}s`,
    );
  });

  it('fails on a tap whose run fails (the check is not a rubber stamp)', async () => {
    const config = writeJson(join(dir, 'bad.json'), {
      api_key: 'wrong-key-000000',
      account_id: sandbox.accountId,
      base_url: sandbox.baseUrl,
      max_retries: 0,
    });
    const r = await run(SINGER_CHECK_TAP, ['--tap', TAP_BIN, '--config', config], {
      cwd: dir,
      env: { ...process.env, PATH: PATH_WITH_NODE },
    });
    expectNoSecrets(r, [API_KEY, 'wrong-key-000000']);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('ERROR: tap exited with status');
  });
});
