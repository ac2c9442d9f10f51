// Variants benchmark: N variants x 3 warehouse blocks (default 100,000, 3 history points each), every collection
// stream selected (the opt-in snapshots and the long tables too; purchase orders not), the built bin as users run
// it (its shebang's heap caps), under /usr/bin/time. Prints the records written per stream.
// Usage: npm run build && node scripts/bench-variants.mjs [variants] [historyPoints] [latencyMs] [concurrency]
//   [streams: comma-separated, default every stream but the purchase orders']
// latencyMs: every sandbox answer leaves that long after its request arrived (issue 22: 250). concurrency: the
// tap's setting (default 4).
import { startSandbox } from '../dist/sandbox/server.js';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
const BIN = fileURLToPath(new URL('../dist/src/cli.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bench-variants-'));
const n = Number(process.argv[2] ?? 100000);
const sandbox = await startSandbox({
  orders: 1,
  variants: n,
  warehouseBlocks: 3,
  historyPoints: Number(process.argv[3] ?? 3),
  latencyMs: Number(process.argv[4] ?? 0),
  seed: 3,
});
const concurrency = Number(process.argv[5] ?? 4);
const disc = JSON.parse(
  await new Promise((res) => {
    let o = '';
    const c = spawn(BIN, ['--discover']);
    c.stdout.on('data', (d) => (o += d));
    c.on('close', () => res(o));
  }),
);
const only = process.argv[6]?.split(',');
for (const s of disc.streams)
  s.metadata[0].metadata.selected = only
    ? only.includes(s.tap_stream_id)
    : !s.tap_stream_id.startsWith('purchase_order');
writeFileSync(join(dir, 'catalog.json'), JSON.stringify(disc));
writeFileSync(
  join(dir, 'config.json'),
  JSON.stringify({ api_key: sandbox.apiKey, account_id: sandbox.accountId, base_url: sandbox.baseUrl, concurrency }),
);
const started = Date.now();
const child = spawn(
  '/usr/bin/time',
  ['-v', BIN, '--config', join(dir, 'config.json'), '--catalog', join(dir, 'catalog.json')],
  { stdio: ['ignore', 'pipe', 'pipe'] },
);
let records = 0;
let bytes = 0;
const perStream = {};
let rest = '';
child.stdout.on('data', (d) => {
  bytes += d.length;
  const t = rest + d;
  const lines = t.split('\n');
  rest = lines.pop();
  for (const l of lines) {
    if (!l.startsWith('{"type":"RECORD","stream":"')) continue;
    const stream = l.slice(27, l.indexOf('"', 27));
    perStream[stream] = (perStream[stream] ?? 0) + 1;
    if (stream === 'variants') records++;
  }
});
let err = '';
child.stderr.on('data', (d) => (err += d));
child.on('close', async (code) => {
  const s = (Date.now() - started) / 1000;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err)?.[1];
  console.log(
    JSON.stringify({
      variants: n,
      latencyMs: Number(process.argv[4] ?? 0),
      concurrency,
      code,
      seconds: s,
      variantsPerSecond: Math.round(records / s),
      variantRecords: records,
      stdoutMB: +(bytes / 1e6).toFixed(1),
      peakRssMB: rss ? Math.round(rss / 1024) : null,
      sandboxMBSent: +(sandbox.stats().bytesSent / 1e6).toFixed(1),
      requests: sandbox.stats().collectionRequests,
      recordsPerStream: perStream,
    }),
  );
  console.log(
    err
      .split('\n')
      .filter((l) => /finished|fields=|shifted|WARN|done: variants/.test(l))
      .slice(0, 5)
      .join('\n'),
  );
  await sandbox.close();
});
