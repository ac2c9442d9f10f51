// Reliability scenarios of issue 5, shared by the fast tests (test/reliability/*.test.ts, small sizes,
// vitest assertions) and the soak (scripts/soak.ts, large sizes, printed figures). Each scenario runs the
// BUILT tap as a child process against the sandbox and returns what happened: every process it ran (so
// the caller can check each one for secrets), the sandbox's counters, and the comparison of the union of
// all Singer output, upserted by key, with the sandbox's ground truth. No vitest here: the soak imports it.
import { join } from 'node:path';
import type { SandboxOptions, SandboxStats } from '../../sandbox/server.js';
import { applySingerOutput } from '../../scripts/lib/singer-output.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import {
  addStats,
  type Run,
  type StreamDiff,
  completeLines,
  diffWithTruth,
  lastState,
  missingOf,
  newDir,
  orderIds,
  startReliabilitySandbox,
  stateValues,
  tap,
  union,
  writeConfig,
} from './reliability-runs.js';
export * from './reliability-runs.js';

// ---------------------------------------------------------------------------------------------------
// Two runs: a sync under some condition (faults, edits while paging, ties, ignored operators), then,
// with the condition switched off, an incremental run from the first run's last STATE.

export interface TwoRunOptions {
  name: string;
  sandbox: SandboxOptions;
  config?: Record<string, unknown>;
  /** Sandbox settings for the second run (default: faults and edits off, everything else unchanged). */
  second?: SandboxOptions;
  /** sandbox.edit(count, create) between the runs. */
  editBetween?: [number, number];
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface TwoRunResult {
  name: string;
  runs: Run[];
  first: Run;
  second: Run;
  /** sandbox counters during the first run / the second run */
  firstStats: SandboxStats;
  secondStats: SandboxStats;
  /** orders that existed before the first run and are absent from its output */
  missingOriginalsAfterFirst: number;
  afterFirst: StreamDiff[];
  afterSecond: StreamDiff[];
}

export async function twoRuns(options: TwoRunOptions): Promise<TwoRunResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  try {
    const config = writeConfig(dir, sandbox, options.config);
    const originals = orderIds(sandbox);
    const first = await tap(`${options.name}: first run`, ['--config', config], {
      env: options.env,
      timeoutMs: options.timeoutMs,
    });
    const firstStats = sandbox.stats();
    const firstOutput = applySingerOutput(first.stdout);
    const afterFirst = diffWithTruth(firstOutput, sandbox);
    const missingOriginalsAfterFirst = missingOf(firstOutput, originals);
    sandbox.configure({ faultRate: 0, editEvery: 0, ...options.second });
    if (options.editBetween) sandbox.edit(...options.editBetween);
    sandbox.resetStats();
    const state = lastState(first.stdout);
    const args = ['--config', config];
    if (state !== undefined) args.push('--state', writeJson(join(dir, 'state.json'), state));
    const second = await tap(`${options.name}: incremental run`, args, {
      env: options.env,
      timeoutMs: options.timeoutMs,
    });
    const secondStats = sandbox.stats();
    const afterSecond = diffWithTruth(union([first.stdout, second.stdout]), sandbox);
    return {
      name: options.name,
      runs: [first, second],
      first,
      second,
      firstStats,
      secondStats,
      missingOriginalsAfterFirst,
      afterFirst,
      afterSecond,
    };
  } finally {
    await sandbox.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Retries exhausted: the sandbox starts failing every request once the tap has emitted `afterStates`
// STATE messages. The run must fail with one clear line; its last STATE must be safe to resume from.

export interface ExhaustedOptions {
  name: string;
  sandbox: SandboxOptions;
  kind: NonNullable<SandboxOptions['faultKinds']>[number];
  afterStates: number;
  config?: Record<string, unknown>;
}

export interface ExhaustedResult {
  name: string;
  runs: Run[];
  failed: Run;
  resumed: Run;
  statesBeforeFailure: number;
  faultsInjected: number;
  stats: SandboxStats;
  afterResume: StreamDiff[];
}

export async function retriesExhausted(options: ExhaustedOptions): Promise<ExhaustedResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  try {
    const config = writeConfig(dir, sandbox, { max_retries: 2, ...options.config });
    let seen = '';
    let broken = false;
    const failed = await tap(`${options.name}: retries exhausted`, ['--config', config], {
      onStart: (child) =>
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (!broken && stateValues(seen).length >= options.afterStates) {
            broken = true;
            sandbox.configure({ faultRate: 1, faultKinds: [options.kind] });
          }
        }),
    });
    const faultsInjected = sandbox.stats().faultsTotal;
    sandbox.configure({ faultRate: 0 });
    const state = lastState(failed.stdout);
    const args = ['--config', config];
    if (state !== undefined) args.push('--state', writeJson(join(dir, 'state.json'), state));
    const resumed = await tap(`${options.name}: resumed`, args);
    return {
      name: options.name,
      runs: [failed, resumed],
      failed,
      resumed,
      statesBeforeFailure: stateValues(failed.stdout).length,
      faultsInjected,
      stats: sandbox.stats(),
      afterResume: diffWithTruth(union([failed.stdout, resumed.stdout]), sandbox),
    };
  } finally {
    await sandbox.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// kill -9 at random moments. A cycle is a chain of runs, each started from the last complete STATE the
// previous one printed, each killed after a random delay, until one run finishes by itself; orders are
// edited and created between runs. At the end of every cycle the union of the cycle's outputs must equal
// the ground truth. Cycles repeat (from no state) until `kills` runs were really killed mid-run.

export interface KillOptions {
  name: string;
  sandbox: SandboxOptions;
  config?: Record<string, unknown>;
  kills: number;
  /**
   * Random kill delay in ms, counted from the tap's first byte on stdout (so a slow start on a busy machine does not
   * eat it).
   */
  minDelayMs: number;
  maxDelayMs: number;
  /** sandbox.edit(count, create) after every killed run. */
  editBetween?: [number, number];
  seed?: number;
  /** First one run without a kill, to set maxDelayMs to 90% of its length (time from its first byte to its exit). */
  calibrate?: boolean;
  /** Stop after this many runs even if fewer kills landed (a safety net; reported). */
  maxRuns?: number;
  onProgress?: (line: string) => void;
}

export interface Cycle {
  /** false when maxRuns stopped the cycle before a run finished by itself */
  complete: boolean;
  runs: number;
  kills: number;
  /** kills after which the next run started from a newer STATE than the one before */
  killsWithProgress: number;
  diffs: StreamDiff[];
}

export interface KillResult {
  name: string;
  runs: Run[];
  kills: number;
  resumes: number;
  cycles: Cycle[];
  /** runs that ended neither by our SIGKILL nor by themselves with exit 0 */
  unexpected: Run[];
  stats: SandboxStats;
}

export async function killAndResume(options: KillOptions): Promise<KillResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  const random = mulberry32(options.seed ?? 1);
  const runs: Run[] = [];
  const unexpected: Run[] = [];
  const cycles: Cycle[] = [];
  let kills = 0;
  let resumes = 0;
  let maxDelayMs = options.maxDelayMs;
  try {
    const config = writeConfig(dir, sandbox, options.config);
    if (options.calibrate) {
      let firstByte = 0;
      const run = await tap(`${options.name}: calibration run`, ['--config', config], {
        env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'info' },
        onStart: (child) =>
          child.stdout?.once('data', () => {
            firstByte = Date.now();
          }),
      });
      runs.push(run);
      if (run.code !== 0) unexpected.push(run);
      const length = Date.now() - firstByte;
      cycles.push({
        complete: true,
        runs: 1,
        kills: 0,
        killsWithProgress: 0,
        diffs: diffWithTruth(applySingerOutput(run.stdout), sandbox),
      });
      maxDelayMs = Math.max(options.minDelayMs + 50, Math.round(0.9 * length));
      options.onProgress?.(
        `  ${options.name}: a whole run takes ${length} ms after its first byte; kills come 0-${maxDelayMs} ms ` +
          `after it`,
      );
    }
    while (kills < options.kills && runs.length < (options.maxRuns ?? options.kills * 4)) {
      const cycle: Cycle = { complete: false, runs: 0, kills: 0, killsWithProgress: 0, diffs: [] };
      const outputs: string[] = [];
      let state: unknown;
      for (;;) {
        const args = ['--config', config];
        if (state !== undefined) {
          args.push('--state', writeJson(join(dir, `state-${runs.length}.json`), state));
          resumes++;
        }
        const delay = options.minDelayMs + random() * (maxDelayMs - options.minDelayMs);
        let killed = false;
        const run = await tap(`${options.name}: run ${runs.length + 1}`, args, {
          env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: 'info' },
          onStart: (child) => {
            let timer: NodeJS.Timeout | undefined;
            child.stdout?.once('data', () => {
              timer = setTimeout(() => {
                killed = child.exitCode === null && child.signalCode === null;
                child.kill('SIGKILL');
              }, delay);
            });
            child.on('exit', () => clearTimeout(timer));
          },
        });
        runs.push(run);
        cycle.runs++;
        outputs.push(run.stdout);
        const next = lastState(run.stdout);
        if (killed && run.signal === 'SIGKILL') {
          kills++;
          cycle.kills++;
          if (next !== undefined && JSON.stringify(next) !== JSON.stringify(state)) cycle.killsWithProgress++;
          if (next !== undefined) state = next;
          if (options.editBetween) sandbox.edit(...options.editBetween);
          options.onProgress?.(
            `  ${options.name}: kill ${kills} after ${Math.round(delay)} ms, ${stateValues(run.stdout).length} ` +
              `STATE line(s) in that run`,
          );
          if (runs.length >= (options.maxRuns ?? options.kills * 4)) break;
          continue;
        }
        if (run.code !== 0) unexpected.push(run);
        cycle.complete = true;
        break;
      }
      cycle.diffs = diffWithTruth(union(outputs), sandbox);
      cycles.push(cycle);
    }
    return { name: options.name, runs, kills, resumes, cycles, unexpected, stats: sandbox.stats() };
  } finally {
    await sandbox.close();
  }
}

