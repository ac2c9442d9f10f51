// The soak's collection section (issue 22): variants, warehouses and vendors read in full while the sandbox's
// listing misbehaves as a real server may (ignores the id sort, reorders on edits, caps pages without saying,
// serves no deep offsets, moves meta.total), with variants edited, added and removed during each read. Each
// scenario is three daily runs upserted as a target with hard_delete does it: day 1 normal, day 2 with the
// switch on (after variants were removed and added), day 3 normal again. It counts, per scenario:
//  - missing: a row the truth has after day 3 that the tables lack;
//  - extra: a row the tables have after day 3 that the truth lacks (a removed variant not deleted by a pass);
//  - mismatched: values after day 3 that differ from the truth;
//  - wrongly deleted: a variant that existed throughout day 2 and was in the tables before it, but not after it
//    (a pass that deleted what it had not read): must be 0 whatever the server does;
//  - failed: a run whose exit status is not the one the scenario requires (0, or 3 for a dropped pass).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { SandboxOptions } from '../../sandbox/options.js';
import { COLLECTION_KEYS, startSandbox } from '../../sandbox/server.js';
import { ONE_PAGE_MAX } from '../../src/client/collection/trust.js';
import { applySingerOutput, compareWithTruth } from '../lib/singer-output.js';
import { markdownTable } from '../lib/markdown.js';
import { runTap, writeJson } from '../lib/tap-process.js';
import { newDir } from '../../test/helpers/reliability-scenarios.js';
import { say, section } from './rows.js';

export interface CollectionSoakRow {
  scenario: string;
  runs: number;
  requests: number;
  expected: number;
  missing: number;
  extra: number;
  mismatched: number;
  wronglyDeleted: number;
  failed: number;
  seconds: number;
  notes: string[];
}

export interface CollectionScenario {
  name: string;
  /** Switched on for day 2 only. */
  server: SandboxOptions;
  /** Day 2's exit status: 0 when the read can vouch for itself, 3 when the pass must be dropped or held. */
  exit: number;
  concurrency: number;
  /** Tap settings beyond the soak's own. */
  settings?: Record<string, unknown>;
}

const NORMAL: SandboxOptions = {
  collectionOrder: 'id',
  variantEditsPerRequest: 0,
  variantChurnPerRequest: 0,
  deepOffsetLimit: 0,
  deepOffsetStatus: 0,
  pageCap: 0,
  pageCapSilent: false,
  listsShowFirst: false,
};

export function collectionScenarios(variants: number): CollectionScenario[] {
  const deep = Math.floor(variants / 3);
  // A listing that cannot be trusted is read again in one request when it fits one page: the pass completes.
  const unsorted = variants < ONE_PAGE_MAX ? 0 : 3;
  const list: Omit<CollectionScenario, 'concurrency'>[] = [
    {
      name: 'id order, edits and churn each request',
      server: { variantEditsPerRequest: 20, variantChurnPerRequest: 5 },
      exit: 0,
    },
    { name: 'page cap 70, said in meta.limit, churn', server: { pageCap: 70, variantChurnPerRequest: 3 }, exit: 0 },
    {
      name: 'page cap 70, silent, churn',
      server: { pageCap: 70, pageCapSilent: true, variantChurnPerRequest: 3 },
      exit: 0,
    },
    { name: 'ignores id_sort (fixed other order)', server: { collectionOrder: 'scrambled' }, exit: unsorted },
    {
      name: 'ignores id_sort, most recently edited first, edits',
      server: { collectionOrder: 'recent', variantEditsPerRequest: 30 },
      exit: unsorted,
    },
    { name: `no deep offsets past ${deep} (empty page)`, server: { deepOffsetLimit: deep }, exit: 3 },
    {
      name: `no deep offsets past ${deep} (HTTP 400)`,
      server: { deepOffsetLimit: deep, deepOffsetStatus: 400 },
      exit: 3,
    },
  ];
  // The churn scenarios remove more than a tenth of the variants between two runs (some leave at every request:
  // about 500 of 3,000 at concurrency 4), which the deletion budget rightly holds: this section is about reading
  // under server behaviours, section 11 (budget.ts) about the budget.
  const settings = { deletion_budget_share: 1 };
  return [1, 4].flatMap((concurrency) => list.map((s) => ({ ...s, concurrency, settings })));
}

