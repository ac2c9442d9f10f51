// The sync engine with resource readers made up here: one read loop serves any resource, and what a resource or
// a stream declares (read in full or not, history, a read that cannot vouch for itself) decides passes and STATE.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordLineSink, type RecordSink } from '../../src/singer/sink.js';
import type { SingerWriter } from '../../src/singer/writer.js';
import { formatInstantUs, parseInstantUs } from '../../src/values/instants.js';
import { purchaseOrders } from '../../src/streams/purchase-orders.js';
import { vendors, warehouses } from '../../src/streams/reference.js';
import { collectionResource } from '../../src/engine/collection-resource.js';
import { incrementalResource } from '../../src/engine/incremental-resource.js';
import type { ApiRecord, ResourceBatch } from '../../src/engine/resource.js';
import { ledger, on, reading, rec, runEngine, T, V } from '../helpers/engine-run.js';

const purchaseOrdersResource = incrementalResource('purchase-orders');

const short = (m: Record<string, any>): string =>
  m.type === 'RECORD'
    ? `RECORD ${m.stream} ${m.record.id ?? m.record.name} v=${m.version}`
    : m.type === 'STATE'
      ? `STATE ${JSON.stringify(m.value)}`
      : `${m.type} ${m.stream}${m.version === undefined ? '' : ` v=${m.version}`}`;

