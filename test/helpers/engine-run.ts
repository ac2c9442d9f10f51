// The sync engine with resource readers made up in the test: what engine tests share.
import { PassThrough } from 'node:stream';
import type { ApiClient } from '../../src/client/http/types.js';
import { resolveSettings } from '../../src/config/config.js';
import { Logger } from '../../src/common/log.js';
import type { RecordSink } from '../../src/singer/sink.js';
import type { State } from '../../src/singer/state.js';
import { SingerWriter } from '../../src/singer/writer.js';
import type { Stream } from '../../src/streams/stream.js';
import { SyncRun, type SyncOptions } from '../../src/engine/sync-run.js';
import type { AnyResourceReader, ApiRecord, ResourceBatch } from '../../src/engine/resource.js';

export const NOW = new Date('2026-01-02T03:04:05.678Z');
export const V = NOW.getTime();
export const T = NOW.toISOString();

/** A record both reference streams can map: a warehouse name and a vendor id. */
export const rec = (n: number): ApiRecord => ({ name: `W${n}`, id: `v${n}` });

export function reading(batches: ResourceBatch<unknown>[], fail?: Error): AnyResourceReader['read'] {
  return () => ({
    intro: 'reading made-up records',
    batches: (async function* () {
      yield* batches;
      if (fail) throw fail;
    })(),
  });
}

/** A resource no real API has: read in full, its checkpoint a counter kept at the top of the state. */
export function ledger(batches: ResourceBatch<unknown>[], fail?: Error): AnyResourceReader {
  return {
    name: 'ledger' as never,
    noun: 'ledger entry',
    unsureRead: 'the ledger lost pages',
    read: reading(batches, fail),
    startState: (state) => state,
    checkpoint: (state, _streams, checkpoint) => ({ ...state, ledger: checkpoint }),
  };
}

export const on = (stream: Stream, resource: string, more: Partial<Stream> = {}): Stream => ({
  ...stream,
  resource: resource as never,
  ...more,
});

export async function runEngine(options: {
  streams: Stream[];
  resources: AnyResourceReader[];
  state?: State;
  sink?: (writer: SingerWriter) => RecordSink;
  out?: PassThrough;
  config?: Record<string, unknown>;
  now?: () => Date;
  recordLimit?: number;
  catalog?: SyncOptions['catalog'];
  validator?: SyncOptions['validator'];
}) {
  const logs: string[] = [];
  const log = new Logger({ level: 'info', sink: (line) => logs.push(line) });
  const settings = resolveSettings({ api_key: 'k', account_id: 'acct-1', ...options.config }, log);
  const out = options.out ?? new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const writer = new SingerWriter(out);
  const run = new SyncRun({
    settings,
    api: {} as ApiClient,
    writer,
    sink: options.sink?.(writer),
    log,
    state: options.state ?? {},
    now: options.now ?? (() => NOW),
    recordLimit: options.recordLimit,
    streams: options.streams,
    resources: options.resources,
    catalog: options.catalog,
    validator: options.validator,
  });
  let error: unknown;
  const result = await run.run().catch((e: unknown) => {
    error = e;
  });
  const messages = Buffer.concat(chunks)
    .toString()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, any>);
  return { result, error, messages, logs, latestState: run.latestState };
}
