// Admin endpoints: no auth, never faulted or delayed.
import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { JSON_TYPE, type Reply, errorReply, jsonReply, readBody, send } from './http-util.js';
import { type SandboxState, emptyStats } from './state.js';
import { type TruthRow, truthRows } from './truth.js';
import { collectionTruth } from './variant-truth.js';

export async function handleAdmin(
  st: SandboxState,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<void> {
  const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
  if (route === 'GET /__admin/truth') return streamTruth(st, res, url.searchParams.get('format') === 'ndjson');
  let reply: Reply;
  try {
    reply = await dispatch(st, route, req);
  } catch (err) {
    reply = errorReply(400, (err as Error).message);
  }
  send(res, reply);
}

async function dispatch(st: SandboxState, route: string, req: IncomingMessage): Promise<Reply> {
  switch (route) {
    case 'GET /__admin/config':
      return jsonReply(st.opts);
    case 'PATCH /__admin/config':
      st.configure(parseObject(await readBody(req)));
      return jsonReply(st.opts);
    case 'POST /__admin/edit': {
      const body = parseObject(await readBody(req));
      const count = body.count ?? 1;
      const create = body.create ?? 0;
      if (!isCount(count) || !isCount(create)) throw new Error('count and create must be non-negative integers');
      st.edit(count, create);
      return jsonReply({ edited: Math.min(count, st.store.count), created: create, orders: st.store.count });
    }
    case 'POST /__admin/delete':
      return jsonReply({ deleted: st.deleteOrders(countOrIds(parseObject(await readBody(req)), 'order')) });
    case 'POST /__admin/remove-lines': {
      const count = parseObject(await readBody(req)).count ?? 1;
      if (!isCount(count)) throw new Error('count must be a non-negative integer');
      return jsonReply({ removed: st.removeLines(count) });
    }
    case 'POST /__admin/variants/remove':
      return jsonReply({ removed: st.removeVariants(countOrIds(parseObject(await readBody(req)), 'variant')) });
    case 'POST /__admin/variants/add': {
      const count = parseObject(await readBody(req)).count ?? 1;
      if (!isCount(count)) throw new Error('count must be a non-negative integer');
      return jsonReply({ added: st.variants.add(count) });
    }
    case 'POST /__admin/variants/change-at': {
      // At the `request`-th variants list request from now: remove `remove` and add `add` variants (mid-run).
      const body = parseObject(await readBody(req));
      const [request, remove, add] = [body.request ?? 1, body.remove ?? 0, body.add ?? 0];
      if (!isCount(request) || !isCount(remove) || !isCount(add))
        throw new Error('request, remove and add must be non-negative integers');
      st.variantChanges.push({ atRequest: st.variantListSeq + request, remove, add });
      return jsonReply({ atRequest: st.variantListSeq + request, remove, add });
    }
    case 'GET /__admin/collection-truth':
      return jsonReply(collectionTruth(st.variants, st.opts.accountId));
    case 'GET /__admin/stats':
      return jsonReply(st.stats);
    case 'POST /__admin/stats/reset':
      st.stats = emptyStats();
      return jsonReply(st.stats);
    default:
      return errorReply(404, 'Not found');
  }
}

const isCount = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

/** `{"ids": [...]}` or `{"count": n}` (default 1): which records an admin call acts on. */
function countOrIds(body: Record<string, unknown>, what: string): number | string[] {
  if (Array.isArray(body.ids) && body.ids.every((id) => typeof id === 'string')) return body.ids as string[];
  const count = body.count ?? 1;
  if (!isCount(count)) throw new Error(`count must be a non-negative integer (or ids a list of ${what} ids)`);
  return count;
}

function parseObject(text: string): Record<string, unknown> {
  const value: unknown = text.trim() === '' ? {} : JSON.parse(text);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error('body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * Streams the truth of a frozen snapshot (edits during the dump do not leak in),
 * with backpressure, as one JSON document or as ndjson `{"stream","row"}` lines.
 */
async function streamTruth(st: SandboxState, res: ServerResponse, ndjson: boolean): Promise<void> {
  res.writeHead(200, { 'Content-Type': ndjson ? 'application/x-ndjson' : JSON_TYPE });
  const rows = truthRows(st.gen, st.store.snapshot(), st.opts.accountId);
  let chunk = ndjson ? '' : '{"purchase_orders":[';
  let current: TruthRow['stream'] = 'purchase_orders';
  let first = true;
  for (const r of rows) {
    if (ndjson) chunk += `${JSON.stringify(r)}\n`;
    else {
      if (r.stream !== current) {
        chunk += '],"purchase_order_items":[';
        current = r.stream;
        first = true;
      }
      chunk += (first ? '' : ',') + JSON.stringify(r.row);
      first = false;
    }
    if (chunk.length >= 64 * 1024) {
      if (res.destroyed) return;
      const ok = res.write(chunk);
      chunk = '';
      if (!ok) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
  }
  if (!ndjson) chunk += current === 'purchase_orders' ? '],"purchase_order_items":[]}' : ']}';
  if (!res.destroyed) res.end(chunk);
}
