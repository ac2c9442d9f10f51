// Issue 5, scenario 2 with a real target: `tap | target-postgres`, the tap killed with SIGKILL at random
// moments, each restart fed the state target-postgres printed (it prints state only after loading, and
// prints nothing when the tap died in the middle of a line: then the restart uses the last state it did
// print). 300 orders are edited and 20 created between runs, so every run has pages to read. After the run that
// finishes, the tables equal the
// sandbox's ground truth value by value, without duplicates.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import {
  mulberry32,
  RELIABILITY_API_KEY,
  startReliabilitySandbox,
  writeConfig,
} from '../helpers/reliability-scenarios.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  clean,
  columnTypes,
  compareTable,
  dropSchema,
  freshSchemaName,
  PATH_WITH_NODE,
  PG,
  requireLoaders,
  summary,
  tableRows,
  TAP_BIN,
  TARGET_POSTGRES,
  type ProcResult,
  type Row,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-reliability-resume-'));
let sandbox: Sandbox;
const schema = freshSchemaName('resume');

beforeAll(async () => {
  requireLoaders();
  // 100 ms per request: the tap waits for the API about as long as for target-postgres, so kills land both
  // between whole lines (the target then prints the state it had) and in the middle of one (it prints none)
  sandbox = await startReliabilitySandbox({ orders: 2000, itemsPerOrder: 2, seed: 77, latencyMs: 100 });
});
afterAll(async () => {
  await sandbox?.close();
  await dropSchema(schema);
});

interface PipeRun {
  tap: ProcResult;
  target: ProcResult;
  killed: boolean;
  /** the last state line target-postgres printed in this run, if any */
  state: unknown;
}

/** tap | target-postgres; the tap gets SIGKILL `killAfterMs` after its first byte (undefined: never). */
function pipe(tapArgs: string[], targetConfig: string, killAfterMs?: number): Promise<PipeRun> {
  const started = Date.now();
  const env = { ...process.env, PATH: PATH_WITH_NODE, TAP_INVENTORY_PLANNER_LOG_LEVEL: 'debug' };
  const tap = spawn(process.execPath, [TAP_BIN, ...tapArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const target = spawn(TARGET_POSTGRES, ['--config', targetConfig], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  tap.stdout.pipe(target.stdin);
  target.stdin.on('error', () => undefined);
  let killed = false;
  let timer: NodeJS.Timeout | undefined;
  if (killAfterMs !== undefined) {
    tap.stdout.once('data', () => {
      timer = setTimeout(() => {
        killed = tap.exitCode === null && tap.signalCode === null;
        tap.kill('SIGKILL');
      }, killAfterMs);
    });
  }
  const collect = (child: typeof tap | typeof target): Promise<ProcResult> =>
    new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout!.on('data', (c: Buffer) => out.push(c));
      child.stderr!.on('data', (c: Buffer) => err.push(c));
      const guard = setTimeout(() => child.kill('SIGKILL'), 240_000);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(guard);
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out).toString(),
          stderr: Buffer.concat(err).toString(),
          seconds: (Date.now() - started) / 1000,
        });
      });
    });
  // the tap's stdout goes to the target: collect only its stderr
  const tapDone = new Promise<ProcResult>((resolve, reject) => {
    const err: Buffer[] = [];
    tap.stderr.on('data', (c: Buffer) => err.push(c));
    tap.on('error', reject);
    tap.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: '',
        stderr: Buffer.concat(err).toString(),
        seconds: (Date.now() - started) / 1000,
      });
    });
  });
  return Promise.all([tapDone, collect(target)]).then(([t, g]) => {
    const last = g.stdout
      .split('\n')
      .filter((l) => l.trim())
      .pop();
    return { tap: t, target: g, killed, state: last === undefined ? undefined : JSON.parse(last) };
  });
}

describe('kill -9 | target-postgres, resumed from the state the target printed', () => {
  it('8 kills at random moments, then a run to the end: the tables equal the ground truth', async () => {
    // a STATE about every two pages: kills land between STATEs too
    const tapConfig = writeConfig(dir, sandbox, { page_size: 50, concurrency: 2, state_every_records: 300 });
    const targetConfig = writeJson(join(dir, 'target.json'), { ...PG, default_target_schema: schema });
    const random = mulberry32(2024);
    let state: unknown;
    let kills = 0;
    let stateIsFromKilledRun = false;
    let restartsFromKilledRunState = 0;
    let midLineKills = 0;
    for (let run = 0; kills < 8 && run < 30; run++) {
      const args = ['--config', tapConfig];
      if (state !== undefined) args.push('--state', writeJson(join(dir, `state-${run}.json`), state));
      if (stateIsFromKilledRun) restartsFromKilledRunState++;
      const r = await pipe(args, targetConfig, 50 + random() * 900);
      expectNoSecrets(r.tap, [RELIABILITY_API_KEY]);
      expectNoSecrets(r.target, [RELIABILITY_API_KEY]);
      if (r.killed) {
        kills++;
        expect(r.tap.signal).toBe('SIGKILL');
      } else {
        expect(r.tap.code, r.tap.stderr.slice(-1000)).toBe(0);
      }
      if (r.state !== undefined) {
        state = r.state;
        stateIsFromKilledRun = r.killed;
      } else if (r.killed) {
        midLineKills++; // the target printed nothing: the next run starts from the last state it did print
      }
      // enough changed orders that the next (incremental) run has pages to read when the kill comes
      sandbox.edit(300, 20);
    }
    expect(kills).toBe(8);
    if (stateIsFromKilledRun) restartsFromKilledRunState++; // the run to the end below
    // restarts really came from a state target-postgres printed after a kill
    expect(restartsFromKilledRunState).toBeGreaterThanOrEqual(1);

    const args = ['--config', tapConfig];
    if (state !== undefined) args.push('--state', writeJson(join(dir, 'state-final.json'), state));
    const last = await pipe(args, targetConfig);
    expectNoSecrets(last.tap, [RELIABILITY_API_KEY]);
    expectNoSecrets(last.target, [RELIABILITY_API_KEY]);
    expect({ tap: last.tap.code, target: last.target.code }, last.target.stderr.slice(-2000)).toEqual({
      tap: 0,
      target: 0,
    });

    const truth = sandbox.truth() as unknown as Record<string, Row[]>;
    const types = await columnTypes(schema);
    const keys: Record<string, string> = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
    const diffs = [];
    for (const stream of ['purchase_orders', 'purchase_order_items']) {
      diffs.push(
        summary(
          compareTable(stream, await tableRows(schema, stream), truth[stream]!, keys[stream]!, types[stream] ?? {}),
        ),
      );
    }
    expect(diffs).toEqual([
      clean('purchase_orders', truth.purchase_orders!.length),
      clean('purchase_order_items', truth.purchase_order_items!.length),
    ]);
    console.log(
      `reliability-resume: ${kills} kills (${midLineKills} in the middle of a line, so the target printed no ` +
        `state), ${restartsFromKilledRunState} restarts from a state the target printed after a kill`,
    );
  });
});