// ---------------------------------------------------------------------------------------------------
// Signals and pipes.

export interface SignalResult {
  name: string;
  runs: Run[];
  interrupted: Run;
  /** ms from sending the signal (or closing the pipe) to the process's exit */
  exitMs: number;
  /** last complete stdout line parsed, if any */
  lastLine: { type?: string; value?: unknown } | undefined;
  /** the STATE values printed before the signal was sent */
  statesBeforeSignal: unknown[];
  resumed?: Run;
  afterResume?: StreamDiff[];
  stats: SandboxStats;
}

/** SIGTERM/SIGINT once the tap printed `afterStates` STATE lines; then resume from the last STATE. */
export async function interrupt(options: {
  name: string;
  signal: NodeJS.Signals;
  sandbox: SandboxOptions;
  config?: Record<string, unknown>;
  afterStates: number;
}): Promise<SignalResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  try {
    const config = writeConfig(dir, sandbox, options.config);
    let seen = '';
    let sentAt = 0;
    let exitedAt = 0;
    let statesBeforeSignal: unknown[] = [];
    const interrupted = await tap(`${options.name}: ${options.signal}`, ['--config', config], {
      onStart: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString();
          if (sentAt === 0 && stateValues(seen).length >= options.afterStates) {
            statesBeforeSignal = stateValues(seen);
            sentAt = Date.now();
            child.kill(options.signal);
          }
        });
        child.on('exit', () => {
          exitedAt = Date.now();
        });
      },
    });
    const lines = completeLines(interrupted.stdout);
    const lastLine = lines.length ? (JSON.parse(lines[lines.length - 1]!) as SignalResult['lastLine']) : undefined;
    const state = lastState(interrupted.stdout);
    const args = ['--config', config];
    if (state !== undefined) args.push('--state', writeJson(join(dir, 'state.json'), state));
    const resumed = await tap(`${options.name}: resumed`, args);
    return {
      name: options.name,
      runs: [interrupted, resumed],
      interrupted,
      exitMs: sentAt ? exitedAt - sentAt : Number.NaN,
      lastLine,
      statesBeforeSignal,
      resumed,
      afterResume: diffWithTruth(union([interrupted.stdout, resumed.stdout]), sandbox),
      stats: sandbox.stats(),
    };
  } finally {
    await sandbox.close();
  }
}

