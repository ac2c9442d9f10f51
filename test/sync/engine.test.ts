// The sync engine with resource readers made up here: one read loop serves any resource, and what a resource or
// a stream declares (read in full or not, history, a read that cannot vouch for itself) decides passes and STATE.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { ApiClient } from '../../src/client/http.js';
import { resolveSettings } from '../../src/config/config.js';
import { Logger } from '../../src/common/log.js';
import { RecordLineSink, type RecordSink } from '../../src/singer/sink.js';
import type { State } from '../../src/singer/state.js';
import { SingerWriter } from '../../src/singer/writer.js';
import { formatInstantUs, parseInstantUs } from '../../src/values/instants.js';
import { purchaseOrders } from '../../src/streams/purchase-orders.js';
import { vendors, warehouses } from '../../src/streams/reference.js';
import type { Stream } from '../../src/streams/stream.js';
import { SyncRun } from '../../src/engine/sync-run.js';
import { collectionResource } from '../../src/engine/collection-resource.js';
import { purchaseOrdersResource } from '../../src/engine/purchase-order-resource.js';
import type { AnyResourceReader, ApiRecord, ResourceBatch } from '../../src/engine/resource.js';

const NOW = new Date('2026-01-02T03:04:05.678Z');
const V = NOW.getTime();
const T = NOW.toISOString();

/** A record both reference streams can map: a warehouse name and a vendor id. */
const rec = (n: number): ApiRecord => ({ name: `W${n}`, id: `v${n}` });

function reading(batches: ResourceBatch<unknown>[], fail?: Error): AnyResourceReader['read'] {
  return () => ({
    intro: 'reading made-up records',
    batches: (async function* () {
      yield* batches;
      if (fail) throw fail;
    })(),
  });
}

/** A resource no real API has: read in full, its checkpoint a counter kept at the top of the state. */
function ledger(batches: ResourceBatch<unknown>[], fail?: Error): AnyResourceReader {
  return {
    name: 'ledger' as never,
    noun: 'ledger entry',
    unsureRead: 'the ledger lost pages',
    read: reading(batches, fail),
    startState: (state) => state,
    checkpoint: (state, _streams, checkpoint) => ({ ...state, ledger: checkpoint }),
  };
}

const on = (stream: Stream, resource: string, more: Partial<Stream> = {}): Stream => ({
  ...stream,
  resource: resource as never,
  ...more,
});

