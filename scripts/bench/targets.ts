// The benchmark's targets, each with the measured value and whether it was met.
import { fmt } from './format.js';

export interface Target {
  target: string;
  value: string;
  met: boolean | null;
}

export function evaluateTargets(r: Record<string, any>, quick: boolean): Target[] {
  const t: Target[] = [];
  const note = quick ? ' (quick sizes: indicative only)' : '';
  if (r.throughput) {
    t.push({
      target: `>= 100,000 records/s at zero latency (wall)${note}`,
      value: `${fmt(r.throughput.recordsPerSecond)} records/s`,
      met: r.throughput.recordsPerSecond >= 100_000,
    });
    t.push({
      target: `>= 100,000 records per CPU second (one core)${note}`,
      value: `${fmt(r.throughput.recordsPerCpuSecond)} records/CPU s`,
      met: r.throughput.recordsPerCpuSecond >= 100_000,
    });
  }
  if (r.floor) {
    t.push({
      target: `<= 2x the floor (wall)${note}`,
      value: `${r.floor.tapOverFloorWall}x`,
      met: r.floor.tapOverFloorWall <= 2,
    });
    t.push({
      target: `<= 2x the floor (CPU)${note}`,
      value: `${r.floor.tapOverFloorCpu}x`,
      met: r.floor.tapOverFloorCpu <= 2,
    });
  }
  if (r.scale) {
    const rows = r.scale.rows as { orders: number; peakRssMB: number }[];
    const largest = rows[rows.length - 1]!;
    t.push({
      target: `peak RSS < 200 MB at the largest size (${fmt(largest.orders)} orders)${note}`,
      value: `${largest.peakRssMB} MB`,
      met: largest.peakRssMB < 200,
    });
    t.push({
      target: 'peak RSS flat with size (largest / smallest < 3)',
      value: `${r.scale.largestOverSmallestPeakRss}x`,
      met: r.scale.largestOverSmallestPeakRss < 3,
    });
  }
  if (r.latency) {
    const def = (r.latency.runs as any[]).find((x) => x.concurrency === 4) ?? r.latency.runs[0];
    t.push({
      target:
        `latency ${r.latency.latencyMs} ms: wall <= 1.3x requests x latency / concurrency (concurrency ` +
        `${def.concurrency})` +
        note,
      value: `${def.overParallel}x (${def.wallSeconds}s vs ${def.parallelBound}s)`,
      met: def.overParallel <= 1.3,
    });
    t.push({
      target: 'rate cap honoured (observed <= cap)',
      value:
        `${r.latency.rateCapped.observedRequestsPerSecond} req/s (cap ` +
        `${r.latency.rateCapped.maxRequestsPerSecond})`,
      met: r.latency.rateCapped.observedRequestsPerSecond <= r.latency.rateCapped.maxRequestsPerSecond,
    });
  }
  if (r.slow_consumer) {
    const s = r.slow_consumer;
    t.push({
      target: 'slow consumer: RSS bounded (steady max < 200 MB, no growth)',
      value: `${s.rssSteadyMinMB}-${s.rssSteadyMaxMB} MB steady, received/drained ${s.receivedOverDrained}`,
      met: quick ? s.rssSteadyMaxMB < 200 : s.rssSteadyMaxMB < 200 && s.receivedOverDrained < 3,
    });
  }
  if (r.incremental) {
    const i = r.incremental;
    t.push({
      target:
        `incremental: requests in proportion to the change (${fmt(i.editedOrders)} of ${fmt(i.orders)} orders ` +
        `edited)`,
      value: `${i.afterEdits.requests} vs ${i.full.requests} requests (${(i.requestsOverFull * 100).toFixed(1)}%)`,
      met: i.afterEdits.requests <= Math.max(5, Math.ceil((i.full.requests * i.editedOrders) / i.orders) * 2 + 3),
    });
  }
  if (r.projection) {
    const p = r.projection;
    t.push({
      target: 'fields= asked when honoured, bytes saved measured',
      value:
        `${(p.allColumns.bytesSaved * 100).toFixed(0)}% (all columns), ` +
        `${(p.narrowSelection.bytesSaved * 100).toFixed(0)}% (narrow selection)`,
      met: p.allColumns.bytesSaved > 0 && p.narrowSelection.bytesSaved > 0,
    });
    t.push({
      target: 'projected run emits the same records as the whole-order run',
      value: `same digest: ${p.projectedSameRecordsAsWhole}`,
      met: p.projectedSameRecordsAsWhole,
    });
    t.push({
      target: 'falls back safely when fields= is ignored (same records)',
      value: `same digest: ${p.fallbackIgnoringServer.sameRecordsAsWhole}`,
      met: p.fallbackIgnoringServer.sameRecordsAsWhole,
    });
  }
  if (r.heavy) {
    for (const x of r.heavy.runs as any[]) {
      const what =
        `heavy orders (${fmt(r.heavy.orders)} x ${r.heavy.linesPerOrder.join('-')} lines, API ` +
        `${x.apiIgnoresFields ? 'ignores' : 'honours'} fields=): exact, peak RSS < 300 MB`;
      t.push({ target: what + note, value: `exact ${x.exact}, ${x.peakRssMB} MB`, met: x.exact && x.peakRssMB < 300 });
    }
  }
  return t;
}
