// Runs the built tap once against a sandbox process and measures it from the outside; the helpers every
// section uses to repeat runs and report the median one.
import { join } from 'node:path';
import { type Measured, measureCommand, round } from '../lib/measure.js';
import type { SandboxProcess, SandboxStatsLite } from '../lib/sandbox-process.js';
import { lastStateIn } from '../lib/singer-output.js';
import { errorLines, recordsByStream, withoutTimestamp } from '../lib/tap-log.js';
import { writeJson } from '../lib/tap-process.js';
import type { Sizes } from './sizes.js';

export const DEFAULT_CONCURRENCY = 4; // schemas/config.json

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

export interface TapRunExtras {
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
      `tap exited with ${m.code ?? m.signal}: ${errorLines(m.stderr).join(' | ') || m.stderr.slice(-800)}`,
    );
  const byStream = recordsByStream(m.stderr);
  const records = Object.values(byStream).reduce((a, b) => a + b, 0);
  const requestPaths = [...m.stderr.matchAll(/DEBUG tap-inventory-planner: GET \/(\S+)/g)].map((x) => x[1]!);
  const warnings = m.stderr
    .split('\n')
    .filter((l) => / WARNING /.test(l))
    .map(withoutTimestamp);
  return {
    wallSeconds: round(m.wallSeconds),
    cpuSeconds: m.cpuSeconds,
    userSeconds: m.userSeconds,
    sysSeconds: m.sysSeconds,
    peakRssMB: m.peakRssMB,
    measuredWith: m.method,
    records,
    recordsByStream: byStream,
    requests: stats.requests,
    bytesReceived: stats.bytesSent,
    outputBytes: m.stdoutBytes,
    sandboxCpuSeconds,
    exitCode: m.code,
    ...(opts.keepTimeline ? { rssTimeline: m.rssTimeline } : {}),
    extras: { measured: m, stats, lastState: lastStateIn(m.stdoutTail), requestPaths, warnings },
  };
}

export const strip = <T extends { extras?: unknown }>(run: T): Omit<T, 'extras'> => {
  const { extras: _extras, ...rest } = run;
  return rest;
};

export const perSecond = (n: number, s: number): number => Math.round(n / Math.max(s, 1e-9));

/** The element with the median value of `key` (the upper one of an even count); `runs` is left in order. */
export function medianBy<T>(runs: T[], key: (run: T) => number): T {
  return [...runs].sort((a, b) => key(a) - key(b))[Math.floor(runs.length / 2)]!;
}

export async function repeat<T>(times: number, once: () => Promise<T>): Promise<T[]> {
  const runs: T[] = [];
  for (let i = 0; i < times; i++) runs.push(await once());
  return runs;
}

export function median(values: number[]): number | null {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)]! : null;
}
