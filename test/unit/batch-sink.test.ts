import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { Logger } from '../../src/common/log.js';
import { loadSettings, resolveSettings } from '../../src/config/config.js';
import type { BatchSettings } from '../../src/singer/batch-config.js';
import { BatchSink } from '../../src/singer/batch-sink.js';
import { SingerWriter } from '../../src/singer/writer.js';

function collecting(): { out: Writable; messages: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  const messages = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { out, messages };
}

const settings = (root: string, extra: Partial<BatchSettings> = {}): BatchSettings => ({
  compression: 'gzip',
  root,
  prefix: 'p-',
  recordsPerFile: 10,
  ...extra,
});

function readRows(url: string): Record<string, unknown>[] {
  const path = fileURLToPath(url);
  const bytes = readFileSync(path);
  const text = path.endsWith('.gz') ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8');
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('BatchSink', () => {
  it('writes complete files of at most recordsPerFile rows, each named by a BATCH message before the next message', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tip-batch-'));
    const { out, messages } = collecting();
    const writer = new SingerWriter(out);
    const sink = new BatchSink(settings(root), writer, 'tap-inventory-planner');
    const orders = sink.open({ name: 'purchase_orders', version: 7, pass: true });
    const vendors = sink.open({ name: 'vendors', pass: false });
    let asked = 0;
    for (let i = 0; i < 25; i++) {
      if (orders({ id: `o${i}`, n: i }, '2026-01-01T00:00:00.000Z')) {
        asked += 1;
        await sink.drain();
      }
    }
    vendors({}, '2026-01-01T00:00:01.000Z');
    expect(asked, 'a full file asks for drain()').toBe(2);
    await sink.flush();
    await writer.message({ type: 'STATE', value: { n: 1 } });
    await sink.close();

    const sent = messages();
    expect(sent.map((m) => `${m.type}:${m.stream ?? ''}`)).toEqual([
      'BATCH:purchase_orders',
      'BATCH:purchase_orders',
      'BATCH:purchase_orders',
      'BATCH:vendors',
      'STATE:',
    ]);
    const batches = sent.filter((m) => m.type === 'BATCH') as { manifest: string[]; encoding: unknown }[];
    expect(batches[0]!.encoding).toEqual({ format: 'jsonl', compression: 'gzip' });
    const files = batches.map((b) => b.manifest);
    for (const manifest of files) expect(manifest).toHaveLength(1);
    const rows = files.slice(0, 3).map((m) => readRows(m[0]!));
    expect(rows.map((r) => r.length)).toEqual([10, 10, 5]);
    expect(rows.flat().map((r) => r.id)).toEqual(Array.from({ length: 25 }, (_, i) => `o${i}`));
    expect(rows[0]![0]).toEqual({
      id: 'o0',
      n: 0,
      _sdc_extracted_at: '2026-01-01T00:00:00.000Z',
      _sdc_table_version: 7,
    });
    expect(readRows(files[3]![0]!)).toEqual([{ _sdc_extracted_at: '2026-01-01T00:00:01.000Z' }]);
    // the SDK's naming, under the root, and nothing else left there (no temporary file)
    const names = readdirSync(root).sort();
    expect(names).toHaveLength(4);
    for (const name of names)
      expect(name).toMatch(/^p-tap-inventory-planner--(purchase_orders|vendors)-[0-9a-f-]{36}-\d\.json\.gz$/);
  });

  it('compression none writes plain JSON lines', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tip-batch-'));
    const { out, messages } = collecting();
    const writer = new SingerWriter(out);
    const sink = new BatchSink(settings(root, { compression: 'none' }), writer, 'tap-inventory-planner');
    sink.open({ name: 's', version: 1, pass: false })({ a: 'é"\n' }, 't');
    await sink.flush();
    await sink.close();
    const [batch] = messages() as { manifest: string[]; encoding: unknown }[];
    expect(batch!.encoding).toEqual({ format: 'jsonl', compression: 'none' });
    expect(batch!.manifest[0]).toMatch(/\.json$/);
    expect(readRows(batch!.manifest[0]!)).toEqual([{ a: 'é"\n', _sdc_extracted_at: 't', _sdc_table_version: 1 }]);
  });

  it('close() without flush() sends nothing and leaves no file; records never flushed are not covered', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tip-batch-'));
    const { out, messages } = collecting();
    const sink = new BatchSink(
      settings(root, { recordsPerFile: 1000 }),
      new SingerWriter(out),
      'tap-inventory-planner',
    );
    const write = sink.open({ name: 's', pass: false });
    for (let i = 0; i < 500; i++) write({ text: 'x'.repeat(1000) }, 't'); // past one chunk: a temporary file exists
    await vi.waitFor(() => expect(readdirSync(root).filter((n) => n.endsWith('.tmp'))).toHaveLength(1));
    await sink.close();
    expect(messages()).toEqual([]);
    await vi.waitFor(() => expect(readdirSync(root)).toEqual([]));
  });

  it('removes temporary files that runs no longer running left, keeps those of a running process and other files', () => {
    const root = mkdtempSync(join(tmpdir(), 'tip-batch-'));
    const dead = '.p-tap-inventory-planner--s-x-1.json.gz.2147480000.tmp';
    const alive = `.p-tap-inventory-planner--s-y-1.json.gz.${process.ppid}.tmp`;
    const foreign = '.other-tool-file.123.tmp';
    const complete = 'p-tap-inventory-planner--s-z-1.json.gz';
    for (const name of [dead, alive, foreign, complete]) writeFileSync(join(root, name), 'x');
    new BatchSink(settings(root), new SingerWriter(collecting().out), 'tap-inventory-planner').close();
    expect(readdirSync(root).sort()).toEqual([alive, foreign, complete].sort());
  });

  it('an unwritable root is a config error before anything is sent', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'tip-batch-')), 'a-file');
    writeFileSync(file, '');
    expect(
      () => new BatchSink(settings(join(file, 'below')), new SingerWriter(collecting().out), 'tap-inventory-planner'),
    ).toThrow(/^batch_config\.storage\.root .*a-file\/below is not a folder the tap can write \((ENOTDIR|EEXIST)\)\.$/);
  });
});

