// The built CLI spawned as a process, as users, targets and Meltano run it.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { REPO_ROOT, runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const API_KEY = 'cli-secret-key-7788';
const dir = mkdtempSync(join(tmpdir(), 'tap-cli-'));
let sandbox: Sandbox;
let config: string;

beforeAll(async () => {
  sandbox = await startSandbox({ orders: 40, itemsPerOrder: 2, seed: 3, apiKey: API_KEY });
  config = writeJson(join(dir, 'config.json'), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 25,
  });
});
afterAll(() => sandbox.close());

const lines = (text: string) => text.split('\n').filter(Boolean);
const messages = (stdout: string) => lines(stdout).map((l) => JSON.parse(l) as Record<string, any>);

describe('CLI without a sync', () => {
  it('--version and --help', async () => {
    const version = await runTap({ args: ['--version'] });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);
    const help = await runTap({ args: ['--help'] });
    expect(help.code).toBe(0);
    for (const flag of ['--config', '--state', '--catalog', '--properties', '--discover', '--about', '--test'])
      expect(help.stdout).toContain(flag);
  });

  it('--discover prints the committed catalog.json without any config or API call', async () => {
    const result = await runTap({ args: ['--discover'] });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(join(REPO_ROOT, 'catalog.json'), 'utf8')));
  });

  it('--about in text, json and markdown', async () => {
    const json = JSON.parse((await runTap({ args: ['--about', '--format', 'json'] })).stdout);
    expect(json).toMatchObject({
      name: 'tap-inventory-planner',
      capabilities: expect.arrayContaining(['catalog', 'discover', 'state']),
    });
    expect((await runTap({ args: ['--about', '--format', 'markdown'] })).stdout).toContain('| api_key | yes |');
    expect((await runTap({ args: ['--about'] })).stdout).toMatch(/^Name: tap-inventory-planner/);
  });

  it('an unknown flag is a one-line usage error with exit code 2', async () => {
    const result = await runTap({ args: ['--confg', 'x.json'] });
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^USAGE_ERROR: Unknown argument: confg/);
    expect(result.stdout).toBe('');
  });

  it('a usage error names a dashed flag once, ends its sentence, and stays on one line', async () => {
    const unknown = await runTap({ args: ['--full-refresh'] });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('USAGE_ERROR: Unknown argument: full-refresh. Run tap-inventory-planner --help.\n');
    const invalid = await runTap({ args: ['--about', '--format', 'xml'] });
    expect(invalid.code).toBe(2);
    expect(lines(invalid.stderr)).toHaveLength(1);
    expect(invalid.stderr).toMatch(
      /^USAGE_ERROR: Invalid values: Argument: format, Given: "xml", .*\. Run tap-inventory-planner --help\.\n$/,
    );
  });

  it('a sync without --config says what to pass', async () => {
    const result = await runTap({ args: [] });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/INPUT_FILE_INVALID: no --config given\. Pass --config FILE/);
  });
});

