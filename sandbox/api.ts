// The imitated REST API: gatekeeping (User-Agent, rate limit, faults, latency),
// then auth, the purchase-orders routes and the collections (sandbox/collections-api.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { collectionRoute } from './collections-api.js';
import { executeList } from './execute.js';
import { pickFault } from './faults.js';
import { HTML_403, HTML_502, HTML_503, HTML_TYPE, JSON_TYPE, type Reply, errorReply, send } from './http-util.js';
import { project } from './projection.js';
import { parseFields, parseListQuery } from './query.js';
import { listShowsFirst } from './options.js';
import { itemsAsObject } from './quirks.js';
import type { SandboxState } from './state.js';
import { type WireObject, renderJson } from './values.js';

const LIST_PATH = /^\/api\/v1\/purchase-orders\/?$/;
const ONE_PATH = /^\/api\/v1\/purchase-orders\/([^/]+)\/?$/;

export function handleApi(st: SandboxState, req: IncomingMessage, res: ServerResponse, url: URL): void {
  const arrived = performance.now();
  const seq = ++st.requestSeq;
  st.stats.requests++;
  const o = st.opts;
  const reply = (r: Reply, truncate = false): void => {
    if (res.destroyed || res.writableEnded) return;
    st.recordStatus(r.status, send(res, r, truncate));
  };
  const retryAfter = { 'Retry-After': String(o.retryAfterSeconds) };

  if (o.requireUserAgent && !req.headers['user-agent']) {
    st.later(o.latencyMs, () => reply({ status: 403, body: HTML_403, type: HTML_TYPE }));
    return;
  }
  if (o.rateLimitPerSecond > 0 && !st.limiter.allow(o.rateLimitPerSecond, Date.now())) {
    st.later(o.latencyMs, () => reply(errorReply(429, 'Too many requests', retryAfter)));
    return;
  }
  const fault = pickFault(o.seed, seq, o.faultRate, o.faultKinds);
  if (fault) st.recordFault(fault);
  switch (fault) {
    case 'reset':
      st.recordStatus('reset', 0);
      req.socket.destroy();
      return;
    case '429':
      st.later(o.latencyMs, () => reply(errorReply(429, 'Too many requests', retryAfter)));
      return;
    case '500':
      st.later(o.latencyMs, () => reply(errorReply(500, 'Internal server error')));
      return;
    case '502':
      st.later(o.latencyMs, () => reply({ status: 502, body: HTML_502, type: HTML_TYPE }));
      return;
    case '503':
      st.later(o.latencyMs, () => reply({ status: 503, body: HTML_503, type: HTML_TYPE }));
      return;
  }
  const delay = o.latencyMs + (fault === 'slow' ? o.slowMs : 0);
  // The answer is worked out at once and sent `delay` ms after the request arrived: the sandbox's own work
  // happens within the response time, as a real API's does on its own servers, so requests in flight
  // together do not queue behind each other's work in this one-threaded process.
  const answer = route(st, req, url);
  st.later(delay - (performance.now() - arrived), () => reply(answer, fault === 'truncate'));
}

function route(st: SandboxState, req: IncomingMessage, url: URL): Reply {
  const { apiKey, accountId } = st.opts;
  if (req.headers.authorization !== apiKey || req.headers.account !== accountId) {
    return errorReply(401, 'Invalid API key or account');
  }
  const collection = collectionRoute(st, url);
  if (collection) return req.method === 'GET' ? collection : errorReply(405, 'Method not allowed');
  const isList = LIST_PATH.test(url.pathname);
  const one = ONE_PATH.exec(url.pathname);
  if (!isList && !one) return errorReply(404, 'Not found');
  if (req.method !== 'GET') return errorReply(405, 'Method not allowed');
  return isList ? list(st, url) : single(st, url, decodeURIComponent(one![1]!));
}

function list(st: SandboxState, url: URL): Reply {
  st.countListRequest();
  const q = parseListQuery(url.searchParams, st.opts.ignoreOperators);
  if (st.opts.pageCap > 0) q.limit = Math.min(q.limit, st.opts.pageCap);
  const visible = listShowsFirst(st.opts, 'purchase-orders');
  const { total, orders } = executeList(st.store, st.gen, q, st.opts.floorFilters, visible);
  const fields = st.opts.ignoreFields ? undefined : q.fields;
  const projected: WireObject[] = fields ? orders.map((order) => project(order, fields)) : orders;
  const rows =
    st.opts.itemsAsObject > 0
      ? projected.map((order) =>
          itemsAsObject(order, st.opts.itemsAsObject, st.opts.seed, st.gen.indexOf(st.store, String(order.id))),
        )
      : projected;
  const start = q.page * q.limit;
  const meta = {
    name: 'purchase-orders',
    display_name: 'purchase orders',
    total,
    count: rows.length,
    limit: q.limit,
    page: q.page,
    start,
    end: start + rows.length,
  };
  const list = rows.length === 0 && st.opts.emptyListAsObject ? {} : rows;
  return {
    status: 200,
    body: renderJson({ meta, 'purchase-orders': list }, st.opts.oddValueRate > 0),
    type: JSON_TYPE,
  };
}

function single(st: SandboxState, url: URL, id: string): Reply {
  const i = st.opts.singleOrder404 ? -1 : st.gen.indexOf(st.store, id);
  if (i < 0) return errorReply(404, `Failed to find purchase-order ${id}`);
  const order = st.gen.order(st.store, i);
  const fields = st.opts.ignoreFields ? undefined : parseFields(url.searchParams.get('fields'));
  const body = itemsAsObject(fields ? project(order, fields) : order, st.opts.itemsAsObject, st.opts.seed, i);
  return { status: 200, body: renderJson({ 'purchase-order': body }, st.opts.oddValueRate > 0), type: JSON_TYPE };
}
