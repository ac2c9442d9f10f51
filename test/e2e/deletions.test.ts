// The built tap against the sandbox: deletions reach the output through FULL_TABLE passes (the output applied
// as target-postgres with hard_delete does), and full_table_every_days turns a run into a pass exactly when due.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import {
  applySingerOutput,
  compareWithTruth,
  STREAM_KEYS,
  type SingerOutput,
} from '../../scripts/lib/singer-output.js';
import { runTap, writeJson } from '../../scripts/lib/tap-process.js';
import { expectNoSecrets } from '../helpers/secrets.js';

const API_KEY = 'e2e-deletions-key-2323';
const DAY = 86_400_000;
const dir = mkdtempSync(join(tmpdir(), 'tap-e2e-deletions-'));
let sandbox: Sandbox;
let config: string;

beforeAll(async () => {
  sandbox = await startSandbox({ orders: 800, itemsPerOrder: 3, seed: 23, apiKey: API_KEY });
  config = writeJson(join(dir, 'config.json'), {
    api_key: API_KEY,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    page_size: 200,
  });
});
afterAll(() => sandbox.close());

async function tap(args: string[]): Promise<string> {
  const r = await runTap({ args: ['--config', config, ...args] });
  expect(r.code, r.stderr.slice(-2000)).toBe(0);
  expectNoSecrets(r, [API_KEY]);
  return r.stdout;
}

const messages = (text: string): Record<string, any>[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
const differences = (output: SingerOutput) =>
  compareWithTruth(output, sandbox.truth() as never, STREAM_KEYS).map((d) => ({
    stream: d.stream,
    missing: d.missing.length,
    extra: d.extra.length,
    mismatched: d.mismatched.length,
  }));
const NONE = [
  { stream: 'purchase_orders', missing: 0, extra: 0, mismatched: 0 },
  { stream: 'purchase_order_items', missing: 0, extra: 0, mismatched: 0 },
];

describe('deletions against the sandbox', () => {
  it(
    'full_table_every_days: incremental while the last pass is younger, ' +
      'a full pass that removes deletions once it is due',
    async () => {
      const first = await tap([]);
      let output = applySingerOutput(first);
      const lastState = output.lastState as { bookmarks: Record<string, Record<string, unknown>> };
      const deleted = sandbox.deleteOrders(6);
      const removed = sandbox.removeLines(8);

      // the last completed pass started 7 days minus 10 minutes ago: not due yet
      const withPassAge = (ageMs: number) =>
        writeJson(join(dir, `state-${ageMs}.json`), {
          bookmarks: Object.fromEntries(
            Object.entries(lastState.bookmarks).map(([s, b]) => [s, { ...b, full_table_version: Date.now() - ageMs }]),
          ),
        });
      const young = messages(
        await tap([
          '--config',
          writeJson(join(dir, 'every7.json'), { full_table_every_days: 7 }),
          '--state',
          withPassAge(7 * DAY - 600_000),
        ]),
      );
      // (the variant streams are read in full, with ACTIVATE_VERSION, every run)
      const orderActivations = (ms: Record<string, any>[]) =>
        ms.filter((m) => m.type === 'ACTIVATE_VERSION' && String(m.stream).startsWith('purchase_order'));
      expect(orderActivations(young)).toHaveLength(0);
      // only what changed
      expect(young.filter((m) => m.type === 'RECORD' && m.stream === 'purchase_orders').length).toBeLessThan(20);

      const dueText = await tap(['--config', join(dir, 'every7.json'), '--state', withPassAge(7 * DAY + 600_000)]);
      const due = messages(dueText);
      expect(orderActivations(due).map((m) => m.stream)).toEqual(['purchase_orders', 'purchase_order_items']);
      expect(due.filter((m) => m.type === 'RECORD' && m.stream === 'purchase_orders')).toHaveLength(800 - 6);
      // an order and its lines go out with one __synced_at (batches differ): what the stale-line view relies on
      const syncedAt = new Map(
        due
          .filter((m) => m.type === 'RECORD' && m.stream === 'purchase_orders')
          .map((m) => [m.record.purchase_order_id, m.record.__synced_at]),
      );
      const lines = due.filter((m) => m.type === 'RECORD' && m.stream === 'purchase_order_items');
      expect(lines.filter((m) => m.record.__synced_at !== syncedAt.get(m.record.purchase_order_id))).toEqual([]);
      expect(new Set(syncedAt.values()).size, 'several batches, several instants').toBeGreaterThan(1);
      output = applySingerOutput(dueText, output);
      expect(output.deleted.purchase_orders).toBe(6);
      expect(differences(output)).toEqual(NONE);
      expect([...output.tables.get('purchase_orders')!.keys()].filter((id) => deleted.includes(id))).toEqual([]);
      expect(removed.filter((r) => output.tables.get('purchase_order_items')!.has(r.key))).toEqual([]);
    },
  );
});
