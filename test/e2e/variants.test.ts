// The built tap against the sandbox's variants, warehouses and vendors, in the same runs as purchase orders:
// upserted output (ACTIVATE_VERSION applied) equals the ground truth of every stream, also when variants are
// removed between runs and mid-run, and after kill -9 and a resume.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { COLLECTION_KEYS, SERIES_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  applySingerOutput,
  compareWithTruth,
  STREAM_KEYS,
  type SingerOutput,
} from '../../scripts/lib/singer-output.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tap-variants-'));
let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const COLLECTION_STREAMS = Object.keys(COLLECTION_KEYS);

function differences(output: SingerOutput, s: Sandbox) {
  const truth = { ...s.truth(), ...s.collectionTruth() } as never;
  return compareWithTruth(output, truth, { ...STREAM_KEYS, ...COLLECTION_KEYS }).map((d) => ({
    stream: d.stream,
    expected: d.expected,
    missing: d.missing.length,
    extra: d.extra,
    mismatched: d.mismatched.slice(0, 2),
  }));
}

function expectExact(output: SingerOutput, s: Sandbox): void {
  for (const d of differences(output, s)) expect(d, d.stream).toEqual({ ...d, missing: 0, extra: [], mismatched: [] });
}

const config = (s: Sandbox, extra: Record<string, unknown> = {}) =>
  writeJson(join(dir, `config-${Math.random()}.json`), {
    api_key: s.apiKey,
    account_id: s.accountId,
    base_url: s.baseUrl,
    ...extra,
  });

