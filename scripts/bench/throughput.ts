// Sections 1 and 2: throughput at zero latency, and the floor (the same GETs without the tap's work).
import { join } from 'node:path';
import { measureCommand, round } from '../lib/measure.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { REPO_ROOT, writeJson } from '../lib/tap-process.js';
import { type Context, DEFAULT_CONCURRENCY, medianBy, perSecond, repeat, runTap, strip } from './run.js';

const FLOOR_BIN = join(REPO_ROOT, 'dist', 'scripts', 'bench-floor.js');

export async function throughput(ctx: Context) {
  const orders = ctx.sizes.throughputOrders;
  const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
  ctx.log(
    `throughput: sandbox with ${orders} orders x ~${ctx.sizes.items} items ready in ${sb.startSeconds.toFixed(1)}s`,
  );
  // debug level: the tap logs each GET, which the floor replays (about one line per 1,000 orders).
  const runs = await repeat(ctx.sizes.throughputRepeats, () => runTap(ctx, sb, {}, { logLevel: 'debug' }));
  const run = medianBy(runs, (r) => r.cpuSeconds);
  ctx.full = { sandbox: sb, run, orders };
  ctx.log(
    `throughput: ${run.records} records in ${run.wallSeconds}s wall, ${run.cpuSeconds} CPU s (runs: ` +
      `${runs.map((r) => r.cpuSeconds).join(' / ')}), peak RSS ${run.peakRssMB} MB`,
  );
  return {
    orders,
    itemsPerOrder: ctx.sizes.items,
    concurrency: DEFAULT_CONCURRENCY,
    latencyMs: 0,
    ...strip(run),
    cpuSecondsOfRepeats: runs.map((r) => r.cpuSeconds),
    recordsPerSecond: perSecond(run.records, run.wallSeconds),
    recordsPerCpuSecond: perSecond(run.records, run.cpuSeconds),
    mbReceivedPerSecond: round(run.bytesReceived / 1e6 / run.wallSeconds, 1),
    sandboxBusyShare: round(run.sandboxCpuSeconds / run.wallSeconds),
  };
}

export async function floor(ctx: Context) {
  if (!ctx.full) throw new Error('the floor replays the throughput run: run it with the throughput section');
  const { sandbox: sb, run } = ctx.full;
  const paths = run.extras.requestPaths;
  if (paths.length === 0) throw new Error('no GET lines in the tap debug log');
  const replay = async (serialize: boolean) => {
    const plan = writeJson(join(ctx.workDir, `floor-plan${serialize ? '-serialize' : ''}.json`), {
      baseUrl: sb.baseUrl,
      concurrency: DEFAULT_CONCURRENCY,
      outputBytes: run.outputBytes,
      paths,
      serialize,
      headers: {
        authorization: sb.apiKey,
        account: sb.accountId,
        'user-agent': 'bench-floor',
        accept: 'application/json',
      },
    });
    await sb.resetStats();
    const cpu0 = sb.cpuSeconds();
    const m = await measureCommand([process.execPath, FLOOR_BIN, plan]);
    const sandboxCpuSeconds = round(sb.cpuSeconds() - cpu0);
    const stats = await sb.stats();
    if (m.code !== 0) throw new Error(`floor exited with ${m.code}: ${m.stderr.slice(-500)}`);
    return {
      requests: stats.requests,
      bytesReceived: stats.bytesSent,
      outputBytes: m.stdoutBytes,
      wallSeconds: round(m.wallSeconds),
      cpuSeconds: m.cpuSeconds,
      userSeconds: m.userSeconds,
      sysSeconds: m.sysSeconds,
      peakRssMB: m.peakRssMB,
      sandboxCpuSeconds,
      sandboxBusyShare: round(sandboxCpuSeconds / m.wallSeconds),
    };
  };
  const floors = await repeat(ctx.sizes.throughputRepeats, () => replay(false));
  const f = { ...medianBy(floors, (r) => r.cpuSeconds), cpuSecondsOfRepeats: floors.map((r) => r.cpuSeconds) };
  ctx.log(
    `floor: ${f.wallSeconds}s wall, ${f.cpuSeconds} CPU s (runs: ${f.cpuSecondsOfRepeats.join(' / ')}); tap/floor = ` +
      `${round(run.wallSeconds / f.wallSeconds)} (wall), ${round(run.cpuSeconds / f.cpuSeconds)} (CPU)`,
  );
  // Not a target: how much of the tap's time any tap that JSON.stringifies its records in Node needs.
  const serializedRuns = await repeat(ctx.sizes.throughputRepeats, () => replay(true));
  const serialized = {
    ...medianBy(serializedRuns, (r) => r.cpuSeconds),
    cpuSecondsOfRepeats: serializedRuns.map((r) => r.cpuSeconds),
  };
  ctx.log(
    `floor with JSON.stringify of every order and line: ${serialized.wallSeconds}s wall, ${serialized.cpuSeconds} ` +
      `CPU s (${round(serialized.cpuSeconds / f.cpuSeconds)}x the floor)`,
  );
  return {
    ...f,
    tapOverFloorWall: round(run.wallSeconds / f.wallSeconds),
    tapOverFloorCpu: round(run.cpuSeconds / f.cpuSeconds),
    serialized: {
      ...serialized,
      overFloorCpu: round(serialized.cpuSeconds / f.cpuSeconds),
      overFloorWall: round(serialized.wallSeconds / f.wallSeconds),
    },
  };
}
