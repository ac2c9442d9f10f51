// Section 6: the cost of an incremental run, unchanged and after a share of the orders is edited.
import { round } from '../lib/measure.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { type Context, type TapRun, runTap } from './run.js';

export async function incremental(ctx: Context) {
  if (!ctx.full) {
    const orders = ctx.sizes.throughputOrders;
    const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
    ctx.full = { sandbox: sb, run: await runTap(ctx, sb, {}), orders };
  }
  const { sandbox: sb, run: full, orders } = ctx.full;
  const state = full.extras.lastState;
  if (state === undefined) throw new Error('the full run left no STATE');
  const unchanged = await runTap(ctx, sb, {}, { state });
  const edited = Math.round(orders * ctx.sizes.editShare);
  await sb.edit(edited);
  const changed = await runTap(ctx, sb, {}, { state });
  ctx.log(
    `incremental: ${edited} orders edited: ${changed.requests} requests, ${changed.wallSeconds}s (full: ` +
      `${full.requests}, ${full.wallSeconds}s)`,
  );
  const row = (r: TapRun) => ({
    records: r.records,
    requests: r.requests,
    wallSeconds: r.wallSeconds,
    cpuSeconds: r.cpuSeconds,
    bytesReceived: r.bytesReceived,
    peakRssMB: r.peakRssMB,
  });
  return {
    orders,
    editedOrders: edited,
    full: row(full),
    unchanged: row(unchanged),
    afterEdits: row(changed),
    requestsOverFull: round(changed.requests / full.requests, 3),
    wallOverFull: round(changed.wallSeconds / full.wallSeconds, 3),
    bytesOverFull: round(changed.bytesReceived / full.bytesReceived, 4),
  };
}
