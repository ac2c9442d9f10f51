// Benchmark plumbing: child processes measured from the outside (CPU seconds, peak RSS, an RSS timeline),
// the sandbox in a process of its own (so its CPU is never counted as the tap's), and its admin API.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './lib/tap-process.js';

export const SANDBOX_BIN = join(REPO_ROOT, 'dist', 'sandbox', 'main.js');
const GNU_TIME = '/usr/bin/time';
const CLK_TCK = 100; // Linux USER_HZ; /proc/<pid>/stat counts CPU time in these ticks

export interface ProcStat {
  cpuSeconds: number;
  user: number;
  sys: number;
  rssMB: number;
  hwmMB: number;
}

/** utime/stime from /proc/<pid>/stat and VmRSS/VmHWM from /proc/<pid>/status; undefined once the process is gone. */
export function procStat(pid: number): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const user = Number(fields[11]) / CLK_TCK;
    const sys = Number(fields[12]) / CLK_TCK;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
    return { cpuSeconds: user + sys, user, sys, rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    const out: number[] = [];
    for (const entry of readdirSync('/proc').filter((e) => /^\d+$/.test(e))) {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry));
      } catch {
        /* gone */
      }
    }
    return out;
  }
}

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

/** XOR of md5(line) over RECORD lines, with __synced_at, time_extracted and the run's version blanked, plus the count. */
class RecordDigest {
  private rest = '';
  private readonly acc = Buffer.alloc(16);
  private count = 0;

  add(chunk: Buffer): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{"type":"RECORD"')) continue;
      const stable = line
        .replace(/"(__synced_at|time_extracted)":"[^"]*"/g, '"$1":""')
        .replace(/,"version":\d+,"time_extracted"/, ',"time_extracted"');
      const h = createHash('md5').update(stable).digest();
      for (let i = 0; i < 16; i++) this.acc[i]! ^= h[i]!;
      this.count++;
    }
  }

  value(): string {
    return `${this.count}:${this.acc.toString('hex')}`;
  }
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

// ---------------------------------------------------------------- the sandbox in its own process

export interface SandboxProcessOptions {
  orders: number;
  items: number;
  seed?: number;
  latencyMs?: number;
  ignoreFields?: boolean;
  /** Lines per order drawn from [itemsMin, items]. */
  itemsMin?: number;
}

export interface SandboxStatsLite {
  requests: number;
  listRequests: number;
  bytesSent: number;
  statusCounts: Record<string, number>;
}

export class SandboxProcess {
  private constructor(
    readonly pid: number,
    readonly baseUrl: string,
    readonly apiKey: string,
    readonly accountId: string,
    readonly startSeconds: number,
    private readonly stop: () => Promise<void>,
  ) {}

  static async start(o: SandboxProcessOptions): Promise<SandboxProcess> {
    const args = [
      SANDBOX_BIN,
      '--port',
      '0',
      '--orders',
      String(o.orders),
      '--items',
      String(o.items),
      '--seed',
      String(o.seed ?? 1),
    ];
    if (o.latencyMs) args.push('--latency', String(o.latencyMs));
    if (o.ignoreFields) args.push('--ignore-fields');
    if (o.itemsMin) args.push('--items-min', String(o.itemsMin));
    const t0 = Date.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const line = await new Promise<string>((resolve, reject) => {
      const onData = (c: Buffer): void => {
        out += c.toString();
        const m = /sandbox listening on (\S+) \(api_key=([^,]+), account_id=([^)]+)\)/.exec(out);
        if (m) {
          child.stdout.off('data', onData);
          resolve(m[0]);
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) =>
        reject(new Error(`sandbox exited with ${code} before listening: ${err.slice(0, 500)}`)),
      );
    });
    child.stdout.resume();
    const m = /sandbox listening on (\S+) \(api_key=([^,]+), account_id=([^)]+)\)/.exec(line)!;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new SandboxProcess(child.pid!, m[1]!, m[2]!, m[3]!, (Date.now() - t0) / 1000, async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    });
  }

  private get adminUrl(): string {
    return `${this.baseUrl.replace(/\/api\/v1$/, '')}/__admin`;
  }

  private async admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(this.adminUrl + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`sandbox admin ${method} ${path}: HTTP ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  stats(): Promise<SandboxStatsLite> {
    return this.admin('GET', '/stats');
  }

  async resetStats(): Promise<void> {
    await this.admin('POST', '/stats/reset');
  }

  async edit(count: number, create = 0): Promise<void> {
    await this.admin('POST', '/edit', { count, create });
  }

  async configure(patch: Record<string, unknown>): Promise<void> {
    await this.admin('PATCH', '/config', patch);
  }

  /** The sandbox's own CPU seconds so far (to tell whether it, not the tap, was the bottleneck). */
  cpuSeconds(): number {
    return procStat(this.pid)?.cpuSeconds ?? 0;
  }

  rssMB(): number {
    return procStat(this.pid)?.rssMB ?? 0;
  }

  close(): Promise<void> {
    return this.stop();
  }
}