/** SIGTERM while the tap waits out a long Retry-After: it must not wait for the retry to exit. */
export async function interruptDuringRetry(options: {
  name: string;
  signal: NodeJS.Signals;
  waitMs: number;
}): Promise<SignalResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox({
    orders: 50,
    seed: 3,
    faultRate: 1,
    faultKinds: ['429'],
    retryAfterSeconds: 60,
  });
  try {
    const config = writeConfig(dir, sandbox);
    const inputState = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2021-06-01T00:00:00.000Z' },
      },
    };
    const statePath = writeJson(join(dir, 'state.json'), inputState);
    let sentAt = 0;
    let exitedAt = 0;
    const interrupted = await tap(
      `${options.name}: ${options.signal} during Retry-After`,
      ['--config', config, '--state', statePath],
      {
        onStart: (child) => {
          // once the first 429 was answered (its metric line), the tap is waiting out Retry-After
          let stderr = '';
          child.stderr?.on('data', (chunk: Buffer) => {
            stderr += chunk.toString();
            if (sentAt === 0 && stderr.includes('"http_status_code":429')) {
              sentAt = -1;
              setTimeout(() => {
                sentAt = Date.now();
                child.kill(options.signal);
              }, options.waitMs);
            }
          });
          child.on('exit', () => {
            exitedAt = Date.now();
          });
        },
      },
    );
    const lines = completeLines(interrupted.stdout);
    const lastLine = lines.length ? (JSON.parse(lines[lines.length - 1]!) as SignalResult['lastLine']) : undefined;
    return {
      name: options.name,
      runs: [interrupted],
      interrupted,
      exitMs: exitedAt - sentAt,
      lastLine,
      statesBeforeSignal: [inputState],
      stats: sandbox.stats(),
    };
  } finally {
    await sandbox.close();
  }
}

