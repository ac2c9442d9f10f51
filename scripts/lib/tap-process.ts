// Runs the built tap as a child process, the way users and targets do, and collects what it printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

export const REPO_ROOT = PACKAGE_ROOT;
export const TAP_BIN = join(REPO_ROOT, 'dist', 'src', 'cli.js');

export interface TapResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

export interface TapRunOptions {
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** Called with the child as soon as it starts (to kill it, or watch its output). */
  onStart?: (child: ChildProcess) => void;
  timeoutMs?: number;
}

export function runTap(options: TapRunOptions): Promise<TapResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    // The bin itself, as users, targets and Meltano start it (its shebang sets the heap limits).
    const child = spawn(TAP_BIN, options.args, {
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
        seconds: (Date.now() - started) / 1000,
      });
    });
    options.onStart?.(child);
  });
}

/** Writes a JSON file (creating its folder) and returns its path. */
export function writeJson(path: string, value: unknown): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}

/** The tap's discovered catalog with every stream selected (the opt-in ones too), written to `path`. */
export async function writeCatalogAllSelected(path: string): Promise<{ path: string; streams: string[] }> {
  const discovered = JSON.parse((await runTap({ args: ['--discover'] })).stdout) as {
    streams: { stream: string; metadata: { metadata: Record<string, unknown> }[] }[];
  };
  for (const entry of discovered.streams) entry.metadata[0]!.metadata.selected = true;
  return { path: writeJson(path, discovered), streams: discovered.streams.map((s) => s.stream) };
}
