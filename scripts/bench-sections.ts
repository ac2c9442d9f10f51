// The benchmark's sections. Each starts the sandbox in a separate process, runs the built tap as a child
// process measured from the outside (bench-proc.ts), and returns plain JSON figures.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { measureCommand, round, SandboxProcess, type Measured, type SandboxStatsLite } from './bench-proc.js';
import { REPO_ROOT, writeJson } from './lib/tap-process.js';
import { buildCatalog } from '../sandbox/catalog.js';
import { baseState } from '../sandbox/order-state.js';

export const FLOOR_BIN = join(REPO_ROOT, 'dist', 'scripts', 'bench-floor.js');
export const DEFAULT_CONCURRENCY = 4; // schemas/config.json

export interface Sizes {
  items: number;
  throughputOrders: number;
  // The throughput run and the floor are repeated and the run with the median CPU time reported: on this
  // shared 2-core VM the same run's CPU seconds vary by about a tenth.
  throughputRepeats: number;
  // Few items per order here: the single-threaded sandbox shares the 2 cores, and with 10 items its CPU
  // per page (x concurrency) would be measured instead of how well the tap hides latency.
  // Each concurrency is run `repeats` times and the run with the median wall time is reported: a few
  // seconds of wall time on a shared 2-core machine vary by a tenth of a second from run to run.
  latency: {
    orders: number;
    items: number;
    pageSize: number;
    latencyMs: number;
    concurrencies: number[];
    rateCap: number;
    repeats: number;
  };
  scaleOrders: number[];
  slow: { orders: number; seconds: number; bytesPerSecond: number };
  editShare: number;
  projectionOrders: number;
  /** Heavy orders (issue 12): lines per order drawn from [itemsMin, itemsMax], default settings. */
  heavy: { orders: number; itemsMin: number; itemsMax: number };
}

export const FULL: Sizes = {
  items: 10,
  throughputOrders: 100_000,
  throughputRepeats: 3,
  latency: {
    orders: 10_000,
    items: 2,
    pageSize: 100,
    latencyMs: 100,
    concurrencies: [1, 4, 8],
    rateCap: 20,
    repeats: 3,
  },
  scaleOrders: [10_000, 100_000, 1_000_000],
  slow: { orders: 100_000, seconds: 30, bytesPerSecond: 1_000_000 },
  editShare: 0.01,
  projectionOrders: 20_000,
  heavy: { orders: 3_000, itemsMin: 300, itemsMax: 600 },
};

export const QUICK: Sizes = {
  items: 10,
  throughputOrders: 2_000,
  throughputRepeats: 1,
  latency: { orders: 600, items: 2, pageSize: 30, latencyMs: 100, concurrencies: [4], rateCap: 20, repeats: 1 },
  scaleOrders: [500, 2_000, 4_000],
  slow: { orders: 5_000, seconds: 2, bytesPerSecond: 1_000_000 },
  editShare: 0.01,
  projectionOrders: 1_000,
  heavy: { orders: 40, itemsMin: 300, itemsMax: 600 },
};

export interface Context {
  sizes: Sizes;
  /** The tap's bin: this checkout's dist/src/cli.js, or another build's (--tap) to compare two builds. */
  tapBin: string;
  workDir: string;
  log: (line: string) => void;
  /** The throughput run, kept for the floor, the incremental section and the scale table. */
  full?: { sandbox: SandboxProcess; run: TapRun & { extras: TapRunExtras }; orders: number };
}

export interface TapRun {
  wallSeconds: number;
  cpuSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  peakRssMB: number;
  measuredWith: Measured['method'];
  records: number;
  recordsByStream: Record<string, number>;
  requests: number;
  bytesReceived: number;
  outputBytes: number;
  sandboxCpuSeconds: number;
  exitCode: number | null;
  rssTimeline?: [number, number][];
}

interface TapRunExtras {
  measured: Measured;
  stats: SandboxStatsLite;
  lastState: unknown;
  requestPaths: string[];
  warnings: string[];
}