export async function soakCollections(options: {
  variants: number;
  seed: number;
  dir: string;
  say: (line: string) => void;
  /** Default: the server behaviours of section 10. */
  scenarios?: CollectionScenario[];
}): Promise<CollectionSoakRow[]> {
  const rows: CollectionSoakRow[] = [];
  for (const [k, scenario] of (options.scenarios ?? collectionScenarios(options.variants)).entries()) {
    const started = Date.now();
    const row: CollectionSoakRow = {
      scenario: `${scenario.name}, concurrency ${scenario.concurrency}`,
      runs: 0,
      requests: 0,
      expected: 0,
      missing: 0,
      extra: 0,
      mismatched: 0,
      wronglyDeleted: 0,
      failed: 0,
      seconds: 0,
      notes: [],
    };
    const sandbox = await startSandbox({
      orders: 5,
      variants: options.variants,
      seed: options.seed + k,
      historyPoints: 2,
    });
    try {
      const config = writeJson(join(options.dir, `collections-${k}.json`), {
        api_key: sandbox.apiKey,
        account_id: sandbox.accountId,
        base_url: sandbox.baseUrl,
        page_size: 100,
        concurrency: scenario.concurrency,
        ...scenario.settings,
      });
      const day = async (n: number, exit: number, state: unknown) => {
        const args = ['--config', config];
        if (state) args.push('--state', writeJson(join(options.dir, `collections-${k}-state-${n}.json`), state));
        const run = await runTap({ args, timeoutMs: 600_000 });
        row.runs++;
        if (run.code !== exit) {
          row.failed++;
          const last = run.stderr.trim().split('\n').slice(-2).join(' / ');
          row.notes.push(`day ${n}: exit ${run.code}, expected ${exit}: ${last.slice(0, 300)}`);
        }
        return run;
      };
      const first = await day(1, 0, undefined);
      const output = applySingerOutput(first.stdout);
      const before = new Set(output.tables.get('variants')?.keys() ?? []);

      sandbox.removeVariants(15);
      sandbox.addVariants(10);
      const atStart = new Set(sandbox.collectionTruth().variants.map((v) => String(v.id)));
      sandbox.configure(scenario.server);
      const second = await day(2, scenario.exit, output.lastState);
      applySingerOutput(second.stdout, output);
      const atEnd = new Set(sandbox.collectionTruth().variants.map((v) => String(v.id)));
      const tables = output.tables.get('variants')!;
      for (const id of before) if (atStart.has(id) && atEnd.has(id) && !tables.has(id)) row.wronglyDeleted++;
      if (scenario.exit === 3 && second.stdout.includes('"ACTIVATE_VERSION","stream":"variants"')) {
        row.failed++;
        row.notes.push('day 2: ACTIVATE_VERSION for variants on a pass that had to be dropped or held');
      }

      sandbox.configure(NORMAL);
      const third = await day(3, 0, output.lastState);
      applySingerOutput(third.stdout, output);
      const truth = { ...sandbox.collectionTruth() } as never;
      for (const d of compareWithTruth(output, truth, COLLECTION_KEYS)) {
        row.expected += d.expected;
        row.missing += d.missing.length;
        row.extra += d.extra.length;
        row.mismatched += d.mismatched.length;
        if (d.missing.length + d.extra.length + d.mismatched.length)
          row.notes.push(
            `${d.stream}: missing ${d.missing.length}, extra ${d.extra.length}, mismatched ${d.mismatched.length}`,
          );
      }
      row.requests = sandbox.stats().collectionRequests;
    } catch (error) {
      row.failed++;
      row.notes.push(`scenario crashed: ${(error as Error).stack ?? String(error)}`);
    } finally {
      await sandbox.close();
    }
    row.seconds = (Date.now() - started) / 1000;
    options.say(
      `  ${row.scenario}: ${row.runs} runs, missing ${row.missing}, extra ${row.extra}, mismatched ${row.mismatched}, wrongly deleted ${row.wronglyDeleted}, failed ${row.failed}`,
    );
    rows.push(row);
  }
  return rows;
}

/** The section's figures as a Markdown table. */
export function collectionTable(rows: CollectionSoakRow[]): string {
  const cols: [string, (r: CollectionSoakRow) => string | number][] = [
    ['collection scenario', (r) => r.scenario],
    ['runs', (r) => r.runs],
    ['requests', (r) => r.requests],
    ['expected', (r) => r.expected],
    ['missing', (r) => r.missing],
    ['extra', (r) => r.extra],
    ['mismatched', (r) => r.mismatched],
    ['wrongly deleted', (r) => r.wronglyDeleted],
    ['failed', (r) => r.failed],
    ['s', (r) => r.seconds.toFixed(0)],
  ];
  return markdownTable(
    cols.map(([h]) => h),
    rows.map((r) => cols.map(([, f]) => f(r))),
    true,
  ).join('\n');
}

/** One section of the soak made of collection scenarios: their rows, summed into one row of the main table. */
export async function collectionRowsSection(
  title: string,
  soak: () => Promise<CollectionSoakRow[]>,
): Promise<CollectionSoakRow[]> {
  const found: CollectionSoakRow[] = [];
  await section(title, async (r) => {
    found.push(...(await soak()));
    for (const c of found) {
      r.runs += c.runs;
      r.requests += c.requests;
      r.expected += c.expected;
      r.missing += c.missing;
      r.extra += c.extra;
      r.mismatched += c.mismatched;
      r.failed += c.failed + c.wronglyDeleted;
      r.notes.push(...c.notes);
    }
  });
  return found;
}

/** Section 10 of the soak: the collection scenarios. */
export function collectionSection(argv: { variants: number; seed: number }): Promise<CollectionSoakRow[]> {
  const title = `10. collections: ${argv.variants} variants, server behaviours x concurrency 1 and 4, 3 daily runs each`;
  return collectionRowsSection(title, () =>
    soakCollections({ variants: argv.variants, seed: argv.seed, dir: newDir('soak-collections'), say }),
  );
}

/** A section run alone (`node dist/scripts/soak/<file>.js [variants] [seed]`): its table, and exit 1 on any loss. */
export async function soakAlone(name: string, scenarios?: (variants: number) => CollectionScenario[]): Promise<void> {
  const variants = Number(process.argv[2] ?? 3000);
  const rows = await soakCollections({
    variants,
    seed: Number(process.argv[3] ?? 1),
    dir: mkdtempSync(join(tmpdir(), `soak-${name}-`)),
    say,
    ...(scenarios ? { scenarios: scenarios(variants) } : {}),
  });
  process.stdout.write(`${collectionTable(rows)}\n`);
  process.exitCode = rows.every((r) => r.missing + r.extra + r.mismatched + r.wronglyDeleted + r.failed === 0) ? 0 : 1;
}

// Alone: `npm run build && node dist/scripts/soak/collections.js [variants] [seed]`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await soakAlone('collections');
