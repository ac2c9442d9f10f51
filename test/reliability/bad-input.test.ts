// Issue 5, scenarios 7 and 8: bad config, state and catalog files, bad flags and bad API answers. Each one:
// non-zero exit, exactly one error line on stderr saying what is wrong and what to do, no stack trace,
// nothing on stdout a target would load wrongly, and no secret anywhere, at info and at debug level.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.js';
import {
  BAD_INPUT_CASES,
  BAD_ORDER_ID,
  caseSecrets,
  failureProblems,
  runBadInput,
  startBadApi,
  type BadApi,
  type CaseContext,
} from '../helpers/reliability-cases.js';
import {
  newDir,
  startReliabilitySandbox,
  tap,
  writeConfig,
  RELIABILITY_API_KEY,
} from '../helpers/reliability-scenarios.js';
import { expectNoSecrets } from '../helpers/secrets.js';

let sandbox: Sandbox;
let bad: BadApi;
let ctx: CaseContext;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 9;
}

beforeAll(async () => {
  sandbox = await startReliabilitySandbox({ orders: 30, seed: 2 });
  bad = await startBadApi();
  ctx = { dir: newDir('bad-input'), sandbox, bad, closedPort: await freePort() };
});
afterAll(async () => {
  await bad.close();
  await sandbox.close();
});

describe('bad input fails clearly', () => {
  it('covers at least 15 cases, among them every kind the issue names', () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(15);
    const names = BAD_INPUT_CASES.map((c) => c.name).join('\n');
    for (const kind of [
      /config file missing/,
      /config not JSON/,
      /config is an array/,
      /config with wrong types/,
      /state file missing/,
      /state not JSON/,
      /state with the wrong shape/,
      /state with the wrong types/,
      /catalog file missing/,
      /catalog not JSON/,
      /catalog with the wrong shape/,
      /unknown stream/,
      /start_date not RFC 3339/,
      /base_url plain http/,
      /401/,
      /CDN HTML/,
      /200 with a body that is not JSON/,
      /not a number/,
    ]) {
      expect(names).toMatch(kind);
    }
  });

  // At info level for every case; at debug level too for the cases that reach the API (before the sync
  // starts the tap logs nothing at debug level; the soak runs every case at both levels).
  it.concurrent.each(BAD_INPUT_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const runs = await Promise.all([
      runBadInput(c, ctx, 'info'),
      ...(c.beforeSync ? [] : [runBadInput(c, ctx, 'debug')]),
    ]);
    for (const run of runs) expectNoSecrets(run, caseSecrets(c));
    const [info, debug] = runs;
    expect({ stderr: info!.stderr, problems: failureProblems(c, info!, 'info') }).toEqual({
      stderr: info!.stderr,
      problems: [],
    });
    if (debug) expect({ problems: failureProblems(c, debug, 'debug') }).toEqual({ problems: [] });
  });

  it('pre-sync failures print nothing more at debug level (spot check)', async () => {
    for (const c of BAD_INPUT_CASES.filter((k) => k.beforeSync).slice(0, 3)) {
      const debug = await runBadInput(c, ctx, 'debug');
      expectNoSecrets(debug, caseSecrets(c));
      expect(failureProblems(c, debug, 'info')).toEqual([]);
    }
  });
});

describe('secrets never printed', () => {
  it('not in JSON-format debug logs of servers that echo the key back', async () => {
    for (const c of BAD_INPUT_CASES.filter((k) => k.name.startsWith('server echoing'))) {
      const run = await tap(`${c.name} (json logs)`, c.args(ctx), {
        env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'debug', TAP_INVENTORY_PLANNER_LOG_FORMAT: 'json' },
      });
      expectNoSecrets(run, caseSecrets(c));
      expect(run.code).toBe(1);
      // the echoed body did reach the tap: the line quotes it, with the key masked
      if (c.name.includes('500')) expect(run.stderr).toContain('internal error while checking key ***');
    }
    expect(bad.requests).toBeGreaterThan(0);
  });

  it('not when the key is given through the environment and the API refuses it', async () => {
    const run = await tap('ENV key, wrong account', ['--config', 'ENV'], {
      env: {
        TAP_INVENTORY_PLANNER_API_KEY: RELIABILITY_API_KEY,
        TAP_INVENTORY_PLANNER_ACCOUNT_ID: 'not-this-account',
        TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
      },
    });
    expectNoSecrets(run, [RELIABILITY_API_KEY]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/API_AUTH_FAILED/);
  });

  it('not in a successful debug run with every log line enabled', async () => {
    const run = await tap('debug sync', ['--config', writeConfig(ctx.dir, sandbox, {}, 'debug.config.json')]);
    expectNoSecrets(run, [RELIABILITY_API_KEY]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/DEBUG tap-inventory-planner: GET \/purchase-orders/);
    expect(run.stdout).not.toContain(BAD_ORDER_ID);
  });
});