/** The downstream process stops reading: the read end of the tap's stdout is closed after `afterBytes`. */
export async function closedPipe(options: {
  name: string;
  sandbox: SandboxOptions;
  config?: Record<string, unknown>;
  afterBytes: number;
}): Promise<SignalResult> {
  const dir = newDir(options.name);
  const sandbox = await startReliabilitySandbox(options.sandbox);
  try {
    const config = writeConfig(dir, sandbox, options.config);
    let bytes = 0;
    let closedAt = 0;
    let exitedAt = 0;
    const run = await tap(`${options.name}: stdout closed`, ['--config', config], {
      onStart: (child) => {
        child.stdout?.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          if (closedAt === 0 && bytes >= options.afterBytes) {
            closedAt = Date.now();
            child.stdout?.destroy();
          }
        });
        child.on('exit', () => {
          exitedAt = Date.now();
        });
      },
    });
    return {
      name: options.name,
      runs: [run],
      interrupted: run,
      exitMs: closedAt ? exitedAt - closedAt : Number.NaN,
      lastLine: undefined,
      statesBeforeSignal: [],
      stats: sandbox.stats(),
    };
  } finally {
    await sandbox.close();
  }
}

// ---------------------------------------------------------------------------------------------------

/** Occurrences of any secret in any run's stdout or stderr (raw, and as it would look JSON-escaped). */
export function secretLeaks(runs: { label?: string; stdout: string; stderr: string }[], secrets: string[]): string[] {
  const leaks: string[] = [];
  for (const run of runs) {
    for (const secret of secrets) {
      const forms = new Set([secret, JSON.stringify(secret).slice(1, -1)]);
      for (const [where, text] of [
        ['stdout', run.stdout],
        ['stderr', run.stderr],
      ] as const) {
        for (const form of forms)
          if (text.includes(form)) leaks.push(`${run.label ?? 'run'}: ${where} contains ${secret.slice(0, 4)}…`);
      }
    }
  }
  return leaks;
}

/** Deterministic random numbers in [0, 1), so a failing kill schedule can be replayed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export { addStats };