async function runEngine(options: {
  streams: Stream[];
  resources: AnyResourceReader[];
  state?: State;
  sink?: (writer: SingerWriter) => RecordSink;
  out?: PassThrough;
}) {
  const logs: string[] = [];
  const log = new Logger({ level: 'info', sink: (line) => logs.push(line) });
  const settings = resolveSettings({ api_key: 'k', account_id: 'acct-1' }, log);
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
    now: () => NOW,
    streams: options.streams,
    resources: options.resources,
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

const short = (m: Record<string, any>): string =>
  m.type === 'RECORD'
    ? `RECORD ${m.stream} ${m.record.id ?? m.record.name} v=${m.version}`
    : m.type === 'STATE'
      ? `STATE ${JSON.stringify(m.value)}`
      : `${m.type} ${m.stream}${m.version === undefined ? '' : ` v=${m.version}`}`;

describe('the sync engine, for any resource', () => {
  it('reads a made-up resource in full through the one loop: rows, checkpoints, then its passes completed', async () => {
    const { result, error, messages } = await runEngine({
      streams: [on(warehouses, 'ledger'), on(vendors, 'ledger')],
      resources: [
        ledger([
          { records: [rec(1), rec(2)], checkpoint: 1 },
          { records: [rec(3)], checkpoint: 2 },
        ]),
      ],
    });
    expect(error).toBeUndefined();
    expect(messages.map(short)).toEqual([
      'SCHEMA warehouses',
      'SCHEMA vendors',
      `RECORD warehouses W1 v=${V}`,
      `RECORD vendors v1 v=${V}`,
      `RECORD warehouses W2 v=${V}`,
      `RECORD vendors v2 v=${V}`,
      'STATE {"ledger":1}',
      `RECORD warehouses W3 v=${V}`,
      `RECORD vendors v3 v=${V}`,
      'STATE {"ledger":2}',
      `ACTIVATE_VERSION warehouses v=${V}`,
      `ACTIVATE_VERSION vendors v=${V}`,
      `STATE {"ledger":2,"bookmarks":{"warehouses":{"full_table_version":${V}},"vendors":{"full_table_version":${V}}}}`,
    ]);
    expect(messages[2]).toMatchObject({ record: { name: 'W1', _account_id: 'acct-1', __synced_at: T } });
    expect(result).toEqual({ records: { warehouses: 3, vendors: 3 }, droppedPasses: [] });
  });

  it('never makes a history stream a pass, while its resource read in full makes the others passes', async () => {
    const { result, messages } = await runEngine({
      streams: [on(warehouses, 'ledger'), on(vendors, 'ledger', { history: true })],
      resources: [ledger([{ records: [rec(1)], checkpoint: 1 }])],
    });
    expect(messages.filter((m) => m.type === 'ACTIVATE_VERSION').map(short)).toEqual([
      `ACTIVATE_VERSION warehouses v=${V}`,
    ]);
    expect(messages.at(-1)!.value.bookmarks).toEqual({ warehouses: { full_table_version: V } });
    expect(result).toEqual({ records: { warehouses: 1, vendors: 1 }, droppedPasses: [] });
  });

  it("drops the passes of a collection whose read cannot vouch for itself, and only that resource's", async () => {
    const unsure = {
      ...collectionResource('warehouses'),
      read: reading([{ records: [rec(1)], checkpoint: { offset: 1, id: 'W1' }, mayHaveMissed: true }]),
    };
    const sure = {
      ...collectionResource('vendors'),
      read: reading([{ records: [rec(2)], checkpoint: { offset: 1, id: 'v2' } }]),
    };
    const { result, messages, logs } = await runEngine({
      streams: [warehouses, vendors],
      resources: [unsure, sure],
    });
    const pass = { full_table_pass: { version: V, resume: { offset: 1, id: 'W1' } } };
    expect(messages.map(short)).toEqual([
      'SCHEMA warehouses',
      'SCHEMA vendors',
      `RECORD warehouses W1 v=${V}`,
      `STATE {"bookmarks":{"warehouses":${JSON.stringify(pass)}}}`,
      `RECORD vendors v2 v=${V}`,
      `STATE {"bookmarks":{"warehouses":${JSON.stringify(pass)},"vendors":{"full_table_pass":{"version":${V},"resume":{"offset":1,"id":"v2"}}}}}`,
      `ACTIVATE_VERSION vendors v=${V}`,
      `STATE {"bookmarks":{"warehouses":{},"vendors":{"full_table_version":${V}}}}`,
    ]);
    const warning = logs.find((l) => l.includes('the full-table pass of warehouses'));
    expect(warning).toMatch(/WARNING/);
    expect(warning).toContain('is dropped: GET /warehouses could not show that it listed every record');
    expect(warning).toContain('no ACTIVATE_VERSION, nothing is deleted; every record read was written');
    expect(result).toEqual({ records: { warehouses: 1, vendors: 1 }, droppedPasses: ['warehouses'] });
  });

  it("keeps each stream to the records at or after its own start, by the resource's replication key", async () => {
    const at = (day: string): number => parseInstantUs(`2024-01-0${day}T00:00:00Z`);
    const order = (id: string, day?: string): ApiRecord => ({
      id,
      last_modified: day && `2024-01-0${day}T00:00:00+00:00`,
    });
    const orders = {
      ...purchaseOrdersResource,
      read: reading([
        {
          records: [order('1', '1'), order('2', '3'), order('3')],
          positions: [at('1'), at('3'), null],
          checkpoint: at('3'),
        },
      ]),
    };
    const bookmark = (day: string) => ({
      replication_key: 'last_modified',
      replication_key_value: formatInstantUs(at(day)),
    });
    const { result, messages, logs } = await runEngine({
      streams: [purchaseOrders],
      resources: [orders],
      state: { bookmarks: { purchase_orders: bookmark('2') } },
    });
    expect(messages.map((m) => (m.type === 'RECORD' ? `RECORD ${m.record.purchase_order_id}` : m.type))).toEqual([
      'SCHEMA',
      'STATE',
      'RECORD 2',
      'RECORD 3',
      'STATE',
    ]);
    expect(messages.at(-1)!.value).toEqual({ bookmarks: { purchase_orders: bookmark('3') } });
    expect(logs.some((l) => l.includes('purchase order id="3" has no usable last_modified'))).toBe(true);
    expect(result).toEqual({ records: { purchase_orders: 2 }, droppedPasses: [] });
  });

  it('flushes the sink before every STATE and ACTIVATE_VERSION, and closes it at the end or on an error', async () => {
    for (const fail of [undefined, new Error('the ledger is gone')]) {
      const events: string[] = [];
      const out = new PassThrough();
      out.on('data', (c: Buffer) => {
        for (const line of c.toString().split('\n').filter(Boolean)) events.push(JSON.parse(line).type);
      });
      const sink = (writer: SingerWriter): RecordSink => {
        const lines = new RecordLineSink(writer);
        return {
          open: (stream) => {
            const write = lines.open(stream);
            return (record, t) => {
              events.push('write');
              return write(record, t);
            };
          },
          drain: () => lines.drain(),
          flush: async () => {
            events.push('flush');
            await lines.flush();
          },
          close: async () => {
            events.push('close');
          },
        };
      };
      const { error } = await runEngine({
        streams: [on(warehouses, 'ledger')],
        resources: [
          ledger(
            [
              { records: [rec(1)], checkpoint: 1 },
              { records: [rec(2)], checkpoint: 2 },
            ],
            fail,
          ),
        ],
        sink,
        out,
      });
      expect(error).toBe(fail);
      // Every write before a STATE or ACTIVATE_VERSION was followed by a flush before it.
      let pending = false;
      for (const e of events) {
        if (e === 'write') pending = true;
        if (e === 'flush') pending = false;
        if (e === 'STATE' || e === 'ACTIVATE_VERSION') expect(pending, events.join(' ')).toBe(false);
      }
      expect(events.filter((e) => e === 'STATE')).toHaveLength(fail ? 2 : 3);
      expect(events.filter((e) => e === 'close')).toHaveLength(1);
      expect(events.at(-1)).toBe('close');
    }
  });
});
