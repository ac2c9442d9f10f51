// The report's tables of sections 1 to 3: throughput, the floor, latency.
import { type Markdown, fmt, mb } from './format.js';

export function throughputReport(md: Markdown, t: any): void {
  md.push(
    `### 1. Throughput: ${fmt(t.orders)} orders x ~${t.itemsPerOrder} items, zero latency, concurrency ` +
      `${t.concurrency}`,
    '',
  );
  md.table(
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
  md.push(
    `The run with the median CPU time of ${t.cpuSecondsOfRepeats.length} is shown (CPU s of every run: ` +
      `${t.cpuSecondsOfRepeats.join(' / ')}).`,
    '',
  );
}

export function floorReport(md: Markdown, f: any): void {
  md.push('### 2. The floor: same GETs (node:http, same concurrency), JSON.parse, same output bytes', '');
  md.table(
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
  md.push(
    `Median CPU time of ${f.cpuSecondsOfRepeats.length} runs each (CPU s of every run: floor ` +
      `${f.cpuSecondsOfRepeats.join(' / ')}; with JSON.stringify ${f.serialized.cpuSecondsOfRepeats.join(' / ')}).`,
    '',
  );
}

export function latencyReport(md: Markdown, l: any): void {
  md.push(`### 3. Latency: ${l.latencyMs} ms per request, ${fmt(l.orders)} orders, page_size ${l.pageSize}`, '');
  md.table(
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
  const everyRun = l.runs.map(
    (x: any) => `${x.concurrency}: ${(x.wallSecondsOfRepeats ?? [x.wallSeconds]).join(' / ')}`,
  );
  md.push(
    `Each concurrency ran ${l.runs[0]?.wallSecondsOfRepeats?.length ?? 1} time(s); the median run is shown ` +
      `(wall s of every run: ${everyRun.join('; ')}).`,
    `Node process start-up alone (--discover): ${l.processStartupSeconds}s, included in every wall time.`,
    '',
  );
}
