// The benchmark's Markdown report: the machine, a table per section that ran, and the targets.
import { TAP_BIN } from '../lib/tap-process.js';
import { Markdown } from './format.js';
import { heavyReport, projectionReport } from './report-bytes.js';
import { incrementalReport, scaleReport, slowConsumerReport } from './report-size.js';
import { floorReport, latencyReport, throughputReport } from './report-speed.js';
import type { Sizes } from './sizes.js';
import type { Target } from './targets.js';

export interface BenchMeta {
  date: string;
  mode: string;
  node: string;
  tap: string;
  machine: { cpu: string; cores: number; memoryGB: number; kernel: string; platform: string };
  loadAverageAtStart: number[];
  loadAverageAtEnd: number[];
  sizes: Sizes;
  seconds: number;
}

const SECTION_REPORTS: [string, (md: Markdown, section: any) => void][] = [
  ['throughput', throughputReport],
  ['floor', floorReport],
  ['latency', latencyReport],
  ['scale', scaleReport],
  ['slow_consumer', slowConsumerReport],
  ['incremental', incrementalReport],
  ['projection', projectionReport],
  ['heavy', heavyReport],
];

export function renderMarkdown(rep: { meta: BenchMeta; sections: Record<string, any>; targets: Target[] }): string {
  const { meta: m, sections: r } = rep;
  const md = new Markdown();
  md.push(`## Benchmark (${m.mode}) ${m.date.slice(0, 16).replace('T', ' ')} UTC`, '');
  md.push(
    `Machine: ${m.machine.cpu}, ${m.machine.cores} cores, ${m.machine.memoryGB} GB, Linux ${m.machine.kernel}; ` +
      `Node ${m.node}. Load average at start ${m.loadAverageAtStart.join(' / ')}, ` +
      `at end ${m.loadAverageAtEnd.join(' / ')}. Took ${m.seconds}s.` +
      (m.tap === TAP_BIN ? '' : ` Tap measured: ${m.tap}.`),
    '',
  );
  for (const [name, report] of SECTION_REPORTS) if (r[name]) report(md, r[name]);
  md.push('### Targets', '');
  md.table(
    ['target', 'measured', 'met'],
    rep.targets.map((x) => [x.target, x.value, x.met === null ? '-' : x.met ? 'yes' : '**no**']),
  );
  return md.lines.join('\n');
}
