// `npm run demo`: the tap against the local sandbox, no account needed. A full sync, a few edits in the
// "account", then an incremental run resumed from the first run's state; then orders deleted and lines
// removed in the account, and a FULL_TABLE pass that removes them from the output. Singer output goes to out/demo/.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox } from '../sandbox/server.js';
import { applySingerOutput, compareWithTruth, STREAM_KEYS, summarize } from './lib/singer-output.js';
import { REPO_ROOT, runTap, writeJson } from './lib/tap-process.js';

const dir = join(REPO_ROOT, 'out', 'demo');
const say = (line = ''): boolean => process.stderr.write(line + '\n');

const sandbox = await startSandbox({ orders: 2000, itemsPerOrder: 5, seed: 7 });
try {
  const config = writeJson(join(dir, 'config.json'), { api_key: sandbox.apiKey, account_id: sandbox.accountId, base_url: sandbox.baseUrl });
  say(`Sandbox API at ${sandbox.baseUrl} with 2,000 purchase orders. Output in ${dir}/`);

  const first = await run('1-full-sync', ['--config', config]);
  sandbox.edit(25, 5);
  say('\nEdited 25 orders and created 5 in the sandbox.');
  const state = writeJson(join(dir, 'state.json'), first.lastState);
  const second = await run('2-incremental', ['--config', config, '--state', state]);

  const union = applySingerOutput(second.text, applySingerOutput(first.text));
  say(`\nBoth runs upserted by key vs the sandbox's ground truth: ${summarize(compareWithTruth(union, sandbox.truth() as never, STREAM_KEYS))}`);

  const deleted = sandbox.deleteOrders(10);
  const removed = sandbox.removeLines(15);
  say(`\nDeleted 10 orders (e.g. ${deleted[0]}) and removed 15 lines from orders in the sandbox. An incremental run cannot see that;`);
  say('a FULL_TABLE pass (catalog metadata replication-method) reads everything and ends with ACTIVATE_VERSION:');
  const catalog = JSON.parse((await runTap({ args: ['--discover'] })).stdout) as { streams: { metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[] };
  for (const s of catalog.streams) s.metadata.find((m) => m.breadcrumb.length === 0)!.metadata['replication-method'] = 'FULL_TABLE';
  const fullCatalog = writeJson(join(dir, 'catalog-full-table.json'), catalog);
  const third = await run('3-full-table', ['--config', config, '--catalog', fullCatalog, '--state', writeJson(join(dir, 'state-2.json'), second.lastState)]);
  const after = applySingerOutput(third.text, union);
  say(`  ACTIVATE_VERSION removed ${after.deleted.purchase_orders ?? 0} purchase_orders and ${after.deleted.purchase_order_items ?? 0} purchase_order_items `
    + `(the ${removed.length} removed lines and the deleted orders' lines) from the upserted output`);
  say(`All three runs vs the ground truth: ${summarize(compareWithTruth(after, sandbox.truth() as never, STREAM_KEYS))}`);
} finally {
  await sandbox.close();
}

async function run(name: string, args: string[]) {
  sandbox.resetStats();
  const result = await runTap({ args, env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'warning' } });
  writeFileSync(join(dir, `${name}.jsonl`), result.stdout);
  if (result.code !== 0) {
    say(result.stderr);
    throw new Error(`${name} exited with ${result.code}`);
  }
  const output = applySingerOutput(result.stdout);
  const stats = sandbox.stats();
  say(`\n${name}: ${Object.entries(output.counts).map(([s, n]) => `${n} ${s}`).join(', ')} records; ${stats.requests} requests; ${result.seconds.toFixed(2)}s`);
  say(`  state: ${JSON.stringify(output.lastState)}`);
  return { text: result.stdout, lastState: output.lastState };
}
