// Projection: bytes saved by fields=, the same records either way, and the fallback when a server ignores it.
import { execFileSync } from 'node:child_process';
import { round } from '../lib/measure.js';
import { SandboxProcess } from '../lib/sandbox-process.js';
import { withoutTimestamp } from '../lib/tap-log.js';
import { type Context, type TapRun, type TapRunExtras, runTap } from './run.js';

function narrowCatalog(tapBin: string, keep: Record<string, string[]>): unknown {
  const catalog = JSON.parse(execFileSync(tapBin, ['--discover'], { encoding: 'utf8' })) as {
    streams: { stream: string; metadata: { breadcrumb: string[]; metadata: Record<string, unknown> }[] }[];
  };
  for (const s of catalog.streams) {
    for (const m of s.metadata) {
      if (m.breadcrumb.length === 0) m.metadata.selected = true;
      else if (m.metadata.inclusion !== 'automatic')
        m.metadata.selected = keep[s.stream]?.includes(m.breadcrumb[1]!) ?? false;
    }
  }
  return catalog;
}

export async function projection(ctx: Context) {
  const orders = ctx.sizes.projectionOrders;
  const narrow = narrowCatalog(ctx.tapBin, {
    purchase_orders: ['status', 'last_modified', 'total_ordered', 'total_received'],
    purchase_order_items: ['purchase_order_id', 'sku', 'replenishment', 'received'],
  });
  const sb = await SandboxProcess.start({ orders, items: ctx.sizes.items });
  const row = (r: TapRun & { extras: TapRunExtras }) => ({
    records: r.records,
    requests: r.requests,
    bytesReceived: r.bytesReceived,
    wallSeconds: r.wallSeconds,
    cpuSeconds: r.cpuSeconds,
    peakRssMB: r.peakRssMB,
    warnings: r.extras.warnings.filter((w) => /fields=/.test(w)),
  });
  let result;
  try {
    const allOn = await runTap(ctx, sb, { field_projection: true });
    const allOff = await runTap(ctx, sb, { field_projection: false });
    const narrowOn = await runTap(ctx, sb, { field_projection: true }, { catalog: narrow, digestRecords: true });
    const narrowOff = await runTap(ctx, sb, { field_projection: false }, { catalog: narrow, digestRecords: true });
    result = { allOn, allOff, narrowOn, narrowOff };
  } finally {
    await sb.close();
  }
  // Fallback: a server that ignores fields= sends whole orders; the tap must notice and still be complete.
  const ignoring = await SandboxProcess.start({ orders, items: ctx.sizes.items, ignoreFields: true });
  let fallback;
  try {
    fallback = await runTap(ctx, ignoring, { field_projection: true }, { catalog: narrow, digestRecords: true });
  } finally {
    await ignoring.close();
  }
  const fallbackLog = fallback.extras.measured.stderr
    .split('\n')
    .find((l) => /fields= projection verified|did not honour fields=|fields= did not ask for/.test(l));
  const saved = (on: TapRun, off: TapRun) => round(1 - on.bytesReceived / off.bytesReceived, 3);
  ctx.log(
    `projection: all columns save ${(saved(result.allOn, result.allOff) * 100).toFixed(0)}%, narrow selection saves ` +
      `${(saved(result.narrowOn, result.narrowOff) * 100).toFixed(0)}% of bytes received`,
  );
  return {
    orders,
    itemsPerOrder: ctx.sizes.items,
    allColumns: {
      projected: row(result.allOn),
      whole: row(result.allOff),
      bytesSaved: saved(result.allOn, result.allOff),
    },
    narrowSelection: {
      projected: row(result.narrowOn),
      whole: row(result.narrowOff),
      bytesSaved: saved(result.narrowOn, result.narrowOff),
    },
    // The same records, value for value (order-independent digest, run timestamps blanked) as without projection.
    projectedSameRecordsAsWhole:
      result.narrowOn.extras.measured.recordDigest === result.narrowOff.extras.measured.recordDigest,
    fallbackIgnoringServer: {
      ...row(fallback),
      sameRecordsAsWhole: fallback.extras.measured.recordDigest === result.narrowOff.extras.measured.recordDigest,
      // Whole orders hold every requested field, so the check passes and nothing is lost; only the saving is.
      tapLog: fallbackLog === undefined ? null : withoutTimestamp(fallbackLog),
    },
  };
}
