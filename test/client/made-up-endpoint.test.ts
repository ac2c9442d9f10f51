// A new endpoint is a declaration (issue 28, item 3): made-up endpoints, an incremental `/transfers` on
// last_modified with nested lines and a `/bins` collection keyed by `code`, declared as endpoint table entries
// and read by the two readers from a tiny real HTTP server, with fields= verified against GET /<path>/<id>.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { readCollection } from '../../src/client/collection/collection-reader.js';
import type { Endpoint, IncrementalEndpoint } from '../../src/client/endpoints.js';
import { createApiClient } from '../../src/client/http/client.js';
import { readIncremental } from '../../src/client/incremental/incremental-reader.js';

const TRANSFERS: IncrementalEndpoint = {
  path: 'transfers',
  list: 'transfers',
  one: 'transfer',
  id: 'id',
  noun: 'transfer',
  plural: 'transfers',
  replicationKey: 'last_modified',
  lines: 'lines',
};
const BINS: Endpoint = { path: 'bins', list: 'bins', one: 'bin', id: 'code', noun: 'bin', plural: 'bins' };

type Row = Record<string, unknown>;
const T0 = Date.UTC(2024, 0, 1);
const transfers: Row[] = Array.from({ length: 237 }, (_, i) => ({
  id: `t${String(i).padStart(4, '0')}`,
  // Two transfers a second: pages end inside a second, as they do on the real API.
  last_modified: new Date(T0 + Math.floor(i / 2) * 1000).toISOString().replace('.000Z', '+00:00'),
  status: i % 3 ? 'open' : 'closed',
  lines: [{ id: `l${i}`, sku: `S-${i}`, qty: i }],
}));
const bins: Row[] = Array.from({ length: 95 }, (_, i) => ({ code: `b${String(i).padStart(3, '0')}`, aisle: i % 7 }));

/** GET /api/v1/<path>: filters `<key>_gte/_gt/_lt` and `<key>`, `<key>_sort`, page/limit, fields=, and /<path>/<id>. */
function serve(): Promise<{ server: Server; baseUrl: string; paths: string[] }> {
  const paths: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    paths.push(url.pathname + url.search);
    const [, , , name, id] = url.pathname.split('/');
    const endpoint = name === 'transfers' ? TRANSFERS : name === 'bins' ? BINS : undefined;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!endpoint || req.headers.authorization !== 'key') return send(404, { error: 'not found' });
    const rows = endpoint === TRANSFERS ? transfers : bins;
    if (id) {
      const row = rows.find((r) => String(r[endpoint.id]) === id);
      return row ? send(200, { [endpoint.one]: row }) : send(404, { error: 'not found' });
    }
    const q = url.searchParams;
    const at = (value: unknown) => Date.parse(String(value));
    const key = endpoint.replicationKey;
    let list = rows.filter((r) => {
      if (!key) return true;
      const t = at(r[key]);
      return (
        (!q.has(`${key}_gte`) || t >= at(q.get(`${key}_gte`))) &&
        (!q.has(`${key}_gt`) || t > at(q.get(`${key}_gt`))) &&
        (!q.has(`${key}_lt`) || t < at(q.get(`${key}_lt`))) &&
        (!q.has(key) || t === at(q.get(key)))
      );
    });
    const sortKey = key ?? endpoint.id;
    list = [...list].sort((a, b) => (String(a[sortKey]) < String(b[sortKey]) ? -1 : 1));
    if (q.get(`${sortKey}_sort`) === 'desc') list.reverse();
    const limit = Number(q.get('limit'));
    const start = Number(q.get('page')) * limit;
    const fields = q.get('fields')?.split(',');
    const page = list.slice(start, start + limit).map((r) => (fields ? project(r, fields) : r));
    send(200, { meta: { total: list.length, count: page.length, limit, start }, [endpoint.list]: page });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ server, baseUrl: `http://127.0.0.1:${port}/api/v1`, paths });
    }),
  );
}

function project(row: Row, fields: string[]): Row {
  const out: Row = {};
  for (const field of fields) {
    const [head, sub] = field.split('.', 2) as [string, string | undefined];
    if (!(head in row)) continue;
    if (!sub) out[head] = row[head];
    else
      out[head] = (row[head] as Row[]).map((line, i) => ({
        ...(((out[head] as Row[] | undefined)?.[i] as Row) ?? {}),
        [sub]: line[sub],
      }));
  }
  return out;
}

let server: Server | undefined;
afterEach(() => server?.close());

const client = (baseUrl: string) =>
  createApiClient({
    baseUrl,
    apiKey: 'key',
    accountId: 'a1',
    userAgent: 'test',
    timeoutMs: 5000,
    maxRetries: 0,
    retryInitialMs: 1,
    retryMaxMs: 1,
    log: { debug: () => undefined, warn: () => undefined },
  });

describe('a made-up endpoint, declared as an endpoint table entry', () => {
  it('incremental on last_modified: every transfer once, checkpoints rising to the newest, fields= verified', async () => {
    for (const concurrency of [1, 4]) {
      const started = await serve();
      server = started.server;
      const infos: string[] = [];
      const ids: string[] = [];
      const checkpoints: number[] = [];
      for await (const batch of readIncremental(
        client(started.baseUrl),
        TRANSFERS,
        { pageSize: 20, concurrency, fields: ['id', 'last_modified', 'lines.id', 'lines.sku'] },
        { info: (m) => infos.push(m), warn: (m) => infos.push(m) },
      )) {
        ids.push(...batch.records.map((r) => String(r.id)));
        if (batch.checkpoint !== undefined) checkpoints.push(batch.checkpoint);
        for (const r of batch.records) expect(Object.keys(r).sort()).toEqual(['id', 'last_modified', 'lines']);
      }
      expect(new Set(ids), `concurrency ${concurrency}`).toEqual(new Set(transfers.map((t) => t.id)));
      expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
      expect(checkpoints.at(-1)).toBe(Date.parse(String(transfers.at(-1)!.last_modified)) * 1000);
      expect(infos).toContain('transfers: fields= projection verified (4 fields requested)');
      if (concurrency > 1)
        expect(infos.some((m) => /^reading about 237 transfers in \d+ parallel last_modified windows/.test(m))).toBe(
          true,
        );
      expect(started.paths.some((p) => p.startsWith('/api/v1/transfers/t'))).toBe(true);
      expect(started.paths.every((p) => p.startsWith('/api/v1/transfers'))).toBe(true);
      server.close();
    }
  });

  it('a collection keyed by code: every bin once, in id order, a checkpoint at the end', async () => {
    const started = await serve();
    server = started.server;
    const codes: string[] = [];
    let checkpoint: unknown;
    for await (const batch of readCollection(
      client(started.baseUrl),
      BINS,
      { pageSize: 10, concurrency: 3 },
      {
        info: () => undefined,
        warn: () => undefined,
      },
    )) {
      expect(batch.mayHaveMissed).toBeUndefined();
      codes.push(...batch.records.map((r) => String(r.code)));
      checkpoint = batch.checkpoint;
    }
    expect(codes).toEqual(bins.map((b) => b.code));
    expect(checkpoint).toEqual({ offset: 95, id: 'b094' });
    expect(started.paths.every((p) => p.startsWith('/api/v1/bins?') && p.includes('code_sort=asc'))).toBe(true);
  });
});
