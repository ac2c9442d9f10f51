// The long tables (variant_monthly, variant_daily, variant_history, variant_forecast_snapshots) from the built tap
// against the sandbox, in the same read as the other variant streams: upserted output equals the truth; the
// monthly and daily tables are passes (a month that leaves a map leaves the table); variant_history sends only
// the points since its bookmark minus the overlap (new points, late points within it, every point of a new
// variant), never deletes, and keeps its bookmark when the read could not vouch for itself.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SERIES_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import { applySingerOutput, compareWithTruth, type SingerOutput } from '../../scripts/lib/singer-output.js';
import { runTap, writeCatalogAllSelected, writeJson } from '../../scripts/lib/tap-process.js';

const dir = mkdtempSync(join(tmpdir(), 'tap-series-'));
let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());
const DAY = 86_400_000;

const config = (s: Sandbox, extra: Record<string, unknown> = {}) =>
  writeJson(join(dir, `config-${Math.random()}.json`), {
    api_key: s.apiKey,
    account_id: s.accountId,
    base_url: s.baseUrl,
    page_size: 100,
    ...extra,
  });

/** A catalog with every stream selected, the opt-in ones too. */
async function catalogAll(): Promise<string> {
  return (await writeCatalogAllSelected(join(dir, `catalog-${Math.random()}.json`))).path;
}

function expectExact(output: SingerOutput, s: Sandbox, date: string): void {
  const truth = { ...s.seriesTruth(), variant_forecast_snapshots: s.forecastSnapshotTruth(date) };
  for (const d of compareWithTruth(output, truth, SERIES_KEYS))
    expect({
      stream: d.stream,
      missing: d.missing.length,
      extra: d.extra.length,
      bad: d.mismatched.slice(0, 2),
    }).toEqual({
      stream: d.stream,
      missing: 0,
      extra: 0,
      bad: [],
    });
}

const bookmarkOf = (output: SingerOutput) => (output.lastState as any).bookmarks.variant_history;

