// Heavy orders (issue 12): orders of hundreds of lines, with an API that ignores fields= and one that honours it.
import { buildCatalog } from '../../sandbox/catalog.js';
import { baseState } from '../../sandbox/order-state.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { type Context, median, runTap } from './run.js';

/**
 * Orders of hundreds of lines with default settings, from an API that ignores fields= (whole orders, ~0.5 MB
 * each) and from one that honours it. Exact here means the record counts equal the sandbox's (its orders are
 * not edited): test/reliability/server-quirks.test.ts compares values on a smaller set.
 */
export async function heavy(ctx: Context) {
  const H = ctx.sizes.heavy;
  const seed = 1;
  const catalog = buildCatalog(seed);
  let lines = 0;
  for (let i = 0; i < H.orders; i++) lines += baseState(seed, i, catalog, H.itemsMax, H.itemsMin).lines.length;
  const runs = [];
  for (const ignoreFields of [true, false]) {
    const sb = await SandboxProcess.start({
      orders: H.orders,
      items: H.itemsMax,
      itemsMin: H.itemsMin,
      seed,
      ignoreFields,
    });
    try {
      const r = await runTap(ctx, sb, {}, { logLevel: 'debug' });
      const limits = r.extras.requestPaths
        .filter((p) => p.startsWith('purchase-orders?'))
        .map((p) => Number(/[?&]limit=(\d+)/.exec(p)?.[1]));
      const exact = r.recordsByStream.purchase_orders === H.orders && r.recordsByStream.purchase_order_items === lines;
      ctx.log(
        `heavy (${ignoreFields ? 'fields= ignored' : 'fields= honoured'}): exit ${r.exitCode}, exact ${exact}, peak ` +
          `RSS ${r.peakRssMB} MB, ${r.requests} requests, ${(r.bytesReceived / 1e6).toFixed(0)} MB received, ` +
          `${r.wallSeconds}s`,
      );
      runs.push({
        apiIgnoresFields: ignoreFields,
        exitCode: r.exitCode,
        exact,
        records: r.records,
        peakRssMB: r.peakRssMB,
        wallSeconds: r.wallSeconds,
        cpuSeconds: r.cpuSeconds,
        requests: r.requests,
        bytesReceived: r.bytesReceived,
        bytesPerOrder: Math.round(r.bytesReceived / H.orders),
        firstLimit: limits[0] ?? null,
        medianLimit: median(limits.slice(1)),
        sandboxCpuSeconds: r.sandboxCpuSeconds,
      });
    } finally {
      await sb.close();
    }
  }
  return { orders: H.orders, linesPerOrder: [H.itemsMin, H.itemsMax], lines, runs };
}