describe('batch_config', () => {
  const base = { api_key: 'k', account_id: 'a' };
  const log = new Logger({ level: 'critical', sink: () => undefined });
  const resolve = (batch: unknown) => resolveSettings({ ...base, batch_config: batch }, log);
  const problem = (batch: unknown): string => {
    try {
      resolve(batch);
    } catch (error) {
      return (error as Error).message;
    }
    return 'no error';
  };

  it('as the SDK spells it, with its defaults (50,000 records a file); absent, no batch output', () => {
    expect(resolve({ encoding: { format: 'jsonl' }, storage: { root: 'file:///var/lib/batches/' } }).batch).toEqual({
      compression: 'gzip',
      root: '/var/lib/batches',
      prefix: '',
      recordsPerFile: 50_000,
    });
    expect(
      resolve({
        encoding: { format: 'jsonl', compression: 'none' },
        storage: { root: 'file://localhost/tmp/b', prefix: 'acme-' },
        batch_size: 500,
      }).batch,
    ).toEqual({ compression: 'none', root: '/tmp/b', prefix: 'acme-', recordsPerFile: 500 });
    expect(resolveSettings(base, log).batch).toBeUndefined();
  });

  it('from the environment as JSON (--config ENV), as Meltano passes object settings', () => {
    const env = {
      TAP_INVENTORY_PLANNER_API_KEY: 'k',
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: 'a',
      TAP_INVENTORY_PLANNER_BATCH_CONFIG: '{"encoding":{"format":"jsonl"},"storage":{"root":"file:///tmp/e"}}',
    };
    expect(loadSettings(['ENV'], env, log).batch?.root).toBe('/tmp/e');
    expect(() => loadSettings(['ENV'], { ...env, TAP_INVENTORY_PLANNER_BATCH_CONFIG: '{not json' }, log)).toThrow(
      /batch_config must be object/,
    );
  });

  it('every unusable value is a config error that names it', () => {
    const ok = { encoding: { format: 'jsonl' }, storage: { root: 'file:///tmp/b' } };
    expect(problem({ ...ok, encoding: { format: 'parquet' } })).toMatch(
      /batch_config\.encoding\.format must be equal to one of/,
    );
    expect(problem({ ...ok, encoding: { format: 'jsonl', compression: 'zstd' } })).toMatch(/compression must be equal/);
    expect(problem({ ...ok, storage: { root: 's3://bucket/x' } })).toMatch(/storage\.root must match pattern/);
    expect(problem({ ...ok, storage: { root: 'file://batches' } })).toContain(
      'batch_config.storage.root must be an absolute file:// URL such as file:///var/lib/tap-batches, got "file://batches"',
    );
    expect(problem({ ...ok, storage: { root: 'file:///tmp/b', prefix: '../up-' } })).toMatch(
      /prefix must match pattern/,
    );
    expect(problem({ ...ok, storage: { root: 'file:///tmp/b', prefix: '..' } })).toContain(
      'batch_config.storage.prefix must be the start of a file name',
    );
    expect(problem({ ...ok, batch_size: 0 })).toMatch(/batch_size must be >= 1/);
    expect(problem({ ...ok, extra: 1 })).toMatch(/batch_config\.extra is not allowed/);
    expect(problem({ storage: ok.storage })).toMatch(/batch_config\.encoding is required/);
  });
});
