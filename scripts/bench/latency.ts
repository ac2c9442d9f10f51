// Section 3: how well the tap hides API latency with concurrent requests, and the rate cap.
import { measureCommand, round } from '../lib/measure.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { type Context, DEFAULT_CONCURRENCY, medianBy, repeat, runTap, strip } from './run.js';

export async function latency(ctx: Context) {
  const L = ctx.sizes.latency;
  const sb = await SandboxProcess.start({ orders: L.orders, items: L.items, latencyMs: L.latencyMs });
  try {
    const startup = await measureCommand([ctx.tapBin, '--discover']);
    const runs = [];
    for (const concurrency of L.concurrencies) {
      const tries = await repeat(L.repeats, () => runTap(ctx, sb, { page_size: L.pageSize, concurrency }));
      const run = medianBy(tries, (t) => t.wallSeconds);
      const sequentialBound = round((run.requests * L.latencyMs) / 1000);
      const parallelBound = round(sequentialBound / concurrency);
      runs.push({
        concurrency,
        maxRequestsPerSecond: null,
        ...strip(run),
        sequentialBound,
        parallelBound,
        overSequential: round(run.wallSeconds / sequentialBound),
        overParallel: round(run.wallSeconds / parallelBound),
        overParallelWithoutStartup: round((run.wallSeconds - startup.wallSeconds) / parallelBound),
        // The single-threaded sandbox's own work per request comes on top of the latency it adds.
        sandboxCpuMsPerRequest: round((run.sandboxCpuSeconds * 1000) / run.requests, 1),
        wallSecondsOfRepeats: tries.map((t) => t.wallSeconds),
      });
      ctx.log(
        `latency: concurrency ${concurrency}: ${run.requests} requests in ${run.wallSeconds}s; bound ` +
          `${parallelBound}s (x${round(run.wallSeconds / parallelBound)})`,
      );
    }
    // The rate cap: at most rateCap requests start per second, whatever the concurrency.
    const capped = await runTap(ctx, sb, {
      page_size: L.pageSize,
      concurrency: DEFAULT_CONCURRENCY,
      max_requests_per_second: L.rateCap,
    });
    const capBound = round(
      Math.max((capped.requests - 1) / L.rateCap, (capped.requests * L.latencyMs) / 1000 / DEFAULT_CONCURRENCY),
    );
    ctx.log(
      `latency: capped at ${L.rateCap} req/s: ${capped.requests} requests in ${capped.wallSeconds}s (bound ` +
        `${capBound}s)`,
    );
    return {
      orders: L.orders,
      itemsPerOrder: L.items,
      pageSize: L.pageSize,
      latencyMs: L.latencyMs,
      runs,
      rateCapped: {
        concurrency: DEFAULT_CONCURRENCY,
        maxRequestsPerSecond: L.rateCap,
        ...strip(capped),
        bound: capBound,
        observedRequestsPerSecond: round(capped.requests / capped.wallSeconds),
        overBound: round(capped.wallSeconds / capBound),
      },
      processStartupSeconds: round(startup.wallSeconds),
    };
  } finally {
    await sb.close();
  }
}