let configSeq = 0;

/** Runs the tap once against `sb` (stats reset first) and measures it. */
export async function runTap(
  ctx: Context,
  sb: SandboxProcess,
  settings: Record<string, unknown>,
  opts: {
    state?: unknown;
    catalog?: unknown;
    logLevel?: string;
    drainBytesPerSecond?: number;
    stopAfterSeconds?: number;
    keepTimeline?: boolean;
    digestRecords?: boolean;
  } = {},
): Promise<TapRun & { extras: TapRunExtras }> {
  const n = ++configSeq;
  const config = writeJson(join(ctx.workDir, `config-${n}.json`), {
    api_key: sb.apiKey,
    account_id: sb.accountId,
    base_url: sb.baseUrl,
    ...settings,
  });
  const args = [ctx.tapBin, '--config', config];
  if (opts.state !== undefined) args.push('--state', writeJson(join(ctx.workDir, `state-${n}.json`), opts.state));
  if (opts.catalog !== undefined)
    args.push('--catalog', writeJson(join(ctx.workDir, `catalog-${n}.json`), opts.catalog));
  await sb.resetStats();
  const cpu0 = sb.cpuSeconds();
  const m = await measureCommand(args, {
    env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: opts.logLevel ?? 'info' },
    drainBytesPerSecond: opts.drainBytesPerSecond,
    stopAfterSeconds: opts.stopAfterSeconds,
    digestRecords: opts.digestRecords,
  });
  const sandboxCpuSeconds = round(sb.cpuSeconds() - cpu0);
  const stats = await sb.stats();
  const stopped = opts.stopAfterSeconds !== undefined;
  if (m.code !== 0 && !stopped)
    throw new Error(
      `tap exited with ${m.code ?? m.signal}: ${
        m.stderr
          .split('\n')
          .filter((l) => / (CRITICAL|ERROR) /.test(l))
          .join(' | ') || m.stderr.slice(-800)
      }`,
    );
  const done = /INFO tap-inventory-planner: done: (.*?) \(/.exec(m.stderr);
  const recordsByStream = Object.fromEntries(
    (done?.[1] ?? '')
      .split(' ')
      .filter(Boolean)
      .map((kv) => {
        const [k, v] = kv.split('=');
        return [k!, Number(v)];
      }),
  );
  const records = Object.values(recordsByStream).reduce((a, b) => a + b, 0);
  const requestPaths = [...m.stderr.matchAll(/DEBUG tap-inventory-planner: GET \/(\S+)/g)].map((x) => x[1]!);
  const warnings = m.stderr
    .split('\n')
    .filter((l) => / WARNING /.test(l))
    .map((l) => l.replace(/^\S+ /, ''));
  return {
    wallSeconds: round(m.wallSeconds),
    cpuSeconds: m.cpuSeconds,
    userSeconds: m.userSeconds,
    sysSeconds: m.sysSeconds,
    peakRssMB: m.peakRssMB,
    measuredWith: m.method,
    records,
    recordsByStream,
    requests: stats.requests,
    bytesReceived: stats.bytesSent,
    outputBytes: m.stdoutBytes,
    sandboxCpuSeconds,
    exitCode: m.code,
    ...(opts.keepTimeline ? { rssTimeline: m.rssTimeline } : {}),
    extras: { measured: m, stats, lastState: lastStateOf(m.stdoutTail), requestPaths, warnings },
  };
}

function lastStateOf(tail: string): unknown {
  const lines = tail.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.startsWith('{"type":"STATE"')) {
      try {
        return (JSON.parse(lines[i]!) as { value: unknown }).value;
      } catch {
        /* a cut line */
      }
    }
  }
  return undefined;
}

const strip = <T extends { extras?: unknown }>(run: T): Omit<T, 'extras'> => {
  const { extras: _extras, ...rest } = run;
  return rest;
};

