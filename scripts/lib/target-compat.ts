// What a Singer target does with the tap's output, measured against the sandbox's ground truth
// (docs/targets.md): a full load, an incremental run after edits, a full-table pass after variants were
// removed (ACTIVATE_VERSION), the same full load as BATCH files, and how dates, decimals, JSON and empty
// strings land. Used by scripts/targets-compat.ts (the table) and test/loaders/targets-compat.test.ts.
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { lastStateIn } from './singer-output.js';
import { runTap, writeJson } from './tap-process.js';
import { runProgram, type Row, type TargetUnderTest } from './targets.js';

const KEYS: Record<string, string> = { purchase_orders: 'purchase_order_id', variants: 'id', vendors: 'id' };

export interface StepResult {
  /** The target's exit code. */
  code: number | null;
  /** Its last stderr lines that say ERROR/CRITICAL/Traceback or name an exception. */
  error?: string;
  /** stderr lines that mention BATCH (a target that skips the messages says so there, if anywhere). */
  batchLines: string[];
}

/** One stream compared with the truth by key. */
export interface KeyCheck {
  expected: number;
  rows: number;
  missing: number;
  /** Rows beyond one per key. */
  duplicates: number;
  /** Keys whose (latest) row has another last_modified than the truth. */
  stale: number;
}

export interface Compat {
  target: string;
  full: StepResult & Record<'purchase_orders' | 'variants' | 'vendors', KeyCheck>;
  incremental: StepResult & { purchase_orders: KeyCheck; edited: number };
  deletions: StepResult & {
    removed: number;
    /** Removed variants (distinct ids) still in the table with no _sdc_deleted_at. */
    kept: number;
    /** Removed variants marked by _sdc_deleted_at. */
    marked: number;
  };
  batch: StepResult & { purchase_orders: number; expected: number };
  types: {
    date: unknown;
    dateTime: unknown;
    /** Money values loaded as a number equal to the truth's (of those that are not null). */
    decimalsExact: string;
    json: unknown;
    /** Empty strings in the truth's purchase orders, and how many of them loaded as '' and as NULL. */
    emptyStrings: { truth: number; empty: number; nulls: number };
  };
}

interface RunOutcome extends StepResult {
  tapStdout: string;
}

async function tapIntoTarget(
  target: TargetUnderTest,
  dest: { config: string; env: NodeJS.ProcessEnv },
  tapConfig: string,
  state?: string,
  extraArgs: string[] = [],
): Promise<RunOutcome> {
  const tap = await runTap({ args: ['--config', tapConfig, ...(state ? ['--state', state] : []), ...extraArgs] });
  if (tap.code !== 0) throw new Error(`the tap failed: ${tap.stderr.slice(-1500)}`);
  const r = await runProgram(target.bin, ['--config', dest.config], { input: tap.stdout, env: dest.env });
  const lines = r.stderr.split('\n');
  const errors = lines.filter((l) => /ERROR|CRITICAL|Traceback|Error:|Exception/.test(l));
  return {
    code: r.code,
    ...(errors.length ? { error: errors.slice(-2).join(' | ').slice(0, 400) } : {}),
    batchLines: lines
      .filter((l) => /\bbatch\b/i.test(l))
      .slice(0, 3)
      .map((l) => l.slice(0, 200)),
    tapStdout: tap.stdout,
  };
}

function step(o: RunOutcome): StepResult {
  return { code: o.code, ...(o.error ? { error: o.error } : {}), batchLines: o.batchLines };
}

