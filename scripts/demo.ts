// `npm run demo`: the tap against the local sandbox, no account needed. A full sync, a few edits in the
// "account", then an incremental run resumed from the first run's state. Singer output goes to out/demo/.
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
