// The package is the product: the tarball `npm pack` makes, installed into a fresh prefix with nothing
// from the checkout, must run as `tap-inventory-planner` (about, discovery, a sync against the sandbox).
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { applySingerOutput, compareWithTruth, STREAM_KEYS } from '../../scripts/lib/singer-output.js';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';
import { codeCacheRejected } from '../helpers/code-cache.js';
import { installPacked } from '../helpers/packed.js';

const work = mkdtempSync(join(tmpdir(), 'tip-package-'));
const home = join(work, 'home');
let installed: string;
let binDir: string;
const API_KEY = 'package-secret-api-key-1618';
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: object;
  scripts: Record<string, string>;
};
let sandbox: Sandbox;

/** Runs the installed bin from a directory outside the checkout, with PATH holding only this node. */
function tap(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('tap-inventory-planner', args, {
      cwd: home,
      env: { PATH: `${binDir}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ code, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
    );
  });
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

beforeAll(async () => {
  mkdirSync(home);
  ({ packageDir: installed, binDir } = installPacked(work));
  sandbox = await startSandbox({ orders: 600, itemsPerOrder: 3, seed: 16, apiKey: API_KEY });
}, 120_000);
afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball, installed into a fresh prefix', () => {
  it('builds before packing, needs no dependencies, and holds only what the bin needs', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
    // The bundle carries every library the tap uses (test/cli/bundle.test.ts): nothing to install beside it.
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(filesUnder(installed)).toEqual([
      'README.md',
      'dist/src/cli.js',
      'dist/src/tap.cjs',
      'dist/src/tap.cjs.cache',
      'package.json',
      'schemas/catalog.json',
      'schemas/config.json',
      'schemas/purchase_order_items.json',
      'schemas/purchase_orders.json',
      'schemas/state.json',
      'schemas/variant_daily.json',
      'schemas/variant_forecast_snapshots.json',
      'schemas/variant_history.json',
      'schemas/variant_monthly.json',
      'schemas/variant_snapshots.json',
      'schemas/variant_vendors.json',
      'schemas/variant_warehouses.json',
      'schemas/variants.json',
      'schemas/vendors.json',
      'schemas/warehouses.json',
    ]);
  });

  it('answers --version, --about and --discover', async () => {
    const version = await tap(['--version']);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toContain(pkg.version);
    const about = await tap(['--about', '--format', 'json']);
    expect(about.code, about.stderr).toBe(0);
    expect(JSON.parse(about.stdout)).toMatchObject({ name: 'tap-inventory-planner', version: pkg.version });
    const discover = await tap(['--discover']);
    expect(discover.code, discover.stderr).toBe(0);
    expect(
      (JSON.parse(discover.stdout) as { streams: { tap_stream_id: string }[] }).streams
        .map((s) => s.tap_stream_id)
        .sort(),
    ).toEqual([
      'purchase_order_items',
      'purchase_orders',
      'variant_daily',
      'variant_forecast_snapshots',
      'variant_history',
      'variant_monthly',
      'variant_snapshots',
      'variant_vendors',
      'variant_warehouses',
      'variants',
      'vendors',
      'warehouses',
    ]);
  });

  it('uses the code cache written at build time from where it is installed', () => {
    const script = join(installed, 'dist', 'src', 'tap.cjs');
    const flags = readFileSync(join(installed, 'dist', 'src', 'cli.js'), 'utf8')
      .split('\n')[0]!
      .split(' ')
      .slice(3);
    expect(codeCacheRejected(script, flags)).toBe(false);
  });

  it('syncs the sandbox into output equal to its ground truth, and runs the same with a cache V8 refuses', async () => {
    const config = join(home, 'config.json');
    writeFileSync(
      config,
      JSON.stringify({ api_key: API_KEY, account_id: sandbox.accountId, base_url: sandbox.baseUrl, page_size: 200 }),
    );
    const sync = await tap(['--config', config]);
    expect(sync.code, sync.stderr.slice(-2000)).toBe(0);
    expect(sync.stdout + sync.stderr).not.toContain(API_KEY);
    const diff = compareWithTruth(applySingerOutput(sync.stdout), sandbox.truth() as never, STREAM_KEYS);
    expect(diff.map((d) => [d.stream, d.missing.length, d.extra.length, d.mismatched.length])).toEqual([
      ['purchase_orders', 0, 0, 0],
      ['purchase_order_items', 0, 0, 0],
    ]);

    // Another Node version or other flags make V8 refuse the cache: the bin then compiles the script as usual.
    const cache = join(installed, 'dist', 'src', 'tap.cjs.cache');
    copyFileSync(cache, `${cache}.orig`);
    writeFileSync(cache, Buffer.alloc(4096, 7));
    const again = await tap(['--config', config]);
    copyFileSync(`${cache}.orig`, cache);
    expect(again.code, again.stderr.slice(-2000)).toBe(0);
    expect(applySingerOutput(again.stdout).counts).toEqual(applySingerOutput(sync.stdout).counts);
  });
});
