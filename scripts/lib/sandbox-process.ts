// The sandbox in a process of its own (so its CPU is never counted as the tap's), and its admin API.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { procStat } from './proc-stat.js';
import { REPO_ROOT } from './tap-process.js';

const SANDBOX_BIN = join(REPO_ROOT, 'dist', 'sandbox', 'main.js');

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