describe('the sync engine, for any resource', () => {
  it('reads a made-up resource in full through the one loop: rows, checkpoints, then its passes completed', async () => {
    const { result, error, messages } = await runEngine({
      config: { state_every_records: 1 },
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
      `STATE {"ledger":2,"bookmarks":{"warehouses":{"full_table_version":${V},"full_table_count":3},` +
        `"vendors":{"full_table_version":${V},"full_table_count":3}}}`,
    ]);
    expect(messages[2]).toMatchObject({ record: { name: 'W1', _account_id: 'acct-1', __synced_at: T } });
    expect(result).toEqual({ records: { warehouses: 3, vendors: 3 }, droppedPasses: [], heldPasses: [] });
  });

  it('never makes a history stream a pass, while its resource read in full makes the others passes', async () => {
    const { result, messages } = await runEngine({
      streams: [on(warehouses, 'ledger'), on(vendors, 'ledger', { history: true })],
      resources: [ledger([{ records: [rec(1)], checkpoint: 1 }])],
    });
    expect(messages.filter((m) => m.type === 'ACTIVATE_VERSION').map(short)).toEqual([
      `ACTIVATE_VERSION warehouses v=${V}`,
    ]);
    expect(messages.at(-1)!.value.bookmarks).toEqual({ warehouses: { full_table_version: V, full_table_count: 1 } });
    expect(result).toEqual({ records: { warehouses: 1, vendors: 1 }, droppedPasses: [], heldPasses: [] });
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
    const pass = { full_table_pass: { version: V, resume: { offset: 1, id: 'W1' }, count: 1 } };
    expect(messages.map(short)).toEqual([
      'SCHEMA warehouses',
      'SCHEMA vendors',
      `RECORD warehouses W1 v=${V}`,
      `STATE {"bookmarks":{"warehouses":${JSON.stringify(pass)}}}`,
      `RECORD vendors v2 v=${V}`,
      `STATE {"bookmarks":{"warehouses":${JSON.stringify(pass)},` +
        `"vendors":{"full_table_pass":{"version":${V},"resume":{"offset":1,"id":"v2"},"count":1}}}}`,
      `ACTIVATE_VERSION vendors v=${V}`,
      `STATE {"bookmarks":{"warehouses":{},"vendors":{"full_table_version":${V},"full_table_count":1}}}`,
    ]);
    const warning = logs.find((l) => l.includes('the full-table pass of warehouses'));
    expect(warning).toMatch(/WARNING/);
    expect(warning).toContain('is dropped: GET /warehouses could not show that it listed every record');
    expect(warning).toContain('no ACTIVATE_VERSION, nothing is deleted; every record read was written');
    expect(result).toEqual({ records: { warehouses: 1, vendors: 1 }, droppedPasses: ['warehouses'], heldPasses: [] });
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
    expect(result).toEqual({ records: { purchase_orders: 2 }, droppedPasses: [], heldPasses: [] });
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
        config: { state_every_records: 1 },
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

describe('checkpoint cadence and the record limit', () => {
  const one = (n: number): ResourceBatch<unknown> => ({ records: [rec(n)], checkpoint: n });
  const kinds = (messages: Record<string, any>[]) => messages.filter((m) => m.type !== 'SCHEMA').map(short);

  it('holds STATE until state_every_records records were written, then writes it, and always at the end of a read', async () => {
    const { messages, result } = await runEngine({
      streams: [on(warehouses, 'ledger')],
      resources: [ledger([1, 2, 3, 4, 5].map(one))],
      config: { state_every_records: 2 },
    });
    expect(kinds(messages)).toEqual([
      `RECORD warehouses W1 v=${V}`,
      `RECORD warehouses W2 v=${V}`,
      'STATE {"ledger":2}',
      `RECORD warehouses W3 v=${V}`,
      `RECORD warehouses W4 v=${V}`,
      'STATE {"ledger":4}',
      `RECORD warehouses W5 v=${V}`,
      'STATE {"ledger":5}',
      `ACTIVATE_VERSION warehouses v=${V}`,
      `STATE {"ledger":5,"bookmarks":{"warehouses":{"full_table_version":${V},"full_table_count":5}}}`,
    ]);
    expect(result).toEqual({ records: { warehouses: 5 }, droppedPasses: [], heldPasses: [] });
  });

  it('writes the held STATE once state_every_seconds have passed, whatever the count', async () => {
    let seconds = 0;
    const resource = ledger([]);
    resource.read = () => ({
      intro: 'reading made-up records',
      batches: (async function* () {
        for (const n of [1, 2, 3, 4, 5]) {
          seconds = n - 1; // batch n arrives n-1 seconds into the run
          yield one(n);
        }
      })(),
    });
    const { messages } = await runEngine({
      streams: [on(warehouses, 'ledger')],
      resources: [resource],
      config: { state_every_seconds: 2 },
      now: () => new Date(V + seconds * 1000),
    });
    expect(kinds(messages).filter((m) => m.startsWith('STATE'))).toEqual([
      'STATE {"ledger":3}', // 2 s after the start
      'STATE {"ledger":5}', // 2 s after that one
      `STATE {"ledger":5,"bookmarks":{"warehouses":{"full_table_version":${V},"full_table_count":5}}}`,
    ]);
  });

  it('a read that fails still sends the checkpoint it held for the batches written before the failure', async () => {
    const { messages, error, latestState } = await runEngine({
      streams: [on(warehouses, 'ledger')],
      resources: [ledger([1, 2, 3].map(one), new Error('the ledger is gone'))],
    });
    expect(error).toBeInstanceOf(Error);
    expect(kinds(messages).at(-1)).toBe('STATE {"ledger":3}');
    expect(latestState).toEqual({ ledger: 3 });
  });

  it('stops each stream at the record limit; a stream cut short keeps its checkpoint and its pass stays open', async () => {
    // vendors writes two rows per record, warehouses one: vendors reaches the limit first.
    const twice = on(vendors, 'warehouses', {
      rows: (r, c) => [...vendors.rows(r, c), ...vendors.rows({ ...r, id: `${String(r.id)}b` }, c)],
    });
    const at = (n: number) => ({ offset: n, id: `W${n}` });
    const resource = {
      ...collectionResource('warehouses'),
      read: reading([1, 2, 3, 4, 5].map((n) => ({ records: [rec(n)], checkpoint: at(n) }))),
    };
    const { messages, result, latestState, logs } = await runEngine({
      streams: [warehouses, twice],
      resources: [resource],
      config: { state_every_records: 1 },
      recordLimit: 3,
    });
    const records = messages
      .filter((m) => m.type === 'RECORD')
      .map((m) => `${m.stream} ${m.record.id ?? m.record.name}`);
    expect(records).toEqual([
      'warehouses W1',
      'vendors v1',
      'vendors v1b',
      'warehouses W2',
      'vendors v2', // its v2b is left out: vendors' checkpoint stays at record 1
      'warehouses W3',
    ]);
    expect(messages.filter((m) => m.type === 'ACTIVATE_VERSION')).toEqual([]);
    // the count kept with each checkpoint is the rows written up to it (vendors: record 1's two)
    const pass = (n: number, count: number) => ({ full_table_pass: { version: V, resume: at(n), count } });
    expect(latestState).toEqual({ bookmarks: { warehouses: pass(3, 3), vendors: pass(1, 2) } });
    expect(result).toEqual({ records: { warehouses: 3, vendors: 3 }, droppedPasses: [], heldPasses: [] });
    expect(logs.some((l) => l.includes('vendors, warehouses: stopped at the record limit (3)'))).toBe(true);
  });
});