const perSecond = (n: number, s: number): number => Math.round(n / Math.max(s, 1e-9));

/** The element with the median value of `key` (the upper one of an even count); `runs` is left in order. */
function medianBy<T>(runs: T[], key: (run: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

async function repeat<T>(times: number, once: () => Promise<T>): Promise<T[]> {
  const runs: T[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  return runs;
}

// ---------------------------------------------------------------- 1 + 2: throughput and the floor

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
    `throughput: ${run.records} records in ${run.wallSeconds}s wall, ${run.cpuSeconds} CPU s (runs: ${runs.map((r) => r.cpuSeconds).join(' / ')}), peak RSS ${run.peakRssMB} MB`,
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
    `floor: ${f.wallSeconds}s wall, ${f.cpuSeconds} CPU s (runs: ${f.cpuSecondsOfRepeats.join(' / ')}); tap/floor = ${round(run.wallSeconds / f.wallSeconds)} (wall), ${round(run.cpuSeconds / f.cpuSeconds)} (CPU)`,
  );
  // Not a target: how much of the tap's time any tap that JSON.stringifies its records in Node needs.
  const serializedRuns = await repeat(ctx.sizes.throughputRepeats, () => replay(true));
  const serialized = {
    ...medianBy(serializedRuns, (r) => r.cpuSeconds),
    cpuSecondsOfRepeats: serializedRuns.map((r) => r.cpuSeconds),
  };
  ctx.log(
    `floor with JSON.stringify of every order and line: ${serialized.wallSeconds}s wall, ${serialized.cpuSeconds} CPU s (${round(serialized.cpuSeconds / f.cpuSeconds)}x the floor)`,
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

// ---------------------------------------------------------------- 3: latency hiding

export async function latency(ctx: Context) {
  const L = ctx.sizes.latency;
  const sb = await SandboxProcess.start({ orders: L.orders, items: L.items, latencyMs: L.latencyMs });
  try {
    const startup = await measureCommand([ctx.tapBin, '--discover']);
    const runs = [];
    for (const concurrency of L.concurrencies) {
      const tries = await repeat(L.repeats, () => runTap(ctx, sb, { page_size: L.pageSize, concurrency }));
      const run = medianBy(tries, (t) => t.wallSeconds);
      const sequentialBound = round((run.requests * L.latencyMs) / 1000);
      const parallelBound = round(sequentialBound / concurrency);
      runs.push({
        concurrency,
        maxRequestsPerSecond: null,
        ...strip(run),
        sequentialBound,
        parallelBound,
        overSequential: round(run.wallSeconds / sequentialBound),
        overParallel: round(run.wallSeconds / parallelBound),
        overParallelWithoutStartup: round((run.wallSeconds - startup.wallSeconds) / parallelBound),
        // The single-threaded sandbox's own work per request comes on top of the latency it adds.
        sandboxCpuMsPerRequest: round((run.sandboxCpuSeconds * 1000) / run.requests, 1),
        wallSecondsOfRepeats: tries.map((t) => t.wallSeconds),
      });
      ctx.log(
        `latency: concurrency ${concurrency}: ${run.requests} requests in ${run.wallSeconds}s; bound ${parallelBound}s (x${round(run.wallSeconds / parallelBound)})`,
      );
    }
    // The rate cap: at most rateCap requests start per second, whatever the concurrency.
    const capped = await runTap(ctx, sb, {
      page_size: L.pageSize,
      concurrency: DEFAULT_CONCURRENCY,
      max_requests_per_second: L.rateCap,
    });
    const capBound = round(
      Math.max((capped.requests - 1) / L.rateCap, (capped.requests * L.latencyMs) / 1000 / DEFAULT_CONCURRENCY),
    );
    ctx.log(
      `latency: capped at ${L.rateCap} req/s: ${capped.requests} requests in ${capped.wallSeconds}s (bound ${capBound}s)`,
    );
    return {
      orders: L.orders,
      itemsPerOrder: L.items,
      pageSize: L.pageSize,
      latencyMs: L.latencyMs,
      runs,
      rateCapped: {
        concurrency: DEFAULT_CONCURRENCY,
        maxRequestsPerSecond: L.rateCap,
        ...strip(capped),
        bound: capBound,
        observedRequestsPerSecond: round(capped.requests / capped.wallSeconds),
        overBound: round(capped.wallSeconds / capBound),
      },
      processStartupSeconds: round(startup.wallSeconds),
    };
  } finally {
    await sb.close();
  }
}

// ---------------------------------------------------------------- 4: scale

export async function scale(ctx: Context) {
  const rows = [];
  for (const orders of ctx.sizes.scaleOrders) {
    if (ctx.full && ctx.full.orders === orders) {
      const r = ctx.full.run;
      rows.push({
        orders,
        reusedThroughputRun: true,
        records: r.records,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        peakRssMB: r.peakRssMB,
        recordsPerSecond: perSecond(r.records, r.wallSeconds),
        bytesReceived: r.bytesReceived,
        requests: r.requests,
      });
      continue;
    }
    const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
    try {
      const r = await runTap(ctx, sb, {});
      rows.push({
        orders,
        reusedThroughputRun: false,
        records: r.records,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        peakRssMB: r.peakRssMB,
        recordsPerSecond: perSecond(r.records, r.wallSeconds),
        bytesReceived: r.bytesReceived,
        requests: r.requests,
      });
      ctx.log(`scale: ${orders} orders: peak RSS ${r.peakRssMB} MB, ${r.wallSeconds}s`);
    } finally {
      await sb.close();
    }
  }
  const peaks = rows.map((r) => r.peakRssMB);
  return {
    itemsPerOrder: ctx.sizes.items,
    rows,
    largestOverSmallestPeakRss: round(Math.max(...peaks) / Math.min(...peaks)),
  };
}

// ---------------------------------------------------------------- 5: slow consumer

export async function slowConsumer(ctx: Context) {
  const S = ctx.sizes.slow;
  const sb = await SandboxProcess.start({ orders: S.orders, items: ctx.sizes.items });
  try {
    const run = await runTap(
      ctx,
      sb,
      {},
      { drainBytesPerSecond: S.bytesPerSecond, stopAfterSeconds: S.seconds, keepTimeline: true },
    );
    const timeline = run.rssTimeline ?? [];
    const at = (share: number): number | null => {
      const t = share * S.seconds;
      const hit = timeline.find(([s]) => s >= t);
      return hit ? hit[1] : null;
    };
    const rss = timeline.map(([, mb]) => mb);
    const steady = timeline.filter(([s]) => s >= S.seconds / 3).map(([, mb]) => mb);
    ctx.log(
      `slow consumer: drained ${(run.outputBytes / 1e6).toFixed(1)} MB in ${run.wallSeconds}s; tap received ${(run.bytesReceived / 1e6).toFixed(1)} MB; RSS max ${Math.max(...rss)} MB`,
    );
    return {
      orders: S.orders,
      drainBytesPerSecond: S.bytesPerSecond,
      stoppedAfterSeconds: S.seconds,
      exitCode: run.exitCode,
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.cpuSeconds,
      peakRssMB: run.peakRssMB,
      rssAt: { '10%': at(0.1), '25%': at(0.25), '50%': at(0.5), '75%': at(0.75), '95%': at(0.95) },
      rssMaxSampledMB: Math.max(...rss),
      rssSteadyMinMB: Math.min(...steady),
      rssSteadyMaxMB: Math.max(...steady),
      outputBytesDrained: run.outputBytes,
      bytesReceived: run.bytesReceived,
      requests: run.requests,
      // If the tap buffered without limit it would fetch at full speed; with backpressure it fetches what it can write.
      receivedOverDrained: round(run.bytesReceived / Math.max(1, run.outputBytes)),
      rssTimeline: timeline.filter((_, i) => i % 5 === 0),
    };
  } finally {
    await sb.close();
  }
}

// ---------------------------------------------------------------- 6: incremental

export async function incremental(ctx: Context) {
  if (!ctx.full) {
    const orders = ctx.sizes.throughputOrders;
    const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
    ctx.full = { sandbox: sb, run: await runTap(ctx, sb, {}), orders };
  }
  const { sandbox: sb, run: full, orders } = ctx.full;
  const state = full.extras.lastState;
  if (state === undefined) throw new Error('the full run left no STATE');
  const unchanged = await runTap(ctx, sb, {}, { state });
  const edited = Math.round(orders * ctx.sizes.editShare);
  await sb.edit(edited);
  const changed = await runTap(ctx, sb, {}, { state });
  ctx.log(
    `incremental: ${edited} orders edited: ${changed.requests} requests, ${changed.wallSeconds}s (full: ${full.requests}, ${full.wallSeconds}s)`,
  );
  const row = (r: TapRun) => ({
    records: r.records,
    requests: r.requests,
    wallSeconds: r.wallSeconds,
    cpuSeconds: r.cpuSeconds,
    bytesReceived: r.bytesReceived,
    peakRssMB: r.peakRssMB,
  });
  return {
    orders,
    editedOrders: edited,
    full: row(full),
    unchanged: row(unchanged),
    afterEdits: row(changed),
    requestsOverFull: round(changed.requests / full.requests, 3),
    wallOverFull: round(changed.wallSeconds / full.wallSeconds, 3),
    bytesOverFull: round(changed.bytesReceived / full.bytesReceived, 4),
  };
}

// ---------------------------------------------------------------- projection: bytes saved by fields=

function narrowCatalog(tapBin: string, keep: Record<string, string[]>): unknown {
  const catalog = JSON.parse(execFileSync(tapBin, ['--discover'], { encoding: 'utf8' })) as {
    streams: { stream: string; metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
  };
  for (const s of catalog.streams) {
    for (const m of s.metadata) {
      if (m.breadcrumb.length === 0) m.metadata.selected = true;
      else if (m.metadata.inclusion !== 'automatic')
        m.metadata.selected = keep[s.stream]?.includes(m.breadcrumb[1]!) ?? false;
    }
  }
  return catalog;
}

export async function projection(ctx: Context) {
  const orders = ctx.sizes.projectionOrders;
  const narrow = narrowCatalog(ctx.tapBin, {
    purchase_orders: ['status', 'last_modified', 'total_ordered', 'total_received'],
    purchase_order_items: ['purchase_order_id', 'sku', 'replenishment', 'received'],
  });
  const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
  const row = (r: TapRun & { extras: TapRunExtras }) => ({
    records: r.records,
    requests: r.requests,
    bytesReceived: r.bytesReceived,
    wallSeconds: r.wallSeconds,
    cpuSeconds: r.cpuSeconds,
    peakRssMB: r.peakRssMB,
    warnings: r.extras.warnings.filter((w) => /fields=/.test(w)),
  });
  let result;
  try {
    const allOn = await runTap(ctx, sb, { field_projection: true });
    const allOff = await runTap(ctx, sb, { field_projection: false });
    const narrowOn = await runTap(ctx, sb, { field_projection: true }, { catalog: narrow, digestRecords: true });
    const narrowOff = await runTap(ctx, sb, { field_projection: false }, { catalog: narrow, digestRecords: true });
    result = { allOn, allOff, narrowOn, narrowOff };
  } finally {
    await sb.close();
  }
  // Fallback: a server that ignores fields= sends whole orders; the tap must notice and still be complete.
  const ignoring = await SandboxProcess.start({ orders, items: ctx.sizes.items, ignoreFields: true });
  let fallback;
  try {
    fallback = await runTap(ctx, ignoring, { field_projection: true }, { catalog: narrow, digestRecords: true });
  } finally {
    await ignoring.close();
  }
  const saved = (on: TapRun, off: TapRun) => round(1 - on.bytesReceived / off.bytesReceived, 3);
  ctx.log(
    `projection: all columns save ${(saved(result.allOn, result.allOff) * 100).toFixed(0)}%, narrow selection saves ${(saved(result.narrowOn, result.narrowOff) * 100).toFixed(0)}% of bytes received`,
  );
  return {
    orders,
    itemsPerOrder: ctx.sizes.items,
    allColumns: {
      projected: row(result.allOn),
      whole: row(result.allOff),
      bytesSaved: saved(result.allOn, result.allOff),
    },
    narrowSelection: {
      projected: row(result.narrowOn),
      whole: row(result.narrowOff),
      bytesSaved: saved(result.narrowOn, result.narrowOff),
    },
    // The same records, value for value (order-independent digest, run timestamps blanked) as without projection.
    projectedSameRecordsAsWhole:
      result.narrowOn.extras.measured.recordDigest === result.narrowOff.extras.measured.recordDigest,
    fallbackIgnoringServer: {
      ...row(fallback),
      sameRecordsAsWhole: fallback.extras.measured.recordDigest === result.narrowOff.extras.measured.recordDigest,
      // Whole orders hold every requested field, so the check passes and nothing is lost; only the saving is.
      tapLog:
        fallback.extras.measured.stderr
          .split('\n')
          .find((l) => /fields= projection verified|did not honour fields=|fields= did not ask for/.test(l))
          ?.replace(/^\S+ /, '') ?? null,
    },
  };
}

// ---------------------------------------------------------------- heavy orders (issue 12)

/**
 * Orders of hundreds of lines with default settings, from an API that ignores fields= (whole orders, ~0.5 MB
 * each) and from one that honours it. Exact here means the record counts equal the sandbox's (its orders are
 * not edited): test/reliability/server-quirks.test.ts compares values on a smaller set.
 */
export async function heavy(ctx: Context) {
  const H = ctx.sizes.heavy;
  const seed = 1;
  const catalog = buildCatalog(seed);
  let lines = 0;
  for (let i = 0; i < H.orders; i++) lines += baseState(seed, i, catalog, H.itemsMax, H.itemsMin).lines.length;
  const runs = [];
  for (const ignoreFields of [true, false]) {
    const sb = await SandboxProcess.start({
      orders: H.orders,
      items: H.itemsMax,
      itemsMin: H.itemsMin,
      seed,
      ignoreFields,
    });
    try {
      const r = await runTap(ctx, sb, {}, { logLevel: 'debug' });
      const limits = r.extras.requestPaths
        .filter((p) => p.startsWith('purchase-orders?'))
        .map((p) => Number(/[?&]limit=(\d+)/.exec(p)?.[1]));
      const exact = r.recordsByStream.purchase_orders === H.orders && r.recordsByStream.purchase_order_items === lines;
      ctx.log(
        `heavy (${ignoreFields ? 'fields= ignored' : 'fields= honoured'}): exit ${r.exitCode}, exact ${exact}, peak RSS ${r.peakRssMB} MB, ${r.requests} requests, ${(r.bytesReceived / 1e6).toFixed(0)} MB received, ${r.wallSeconds}s`,
      );
      runs.push({
        apiIgnoresFields: ignoreFields,
        exitCode: r.exitCode,
        exact,
        records: r.records,
        peakRssMB: r.peakRssMB,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        requests: r.requests,
        bytesReceived: r.bytesReceived,
        bytesPerOrder: Math.round(r.bytesReceived / H.orders),
        firstLimit: limits[0] ?? null,
        medianLimit: median(limits.slice(1)),
        sandboxCpuSeconds: r.sandboxCpuSeconds,
      });
    } finally {
      await sb.close();
    }
  }
  return { orders: H.orders, linesPerOrder: [H.itemsMin, H.itemsMax], lines, runs };
}

function median(values: number[]): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
}
