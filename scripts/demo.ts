// `npm run demo`: the tap against the local sandbox, no account needed. A full sync, a few edits in the
// "account", then an incremental run resumed from the first run's state; then orders deleted and lines
// removed in the account, and a FULL_TABLE pass that removes them from the output. Variants, their warehouse and
// vendor rows, warehouses and vendors are read in full in every run (variants removed in the account leave the
// output at the end of the next run); the last run also selects variant_snapshots. Singer output goes to out/demo/;
// the report of what happened to stdout (the tap's own log lines, warnings and above, to stderr).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COLLECTION_KEYS, startSandbox } from '../sandbox/server.js';
import { applySingerOutput, compareWithTruth, type Difference, STREAM_KEYS } from './lib/singer-output.js';
import { REPO_ROOT, runTap, writeJson } from './lib/tap-process.js';

const dir = join(REPO_ROOT, 'out', 'demo');
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);
const n = (count: number): string => count.toLocaleString('en-US');

const sandbox = await startSandbox({ orders: 2000, itemsPerOrder: 5, seed: 7, variants: 500 });
const KEYS = { ...STREAM_KEYS, ...COLLECTION_KEYS };
const vsTruth = (output: ReturnType<typeof applySingerOutput>): string =>
  verdict(compareWithTruth(output, { ...sandbox.truth(), ...sandbox.collectionTruth() } as never, KEYS));
try {
  const config = writeJson(join(dir, 'config.json'), {
    api_key: sandbox.apiKey,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
  });
  say(
    `Sandbox API at ${sandbox.baseUrl} with 2,000 purchase orders and 500 variants (3 warehouses each). Output in ` +
      `${dir}/`,
  );

  const first = await run('1-full-sync', ['--config', config]);
  sandbox.edit(25, 5);
  const gone = sandbox.removeVariants(12);
  sandbox.addVariants(5);
  say(`\nEdited 25 orders and created 5, removed 12 variants (e.g. ${gone[0]}) and added 5 in the sandbox.`);
  // The state file for --state is the value of the last STATE message (what a target prints last).
  const state = writeJson(join(dir, 'state.json'), first.lastState);
  const second = await run('2-incremental', ['--config', config, '--state', state]);

  const resent = ordersAt(second.text, bookmarkOf(first.lastState));
  say(
    `  ${n(second.counts.purchase_orders ?? 0)} purchase_orders = the 25 edited + the 5 created + ${resent} re-sent because its last_modified is exactly` +
      "\n  the first run's bookmark: the filter includes the bookmark instant, so an order changed in that same second is never lost (targets upsert).",
  );
  const union = applySingerOutput(second.text, applySingerOutput(first.text));
  say(
    `\nOrders incremental, variants in full: ACTIVATE_VERSION removed ${union.deleted.variants ?? 0} variants and ` +
      `${union.deleted.variant_warehouses ?? 0} of their warehouse rows.`,
  );
  say(`Both runs upserted by key, compared with the sandbox's ground truth: ${vsTruth(union)}`);

  const deleted = sandbox.deleteOrders(10);
  const removed = sandbox.removeLines(15);
  say(
    `\nDeleted 10 orders (e.g. ${deleted[0]}) and removed 15 lines from orders in the sandbox. An incremental run ` +
      `cannot see that;`,
  );
  say('a FULL_TABLE pass (catalog metadata replication-method) reads everything and ends with ACTIVATE_VERSION:');
  const catalog = JSON.parse((await runTap({ args: ['--discover'] })).stdout) as {
    streams: { tap_stream_id: string; metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
  };
  for (const s of catalog.streams) {
    const meta = s.metadata.find((m) => m.breadcrumb.length === 0)!.metadata;
    meta['replication-method'] = 'FULL_TABLE';
    // The daily history is opt-in: this run selects it too.
    if (s.tap_stream_id === 'variant_snapshots') meta.selected = true;
  }
  const fullCatalog = writeJson(join(dir, 'catalog-full-table.json'), catalog);
  const third = await run('3-full-table', [
    '--config',
    config,
    '--catalog',
    fullCatalog,
    '--state',
    writeJson(join(dir, 'state-2.json'), second.lastState),
  ]);
  const after = applySingerOutput(third.text, union);
  say(
    `  ACTIVATE_VERSION removed ${after.deleted.purchase_orders ?? 0} purchase_orders and ` +
      `${after.deleted.purchase_order_items ?? 0} purchase_order_items ` +
      `(the ${removed.length} removed lines and the deleted orders' lines) from the upserted output`,
  );
  say(
    `  variant_snapshots: ${after.counts.variant_snapshots ?? 0} rows for today (one per variant, one per variant ` +
      `and warehouse)`,
  );
  say(`All three runs upserted by key, compared with the ground truth: ${vsTruth(after)}`);
} finally {
  await sandbox.close();
}

async function run(name: string, args: string[]) {
  sandbox.resetStats();
  const result = await runTap({ args, env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'warning' } });
  writeFileSync(join(dir, `${name}.jsonl`), result.stdout);
  process.stderr.write(result.stderr); // the tap's warnings and errors, if any
  if (result.code !== 0) {
    throw new Error(`${name} exited with ${result.code}`);
  }
  const output = applySingerOutput(result.stdout);
  const stats = sandbox.stats();
  const records = Object.entries(output.counts).map(([stream, count]) => `${stream} ${n(count)}`);
  say(`\n${name} (${stats.requests} requests, ${result.seconds.toFixed(1)}s, output in ${name}.jsonl)`);
  say(`  records: ${records.join(', ')}`);
  say(`  bookmark of purchase_orders and their items: last_modified ${bookmarkOf(output.lastState)}`);
  return { text: result.stdout, lastState: output.lastState, counts: output.counts };
}

function bookmarkOf(state: unknown): string {
  return (state as { bookmarks: Record<string, { replication_key_value: string }> }).bookmarks.purchase_orders!
    .replication_key_value;
}

/** purchase_orders RECORDs in `text` whose last_modified is `instant`. */
function ordersAt(text: string, instant: string): number {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('"purchase_orders"')) continue;
    const m = JSON.parse(line) as { type: string; stream: string; record: { last_modified?: string } };
    if (m.type === 'RECORD' && m.stream === 'purchase_orders' && m.record.last_modified === instant) count++;
  }
  return count;
}

/** "exact" with the row counts, or each stream's differences. */
function verdict(diffs: Difference[]): string {
  const wrong = diffs.filter((d) => d.missing.length + d.extra.length + d.mismatched.length > 0);
  if (wrong.length === 0) return `exact (${diffs.map((d) => `${d.stream} ${n(d.expected)}`).join(', ')}).`;
  return `DIFFERENT: ${wrong
    .map((d) => `${d.stream}: ${d.missing.length} missing, ${d.extra.length} extra, ${d.mismatched.length} mismatched`)
    .join('; ')}.`;
}
