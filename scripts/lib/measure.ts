// Runs a child process measured from the outside: CPU seconds, peak RSS, an RSS timeline, its stdout drained
// like a Singer target would (optionally slowly), through GNU time when present, else by sampling /proc.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ProcStat, childPids, procStat } from './proc-stat.js';
import { RecordDigest } from './record-digest.js';

const GNU_TIME = '/usr/bin/time';

export interface Measured {
  code: number | null;
  signal: NodeJS.Signals | null;
  wallSeconds: number;
  userSeconds: number;
  sysSeconds: number;
  cpuSeconds: number;
  peakRssMB: number;
  /** How CPU and peak RSS were obtained. */
  method: 'gnu-time' | 'proc-sampling';
  /** VmRSS over time (seconds since start, MB). */
  rssTimeline: [number, number][];
  stdoutBytes: number;
  /** The last bytes of stdout (enough to hold the final STATE line). */
  stdoutTail: string;
  stderr: string;
  /** With digestRecords: an order-independent digest of the RECORD lines, run-dependent timestamps removed. */
  recordDigest?: string;
}

export interface MeasureOptions {
  /** Digest every RECORD line (costs this process some CPU: only for correctness comparisons). */
  digestRecords?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Drain stdout at this many bytes per second (a slow target); default: as fast as possible. */
  drainBytesPerSecond?: number;
  /** Stop the process with SIGTERM after this many seconds (its result is still measured). */
  stopAfterSeconds?: number;
  sampleMs?: number;
  timeoutMs?: number;
  tailBytes?: number;
}

/**
 * Runs `argv` (an executable and its arguments: the tap's bin as users start it, or node and a script) with
 * stdout on a pipe that this process drains (like a Singer target would), stderr collected. Through GNU
 * time when present (exact rusage of the child at exit), else by sampling /proc.
 */
export function measureCommand(argv: string[], options: MeasureOptions = {}): Promise<Measured> {
  const useTime = existsSync(GNU_TIME);
  const tmp = mkdtempSync(join(tmpdir(), 'bench-'));
  const timeFile = join(tmp, 'time.txt');
  const command = useTime ? GNU_TIME : argv[0]!;
  const args = useTime ? ['-f', '%e %U %S %M', '-o', timeFile, ...argv] : argv.slice(1);
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const tailBytes = options.tailBytes ?? 1 << 20;
  // The last chunks of stdout, about tailBytes of them (copying a growing tail on every chunk made this
  // reader take CPU from the tap and the sandbox on the same cores).
  const tail: Buffer[] = [];
  let tailLength = 0;
  let stdoutBytes = 0;
  const err: Buffer[] = [];
  const timeline: [number, number][] = [];
  let last: ProcStat | undefined;
  let nodePid: number | undefined = useTime ? undefined : child.pid;

  const sample = (): void => {
    if (nodePid === undefined && child.pid !== undefined) nodePid = childPids(child.pid)[0];
    if (nodePid === undefined) return;
    const s = procStat(nodePid);
    // A process that is exiting has no VmRSS any more: that is not a reading.
    if (!s || s.rssMB === 0) return;
    last = s;
    timeline.push([Math.round(elapsed() * 100) / 100, Math.round(s.rssMB * 10) / 10]);
  };
  const sampler = setInterval(sample, options.sampleMs ?? 100);

  let rate = options.drainBytesPerSecond;
  let budgetStart = Date.now();
  let drained = 0;
  const digest = options.digestRecords ? new RecordDigest() : undefined;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    digest?.add(chunk);
    tail.push(chunk);
    tailLength += chunk.length;
    while (tailLength - tail[0]!.length >= tailBytes) tailLength -= tail.shift()!.length;
    if (rate) {
      // Token bucket: pause until the bytes taken so far fit the allowed rate.
      drained += chunk.length;
      const due = budgetStart + (drained / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) {
        child.stdout.pause();
        setTimeout(() => child.stdout.resume(), wait);
      }
      if (wait < -1000) {
        budgetStart = Date.now();
        drained = 0;
      }
    }
  });
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const stopTimer = options.stopAfterSeconds
    ? setTimeout(() => {
        rate = undefined; // what the process still writes while it stops is taken at full speed
        child.stdout.resume();
        if (nodePid) process.kill(nodePid, 'SIGTERM');
        else child.kill('SIGTERM');
      }, options.stopAfterSeconds * 1000)
    : undefined;
  const killTimer = setTimeout(() => {
    if (nodePid) process.kill(nodePid, 'SIGKILL');
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 3_600_000);

  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wall = elapsed();
      clearInterval(sampler);
      clearTimeout(killTimer);
      if (stopTimer) clearTimeout(stopTimer);
      let user = last?.user ?? 0;
      let sys = last?.sys ?? 0;
      let peak = last?.hwmMB ?? 0;
      let wallSeconds = wall;
      let method: Measured['method'] = 'proc-sampling';
      if (useTime && existsSync(timeFile)) {
        const line = readFileSync(timeFile, 'utf8').trim().split('\n').pop() ?? '';
        const [e, u, s, m] = line.split(' ').map(Number);
        if ([e, u, s, m].every((x) => Number.isFinite(x))) {
          wallSeconds = e!;
          user = u!;
          sys = s!;
          peak = m! / 1024;
          method = 'gnu-time';
        }
      }
      rmSync(tmp, { recursive: true, force: true });
      // GNU time exits with the child's code; a signalled child shows up as 128+n there.
      resolve({
        code,
        signal,
        wallSeconds: round(wallSeconds, 3),
        userSeconds: round(user, 2),
        sysSeconds: round(sys, 2),
        cpuSeconds: round(user + sys, 2),
        peakRssMB: round(peak, 1),
        method,
        rssTimeline: timeline,
        stdoutBytes,
        stdoutTail: Buffer.concat(tail).subarray(-tailBytes).toString('utf8'),
        stderr: Buffer.concat(err).toString(),
        recordDigest: digest?.value(),
      });
    });
  });
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;
