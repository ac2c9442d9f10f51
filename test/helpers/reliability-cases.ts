// Bad input (issue 5, scenario 7): files, flags and API answers the tap must refuse with one clear line.
// Shared by test/reliability/bad-input.test.ts and scripts/soak.ts, so no vitest here.
// The sandbox has no switch for a broken answer, so `startBadApi` is a tiny local server whose first path
// segment picks the misbehaviour: http://127.0.0.1:<port>/<mode>/api/v1/purchase-orders.
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sandbox } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import { RELIABILITY_API_KEY, tap, type Run } from './reliability-scenarios.js';

export type BadMode =
  | 'html-403'
  | 'not-json'
  | 'bad-number'
  | 'no-list'
  | 'bad-items'
  | 'echo-500'
  | 'echo-200'
  | 'echo-401';

export interface BadApi {
  url(mode: BadMode): string;
  requests: number;
  close(): Promise<void>;
}

const CLOUDFLARE_403 =
  '<!DOCTYPE html>\n<html><head><title>Attention Required! | Cloudflare</title></head><body><h1>Sorry, you have ' +
  'been blocked</h1></body></html>\n';
export const GOOD_ORDER_ID = '65a000000000000000000001';
export const BAD_ORDER_ID = '65a000000000000000000002';
/** last_modified of the bad order: no STATE may reach it. */
export const BAD_ORDER_AT = '2024-01-02T00:00:00.000Z';

function order(id: string, lastModified: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    reference: id.slice(-4),
    status: 'open',
    type: 'po',
    vendor: 'v1',
    source: 'v1',
    last_modified: lastModified,
    total_ordered: 5,
    total_received: 0,
    created_date: '2024-01-01',
    created_at: '2024-01-01T00:00:00+00:00',
    items: [
      { id: `${id.slice(-4)}_1`, sku: 'SKU-1', title: 'Widget', replenishment: 5, cost_price: '8.50', received: 0 },
    ],
    ...extra,
  };
}

function page(orders: Record<string, unknown>[]): string {
  return JSON.stringify({
    meta: { name: 'purchase-orders', total: orders.length, count: orders.length, limit: 100, page: 0 },
    'purchase-orders': orders,
  });
}