const instant = (v: unknown): number | undefined => {
  if (v === null || v === undefined || v === '') return undefined;
  const text = String(v).replace(' ', 'T');
  return Date.parse(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
};

function checkKeys(loaded: Row[] | undefined, truth: Row[], key: string): KeyCheck {
  const rows = loaded ?? [];
  const byKey = new Map<string, Row[]>();
  for (const r of rows) byKey.set(String(r[key]), [...(byKey.get(String(r[key])) ?? []), r]);
  let missing = 0;
  let stale = 0;
  for (const t of truth) {
    const got = byKey.get(String(t[key]));
    if (!got) {
      missing++;
      continue;
    }
    if (!('last_modified' in t)) continue;
    const latest = Math.max(...got.map((g) => instant(g.last_modified) ?? 0));
    if (latest !== instant(t.last_modified)) stale++;
  }
  return { expected: truth.length, rows: rows.length, missing, duplicates: rows.length - byKey.size, stale };
}

/** Runs every step against `target`, each in a fresh destination under one temporary folder. */
export async function measureTarget(target: TargetUnderTest, id: string): Promise<Compat> {
  const dir = mkdtempSync(join(tmpdir(), 'tip-compat-'));
  const sandbox: Sandbox = await startSandbox({ orders: 40, itemsPerOrder: 2, variants: 12, seed: 31 });
  try {
    const tapConfig = writeJson(join(dir, 'tap.json'), {
      base_url: sandbox.baseUrl,
      api_key: sandbox.apiKey,
      account_id: sandbox.accountId,
    });
    mkdirSync(join(dir, 'records'));
    const dest = target.destination(join(dir, 'records'), `${id}_r`);

    const first = await tapIntoTarget(target, dest, tapConfig);
    const truth = { ...sandbox.truth(), ...sandbox.collectionTruth() } as unknown as Record<string, Row[]>;
    const loaded = await dest.read();
    const full = {
      ...step(first),
      purchase_orders: checkKeys(loaded.purchase_orders, truth.purchase_orders!, KEYS.purchase_orders!),
      variants: checkKeys(loaded.variants, truth.variants!, KEYS.variants!),
      vendors: checkKeys(loaded.vendors, truth.vendors!, KEYS.vendors!),
    };
    const types = typesOf(loaded, truth);

    sandbox.edit(5, 2);
    const state1 = writeJson(join(dir, 'state1.json'), lastStateIn(first.tapStdout));
    const second = await tapIntoTarget(target, dest, tapConfig, state1);
    const truth2 = sandbox.truth() as unknown as Record<string, Row[]>;
    const loaded2 = await dest.read();
    const incremental = {
      ...step(second),
      edited: 7,
      purchase_orders: checkKeys(loaded2.purchase_orders, truth2.purchase_orders!, KEYS.purchase_orders!),
    };

    const removed = sandbox.removeVariants(3);
    const state2 = writeJson(join(dir, 'state2.json'), lastStateIn(second.tapStdout));
    // 3 of 12 variants is more than the deletion budget lets a pass remove: the run allows it, as a user would
    const third = await tapIntoTarget(target, dest, tapConfig, state2, ['--allow-deletions', 'all']);
    const variants = (await dest.read()).variants ?? [];
    const leftOver = variants.filter((v) => removed.includes(String(v.id)));
    const deletions = {
      ...step(third),
      removed: removed.length,
      kept: distinctIds(leftOver.filter((v) => v._sdc_deleted_at === null || v._sdc_deleted_at === undefined)),
      marked: distinctIds(leftOver.filter((v) => v._sdc_deleted_at !== null && v._sdc_deleted_at !== undefined)),
    };

    mkdirSync(join(dir, 'batch'));
    const batchDest = target.destination(join(dir, 'batch'), `${id}_b`);
    const batchConfig = writeJson(join(dir, 'tap-batch.json'), {
      base_url: sandbox.baseUrl,
      api_key: sandbox.apiKey,
      account_id: sandbox.accountId,
      batch_config: { encoding: { format: 'jsonl', compression: 'gzip' }, storage: { root: `file://${dir}/files` } },
    });
    const fourth = await tapIntoTarget(target, batchDest, batchConfig);
    const batchLoaded = await batchDest.read().catch(() => ({}) as Record<string, Row[]>);
    const batch = {
      ...step(fourth),
      purchase_orders: batchLoaded.purchase_orders?.length ?? 0,
      expected: sandbox.truth().purchase_orders.length,
    };
    return { target: target.name, full, incremental, deletions, batch, types };
  } finally {
    await sandbox.close();
  }
}

const distinctIds = (rows: Row[]): number => new Set(rows.map((r) => String(r.id))).size;

function typesOf(loaded: Record<string, Row[]>, truth: Record<string, Row[]>): Compat['types'] {
  const orders = new Map((loaded.purchase_orders ?? []).map((r) => [String(r.purchase_order_id), r]));
  const sample = truth.purchase_orders!.find((t) => t.created_date && t.last_modified)!;
  const got = orders.get(String(sample.purchase_order_id)) ?? {};
  let money = 0;
  let exact = 0;
  let empty = { truth: 0, empty: 0, nulls: 0 };
  for (const t of truth.purchase_orders!) {
    const l = orders.get(String(t.purchase_order_id));
    if (!l) continue;
    for (const column of ['total_ordered', 'total_received']) {
      if (t[column] === null || t[column] === undefined) continue;
      money++;
      if (Number(l[column]) === t[column]) exact++;
    }
    for (const [column, value] of Object.entries(t)) {
      if (value !== '') continue;
      empty = {
        truth: empty.truth + 1,
        empty: empty.empty + (l[column] === '' ? 1 : 0),
        nulls: empty.nulls + (l[column] === null || l[column] === undefined ? 1 : 0),
      };
    }
  }
  const vendor = (loaded.vendors ?? []).find((v) => v.data !== null && v.data !== undefined && v.data !== '');
  return {
    date: { truth: sample.created_date, loaded: got.created_date },
    dateTime: { truth: sample.last_modified, loaded: got.last_modified },
    decimalsExact: `${exact}/${money}`,
    json: vendor ? { type: typeof vendor.data, loaded: String(JSON.stringify(vendor.data)).slice(0, 80) } : 'no row',
    emptyStrings: empty,
  };
}
