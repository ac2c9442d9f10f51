// Runs a sync in-process against whatever answers HTTP (nock in these tests) and returns the parsed
// Singer messages and the log lines.
import { PassThrough } from 'node:stream';
import { createApiClient } from '../../src/client/http.js';
import { resolveSettings } from '../../src/config/config.js';
import { apiClientOptions } from '../../src/entry/main.js';
import type { SingerCatalog } from '../../src/generated/schemas.js';
import { Logger } from '../../src/common/log.js';
import type { State } from '../../src/singer/state.js';
import { SingerWriter } from '../../src/singer/writer.js';
import { SyncRun } from '../../src/engine/sync-run.js';
import { discoverCatalog } from '../../src/singer/catalog.js';
import { STREAMS } from '../../src/streams/index.js';

export const FROZEN = new Date('2026-01-02T03:04:05.678Z');

/**
 * These tests mock GET /purchase-orders only: the catalog (the discovered one when none is given) is cut down
 * to the purchase-order streams, unless `collections` says the test serves variants, warehouses and vendors too.
 */
function ordersOnly(catalog: SingerCatalog | undefined): SingerCatalog {
  const orderStreams = new Set(STREAMS.filter((s) => s.resource === 'purchase-orders').map((s) => s.descriptor.name));
  const full = catalog ?? (discoverCatalog(STREAMS.map((s) => s.descriptor)) as unknown as SingerCatalog);
  return { ...full, streams: full.streams.filter((e) => orderStreams.has(e.tap_stream_id)) };
}

export async function runSync(
  options: {
    config?: Record<string, unknown>;
    catalog?: SingerCatalog;
    state?: State;
    testMode?: boolean;
    now?: Date;
    collections?: boolean;
  } = {},
) {
  const logs: string[] = [];
  const log = new Logger({ level: 'debug', sink: (line) => logs.push(line) });
  const settings = resolveSettings(
    {
      api_key: 'test-key-123',
      account_id: 'acct-1',
      base_url: 'https://api.example.test/api/v1',
      page_size: 2,
      concurrency: 1,
      field_projection: false,
      retry_initial_delay: 0.01,
      ...options.config,
    },
    log,
  );
  log.addSecret(settings.apiKey);
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  // Copied as stdout's pipe copies: the writer fills a buffer again once its write is done.
  out.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const api = createApiClient(apiClientOptions(settings, log));
  const catalog = options.collections ? options.catalog : ordersOnly(options.catalog);
  const run = new SyncRun({
    settings,
    api,
    writer: new SingerWriter(out),
    log,
    catalog,
    state: options.state ?? {},
    testMode: options.testMode,
    now: () => options.now ?? FROZEN,
  });
  let error: unknown;
  await run.run().catch((e: unknown) => {
    error = e;
  });
  const text = Buffer.concat(chunks).toString();
  const lines = text.split('\n').filter(Boolean);
  return {
    text,
    lines,
    messages: lines.map((l) => JSON.parse(l) as Record<string, any>),
    logs,
    error,
    latestState: run.latestState,
  };
}
