// `npm run bench`: throughput, the floor, latency hiding, flat memory, a slow consumer, incremental cost and
// the bytes saved by fields=, all against the sandbox on loopback (in its own process). Prints a table and
// writes bench-results/bench-<date>.json, bench-results/latest.json and bench-results/latest.md.
//   npm run bench -- --quick                      small sizes, a smoke run of every section (~20 s)
//   npm run bench -- --only throughput,latency    some sections (floor and incremental reuse throughput)
//   npm run bench -- --out DIR                    another results folder
//   npm run bench -- --tap OTHER/dist/src/cli.js  measure another build's bin (to compare two builds)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import {
  floor,
  FULL,
  heavy,
  incremental,
  latency,
  projection,
  QUICK,
  scale,
  slowConsumer,
  throughput,
  type Context,
} from './bench-sections.js';
import { REPO_ROOT, TAP_BIN, writeJson } from './lib/tap-process.js';

export const SECTIONS = [
  'throughput',
  'floor',
  'latency',
  'scale',
  'slow_consumer',
  'incremental',
  'projection',
  'heavy',
] as const;
type Section = (typeof SECTIONS)[number];
const ALIASES: Record<string, Section> = { slow: 'slow_consumer', 'slow-consumer': 'slow_consumer' };

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
if (flag('help')) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--out DIR] [--tap BIN]\n`);
  process.exit(0);
}
const quick = flag('quick');
const only = option('only')
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map((s) => ALIASES[s] ?? s);
for (const s of only ?? [])
  if (!SECTIONS.includes(s as Section)) throw new Error(`unknown section "${s}" (sections: ${SECTIONS.join(', ')})`);
const selected = new Set<Section>((only as Section[] | undefined) ?? SECTIONS);
if (selected.has('floor')) selected.add('throughput'); // the floor replays the throughput run's requests
const outDir = resolve(option('out') ?? join(REPO_ROOT, 'bench-results'));
const workDir = join(outDir, 'work');
mkdirSync(workDir, { recursive: true });

const say = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const ctx: Context = { sizes: quick ? QUICK : FULL, tapBin: resolve(option('tap') ?? TAP_BIN), workDir, log: say };
const meta = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  node: process.version,
  tap: ctx.tapBin,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    platform: process.platform,
  },
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  loadAverageAtEnd: [] as number[],
  sizes: ctx.sizes,
  seconds: 0,
};
const results: Record<string, unknown> = {};
const started = Date.now();
const runners: Record<Section, (c: Context) => Promise<unknown>> = {
  throughput,
  floor,
  incremental,
  latency,
  scale,
  slow_consumer: slowConsumer,
  projection,
  heavy,
};
// Order matters: the floor replays the throughput run and must see the same data, so it runs before the edits.
const order: Section[] = [
  'throughput',
  'floor',
  'incremental',
  'latency',
  'scale',
  'slow_consumer',
  'projection',
  'heavy',
];
try {
  for (const section of order) {
    if (!selected.has(section)) continue;
    say(`--- ${section}`);
    results[section] = await runners[section](ctx);
  }
} finally {
  await ctx.full?.sandbox.close();
  rmSync(workDir, { recursive: true, force: true });
}
meta.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
meta.seconds = Math.round((Date.now() - started) / 1000);

const targets = evaluateTargets(results);
const report = { meta, sections: results, targets };
const stamp = meta.date.replace(/[:.]/g, '-');
const jsonPath = writeJson(join(outDir, `bench-${stamp}.json`), report);
writeJson(join(outDir, 'latest.json'), report);
const markdown = renderMarkdown(report);
writeFileSync(join(outDir, 'latest.md'), markdown);
process.stdout.write(markdown);
say(`results: ${jsonPath} (and latest.json, latest.md)`);

// ---------------------------------------------------------------- targets and the table

interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

function evaluateTargets(r: Record<string, any>): Target[] {
  const t: Target[] = [];
  const note = quick ? ' (quick sizes: indicative only)' : '';
  if (r.throughput) {
    t.push({
      target: `>= 100,000 records/s at zero latency (wall)${note}`,
      value: `${fmt(r.throughput.recordsPerSecond)} records/s`,
      met: r.throughput.recordsPerSecond >= 100_000,
    });
    t.push({
      target: `>= 100,000 records per CPU second (one core)${note}`,
      value: `${fmt(r.throughput.recordsPerCpuSecond)} records/CPU s`,
      met: r.throughput.recordsPerCpuSecond >= 100_000,
    });
  }
  if (r.floor) {
    t.push({
      target: `<= 2x the floor (wall)${note}`,
      value: `${r.floor.tapOverFloorWall}x`,
      met: r.floor.tapOverFloorWall <= 2,
    });
    t.push({
      target: `<= 2x the floor (CPU)${note}`,
      value: `${r.floor.tapOverFloorCpu}x`,
      met: r.floor.tapOverFloorCpu <= 2,
    });
  }
  if (r.scale) {
    const rows = r.scale.rows as { orders: number; peakRssMB: number }[];
    const largest = rows[rows.length - 1]!;
    t.push({
      target: `peak RSS < 200 MB at the largest size (${fmt(largest.orders)} orders)${note}`,
      value: `${largest.peakRssMB} MB`,
      met: largest.peakRssMB < 200,
    });
    t.push({
      target: 'peak RSS flat with size (largest / smallest < 3)',
      value: `${r.scale.largestOverSmallestPeakRss}x`,
      met: r.scale.largestOverSmallestPeakRss < 3,
    });
  }
  if (r.latency) {
    const def = (r.latency.runs as any[]).find((x) => x.concurrency === 4) ?? r.latency.runs[0];
    t.push({
      target:
        `latency ${r.latency.latencyMs} ms: wall <= 1.3x requests x latency / concurrency (concurrency ${def.concurrency})` +
        note,
      value: `${def.overParallel}x (${def.wallSeconds}s vs ${def.parallelBound}s)`,
      met: def.overParallel <= 1.3,
    });
    t.push({
      target: 'rate cap honoured (observed <= cap)',
      value: `${r.latency.rateCapped.observedRequestsPerSecond} req/s (cap ${r.latency.rateCapped.maxRequestsPerSecond})`,
      met: r.latency.rateCapped.observedRequestsPerSecond <= r.latency.rateCapped.maxRequestsPerSecond,
    });
  }
  if (r.slow_consumer) {
    const s = r.slow_consumer;
    t.push({
      target: 'slow consumer: RSS bounded (steady max < 200 MB, no growth)',
      value: `${s.rssSteadyMinMB}-${s.rssSteadyMaxMB} MB steady, received/drained ${s.receivedOverDrained}`,
      met: quick ? s.rssSteadyMaxMB < 200 : s.rssSteadyMaxMB < 200 && s.receivedOverDrained < 3,
    });
  }
  if (r.incremental) {
    const i = r.incremental;
    t.push({
      target: `incremental: requests in proportion to the change (${fmt(i.editedOrders)} of ${fmt(i.orders)} orders edited)`,
      value: `${i.afterEdits.requests} vs ${i.full.requests} requests (${(i.requestsOverFull * 100).toFixed(1)}%)`,
      met: i.afterEdits.requests <= Math.max(5, Math.ceil((i.full.requests * i.editedOrders) / i.orders) * 2 + 3),
    });
  }
  if (r.projection) {
    const p = r.projection;
    t.push({
      target: 'fields= asked when honoured, bytes saved measured',
      value: `${(p.allColumns.bytesSaved * 100).toFixed(0)}% (all columns), ${(p.narrowSelection.bytesSaved * 100).toFixed(0)}% (narrow selection)`,
      met: p.allColumns.bytesSaved > 0 && p.narrowSelection.bytesSaved > 0,
    });
    t.push({
      target: 'projected run emits the same records as the whole-order run',
      value: `same digest: ${p.projectedSameRecordsAsWhole}`,
      met: p.projectedSameRecordsAsWhole,
    });
    t.push({
      target: 'falls back safely when fields= is ignored (same records)',
      value: `same digest: ${p.fallbackIgnoringServer.sameRecordsAsWhole}`,
      met: p.fallbackIgnoringServer.sameRecordsAsWhole,
    });
  }
  if (r.heavy) {
    for (const x of r.heavy.runs as any[]) {
      const what = `heavy orders (${fmt(r.heavy.orders)} x ${r.heavy.linesPerOrder.join('-')} lines, API ${x.apiIgnoresFields ? 'ignores' : 'honours'} fields=): exact, peak RSS < 300 MB`;
      t.push({ target: what + note, value: `exact ${x.exact}, ${x.peakRssMB} MB`, met: x.exact && x.peakRssMB < 300 });
    }
  }
  return t;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function renderMarkdown(rep: { meta: typeof meta; sections: Record<string, any>; targets: Target[] }): string {
  const { meta: m, sections: r } = rep;
  const out: string[] = [];
  out.push(`## Benchmark (${m.mode}) ${m.date.slice(0, 16).replace('T', ' ')} UTC`, '');
  out.push(
    `Machine: ${m.machine.cpu}, ${m.machine.cores} cores, ${m.machine.memoryGB} GB, Linux ${m.machine.kernel}; Node ${m.node}. ` +
      `Load average at start ${m.loadAverageAtStart.join(' / ')}, at end ${m.loadAverageAtEnd.join(' / ')}. Took ${m.seconds}s.` +
      (m.tap === TAP_BIN ? '' : ` Tap measured: ${m.tap}.`),
    '',
  );
  const table = (head: string[], rows: (string | number)[][]): void => {
    out.push(
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.join(' | ')} |`),
      '',
    );
  };
  if (r.throughput) {
    const t = r.throughput;
    out.push(
      `### 1. Throughput: ${fmt(t.orders)} orders x ~${t.itemsPerOrder} items, zero latency, concurrency ${t.concurrency}`,
      '',
    );
    table(
      [
        'records',
        'records/s (wall)',
        'records/CPU s',
        'wall s',
        'CPU s (user+sys)',
        'peak RSS',
        'bytes received',
        'requests',
        'output',
        'sandbox CPU s',
      ],
      [
        [
          fmt(t.records),
          fmt(t.recordsPerSecond),
          fmt(t.recordsPerCpuSecond),
          t.wallSeconds,
          `${t.cpuSeconds} (${t.userSeconds}+${t.sysSeconds})`,
          `${t.peakRssMB} MB`,
          mb(t.bytesReceived),
          t.requests,
          mb(t.outputBytes),
          t.sandboxCpuSeconds,
        ],
      ],
    );
    out.push(
      `The run with the median CPU time of ${t.cpuSecondsOfRepeats.length} is shown (CPU s of every run: ${t.cpuSecondsOfRepeats.join(' / ')}).`,
      '',
    );
  }
  if (r.floor) {
    const f = r.floor;
    out.push('### 2. The floor: same GETs (node:http, same concurrency), JSON.parse, same output bytes', '');
    table(
      ['', 'wall s', 'CPU s', 'peak RSS', 'requests', 'bytes received', 'output', 'sandbox CPU s'],
      [
        [
          'floor',
          f.wallSeconds,
          f.cpuSeconds,
          `${f.peakRssMB} MB`,
          f.requests,
          mb(f.bytesReceived),
          mb(f.outputBytes),
          f.sandboxCpuSeconds,
        ],
        ['tap / floor', `**${f.tapOverFloorWall}x**`, `**${f.tapOverFloorCpu}x**`, '', '', '', '', ''],
        [
          'floor + JSON.stringify of every order and line as received (not a target)',
          f.serialized.wallSeconds,
          f.serialized.cpuSeconds,
          `${f.serialized.peakRssMB} MB`,
          f.serialized.requests,
          mb(f.serialized.bytesReceived),
          mb(f.serialized.outputBytes),
          f.serialized.sandboxCpuSeconds,
        ],
        ['that / floor', `${f.serialized.overFloorWall}x`, `${f.serialized.overFloorCpu}x`, '', '', '', '', ''],
      ],
    );
    out.push(
      `Median CPU time of ${f.cpuSecondsOfRepeats.length} runs each (CPU s of every run: floor ${f.cpuSecondsOfRepeats.join(' / ')}; with JSON.stringify ${f.serialized.cpuSecondsOfRepeats.join(' / ')}).`,
      '',
    );
  }
  if (r.latency) {
    const l = r.latency;
    out.push(`### 3. Latency: ${l.latencyMs} ms per request, ${fmt(l.orders)} orders, page_size ${l.pageSize}`, '');
    table(
      [
        'concurrency',
        'rate cap',
        'requests',
        'wall s',
        'sequential bound s',
        'x sequential',
        'bound / concurrency s',
        'x bound',
        'x bound without start-up',
        'sandbox CPU ms / request',
      ],
      [
        ...l.runs.map((x: any) => [
          x.concurrency,
          '-',
          x.requests,
          x.wallSeconds,
          x.sequentialBound,
          x.overSequential,
          x.parallelBound,
          `**${x.overParallel}**`,
          x.overParallelWithoutStartup,
          x.sandboxCpuMsPerRequest,
        ]),
        [
          l.rateCapped.concurrency,
          `${l.rateCapped.maxRequestsPerSecond}/s`,
          l.rateCapped.requests,
          l.rateCapped.wallSeconds,
          '',
          '',
          `${l.rateCapped.bound} (cap)`,
          l.rateCapped.overBound,
          '',
          '',
        ],
      ],
    );
    out.push(
      `Each concurrency ran ${l.runs[0]?.wallSecondsOfRepeats?.length ?? 1} time(s); the median run is shown (wall s of every run: ${l.runs.map((x: any) => `${x.concurrency}: ${(x.wallSecondsOfRepeats ?? [x.wallSeconds]).join(' / ')}`).join('; ')}).`,
      `Node process start-up alone (--discover): ${l.processStartupSeconds}s, included in every wall time.`,
      '',
    );
  }
  if (r.scale) {
    out.push(`### 4. Scale: peak RSS by account size (~${r.scale.itemsPerOrder} items per order)`, '');
    table(
      ['orders', 'records', 'peak RSS', 'wall s', 'CPU s', 'records/s', 'bytes received', 'requests'],
      r.scale.rows.map((x: any) => [
        fmt(x.orders),
        fmt(x.records),
        `${x.peakRssMB} MB`,
        x.wallSeconds,
        x.cpuSeconds,
        fmt(x.recordsPerSecond),
        mb(x.bytesReceived),
        x.requests,
      ]),
    );
  }
  if (r.slow_consumer) {
    const s = r.slow_consumer;
    out.push(
      `### 5. Slow consumer: stdout drained at ${(s.drainBytesPerSecond / 1e6).toFixed(1)} MB/s for ${s.stoppedAfterSeconds}s (${fmt(s.orders)} orders), then SIGTERM`,
      '',
    );
    table(
      [
        'RSS at 10% / 25% / 50% / 75% / 95%',
        'steady RSS (min-max)',
        'peak RSS',
        'drained',
        'received from API',
        'received / drained',
        'exit',
      ],
      [
        [
          `${Object.values(s.rssAt)
            .map((v) => (v === null ? '-' : `${v}`))
            .join(' / ')} MB`,
          `${s.rssSteadyMinMB}-${s.rssSteadyMaxMB} MB`,
          `${s.peakRssMB} MB`,
          mb(s.outputBytesDrained),
          mb(s.bytesReceived),
          s.receivedOverDrained,
          s.exitCode ?? '-',
        ],
      ],
    );
  }
  if (r.incremental) {
    const i = r.incremental;
    out.push(
      `### 6. Incremental: ${fmt(i.editedOrders)} of ${fmt(i.orders)} orders (${((i.editedOrders / i.orders) * 100).toFixed(1)}%) edited, run resumed from the full run's STATE`,
      '',
    );
    table(
      ['run', 'records', 'requests', 'wall s', 'CPU s', 'bytes received', 'peak RSS'],
      [
        [
          'full',
          fmt(i.full.records),
          i.full.requests,
          i.full.wallSeconds,
          i.full.cpuSeconds,
          mb(i.full.bytesReceived),
          `${i.full.peakRssMB} MB`,
        ],
        [
          'incremental, nothing changed',
          fmt(i.unchanged.records),
          i.unchanged.requests,
          i.unchanged.wallSeconds,
          i.unchanged.cpuSeconds,
          mb(i.unchanged.bytesReceived),
          `${i.unchanged.peakRssMB} MB`,
        ],
        [
          'incremental, after edits',
          fmt(i.afterEdits.records),
          i.afterEdits.requests,
          i.afterEdits.wallSeconds,
          i.afterEdits.cpuSeconds,
          mb(i.afterEdits.bytesReceived),
          `${i.afterEdits.peakRssMB} MB`,
        ],
        [
          'after edits / full',
          '',
          `${(i.requestsOverFull * 100).toFixed(1)}%`,
          `${(i.wallOverFull * 100).toFixed(1)}%`,
          '',
          `${(i.bytesOverFull * 100).toFixed(2)}%`,
          '',
        ],
      ],
    );
  }
  if (r.projection) {
    const p = r.projection;
    out.push(`### Projection: bytes received with and without fields= (${fmt(p.orders)} orders)`, '');
    const row = (name: string, x: any): (string | number)[] => [
      name,
      fmt(x.records),
      x.requests,
      mb(x.bytesReceived),
      x.wallSeconds,
      x.cpuSeconds,
      `${x.peakRssMB} MB`,
    ];
    table(
      ['catalog, field_projection', 'records', 'requests', 'bytes received', 'wall s', 'CPU s', 'peak RSS'],
      [
        row('all columns, true', p.allColumns.projected),
        row('all columns, false', p.allColumns.whole),
        row('narrow (4+4 columns), true', p.narrowSelection.projected),
        row('narrow, false', p.narrowSelection.whole),
        row('narrow, true, server ignores fields=', p.fallbackIgnoringServer),
      ],
    );
    out.push(
      `Bytes saved: ${(p.allColumns.bytesSaved * 100).toFixed(1)}% with all columns selected, ${(p.narrowSelection.bytesSaved * 100).toFixed(1)}% with the narrow selection. ` +
        `Projected records identical to whole-order records: ${p.projectedSameRecordsAsWhole}. Against a server ignoring fields= the records are identical too ` +
        `(${p.fallbackIgnoringServer.sameRecordsAsWhole}); tap log: "${p.fallbackIgnoringServer.tapLog}".`,
      '',
    );
  }
  if (r.heavy) {
    const h = r.heavy;
    out.push(
      `### Heavy orders: ${fmt(h.orders)} orders of ${h.linesPerOrder.join('-')} lines (${fmt(h.lines)} lines), default settings`,
      '',
    );
    table(
      [
        'API',
        'exit',
        'exact',
        'peak RSS',
        'wall s',
        'CPU s',
        'requests',
        'bytes received',
        'bytes / order',
        'limit asked first',
        'median limit after',
        'sandbox CPU s',
      ],
      h.runs.map((x: any) => [
        x.apiIgnoresFields ? 'ignores fields=' : 'honours fields=',
        x.exitCode,
        x.exact,
        `${x.peakRssMB} MB`,
        x.wallSeconds,
        x.cpuSeconds,
        x.requests,
        mb(x.bytesReceived),
        fmt(x.bytesPerOrder),
        x.firstLimit,
        x.medianLimit,
        x.sandboxCpuSeconds,
      ]),
    );
  }
  out.push('### Targets', '');
  table(
    ['target', 'measured', 'met'],
    rep.targets.map((x) => [x.target, x.value, x.met === null ? '-' : x.met ? 'yes' : '**no**']),
  );
  return out.join('\n');
}
