// `npm run bench`: throughput, the floor, latency hiding, flat memory, a slow consumer, incremental cost and
// the bytes saved by fields=, all against the sandbox on loopback (in its own process). Prints a table and
// writes bench-results/bench-<date>.json, bench-results/latest.json and bench-results/latest.md.
//   npm run bench -- --quick                      small sizes, a smoke run of every section (~20 s)
//   npm run bench -- --only throughput,latency    some sections (floor and incremental reuse throughput)
//   npm run bench -- --out DIR                    another results folder
//   npm run bench -- --tap OTHER/dist/src/cli.js  measure another build's bin (to compare two builds)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { FULL, QUICK } from './bench/sizes.js';
import type { Context } from './bench/run.js';
import { floor, throughput } from './bench/throughput.js';
import { latency } from './bench/latency.js';
import { scale, slowConsumer } from './bench/memory.js';
import { incremental } from './bench/incremental.js';
import { projection } from './bench/projection.js';
import { heavy } from './bench/heavy.js';
import { type BenchMeta, renderMarkdown } from './bench/report.js';
import { evaluateTargets } from './bench/targets.js';
import { REPO_ROOT, TAP_BIN, writeJson } from './lib/tap-process.js';

export const SECTIONS = [
  'throughput',
  'floor',
  'latency',
  'scale',
  'slow_consumer',
  'incremental',
  'projection',
  'heavy',
] as const;
type Section = (typeof SECTIONS)[number];
const ALIASES: Record<string, Section> = { slow: 'slow_consumer', 'slow-consumer': 'slow_consumer' };

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
};
if (flag('help')) {
  process.stdout.write(`usage: npm run bench -- [--quick] [--only ${SECTIONS.join(',')}] [--out DIR] [--tap BIN]\n`);
  process.exit(0);
}
const quick = flag('quick');
const only = option('only')
  ?.split(',')
  .map((s) => s.trim())
  .filter(Boolean)
  .map((s) => ALIASES[s] ?? s);
for (const s of only ?? [])
  if (!SECTIONS.includes(s as Section)) throw new Error(`unknown section "${s}" (sections: ${SECTIONS.join(', ')})`);
const selected = new Set<Section>((only as Section[] | undefined) ?? SECTIONS);
if (selected.has('floor')) selected.add('throughput'); // the floor replays the throughput run's requests
const outDir = resolve(option('out') ?? join(REPO_ROOT, 'bench-results'));
const workDir = join(outDir, 'work');
mkdirSync(workDir, { recursive: true });

const say = (line: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
};
const ctx: Context = { sizes: quick ? QUICK : FULL, tapBin: resolve(option('tap') ?? TAP_BIN), workDir, log: say };
const meta: BenchMeta = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  node: process.version,
  tap: ctx.tapBin,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    platform: process.platform,
  },
  loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
  loadAverageAtEnd: [],
  sizes: ctx.sizes,
  seconds: 0,
};
const results: Record<string, unknown> = {};
const started = Date.now();
const runners: Record<Section, (c: Context) => Promise<unknown>> = {
  throughput,
  floor,
  incremental,
  latency,
  scale,
  slow_consumer: slowConsumer,
  projection,
  heavy,
};
// Order matters: the floor replays the throughput run and must see the same data, so it runs before the edits.
const order: Section[] = [
  'throughput',
  'floor',
  'incremental',
  'latency',
  'scale',
  'slow_consumer',
  'projection',
  'heavy',
];
try {
  for (const section of order) {
    if (!selected.has(section)) continue;
    say(`--- ${section}`);
    results[section] = await runners[section](ctx);
  }
} finally {
  await ctx.full?.sandbox.close();
  rmSync(workDir, { recursive: true, force: true });
}
meta.loadAverageAtEnd = loadavg().map((x) => Math.round(x * 100) / 100);
meta.seconds = Math.round((Date.now() - started) / 1000);

const targets = evaluateTargets(results, quick);
const report = { meta, sections: results, targets };
const stamp = meta.date.replace(/[:.]/g, '-');
const jsonPath = writeJson(join(outDir, `bench-${stamp}.json`), report);
writeJson(join(outDir, 'latest.json'), report);
const markdown = renderMarkdown(report);
writeFileSync(join(outDir, 'latest.md'), markdown);
process.stdout.write(markdown);
say(`results: ${jsonPath} (and latest.json, latest.md)`);
