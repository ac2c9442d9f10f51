// The floor of the benchmark: the same GET requests the tap made (recorded from its debug log), with
// plain node:http and the same number in flight, each body JSON-parsed, and as many bytes written to
// stdout as the tap wrote, with backpressure. Nothing else: no mapping, validation or serialization.
// Run as its own process and measured like the tap:
//   node dist/scripts/bench-floor.js <plan.json>
// plan.json: { baseUrl, headers, paths: ["purchase-orders?...", ...], concurrency, outputBytes, serialize? }
// With serialize, it writes instead every order (without its items) and every item as received, each
// JSON.stringify'd into a RECORD line: the least any tap that writes records this way has to do.
import { Agent, request } from 'node:http';
import { readFileSync } from 'node:fs';

interface Plan {
  baseUrl: string;
  headers: Record<string, string>;
  paths: string[];
  concurrency: number;
  outputBytes: number;
  serialize?: boolean;
}

const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as Plan;
const agent = new Agent({ keepAlive: true, maxSockets: plan.concurrency });
const perPage = Math.ceil(plan.outputBytes / Math.max(1, plan.paths.length));
// One block of filler lines reused for every write: writing bytes is what is measured, not making them.
const block = Buffer.alloc(Math.min(perPage, 1 << 20) || 1, 'x');
for (let i = 511; i < block.length; i += 512) block[i] = 0x0a;

function get(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${plan.baseUrl}/${path}`, { agent, headers: plan.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(Buffer.concat(chunks).toString('utf8'))
          : reject(new Error(`HTTP ${res.statusCode} for ${path}`)),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Writes one chunk, waiting for 'drain' when stdout is full: the backpressure the tap honours too. */
async function put(chunk: Buffer | string): Promise<void> {
  if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
}

let written = 0;
/** `bytes` of filler lines (at most what is left of the tap's output). */
async function write(bytes: number): Promise<void> {
  let left = Math.min(bytes, plan.outputBytes - written);
  written += left; // counted before the first await: workers write concurrently
  while (left > 0) {
    const n = Math.min(left, block.length);
    left -= n;
    await put(n === block.length ? block : block.subarray(0, n));
  }
}

const timeExtracted = new Date().toISOString();
const version = Date.now(); // the tap's RECORDs carry a table version too
const recordLine = (stream: string, record: unknown): string =>
  JSON.stringify({ type: 'RECORD', stream, record, version, time_extracted: timeExtracted });

async function writeRecords(orders: Array<Record<string, unknown>>): Promise<void> {
  let chunk = '';
  const flush = async (): Promise<void> => {
    written += Buffer.byteLength(chunk);
    await put(chunk);
    chunk = '';
  };
  for (const order of orders) {
    const { items, ...rest } = order;
    chunk += `${recordLine('purchase_orders', rest)}\n`;
    for (const item of Array.isArray(items) ? items : []) {
      chunk += `${recordLine('purchase_order_items', item)}\n`;
      if (chunk.length > 512 * 1024) await flush();
    }
  }
  await flush();
}

let next = 0;
let parsed = 0;
async function worker(): Promise<void> {
  while (next < plan.paths.length) {
    const path = plan.paths[next++]!;
    const body = JSON.parse(await get(path)) as { 'purchase-orders'?: Array<Record<string, unknown>> };
    parsed += body['purchase-orders']?.length ?? 1;
    if (plan.serialize) await writeRecords(body['purchase-orders'] ?? []);
    else await write(perPage);
  }
}

await Promise.all(Array.from({ length: plan.concurrency }, worker));
if (!plan.serialize) await write(plan.outputBytes - written);
agent.destroy();
process.stderr.write(`floor: ${plan.paths.length} requests, ${parsed} objects parsed, ${written} bytes written\n`);
