// Scenarios of issue 12's values and shapes against the sandbox with the BUILT tap: odd values, items keyed by
// position, repeated line ids, future timestamps. No vitest here: the soak runs them too.
import { join } from 'node:path';
import type { SandboxOptions } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import {
  diffWithTruth,
  lastState,
  newDir,
  startReliabilitySandbox,
  tap,
  union,
  writeConfig,
  type Run,
  type StreamDiff,
} from './reliability-runs.js';

export interface QuirkRunsOptions {
  name: string;
  sandbox: SandboxOptions;
  config?: Record<string, unknown>;
  /** Runs before the lenient ones with strict_values (each resuming from the last STATE so far). */
  strictRuns?: number;
  /** Lenient runs, each from the last STATE so far, with sandbox.edit(...editBetween) before all but the first. */
  lenientRuns?: number;
  editBetween?: [number, number];
  timeoutMs?: number;
}

export interface QuirkRunsResult {
  runs: Run[];
  strict: Run[];
  lenient: Run[];
  /** Unreadable values in the sandbox before the first run, by stream.column. */
  unreadableBefore: Record<string, number>;
  /** Orders whose lines repeat an item id, before the first run (from the truth). */
  ordersWithRepeatedIds: number;
  /** After each lenient run: the union of every output so far against the truth. */
  diffs: StreamDiff[][];
  /** API requests of all runs. */
  requests: number;
}

export async function quirkRuns(options: QuirkRunsOptions): Promise<QuirkRunsResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  try {
    const lenientConfig = writeConfig(dir, sandbox, options.config);
    const strictConfig = writeConfig(dir, sandbox, { ...options.config, strict_values: true }, 'strict.config.json');
    const unreadableBefore = sandbox.unreadableValues();
    const ordersWithRepeatedIds = repeatedIdOrders(sandbox.truth().purchase_order_items);
    const outputs: string[] = [];
    const runs: Run[] = [];
    const diffs: StreamDiff[][] = [];
    const run = async (label: string, config: string): Promise<Run> => {
      const state = outputs
        .map(lastState)
        .filter((s) => s !== undefined)
        .at(-1);
      const args = [
        '--config',
        config,
        ...(state === undefined ? [] : ['--state', writeJson(join(dir, `state-${runs.length}.json`), state)]),
      ];
      const result = await tap(`${options.name}: ${label}`, args, { timeoutMs: options.timeoutMs });
      outputs.push(result.stdout);
      runs.push(result);
      return result;
    };
    const strict: Run[] = [];
    for (let k = 0; k < (options.strictRuns ?? 0); k++) strict.push(await run(`strict run ${k + 1}`, strictConfig));
    const lenient: Run[] = [];
    for (let k = 0; k < (options.lenientRuns ?? 2); k++) {
      if (k > 0 && options.editBetween) sandbox.edit(...options.editBetween);
      lenient.push(await run(`lenient run ${k + 1}`, lenientConfig));
      diffs.push(diffWithTruth(union(outputs), sandbox));
    }
    return {
      runs,
      strict,
      lenient,
      unreadableBefore,
      ordersWithRepeatedIds,
      diffs,
      requests: sandbox.stats().requests,
    };
  } finally {
    await sandbox.close();
  }
}

function repeatedIdOrders(lines: Record<string, unknown>[]): number {
  const seen = new Set<string>();
  const repeated = new Set<unknown>();
  for (const line of lines) {
    const id = `${String(line.purchase_order_id)}/${String(line.purchase_order_item_id)}`;
    if (seen.has(id)) repeated.add(line.purchase_order_id);
    seen.add(id);
  }
  return repeated.size;
}

/** The end summary's counts by stream.column ({} when the run had none). */
export function unreadableSummary(stderr: string): Record<string, number> {
  const line = stderr.split('\n').find((l) => /unreadable value\(s\) written as null: /.test(l));
  if (!line) return {};
  const list = line.slice(line.indexOf('written as null: ') + 'written as null: '.length);
  return Object.fromEntries([...list.matchAll(/([a-z_]+\.[a-z_]+) (\d+) \(/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** The count of the end-of-run warning about repeated item ids (0 when absent). */
export function repeatedIdSummary(stderr: string): number {
  return Number(/(\d+) order\(s\) had lines repeating an item id/.exec(stderr)?.[1] ?? 0);
}

/** The count of the once-per-run warning about future last_modified values (0 when absent). */
export function futureSummary(stderr: string): number {
  return Number(/(\d+) order\(s\) have a last_modified after the run's start/.exec(stderr)?.[1] ?? 0);
}

export const warningLines = (stderr: string): string[] => stderr.split('\n').filter((l) => / WARNING /.test(l));
export const errorLines = (stderr: string): string[] => stderr.split('\n').filter((l) => / (ERROR|CRITICAL) /.test(l));
