// The built tap against the sandbox (issue 29): after a complete first pass of every stream, a server that is
// wrong consistently (lists that show only their first N records with meta.total N, or empty lists with total 0)
// has its passes held: no ACTIVATE_VERSION, exit 3, nothing deleted from the output applied as a target with
// hard_delete does; the next normal run completes every pass, and a genuine removal of 20 variants gets through.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLECTION_KEYS, startSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  applySingerOutput,
  compareWithTruth,
  STREAM_KEYS,
  type SingerOutput,
} from '../../scripts/lib/singer-output.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const API_KEY = 'e2e-budget-key-2929';
const dir = mkdtempSync(join(tmpdir(), 'tap-e2e-budget-'));
const VERSIONED = [
  'purchase_orders',
  'purchase_order_items',
  'variants',
  'variant_warehouses',
  'variant_vendors',
  'variant_monthly',
  'variant_daily',
  'warehouses',
  'vendors',
];
let sandbox: Sandbox;
let config: string;

beforeAll(async () => {
  sandbox = await startSandbox({ orders: 150, variants: 1200, seed: 29, historyPoints: 1, apiKey: API_KEY });
  config = writeJson(join(dir, 'config.json'), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 200,
    // every run a full pass of the purchase-order streams too
    full_table_every_days: 0.000001,
  });
});
afterAll(() => sandbox.close());

async function day(output: SingerOutput, n: number, exit: number, more: string[] = []) {
  const args = ['--config', config, ...more];
  if (output.lastState) args.push('--state', writeJson(join(dir, `state-${n}.json`), output.lastState));
  const r = await runTap({ args });
  expect(r.code, r.stderr.slice(-3000)).toBe(exit);
  expectNoSecrets(r, [API_KEY]);
  applySingerOutput(r.stdout, output);
  const activated = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"type":"ACTIVATE_VERSION"'))
    .map((l) => JSON.parse(l).stream as string);
  return { ...r, activated };
}

const differences = (output: SingerOutput) =>
  compareWithTruth(output, { ...sandbox.truth(), ...sandbox.collectionTruth() } as never, {
    ...STREAM_KEYS,
    ...COLLECTION_KEYS,
  })
    .map((d) => ({
      stream: d.stream,
      missing: d.missing.length,
      extra: d.extra.length,
      mismatched: d.mismatched.length,
    }))
    .filter((d) => d.missing + d.extra + d.mismatched > 0);

describe('the deletion budget against the sandbox', () => {
  it('holds the passes of a server whose lists are short or empty, and lets a genuine removal through', async () => {
    const output: SingerOutput = applySingerOutput('');
    const first = await day(output, 1, 0);
    expect(first.activated).toEqual(VERSIONED);
    expect(differences(output)).toEqual([]);

    // Lists that show only their first 100 records, meta.total 100: the streams whose lists are longer are held.
    sandbox.configure({ listsShowFirst: 100 });
    const short = await day(output, 2, 3);
    expect(short.activated).toEqual(['warehouses', 'vendors']); // 3 and 6 records: all of them shown
    for (const stream of [
      'purchase_orders',
      'purchase_order_items',
      'variants',
      'variant_warehouses',
      'variant_vendors',
    ])
      expect(short.stderr, stream).toContain(`the full-table pass of ${stream} is held: it wrote`);
    expect(short.stderr).toMatch(/variants is held: it wrote 100 records where the last completed pass wrote 1,200/);
    expect(short.stderr).toMatch(
      /finished in .*; full-table passes held, over the deletion budget \(nothing deleted\): purchase_orders, purchase_order_items, variants, variant_warehouses, variant_vendors/,
    );
    expect(output.deleted).toEqual({});

    // Empty lists, total 0: every pass is held, even 3 warehouses -> 0.
    sandbox.configure({ listsShowFirst: 0 });
    const empty = await day(output, 3, 3);
    expect(empty.activated).toEqual([]);
    expect(empty.stderr).toContain('the full-table pass of warehouses is held: it wrote 0 records');
    expect(empty.stderr).toContain('would delete all 3 rows, emptying the table');
    expect(output.deleted).toEqual({});
    expect(differences(output)).toEqual([]);

    // The server is well again, and 20 variants were really removed: within the budget, they leave the tables.
    sandbox.configure({ listsShowFirst: false });
    const removed = sandbox.removeVariants(20);
    const healed = await day(output, 4, 0);
    expect(healed.activated).toEqual(VERSIONED);
    expect(differences(output)).toEqual([]);
    expect(removed.filter((id) => output.tables.get('variants')!.has(id))).toEqual([]);
    expect(output.lastState).toMatchObject({ bookmarks: { variants: { full_table_count: 1180 } } });

    // 600 of 1,180 removed: held; --allow-deletions for the variant streams in a pass lets it through, once.
    sandbox.removeVariants(600);
    const big = await day(output, 5, 3);
    expect(big.activated).toEqual(VERSIONED.filter((s) => !s.startsWith('variant')));
    // the run's last line names every held stream in the flag that allows them
    const advice = /finished in .*allow it once: --allow-deletions (\S+)\)$/m.exec(big.stderr);
    expect(advice?.[1]).toBe('variants,variant_warehouses,variant_vendors,variant_monthly,variant_daily');
    const allowed = await day(output, 6, 0, ['--allow-deletions', advice![1]!]);
    expect(allowed.activated).toEqual(VERSIONED);
    expect(output.tables.get('variants')!.size).toBe(580);
    expect(differences(output)).toEqual([]);
  });
});
