// The building blocks of the reliability scenarios: run the built tap, compare the union of its
// outputs with the sandbox's ground truth, read STATE lines. No vitest here: the soak imports it.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox, type SandboxOptions, type SandboxStats } from '../../sandbox/server.js';
import {
  applySingerOutput,
  compareWithTruth,
  emptyOutput,
  STREAM_KEYS,
  type SingerOutput,
} from '../../scripts/lib/singer-output.js';
import { runTap, writeJson, type TapResult } from '../../scripts/lib/tap-process.js';

/** The API key every reliability run uses: distinctive, so a leak anywhere is found by a plain search. */
export const RELIABILITY_API_KEY = 'rel-KEY-5f0c9e1d7a3b';

export interface Run extends TapResult {
  label: string;
  /** The tap's argv after the script path. */
  args: string[];
}

/** One stream's comparison with the ground truth, reduced to counts (plus a few examples). */
export interface StreamDiff {
  stream: string;
  expected: number;
  missing: number;
  extra: number;
  mismatched: number;
  examples: string[];
}

export function newDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `tap-rel-${prefix}-`));
}

export function startReliabilitySandbox(options: SandboxOptions): Promise<Sandbox> {
  return startSandbox({ apiKey: RELIABILITY_API_KEY, ...options });
}

/** A config file for the sandbox; fast retries unless the caller says otherwise. */
export function writeConfig(
  dir: string,
  sandbox: Sandbox,
  extra: Record<string, unknown> = {},
  name = 'config.json',
): string {
  return writeJson(join(dir, name), {
    api_key: sandbox.apiKey,
    account_id: sandbox.accountId,
    base_url: sandbox.baseUrl,
    retry_initial_delay: 0.05,
    retry_max_delay: 0.5,
    ...extra,
  });
}

export async function tap(
  label: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; onStart?: (child: ChildProcess) => void; timeoutMs?: number } = {},
): Promise<Run> {
  const result = await runTap({
    args,
    env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'debug', ...options.env },
    onStart: options.onStart,
    timeoutMs: options.timeoutMs ?? 120_000,
  });
  return { ...result, label, args };
}

export function union(texts: string[]): SingerOutput {
  return texts.reduce((acc, text) => applySingerOutput(text, acc), emptyOutput());
}

export function diffWithTruth(output: SingerOutput, sandbox: Sandbox): StreamDiff[] {
  return compareWithTruth(output, sandbox.truth() as never, STREAM_KEYS).map((d) => ({
    stream: d.stream,
    expected: d.expected,
    missing: d.missing.length,
    extra: d.extra.length,
    mismatched: d.mismatched.length,
    examples: [
      ...d.missing.slice(0, 3).map((k) => `missing ${k}`),
      ...d.extra.slice(0, 3).map((k) => `extra ${k}`),
      ...d.mismatched
        .slice(0, 3)
        .map((m) => `${m.key}.${m.field}: expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`),
    ],
  }));
}

/** What an exact result looks like, for toEqual. */
export function exactDiff(diffs: StreamDiff[]): StreamDiff[] {
  return diffs.map((d) => ({ ...d, missing: 0, extra: 0, mismatched: 0, examples: [] }));
}

export const isExact = (diffs: StreamDiff[]): boolean => diffs.every((d) => d.missing + d.extra + d.mismatched === 0);

/** Complete lines only: a line cut by kill -9 has no newline yet and is not a message a target took. */
export function completeLines(stdout: string): string[] {
  const lines = stdout.split('\n');
  lines.pop();
  return lines.filter((l) => l.trim() !== '');
}

/** Every STATE value in complete lines, in order. */
export function stateValues(stdout: string): unknown[] {
  const states: unknown[] = [];
  for (const line of completeLines(stdout)) {
    try {
      const message = JSON.parse(line) as { type?: string; value?: unknown };
      if (message.type === 'STATE') states.push(message.value);
    } catch {
      // not a whole message; a target would have stopped here
    }
  }
  return states;
}

export function lastState(stdout: string): unknown {
  return stateValues(stdout).at(-1);
}

/** Purchase order ids of the ground truth right now. */
export function orderIds(sandbox: Sandbox): Set<string> {
  return new Set(sandbox.truth().purchase_orders.map((row) => String(row.purchase_order_id)));
}

/** How many of `ids` are missing from an output. */
export function missingOf(output: SingerOutput, ids: Set<string>): number {
  const table = output.tables.get('purchase_orders');
  let missing = 0;
  for (const id of ids) if (!table?.has(id)) missing++;
  return missing;
}

export function addStats(into: SandboxStats | undefined, add: SandboxStats): SandboxStats {
  if (!into) return structuredClone(add);
  into.requests += add.requests;
  into.listRequests += add.listRequests;
  into.bytesSent += add.bytesSent;
  into.faultsTotal += add.faultsTotal;
  into.edits += add.edits;
  into.created += add.created;
  for (const [k, v] of Object.entries(add.faults)) into.faults[k as keyof SandboxStats['faults']] += v;
  for (const [k, v] of Object.entries(add.statusCounts)) into.statusCounts[k] = (into.statusCounts[k] ?? 0) + v;
  return into;
}