describe('the long tables against the sandbox', () => {
  it(
    'one read gives every long table exactly; the next runs send only new and late points and a new variant whole, ' +
      'and the upserted history stays complete',
    async () => {
      sandbox = await startSandbox({ orders: 20, variants: 300, seed: 34 });
      const catalog = await catalogAll();
      const today = new Date().toISOString().slice(0, 10);
      const first = await runTap({ args: ['--config', config(sandbox), '--catalog', catalog] });
      expect(first.stderr).not.toMatch(/CRITICAL|ERROR|WARNING/);
      expect(first.code).toBe(0);
      const output = applySingerOutput(first.stdout);
      expectExact(output, sandbox, today);
      const truth = sandbox.seriesTruth();
      // Every metric of the maps and arrays, on the variant and on the blocks; in this account's offset (-05:00)
      // the local date of a point at a UTC midnight is the day before.
      expect(new Set(truth.variant_monthly.map((r) => r.metric)).size).toBe(5);
      expect(truth.variant_monthly.some((r) => r.warehouse !== '')).toBe(true);
      expect(truth.variant_daily.length).toBeGreaterThan(0);
      expect(truth.variant_history.some((r) => r.metric === 'stockouts_hist' && r.value === 1)).toBe(true);
      expect(truth.variant_history.some((r) => r.local_date !== String(r.recorded_at).slice(0, 10))).toBe(true);
      // No extra request: one read of /variants serves every stream.
      const reads = first.stderr.match(/variants: read in full for .*/g) ?? [];
      expect(reads).toHaveLength(1);
      for (const stream of [
        'variants',
        'variant_monthly',
        'variant_daily',
        'variant_history',
        'variant_forecast_snapshots',
      ])
        expect(reads[0]).toContain(stream);
      const newest = truth.variant_history
        .map((r) => r.recorded_at as string)
        .sort()
        .at(-1);
      expect(bookmarkOf(output)).toEqual({ replication_key: 'recorded_at', replication_key_value: newest });

      // Next day: a point for every variant. Only the points of the last three days before the bookmark go again.
      sandbox.addHistoryPoints('all', 1);
      const second = await runTap({
        args: [
          '--config',
          config(sandbox),
          '--catalog',
          catalog,
          '--state',
          writeJson(join(dir, 's1.json'), output.lastState),
        ],
      });
      expect(second.code).toBe(0);
      const before = output.counts.variant_history!;
      const after = applySingerOutput(second.stdout, output);
      const sent = after.counts.variant_history! - before;
      expect(sent).toBeGreaterThanOrEqual(300);
      expect(sent).toBeLessThan(before / 4);
      expectExact(after, sandbox, today);
      const next = new Date(sandbox.historyEnd() + DAY).toISOString();
      expect(bookmarkOf(after).replication_key_value).toBe(next);

      // Late points (half a day before the bookmark, within the overlap) and five new variants, whole.
      sandbox.addHistoryPoints(10, 0.5, 7);
      const added = sandbox.addVariants(5);
      const third = await runTap({
        args: [
          '--config',
          config(sandbox),
          '--catalog',
          catalog,
          '--state',
          writeJson(join(dir, 's2.json'), after.lastState),
        ],
      });
      expect(third.code).toBe(0);
      const last = applySingerOutput(third.stdout, after);
      expectExact(last, sandbox, today);
      const ofNew = sandbox.seriesTruth().variant_history.filter((r) => added.includes(r.variant_id as string));
      // Their history starts ten days before they were created, below the floor: sent whole all the same.
      expect(ofNew.length).toBeGreaterThan(5 * 8 * 3 - 1);
      const floor = new Date(sandbox.historyEnd() + DAY - 3 * DAY).toISOString();
      expect(ofNew.some((r) => (r.recorded_at as string) < floor)).toBe(true);
    },
  );

  it('variant_monthly and variant_daily are passes (ACTIVATE_VERSION); removed variants leave them, not the history', async () => {
    sandbox = await startSandbox({ orders: 5, variants: 120, seed: 33 });
    const first = await runTap({ args: ['--config', config(sandbox)] });
    expect(first.code).toBe(0);
    const activated = first.stdout
      .split('\n')
      .filter((l) => l.includes('"ACTIVATE_VERSION"'))
      .map((l) => JSON.parse(l).stream);
    expect(activated).toEqual(expect.arrayContaining(['variant_monthly', 'variant_daily']));
    expect(activated).not.toContain('variant_history');
    // The forecast snapshots are opt-in: not in a run without a catalog.
    expect(first.stdout).not.toContain('"variant_forecast_snapshots"');
    const output = applySingerOutput(first.stdout);
    const removed = sandbox.removeVariants(4);
    const second = await runTap({
      args: ['--config', config(sandbox), '--state', writeJson(join(dir, 'st.json'), output.lastState)],
    });
    expect(second.code).toBe(0);
    const after = applySingerOutput(second.stdout, output);
    const truth = sandbox.seriesTruth();
    const diffs = compareWithTruth(after, truth, SERIES_KEYS);
    for (const d of diffs) {
      expect(d.missing, d.stream).toEqual([]);
      expect(d.mismatched, d.stream).toEqual([]);
      if (d.stream === 'variant_history') {
        expect(d.extra.length).toBeGreaterThan(0);
        expect(d.extra.every((k) => removed.includes(k.split('|')[0]!))).toBe(true);
      } else expect(d.extra, d.stream).toEqual([]);
    }
  });

  it('a read that cannot vouch for itself leaves the history bookmark where it was', async () => {
    sandbox = await startSandbox({ orders: 5, variants: 1200, seed: 9, collectionOrder: 'recent' });
    sandbox.configure({ variantEditsPerRequest: 25 });
    const run = await runTap({ args: ['--config', config(sandbox)] });
    expect(run.code).toBe(3);
    const output = applySingerOutput(run.stdout);
    expect(output.counts.variant_history).toBeGreaterThan(0);
    expect(bookmarkOf(output)).toBeUndefined();
  });
});
