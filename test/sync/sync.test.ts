import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { discoverCatalog } from '../../src/singer/catalog.js';
import { STREAMS } from '../../src/streams/index.js';
import { answerList } from '../helpers/fake-orders.js';
import { runSync } from '../helpers/run-sync.js';

const API = 'https://api.example.test';
const fixture = JSON.parse(readFileSync(new URL('../fixtures/api/orders.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>[];
const rows = fixture.map((body) => ({ lm: Date.parse(String(body.last_modified)), body })).sort((a, b) => a.lm - b.lm);
const GOLDEN = new URL('../fixtures/golden/full-sync.jsonl', import.meta.url);
let queries: Record<string, string>[] = [];

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  queries = [];
  nock(API)
    .persist()
    .get('/api/v1/purchase-orders')
    .query(true)
    .reply((uri) => {
      const query = Object.fromEntries(new URL(uri, API).searchParams);
      queries.push(query);
      return [200, answerList(query, rows)];
    });
});
afterEach(() => nock.cleanAll());

const byType = (messages: Record<string, any>[], type: string) => messages.filter((m) => m.type === type);

describe('sync against fixture pages', () => {
  it('a full sync matches the golden Singer output (frozen clock)', async () => {
    const { text, error } = await runSync();
    expect(error).toBeUndefined();
    if (!existsSync(GOLDEN) || process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, 'utf8'));
  });

  it('emits SCHEMA before RECORDs, keys and bookmark properties, and a final SDK-shaped STATE', async () => {
    const { messages } = await runSync();
    const schemas = byType(messages, 'SCHEMA');
    expect(schemas.map((s) => [s.stream, s.key_properties, s.bookmark_properties])).toEqual([
      ['purchase_orders', ['purchase_order_id'], ['last_modified']],
      ['purchase_order_items', ['key'], undefined],
    ]);
    expect(messages.findIndex((m) => m.type === 'RECORD')).toBeGreaterThan(1);
    expect(byType(messages, 'RECORD').every((r) => r.time_extracted === '2026-01-02T03:04:05.678Z')).toBe(true);
    expect(byType(messages, 'STATE').at(-1)!.value).toEqual({
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-03-10T08:00:00.000Z' },
        purchase_order_items: { replication_key: 'last_modified', replication_key_value: '2024-03-10T08:00:00.000Z' },
      },
    });
  });

  it('normalises timestamps to UTC and numbers from strings', async () => {
    const { messages } = await runSync();
    const orders = byType(messages, 'RECORD')
      .filter((r) => r.stream === 'purchase_orders')
      .map((r) => r.record);
    const northwind = orders.find((o) => o.purchase_order_id === '65e5b7a2c1f04d3a9b8e7f10')!;
    expect(northwind).toMatchObject({
      last_modified: '2024-03-06T14:12:09.000Z',
      total_received: null,
      type: '',
      received_date: null,
    });
    const acme = orders.find((o) => o.purchase_order_id === '65c0d91e8a7b4f2e6d5c4b3a')!;
    expect(acme).toMatchObject({
      updated_at: '2024-02-21T16:40:55.000Z',
      total_ordered: 600,
      vendor_name: 'Acme Packaging',
    });
  });

  it('an incremental run from a state starts at the bookmark, inclusive', async () => {
    const state = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-03-06T14:12:09.000Z' },
        purchase_order_items: { replication_key: 'last_modified', replication_key_value: '2024-03-06T14:12:09.000Z' },
      },
    };
    const { messages } = await runSync({ state });
    expect(queries[0]).toMatchObject({ last_modified_gte: '2024-03-06T14:12:09+00:00', last_modified_sort: 'asc' });
    const ids = byType(messages, 'RECORD')
      .filter((r) => r.stream === 'purchase_orders')
      .map((r) => r.record.purchase_order_id);
    expect(ids).toEqual(['65e5b7a2c1f04d3a9b8e7f10', '65f0aa11b2c3d4e5f6a7b8c9']);
    expect(byType(messages, 'STATE')[0]!.value).toEqual(state); // the input state is echoed first
  });

  it('each stream keeps its own bookmark: a newly selected stream backfills in the same pass', async () => {
    const state = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2024-03-10T08:00:00.000Z' },
      },
    };
    const { messages } = await runSync({ state, config: { start_date: '2024-01-01' } });
    const records = byType(messages, 'RECORD');
    expect(records.filter((r) => r.stream === 'purchase_orders').map((r) => r.record.purchase_order_id)).toEqual([
      '65f0aa11b2c3d4e5f6a7b8c9',
    ]);
    expect(records.filter((r) => r.stream === 'purchase_order_items')).toHaveLength(4);
    expect(queries[0]!.last_modified_gte).toBe('2024-01-01T00:00:00+00:00');
    expect(byType(messages, 'STATE').at(-1)!.value.bookmarks.purchase_orders.replication_key_value).toBe(
      '2024-03-10T08:00:00.000Z',
    );
  });

  it('start_date later than the bookmark wins', async () => {
    const state = {
      bookmarks: {
        purchase_orders: { replication_key: 'last_modified', replication_key_value: '2020-01-01T00:00:00Z' },
      },
    };
    await runSync({ state, config: { start_date: '2024-03-01T00:00:00Z' } });
    expect(queries[0]!.last_modified_gte).toBe('2024-03-01T00:00:00+00:00');
  });

  it('with a catalog, only selected streams and fields are emitted, SCHEMA included', async () => {
    const catalog = discoverCatalog(STREAMS.map((s) => s.descriptor)) as any;
    catalog.streams[0].metadata[0].metadata.selected = false;
    catalog.streams[1].metadata[0].metadata.selected = true;
    for (const m of catalog.streams[1].metadata)
      if (['title', 'vendor_name', 'key'].includes(m.breadcrumb[1])) m.metadata.selected = false;
    const { messages } = await runSync({ catalog });
    const schemas = byType(messages, 'SCHEMA');
    expect(schemas.map((s) => s.stream)).toEqual(['purchase_order_items']);
    expect(Object.keys(schemas[0]!.schema.properties)).not.toContain('title');
    expect(Object.keys(schemas[0]!.schema.properties)).toContain('key'); // a key property cannot be deselected
    const records = byType(messages, 'RECORD');
    expect(
      records.every((r) => r.stream === 'purchase_order_items' && !('title' in r.record) && 'key' in r.record),
    ).toBe(true);
    expect(Object.keys(byType(messages, 'STATE').at(-1)!.value.bookmarks)).toEqual(['purchase_order_items']);
  });

  it('--test emits SCHEMA and at most one RECORD per stream, and no STATE', async () => {
    const { messages } = await runSync({ recordLimit: 1 });
    expect(byType(messages, 'SCHEMA')).toHaveLength(2);
    expect(byType(messages, 'RECORD').map((r) => r.stream)).toEqual(['purchase_orders', 'purchase_order_items']);
    expect(byType(messages, 'STATE')).toHaveLength(0);
  });

  const serveWith = (edit: (orders: Record<string, any>[]) => void): void => {
    nock.cleanAll();
    const bad = structuredClone(fixture);
    edit(bad);
    const badRows = bad
      .map((body) => ({ lm: Date.parse(String(body.last_modified)), body }))
      .sort((a, b) => a.lm - b.lm);
    nock(API)
      .persist()
      .get('/api/v1/purchase-orders')
      .query(true)
      .reply((uri) => [200, answerList(Object.fromEntries(new URL(uri, API).searchParams), badRows)]);
  };

  it(
    'with strict_values, a value that cannot fit the schema stops the run before its records, naming stream, ' +
      'key and field',
    async () => {
      serveWith((bad) => (bad[1]!.total_ordered = 'twelve'));
      const { messages, error } = await runSync({ config: { strict_values: true } });
      expect((error as Error).message).toMatch(
        /purchase_orders record purchase_order_id="65e5b7a2c1f04d3a9b8e7f10": field total_ordered/,
      );
      expect(byType(messages, 'RECORD').some((r) => r.record.purchase_order_id === '65e5b7a2c1f04d3a9b8e7f10')).toBe(
        false,
      );
      const states = byType(messages, 'STATE');
      expect(
        states.every((s) => s.value.bookmarks.purchase_orders.replication_key_value < '2024-03-06T14:12:09.000Z'),
      ).toBe(true);
    },
  );
});