export async function startBadApi(): Promise<BadApi> {
  const api = { requests: 0 } as BadApi;
  const server: Server = createServer((req, res) => {
    api.requests++;
    const mode = (req.url ?? '/').split('/')[1] as BadMode;
    const key = String(req.headers.authorization ?? '');
    const reply = (status: number, type: string, body: string): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    const good = order(GOOD_ORDER_ID, '2024-01-01T00:00:00+00:00');
    switch (mode) {
      case 'html-403':
        return reply(403, 'text/html; charset=UTF-8', CLOUDFLARE_403);
      case 'not-json':
        return reply(200, 'text/html; charset=UTF-8', '<html><body>Down for maintenance</body></html>');
      case 'bad-number':
        return reply(
          200,
          'application/json',
          page([good, order(BAD_ORDER_ID, BAD_ORDER_AT, { total_ordered: 'abc' })]),
        );
      case 'no-list':
        return reply(200, 'application/json', JSON.stringify({ result: { status: 'success' }, orders: [] }));
      case 'bad-items':
        return reply(
          200,
          'application/json',
          page([good, order(BAD_ORDER_ID, BAD_ORDER_AT, { items: 'three widgets' })]),
        );
      // Servers that echo the credentials back: the tap must still never print them.
      case 'echo-500':
        return reply(500, 'text/plain', `internal error while checking key ${key}`);
      case 'echo-200':
        return reply(200, 'text/html', `<html><body>Welcome ${key}</body></html>`);
      case 'echo-401':
        return reply(
          401,
          'application/json',
          JSON.stringify({ result: { status: 'error', message: `Invalid API key ${key}` } }),
        );
      default:
        return reply(404, 'application/json', '{"result":{"status":"error","message":"Not found"}}');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  api.url = (mode) => `http://127.0.0.1:${port}/${mode}/api/v1`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return api;
}

export interface CaseContext {
  dir: string;
  sandbox: Sandbox;
  bad: BadApi;
  /** A port where nothing listens. */
  closedPort: number;
}

export interface BadInputCase {
  name: string;
  args(ctx: CaseContext): string[];
  env?(ctx: CaseContext): NodeJS.ProcessEnv;
  /** The one error line must match both: what is wrong, and what to do. */
  what: RegExp;
  todo: RegExp;
  /** default 1 */
  code?: number;
  /** Fails before any sync: stderr is exactly the one line, stdout is empty. */
  beforeSync?: boolean;
  /**
   * Orders whose values cannot fit: no RECORD of theirs, no STATE at or after BAD_ORDER_AT. Otherwise no RECORD or
   * STATE at all.
   */
  badOrders?: boolean;
  /** The --state the case passes: re-emitting exactly this STATE is fine. */
  inputState?: string;
  /** Secrets besides the sandbox's key (e.g. a wrong key that was configured). */
  secrets?: string[];
}

const WRONG_KEY = 'wrong-KEY-0d9a4c77e1';

function file(ctx: CaseContext, name: string, text: string): string {
  const path = join(ctx.dir, name);
  writeFileSync(path, text);
  return path;
}

/** A valid config for the sandbox with some settings changed (undefined removes a setting). */
function config(ctx: CaseContext, name: string, patch: Record<string, unknown> = {}): string {
  const base: Record<string, unknown> = {
    api_key: RELIABILITY_API_KEY,
    account_id: ctx.sandbox.accountId,
    base_url: ctx.sandbox.baseUrl,
    max_retries: 1,
    retry_initial_delay: 0.05,
  };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return writeJson(join(ctx.dir, `${name}.config.json`), base);
}

const badApiConfig = (ctx: CaseContext, name: string, mode: BadMode, patch: Record<string, unknown> = {}): string =>
  config(ctx, name, { base_url: ctx.bad.url(mode), field_projection: false, max_retries: 0, ...patch });

const goodState = JSON.stringify({
  bookmarks: {
    purchase_orders: { replication_key: 'last_modified', replication_key_value: '2022-01-01T00:00:00.000Z' },
  },
});

export const BAD_INPUT_CASES: BadInputCase[] = [
  // --- flags and files
  {
    name: 'no --config at all',
    args: () => [],
    what: /INPUT_FILE_INVALID: no --config given/,
    todo: /Pass --config FILE/,
    beforeSync: true,
  },
  {
    name: 'unknown flag',
    args: (c) => ['--config', config(c, 'flag'), '--sate', 'x.json'],
    what: /USAGE_ERROR: Unknown argument: sate/,
    todo: /--help/,
    code: 2,
    beforeSync: true,
  },
  {
    name: 'config file missing',
    args: (c) => ['--config', join(c.dir, 'nope.json')],
    what: /config file \S+nope\.json cannot be read/,
    todo: /Check the --config path/,
    beforeSync: true,
  },
  {
    name: 'config not JSON',
    args: (c) => ['--config', file(c, 'broken.config.json', `{"api_key": "${RELIABILITY_API_KEY}", `)],
    what: /config file \S+ is not valid JSON/,
    todo: /Fix the file/,
    beforeSync: true,
  },
  {
    name: 'config is an array',
    args: (c) => ['--config', file(c, 'array.config.json', JSON.stringify([RELIABILITY_API_KEY]))],
    what: /config file \S+ must contain a JSON object/,
    todo: /Fix the file/,
    beforeSync: true,
  },
  {
    name: 'config without api_key',
    args: (c) => ['--config', config(c, 'nokey', { api_key: undefined })],
    what: /CONFIG_INVALID: config: api_key is required/,
    todo: /Fix the config/,
    beforeSync: true,
  },
  {
    name: 'config with wrong types',
    args: (c) => [
      '--config',
      config(c, 'types', { page_size: 'many', concurrency: 0, request_timeout: '30s', field_projection: 'yes' }),
    ],
    what: new RegExp(
      'CONFIG_INVALID: (?=.*page_size must be an integer such as 100, got "many")(?=.*concurrency must be >= 1)' +
        '(?=.*request_timeout must be a number such as 30 or 0.5, got "30s")(?=.*field_projection must be boolean)',
    ),
    todo: /Fix the config/,
    beforeSync: true,
  },
  {
    name: 'start_date not RFC 3339',
    args: (c) => ['--config', config(c, 'date', { start_date: '01/02/2024' })],
    what: /start_date must be an RFC 3339 date or date-time/,
    todo: /e\.g\. 2024-01-31.*Fix the config/,
    beforeSync: true,
  },
  {
    name: 'start_date not a calendar date',
    args: (c) => ['--config', config(c, 'date2', { start_date: '2024-02-30T00:00:00Z' })],
    what: /start_date must be an RFC 3339/,
    todo: /Fix the config/,
    beforeSync: true,
  },
  {
    name: 'base_url plain http to a remote host',
    args: (c) => ['--config', config(c, 'http', { base_url: 'http://app.inventory-planner.com/api/v1' })],
    what: /base_url must use https/,
    todo: /loopback|Fix the config/,
    beforeSync: true,
  },
  {
    name: 'base_url not a URL',
    args: (c) => ['--config', config(c, 'url', { base_url: 'app.inventory-planner.com/api/v1' })],
    what: /base_url must be an absolute URL/,
    todo: /Fix the config/,
    beforeSync: true,
  },
  {
    name: 'ENV config with a bad number',
    args: () => ['--config', 'ENV'],
    env: (c) => ({
      TAP_INVENTORY_PLANNER_API_KEY: RELIABILITY_API_KEY,
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: c.sandbox.accountId,
      TAP_INVENTORY_PLANNER_BASE_URL: c.sandbox.baseUrl,
      TAP_INVENTORY_PLANNER_PAGE_SIZE: 'lots',
    }),
    what: /CONFIG_INVALID: .*page_size must be/,
    todo: /Fix the config/,
    beforeSync: true,
  },
  {
    name: 'state file missing',
    args: (c) => ['--config', config(c, 'st1'), '--state', join(c.dir, 'no-state.json')],
    what: /state file \S+ cannot be read/,
    todo: /Check the --state path/,
    beforeSync: true,
  },
  {
    name: 'state not JSON',
    args: (c) => ['--config', config(c, 'st2'), '--state', file(c, 'broken.state.json', '{"bookmarks": {')],
    what: /state file \S+ is not valid JSON/,
    todo: /Pass the last STATE/,
    beforeSync: true,
  },
  {
    name: 'state with the wrong shape',
    args: (c) => [
      '--config',
      config(c, 'st3'),
      '--state',
      file(c, 'shape.state.json', '{"bookmarks": ["purchase_orders"]}'),
    ],
    what: /state file \S+ has the wrong shape: bookmarks must be object/,
    todo: /Expected \{"bookmarks"/,
    beforeSync: true,
  },
  {
    name: 'state with the wrong types',
    args: (c) => [
      '--config',
      config(c, 'st4'),
      '--state',
      file(
        c,
        'types.state.json',
        '{"bookmarks": {"purchase_orders": {"replication_key": "last_modified", "replication_key_value": 1704067200}}}',
      ),
    ],
    what: /state file \S+ has the wrong shape: .*replication_key_value must be string/,
    todo: /Expected \{"bookmarks"/,
    beforeSync: true,
  },
  {
    name: 'state bookmark not a date-time',
    args: (c) => [
      '--config',
      config(c, 'st5'),
      '--state',
      file(
        c,
        'date.state.json',
        '{"bookmarks": {"purchase_orders": {"replication_key": "last_modified", "replication_key_value": "last ' +
          'Tuesday"}}}',
      ),
    ],
    what: /state bookmark for purchase_orders is not a date-time/,
    todo: /Fix or remove the state file/,
    beforeSync: true,
  },
  {
    name: 'catalog file missing',
    args: (c) => ['--config', config(c, 'cat1'), '--catalog', join(c.dir, 'no-catalog.json')],
    what: /catalog file \S+ cannot be read/,
    todo: /Check the --catalog path/,
    beforeSync: true,
  },
  {
    name: 'catalog not JSON',
    args: (c) => ['--config', config(c, 'cat2'), '--catalog', file(c, 'broken.catalog.json', '{"streams": [')],
    what: /catalog file \S+ is not valid JSON/,
    todo: /Regenerate it with --discover/,
    beforeSync: true,
  },
  {
    name: 'catalog with the wrong shape',
    args: (c) => [
      '--config',
      config(c, 'cat3'),
      '--catalog',
      file(c, 'shape.catalog.json', '{"streams": {"purchase_orders": true}}'),
    ],
    what: /catalog file \S+ is not a Singer catalog/,
    todo: /Regenerate it with --discover/,
    beforeSync: true,
  },
  {
    name: 'catalog naming an unknown stream',
    args: (c) => [
      '--config',
      config(c, 'cat4'),
      '--catalog',
      file(
        c,
        'unknown.catalog.json',
        JSON.stringify({
          streams: [
            {
              tap_stream_id: 'sales_orders',
              stream: 'sales_orders',
              schema: { type: 'object', properties: {} },
              metadata: [],
            },
          ],
        }),
      ),
    ],
    what: /catalog names stream "sales_orders", which this tap does not have/,
    todo: /Regenerate the catalog with --discover/,
    beforeSync: true,
  },
  // --- the API
  {
    name: 'wrong API key (401)',
    args: (c) => [
      '--config',
      config(c, 'wrongkey', { api_key: WRONG_KEY }),
      '--state',
      file(c, 'ok.state.json', goodState),
    ],
    what: /API_AUTH_FAILED: The API rejected the credentials \(HTTP 401\)/,
    todo: /Check api_key and account_id/,
    secrets: [WRONG_KEY],
    inputState: goodState,
  },
  {
    name: 'CDN HTML page (403)',
    args: (c) => ['--config', badApiConfig(c, 'cdn', 'html-403')],
    what: /API_AUTH_FAILED: .*blocked by the API's CDN \(HTTP 403 with an HTML page\)/,
    todo: /Check that user_agent is set/,
  },
  {
    name: 'HTTP 200 with a body that is not JSON',
    args: (c) => ['--config', badApiConfig(c, 'notjson', 'not-json')],
    what: /API_NOT_JSON: .*HTTP 200 with a body that is not JSON/,
    todo: /check base_url/,
  },
  {
    name: 'JSON without the purchase-orders list',
    args: (c) => ['--config', badApiConfig(c, 'nolist', 'no-list')],
    what: /API_CONTRACT_VIOLATED: .*without a "purchase-orders" list/,
    todo: /check base_url/,
  },
  {
    name: 'with strict_values, a number that is not a number (total_ordered "abc")',
    args: (c) => ['--config', badApiConfig(c, 'badnum', 'bad-number', { strict_values: true })],
    what: new RegExp(
      `RECORD_INVALID: purchase_orders record purchase_order_id="${BAD_ORDER_ID}": field total_ordered .*"abc"`,
    ),
    todo: /report the value/,
    badOrders: true,
  },
  {
    name: 'items that are not a list',
    args: (c) => ['--config', badApiConfig(c, 'baditems', 'bad-items')],
    what: new RegExp(
      `RECORD_INVALID: purchase_order_items of purchase_order_id="${BAD_ORDER_ID}": items is not a list`,
    ),
    todo: /report the value/,
    badOrders: true,
  },
  {
    name: 'base_url path that does not exist (404)',
    args: (c) => ['--config', config(c, 'path404', { base_url: c.sandbox.baseUrl.replace('/api/v1', '/api/v9') })],
    what: /API_HTTP_ERROR: GET \/purchase-orders failed with HTTP 404/,
    todo: /Check base_url: it must be the API root, ending in \/api\/v1/,
  },
  {
    name: 'nothing listening at base_url',
    args: (c) => ['--config', config(c, 'refused', { base_url: `http://127.0.0.1:${c.closedPort}/api/v1` })],
    what: /API_NETWORK_ERROR: GET \/purchase-orders failed: nothing accepts connections at 127\.0\.0\.1:\d+ \(ECONNREFUSED\)\./,
    todo: /Check base_url \(http:\/\/127\.0\.0\.1:\d+\/api\/v1\)/,
  },
  // --- servers that echo the key back
  {
    name: 'server echoing the key in a 500 body',
    args: (c) => ['--config', badApiConfig(c, 'echo500', 'echo-500')],
    what: /API_HTTP_ERROR: GET \/purchase-orders failed with HTTP 500/,
    todo: /run again later/,
  },
  {
    name: 'server echoing the key in a non-JSON 200 body',
    args: (c) => ['--config', badApiConfig(c, 'echo200', 'echo-200')],
    what: /API_NOT_JSON/,
    todo: /check base_url/,
  },
  {
    name: 'server echoing the key in a 401 body',
    args: (c) => ['--config', badApiConfig(c, 'echo401', 'echo-401')],
    what: /API_AUTH_FAILED/,
    todo: /Check api_key/,
  },
];

const LOG_LINE = /^(\d{4}-\d{2}-\d{2}T\S+ (DEBUG|INFO|WARNING|ERROR|CRITICAL) tap-inventory-planner: |INFO METRIC: \{)/;
const STACK = /^\s+at\s|node:internal|\bTypeError\b|\bReferenceError\b|Unhandled|triggerUncaughtException/m;

/** Everything wrong with how a bad-input run failed; empty when it failed the way users need. */
export function failureProblems(c: BadInputCase, run: Run, level: 'info' | 'debug'): string[] {
  const problems: string[] = [];
  if (run.code !== (c.code ?? 1))
    problems.push(`exit code ${run.code} (signal ${run.signal}), expected ${c.code ?? 1}`);
  if (STACK.test(run.stderr) || STACK.test(run.stdout))
    problems.push('a stack trace or internal error text was printed');
  const lines = run.stderr.split('\n').filter((l) => l !== '');
  const errors = lines.filter((l) => /^USAGE_ERROR: /.test(l) || / (ERROR|CRITICAL) tap-inventory-planner: /.test(l));
  if (errors.length !== 1) problems.push(`${errors.length} error lines on stderr, expected exactly one`);
  const line = errors[0] ?? '';
  if (!c.what.test(line)) problems.push(`the error line does not say what is wrong (${c.what}): ${line.slice(0, 300)}`);
  if (!c.todo.test(line)) problems.push(`the error line does not say what to do (${c.todo}): ${line.slice(0, 300)}`);
  const stray = lines.filter((l) => !LOG_LINE.test(l) && !/^USAGE_ERROR: /.test(l));
  if (stray.length)
    problems.push(`stderr has ${stray.length} line(s) that are not log lines: ${stray[0]!.slice(0, 200)}`);
  if (c.beforeSync && level === 'info' && lines.length !== 1)
    problems.push(`stderr has ${lines.length} lines, expected only the error line`);
  if (c.beforeSync && run.stdout !== '') problems.push(`stdout is not empty: ${run.stdout.slice(0, 200)}`);
  if (run.stdout !== '' && !run.stdout.endsWith('\n')) problems.push('stdout ends with a cut line');
  for (const text of run.stdout.split('\n').filter(Boolean)) {
    let message: {
      type?: string;
      record?: Record<string, unknown>;
      value?: { bookmarks?: Record<string, { replication_key_value?: string }> };
    };
    try {
      message = JSON.parse(text);
    } catch {
      problems.push(`stdout line is not JSON: ${text.slice(0, 200)}`);
      continue;
    }
    if (!['SCHEMA', 'RECORD', 'STATE'].includes(String(message.type)))
      problems.push(`stdout line is not a Singer message: ${text.slice(0, 200)}`);
    const inputState =
      message.type === 'STATE' &&
      c.inputState !== undefined &&
      JSON.stringify(message.value) === JSON.stringify(JSON.parse(c.inputState));
    if (!c.badOrders && !inputState && (message.type === 'RECORD' || message.type === 'STATE'))
      problems.push(`stdout carries a ${message.type} though nothing valid was read: ${text.slice(0, 200)}`);
    if (message.type === 'RECORD' && message.record?.purchase_order_id === BAD_ORDER_ID)
      problems.push(`a RECORD of the bad order was written: ${text.slice(0, 200)}`);
    if (message.type === 'STATE') {
      for (const [stream, b] of Object.entries(message.value?.bookmarks ?? {})) {
        if (String(b.replication_key_value) >= BAD_ORDER_AT)
          problems.push(`STATE for ${stream} covers the bad order: ${text.slice(0, 200)}`);
      }
    }
  }
  return problems;
}

export async function runBadInput(c: BadInputCase, ctx: CaseContext, level: 'info' | 'debug'): Promise<Run> {
  return tap(`bad input: ${c.name} (${level})`, c.args(ctx), {
    env: { TAP_INVENTORY_PLANNER_LOG_LEVEL: level, ...c.env?.(ctx) },
    timeoutMs: 60_000,
  });
}

export const caseSecrets = (c: BadInputCase): string[] => [RELIABILITY_API_KEY, ...(c.secrets ?? [])];