describe('CLI syncs against the sandbox', () => {
  it('stdout carries only Singer messages; metrics and progress go to stderr', async () => {
    const result = await runTap({ args: ['--config', config] });
    expect(result.code).toBe(0);
    expectNoSecrets(result, [API_KEY]);
    expect(
      messages(result.stdout).every((m) => ['SCHEMA', 'RECORD', 'STATE', 'ACTIVATE_VERSION'].includes(m.type)),
    ).toBe(true);
    const metrics = lines(result.stderr)
      .filter((l) => l.startsWith('INFO METRIC: '))
      .map((l) => JSON.parse(l.slice(13)));
    expect(metrics).toContainEqual({
      type: 'counter',
      metric: 'record_count',
      value: 40,
      tags: { stream: 'purchase_orders' },
    });
    const timer = metrics.find((m) => m.metric === 'http_request_duration');
    expect(timer).toMatchObject({
      type: 'timer',
      tags: { endpoint: '/api/v1/purchase-orders', http_status_code: 200, status: 'succeeded' },
    });
    expect(result.stderr).toMatch(/done: purchase_orders=40 purchase_order_items=\d+/);
  });

  it('--config ENV reads TAP_INVENTORY_PLANNER_* variables, and several --config files merge', async () => {
    const env = {
      TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
      TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
      TAP_INVENTORY_PLANNER_PAGE_SIZE: '7',
    };
    const fromEnv = await runTap({ args: ['--config', 'ENV'], env });
    expect(fromEnv.code).toBe(0);
    expect(messages(fromEnv.stdout).filter((m) => m.type === 'RECORD' && m.stream === 'purchase_orders')).toHaveLength(
      40,
    );
    const override = writeJson(join(dir, 'override.json'), { account_id: 'override-account' });
    const merged = await runTap({ args: ['--config', config, '--config', override] });
    expect(merged.code).toBe(1); // the sandbox only knows its own account: the later file won
    expect(merged.stderr).toMatch(/API_AUTH_FAILED/);
    expectNoSecrets(merged, [API_KEY]);
  });

  it('--properties is accepted as the legacy name of --catalog', async () => {
    const catalog = JSON.parse((await runTap({ args: ['--discover'] })).stdout);
    catalog.streams[1].metadata[0].metadata.selected = false;
    const path = writeJson(join(dir, 'catalog.json'), catalog);
    const result = await runTap({ args: ['--config', config, '--properties', path] });
    expect(
      new Set(
        messages(result.stdout)
          .filter((m) => m.type === 'RECORD')
          .map((m) => m.stream),
      ),
    ).toEqual(
      new Set([
        'purchase_orders',
        'variants',
        'variant_warehouses',
        'variant_vendors',
        'variant_monthly',
        'variant_daily',
        'variant_history',
        'warehouses',
        'vendors',
      ]),
    );
  });

  it('--test emits SCHEMA and one RECORD per stream and exits 0', async () => {
    const result = await runTap({ args: ['--config', config, '--test'] });
    expect(result.code).toBe(0);
    const streams = [
      'purchase_orders',
      'purchase_order_items',
      'variants',
      'variant_warehouses',
      'variant_vendors',
      'variant_monthly',
      'variant_daily',
      'variant_history',
      'warehouses',
      'vendors',
    ];
    const out = messages(result.stdout).map((m) => `${m.type}:${m.stream ?? ''}`);
    expect(out.filter((m) => m.startsWith('SCHEMA:'))).toEqual(streams.map((s) => `SCHEMA:${s}`));
    // a variant's rows go out stream by stream in the order each stream maps them, so compare as a set
    expect(out.slice(streams.length).sort()).toEqual(streams.map((s) => `RECORD:${s}`).sort());
  });

  it('JSON logs carry the Meltano SDK log fields; debug level logs requests without the key', async () => {
    const result = await runTap({
      args: ['--config', config],
      env: { TAP_INVENTORY_PLANNER_LOG_FORMAT: 'json', TAP_INVENTORY_PLANNER_LOG_LEVEL: 'debug' },
    });
    expect(result.code).toBe(0);
    expectNoSecrets(result, [API_KEY]);
    const logLines = lines(result.stderr).map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const l of logLines)
      for (const f of ['level', 'pid', 'logger_name', 'ts', 'thread_name', 'app_name', 'stream_name', 'message'])
        expect(l).toHaveProperty(f);
    expect(logLines.some((l) => l.level === 'debug' && String(l.message).startsWith('GET /purchase-orders?'))).toBe(
      true,
    );
    expect(logLines.some((l) => (l.metric_info as { metric?: string } | undefined)?.metric === 'record_count')).toBe(
      true,
    );
  });

  it('LOGLEVEL=warning keeps stderr quiet on a clean run', async () => {
    const result = await runTap({ args: ['--config', config], env: { LOGLEVEL: 'warning' } });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
  });
});