describe('variants, warehouses and vendors against the sandbox', () => {
  it(
    'one run reads purchase orders and every collection: exact for all seven streams, one ACTIVATE_VERSION per ' +
      'collection stream',
    async () => {
      sandbox = await startSandbox({ orders: 300, variants: 700, seed: 5 });
      const run = await runTap({ args: ['--config', config(sandbox, { page_size: 100 })] });
      expect(run.stderr).not.toMatch(/CRITICAL|ERROR/);
      expect(run.code).toBe(0);
      const output = applySingerOutput(run.stdout);
      expectExact(output, sandbox);
      const truth = sandbox.collectionTruth();
      expect(truth.variants).toHaveLength(700);
      expect(truth.variant_warehouses).toHaveLength(2100);
      expect(truth.variant_vendors.length).toBeGreaterThan(300);
      const activations = run.stdout
        .split('\n')
        .filter((l) => l.includes('"ACTIVATE_VERSION"'))
        .map((l) => JSON.parse(l).stream);
      // The long tables of maps are passes too (variant_history is never one: test/e2e/series.test.ts).
      expect(activations.sort()).toEqual([...COLLECTION_STREAMS, 'variant_monthly', 'variant_daily'].sort());
      expect(run.stderr).toMatch(/variants: fields= projection verified/);

      // Next day: orders edited, variants removed and added. Orders incremental, variants in full again.
      sandbox.edit(10, 2);
      const removed = sandbox.removeVariants(25);
      sandbox.addVariants(7);
      sandbox.resetStats();
      const state = writeJson(join(dir, 'state-1.json'), output.lastState);
      const second = await runTap({ args: ['--config', config(sandbox, { page_size: 100 }), '--state', state] });
      expect(second.code).toBe(0);
      const after = applySingerOutput(second.stdout, output);
      expect(after.counts.purchase_orders! - output.counts.purchase_orders!).toBeLessThan(50);
      expectExact(after, sandbox);
      expect(after.deleted.variants).toBe(25);
      expect([...after.tables.get('variants')!.keys()].filter((id) => removed.includes(id))).toEqual([]);
    },
  );

  it(
    'variants removed and added mid-run (offsets shift): every variant that exists is written; only removed ones ' +
      'may linger until the next run',
    async () => {
      sandbox = await startSandbox({ orders: 50, variants: 900, seed: 6 });
      const removed: string[] = [];
      // Removals at the 3rd and 6th variants request, each time among records already read (ids are picked by
      // the seed).
      sandbox.changeVariantsAt(3, { remove: 40, add: 10 });
      sandbox.changeVariantsAt(6, { remove: 40, add: 10 });
      const before = new Set(sandbox.collectionTruth().variants.map((v) => v.id as string));
      const run = await runTap({ args: ['--config', config(sandbox, { page_size: 60 })] });
      expect(run.code).toBe(0);
      const now = new Set(sandbox.collectionTruth().variants.map((v) => v.id as string));
      for (const id of before) if (!now.has(id)) removed.push(id);
      expect(removed).toHaveLength(80);
      const output = applySingerOutput(run.stdout);
      for (const d of differences(output, sandbox)) {
        expect(d.missing, d.stream).toBe(0);
        expect(d.mismatched, d.stream).toEqual([]);
      }
      const extraVariants = differences(output, sandbox).find((d) => d.stream === 'variants')!.extra;
      expect(extraVariants.every((id) => removed.includes(id))).toBe(true);
      expect(run.stderr).toMatch(/the listing shifted/);
    },
  );

  it('a server that ignores id_sort and reorders on edits: the variant passes are dropped (exit 3, WARNING, metric, summary), the others complete', async () => {
    sandbox = await startSandbox({ orders: 30, variants: 1200, seed: 9, collectionOrder: 'recent' });
    sandbox.configure({ variantEditsPerRequest: 25 });
    const run = await runTap({ args: ['--config', config(sandbox, { page_size: 100 })] });
    expect(run.code).toBe(3);
    expect(run.stderr).not.toMatch(/CRITICAL|ERROR/);
    const dropped = 'variants, variant_warehouses, variant_vendors, variant_monthly, variant_daily';
    expect(run.stderr).toMatch(
      new RegExp(
        `WARNING .*the full-table pass of ${dropped} is dropped: GET /variants: the page at offset \\d+ is not in id order`,
      ),
    );
    expect(run.stderr).toMatch(
      new RegExp(`finished in .*; full-table passes dropped \\(nothing deleted\\): ${dropped}$`, 'm'),
    );
    const metrics = run.stderr.match(/METRIC: \{"type":"counter","metric":"pass_dropped".*\}/g) ?? [];
    expect(metrics.map((m) => JSON.parse(m.slice('METRIC: '.length)).tags.stream).sort()).toEqual([
      'variant_daily',
      'variant_monthly',
      'variant_vendors',
      'variant_warehouses',
      'variants',
    ]);
    const activated = run.stdout
      .split('\n')
      .filter((l) => l.includes('"ACTIVATE_VERSION"'))
      .map((l) => JSON.parse(l).stream)
      .sort();
    expect(activated).toEqual(
      ['purchase_order_items', 'purchase_orders', 'vendors', 'warehouses']
        .filter((s) => COLLECTION_STREAMS.includes(s))
        .sort(),
    );
    const output = applySingerOutput(run.stdout);
    const bookmarks = (output.lastState as any).bookmarks;
    for (const stream of ['variants', 'variant_warehouses', 'variant_vendors'])
      expect(bookmarks[stream]?.full_table_pass).toBeUndefined();
    // Every record read was written; the next run, with the server in id order again, completes and is exact.
    expect(output.tables.get('variants')!.size).toBeGreaterThan(900);
    sandbox.configure({ collectionOrder: 'id', variantEditsPerRequest: 0 });
    const next = await runTap({
      args: [
        '--config',
        config(sandbox, { page_size: 100 }),
        '--state',
        writeJson(join(dir, 'state-drop.json'), output.lastState),
      ],
    });
    expect(next.code).toBe(0);
    expectExact(applySingerOutput(next.stdout, output), sandbox);
  });

  it('kill -9 in the middle of the variants, then a resume from the last STATE: same version, exact', async () => {
    sandbox = await startSandbox({ orders: 20, variants: 1500, seed: 7, latencyMs: 15 });
    const cfg = config(sandbox, { page_size: 50 });
    const killed = await runTap({
      args: ['--config', cfg],
      onStart: (child) => {
        let text = '';
        child.stdout!.on('data', (c: Buffer) => {
          text += c.toString();
          if ((text.match(/"resume"/g) ?? []).length >= 8) child.kill('SIGKILL');
        });
      },
    });
    expect(killed.signal).toBe('SIGKILL');
    const first = applySingerOutput(killed.stdout);
    const pass = (first.lastState as any).bookmarks.variants.full_table_pass;
    expect(pass.resume.offset).toBeGreaterThan(0);
    expect(first.tables.get('variants')!.size).toBeLessThan(1500);
    const removed = sandbox.removeVariants(3);
    const state = writeJson(join(dir, 'state-kill.json'), first.lastState);
    const resumed = await runTap({ args: ['--config', cfg, '--state', state] });
    expect(resumed.code).toBe(0);
    expect(resumed.stderr).toMatch(
      /variants: read in full for variants, variant_warehouses, variant_vendors, variant_monthly, variant_daily, variant_history, resumed at offset/,
    );
    const versions = resumed.stdout
      .split('\n')
      .filter((l) => l.includes('"ACTIVATE_VERSION"') && l.includes('"variants"'))
      .map((l) => JSON.parse(l).version);
    expect(versions).toEqual([pass.version]);
    const output = applySingerOutput(resumed.stdout, first);
    // A variant written before the kill and removed since stays (same version) until the next pass; nothing else
    // differs.
    for (const d of differences(output, sandbox)) {
      expect(d.missing, d.stream).toBe(0);
      expect(d.mismatched, d.stream).toEqual([]);
      if (d.stream === 'variants') expect(d.extra.every((id) => removed.includes(id))).toBe(true);
      else if (!['variant_warehouses', 'variant_vendors'].includes(d.stream)) expect(d.extra, d.stream).toEqual([]);
    }
    // The history of every variant is complete across the killed and the resumed run (the resumed run's bookmark
    // floor is the killed run's: the bookmark moves only at the end of a read).
    const series = compareWithTruth(output, sandbox.seriesTruth(), SERIES_KEYS);
    for (const d of series)
      expect({ stream: d.stream, missing: d.missing.length }).toEqual({ stream: d.stream, missing: 0 });
    // The resumed run does not read the variants again from the start.
    expect(
      resumed.stdout.split('\n').filter((l) => l.startsWith('{"type":"RECORD","stream":"variants"')).length,
    ).toBeLessThan(1500);
  });

  it(
    'variant_snapshots (opt-in): rows of the day per variant and warehouse, no ACTIVATE_VERSION; a second run the ' +
      'same day replaces the day',
    async () => {
      sandbox = await startSandbox({ orders: 10, variants: 200, seed: 8 });
      const catalog = JSON.parse((await runTap({ args: ['--discover'] })).stdout);
      const entry = catalog.streams.find((e: any) => e.tap_stream_id === 'variant_snapshots');
      expect(entry.metadata[0].metadata['selected-by-default']).toBe(false);
      entry.metadata[0].metadata.selected = true;
      const cat = writeJson(join(dir, 'catalog-snapshots.json'), catalog);
      const cfg = config(sandbox, { page_size: 70 });
      const first = await runTap({ args: ['--config', cfg, '--catalog', cat] });
      expect(first.code).toBe(0);
      const today = new Date().toISOString().slice(0, 10);
      const compare = (output: SingerOutput) => {
        const table = output.tables.get('variant_snapshots')!;
        const truth = sandbox!.snapshotTruth(today);
        const byKey = new Map(truth.map((r) => [`${r.snapshot_date}|${r.variant_id}|${r.warehouse}`, r]));
        const actual = new Map(
          [...table.values()].map((r) => [`${r.snapshot_date}|${r.variant_id}|${r.warehouse}`, r]),
        );
        expect([...actual.keys()].sort()).toEqual([...byKey.keys()].sort());
        for (const [k, row] of byKey) {
          const { __synced_at: _, ...rest } = actual.get(k)!;
          expect(rest, k).toEqual(row);
        }
      };
      const once = applySingerOutput(first.stdout);
      compare(once);
      expect(once.tables.get('variant_snapshots')!.size).toBe(200 * 4);
      expect(
        first.stdout.split('\n').filter((l) => l.includes('"ACTIVATE_VERSION"') && l.includes('variant_snapshots')),
      ).toEqual([]);
      expectExact(once, sandbox);
      // Same day again, after variants were removed: the day's rows are upserted, yesterday's history would stay.
      const removed = sandbox.removeVariants(4);
      const second = await runTap({
        args: ['--config', cfg, '--catalog', cat, '--state', writeJson(join(dir, 'state-snap.json'), once.lastState)],
      });
      expect(second.code).toBe(0);
      const twice = applySingerOutput(second.stdout, once);
      expect(twice.counts.variant_snapshots).toBe(2 * 800 - 16);
      expect(twice.tables.get('variant_snapshots')!.size).toBe(800);
      expect([...twice.tables.get('variants')!.keys()].filter((id) => removed.includes(id))).toEqual([]);
      expect(JSON.stringify((twice.lastState as any).bookmarks.variant_snapshots ?? {})).not.toContain(
        'full_table_pass',
      );
    },
  );
});
