// The built tap with batch_config against the sandbox: only BATCH messages carry records, and every STATE comes
// after the BATCH messages of the records it covers; a full disk is one clear error line, never a corrupt file;
// a root the tap cannot write is a config error before anything is sent.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { runTap, TAP_BIN, writeJson } from '../../scripts/lib/tap-process.js';

let sandbox: Sandbox;
const dir = mkdtempSync(join(tmpdir(), 'tip-e2e-batch-'));

beforeAll(async () => {
  sandbox = await startSandbox({ orders: 600, itemsPerOrder: 3, variants: 100, seed: 2505 });
});
afterAll(() => sandbox.close());

function config(root: string, extra: Record<string, unknown> = {}): string {
  return writeJson(join(dir, `config-${Math.random().toString(36).slice(2)}.json`), {
    api_key: sandbox.apiKey,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 100,
    batch_config: {
      encoding: { format: 'jsonl', compression: 'gzip' },
      storage: { root: `file://${root}` },
      batch_size: 250,
    },
    ...extra,
  });
}

type Message = { type: string; stream?: string; manifest?: string[]; value?: unknown };
const parse = (stdout: string): Message[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Message);
const rowsOf = (url: string): Record<string, unknown>[] =>
  gunzipSync(readFileSync(fileURLToPath(url)))
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** The tap under a 256 KiB file size limit (writes past it fail with EFBIG; the signal is ignored). */
function runLimited(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `trap '' XFSZ; ulimit -f 256; exec "${TAP_BIN}" "$@"`, 'sh', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c;
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('batch_config', () => {
  it('records only in BATCH files, whole before their message; every record of the run is in one', async () => {
    const root = join(dir, 'out');
    const r = await runTap({ args: ['--config', config(root)] });
    expect(r.code, r.stderr.slice(-2000)).toBe(0);
    const messages = parse(r.stdout);
    expect(new Set(messages.map((m) => m.type))).toEqual(new Set(['SCHEMA', 'BATCH', 'STATE', 'ACTIVATE_VERSION']));
    const rows: Record<string, number> = {};
    for (const m of messages.filter((x) => x.type === 'BATCH')) {
      for (const url of m.manifest!) {
        const file = rowsOf(url);
        expect(file.length).toBeLessThanOrEqual(250);
        expect(file.every((row) => typeof row._sdc_table_version === 'number')).toBe(true);
        rows[m.stream!] = (rows[m.stream!] ?? 0) + file.length;
      }
    }
    const truth = { ...sandbox.truth(), ...sandbox.collectionTruth(), ...sandbox.seriesTruth() } as Record<
      string,
      unknown[]
    >;
    expect(rows).toEqual(Object.fromEntries(Object.keys(rows).map((stream) => [stream, truth[stream]!.length])));
    expect(Object.keys(rows)).toHaveLength(10);
    // the last message is the STATE that closes the run, after every BATCH
    expect(messages.at(-1)!.type).toBe('STATE');
    expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('a full disk is one error line; the files already named are whole, no temporary file is left', async () => {
    const root = join(dir, 'small');
    mkdirSync(root);
    // A 256 KiB file system when the tests run as root (ENOSPC); otherwise a file size limit (EFBIG).
    const mounted =
      process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', root]).status === 0;
    try {
      const args = ['--config', config(root)];
      const r = mounted ? await runTap({ args }) : await runLimited(args);
      expect(r.code).toBe(1);
      const errors = r.stderr.split('\n').filter((l) => /CRITICAL/.test(l));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(
        mounted
          ? /BATCH_WRITE_FAILED: cannot write batch file \S+ \(ENOSPC: the disk is full\)\. Free space under \S+ or point batch_config\.storage\.root elsewhere, then run again; nothing after the last STATE was sent\.$/
          : /BATCH_WRITE_FAILED: cannot write batch file \S+ \(EFBIG\)\./,
      );
      expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
      const named = parse(r.stdout).filter((m) => m.type === 'BATCH');
      expect(named.length).toBeGreaterThan(0);
      for (const m of named) for (const url of m.manifest!) expect(rowsOf(url).length).toBeGreaterThan(0);
      expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    } finally {
      if (mounted) execFileSync('umount', [root]);
    }
  });

  it('a root the tap cannot write, or one that is no absolute file:// URL: a config error, nothing on stdout', async () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const cases: [string, RegExp][] = [
      [
        config(join(file, 'below')),
        /CONFIG_INVALID: batch_config\.storage\.root \S+\/a-file\/below is not a folder the tap can write \(ENOTDIR\)\. Create it, give the tap write access, or point storage\.root elsewhere\.$/,
      ],
      [
        writeJson(join(dir, 'relative.json'), {
          api_key: 'k',
          account_id: 'a',
          batch_config: { encoding: { format: 'jsonl' }, storage: { root: 'file://batches' } },
        }),
        /CONFIG_INVALID: config: batch_config\.storage\.root must be an absolute file:\/\/ URL/,
      ],
    ];
    for (const [path, line] of cases) {
      const r = await runTap({ args: ['--config', path] });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => /CRITICAL/.test(l)),
      ).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
    }
  });
});
