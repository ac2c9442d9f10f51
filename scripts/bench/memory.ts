// Sections 4 and 5: peak RSS by account size, and RSS while a slow consumer drains stdout.
import { round } from '../lib/measure.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { type Context, type TapRun, perSecond, runTap } from './run.js';

const scaleRow = (orders: number, reusedThroughputRun: boolean, r: TapRun) => ({
  orders,
  reusedThroughputRun,
  records: r.records,
  wallSeconds: r.wallSeconds,
  cpuSeconds: r.cpuSeconds,
  peakRssMB: r.peakRssMB,
  recordsPerSecond: perSecond(r.records, r.wallSeconds),
  bytesReceived: r.bytesReceived,
  requests: r.requests,
});

export async function scale(ctx: Context) {
  const rows = [];
  for (const orders of ctx.sizes.scaleOrders) {
    if (ctx.full && ctx.full.orders === orders) {
      rows.push(scaleRow(orders, true, ctx.full.run));
      continue;
    }
    const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
    try {
      const r = await runTap(ctx, sb, {});
      rows.push(scaleRow(orders, false, r));
      ctx.log(`scale: ${orders} orders: peak RSS ${r.peakRssMB} MB, ${r.wallSeconds}s`);
    } finally {
      await sb.close();
    }
  }
  const peaks = rows.map((r) => r.peakRssMB);
  return {
    itemsPerOrder: ctx.sizes.items,
    rows,
    largestOverSmallestPeakRss: round(Math.max(...peaks) / Math.min(...peaks)),
  };
}

// ---------------------------------------------------------------- 5: slow consumer

export async function slowConsumer(ctx: Context) {
  const S = ctx.sizes.slow;
  const sb = await SandboxProcess.start({ orders: S.orders, items: ctx.sizes.items });
  try {
    const run = await runTap(
      ctx,
      sb,
      {},
      { drainBytesPerSecond: S.bytesPerSecond, stopAfterSeconds: S.seconds, keepTimeline: true },
    );
    const timeline = run.rssTimeline ?? [];
    const at = (share: number): number | null => {
      const t = share * S.seconds;
      const hit = timeline.find(([s]) => s >= t);
      return hit ? hit[1] : null;
    };
    const rss = timeline.map(([, mb]) => mb);
    const steady = timeline.filter(([s]) => s >= S.seconds / 3).map(([, mb]) => mb);
    ctx.log(
      `slow consumer: drained ${(run.outputBytes / 1e6).toFixed(1)} MB in ${run.wallSeconds}s; tap received ` +
        `${(run.bytesReceived / 1e6).toFixed(1)} MB; RSS max ${Math.max(...rss)} MB`,
    );
    return {
      orders: S.orders,
      drainBytesPerSecond: S.bytesPerSecond,
      stoppedAfterSeconds: S.seconds,
      exitCode: run.exitCode,
      wallSeconds: run.wallSeconds,
      cpuSeconds: run.cpuSeconds,
      peakRssMB: run.peakRssMB,
      rssAt: { '10%': at(0.1), '25%': at(0.25), '50%': at(0.5), '75%': at(0.75), '95%': at(0.95) },
      rssMaxSampledMB: Math.max(...rss),
      rssSteadyMinMB: Math.min(...steady),
      rssSteadyMaxMB: Math.max(...steady),
      outputBytesDrained: run.outputBytes,
      bytesReceived: run.bytesReceived,
      requests: run.requests,
      // If the tap buffered without limit it would fetch at full speed; with backpressure it fetches what it can write.
      receivedOverDrained: round(run.bytesReceived / Math.max(1, run.outputBytes)),
      rssTimeline: timeline.filter((_, i) => i % 5 === 0),
    };
  } finally {
    await sb.close();
  }
}
