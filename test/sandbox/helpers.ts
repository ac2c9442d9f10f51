// Test helpers: a tiny client for the in-process sandbox.
import { request } from 'node:http';
import type { Sandbox } from '../../sandbox/server.js';

export type Json = Record<string, any>;

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

export function authHeaders(sb: Sandbox): Record<string, string> {
  return { 'User-Agent': 'sandbox-tests/1.0', Authorization: sb.apiKey, Account: sb.accountId };
}

export async function api(
  sb: Sandbox,
  path: string,
  init: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Answer> {
  const res = await fetch(`${sb.baseUrl}${path}`, {
    headers: init.headers ?? authHeaders(sb),
    signal: AbortSignal.timeout(init.timeoutMs ?? 30_000),
  });
  return answer(res);
}

/** Status, headers, text, and the JSON body when there is one (HTML, truncated or ndjson bodies stay in `text`). */
async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let json: Json = {};
  try {
    json = JSON.parse(text) as Json;
  } catch {
    // not a single JSON document
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** GET /purchase-orders with the given query; returns the envelope. */
export async function list(sb: Sandbox, query: Record<string, string | number> = {}): Promise<Json> {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const answer = await api(sb, `/purchase-orders${qs ? `?${qs}` : ''}`);
  if (answer.status !== 200) throw new Error(`status ${answer.status}: ${answer.text.slice(0, 200)}`);
  return answer.json;
}

export const ids = (envelope: Json): string[] => (envelope['purchase-orders'] as Json[]).map((o) => o.id as string);

/** Every order, in default order. */
export async function allOrders(sb: Sandbox, extra: Record<string, string | number> = {}): Promise<Json[]> {
  return (await list(sb, { limit: 1000, ...extra }))['purchase-orders'] as Json[];
}

export const instant = (s: string): number => Date.parse(s);

/** Admin endpoints live beside /api/v1. */
export async function admin(sb: Sandbox, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await fetch(`http://127.0.0.1:${sb.port}/__admin/${path}`, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
  });
  return answer(res);
}

/** A raw node:http GET (fetch always adds a User-Agent; this sends only `headers`). */
export function rawGet(
  url: string,
  headers: Record<string, string>,
  timeoutMs = 10_000,
): Promise<{ status: number; headers: Json; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end();
  });
}
