// Values that cannot be read (issue 12, item 5): by default the column is null, with a warning that names
// stream, key, column and problem (the raw value only at debug level), a count in the end summary and a
// metric; a key still stops the run; strict_values keeps the old stop.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { answerList } from '../helpers/fake-orders.js';
import { runSync } from '../helpers/run-sync.js';

const API = 'https://api.example.test';
const fixture = JSON.parse(readFileSync(new URL('../fixtures/api/orders.json', import.meta.url), 'utf8')) as Record<
  string,
  any
>[];
const ODD_ID = '65e5b7a2c1f04d3a9b8e7f10';
// JSON.stringify cannot write 1e400 (it is Infinity once parsed): the body carries a marker replaced as text.
const HUGE = '__1e400__';

function serve(edit: (orders: Record<string, any>[]) => void): void {
  const orders = structuredClone(fixture);
  edit(orders);
  const rows = orders.map((body) => ({ lm: Date.parse(String(body.last_modified)), body })).sort((a, b) => a.lm - b.lm);
  nock(API)
    .persist()
    .get('/api/v1/purchase-orders')
    .query(true)
    .reply((uri) => [
      200,
      JSON.stringify(answerList(Object.fromEntries(new URL(uri, API).searchParams), rows)).replaceAll(
        `"${HUGE}"`,
        '1e400',
      ),
      { 'Content-Type': 'application/json' },
    ]);
}

const oddOrder = (orders: Record<string, any>[]): Record<string, any> => orders.find((o) => o.id === ODD_ID)!;
function poison(orders: Record<string, any>[]): void {
  const o = oddOrder(orders);
  Object.assign(o, {
    total_ordered: 'N/A',
    total_received: HUGE,
    created_at: '0000-00-00 00:00:00',
    updated_at: '2024-13-45 10:00:00',
    received_date: '03/15/2024',
    status: { code: 'open' },
    warehouse: true,
  });
  Object.assign(o.items[0], { cost_price: '$8.50', title: false });
  Object.assign(o.items[1], { replenishment: '1,234.50', cost_price: '1,234' });
}

const records = (messages: Record<string, any>[], stream: string) =>
  messages.filter((m) => m.type === 'RECORD' && m.stream === stream).map((m) => m.record);
const warnings = (logs: string[]) => logs.filter((l) => / WARNING /.test(l));

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe('values that cannot be read', () => {
  it(
    'are written as null (or read, where the rule allows), with warnings, a summary and a metric; ' + 'the run goes on',
    async () => {
      serve(() => {});
      const clean = await runSync();
      nock.cleanAll();
      serve(poison);
      const { messages, logs, error } = await runSync();
      expect(error).toBeUndefined();

      const order = records(messages, 'purchase_orders').find((r) => r.purchase_order_id === ODD_ID)!;
      const cleanOrder = records(clean.messages, 'purchase_orders').find((r) => r.purchase_order_id === ODD_ID)!;
      expect(order).toEqual({
        ...cleanOrder,
        total_ordered: null,
        total_received: null,
        created_at: null,
        updated_at: null,
        received_date: null,
        status: null,
        warehouse: null,
      });
      const lines = records(messages, 'purchase_order_items').filter((r) => r.purchase_order_id === ODD_ID);
      expect(lines.map((l) => [l.cost_price, l.title, l.replenishment])).toEqual([
        [null, null, 100],
        [null, 'Classic Tee - Black / L', 1234.5],
      ]);
      // Every other record is as in a clean run, and the bookmark goes as far.
      expect(records(messages, 'purchase_orders').filter((r) => r.purchase_order_id !== ODD_ID)).toEqual(
        records(clean.messages, 'purchase_orders').filter((r) => r.purchase_order_id !== ODD_ID),
      );
      expect(messages.filter((m) => m.type === 'STATE').at(-1)).toEqual(
        clean.messages.filter((m) => m.type === 'STATE').at(-1),
      );

      const warned = warnings(logs);
      const perValue = warned.filter((l) => /written as null$/.test(l));
      expect(perValue.map((l) => l.replace(/^.* WARNING tap-inventory-planner: /, '')).sort()).toEqual([
        `purchase_order_items record purchase_order_id="${ODD_ID}" item id="c4821_40118830215": ` +
          `cost_price expected a number; written as null`,
        `purchase_order_items record purchase_order_id="${ODD_ID}" item id="c4821_40118830215": ` +
          `title expected a string; written as null`,
        `purchase_order_items record purchase_order_id="${ODD_ID}" item id="c4821_40118830216": ` +
          `cost_price expected a number; written as null`,
        `purchase_orders record purchase_order_id="${ODD_ID}": received_date expected a YYYY-MM-DD date; ` +
          'written as null',
        `purchase_orders record purchase_order_id="${ODD_ID}": status expected a string; written as null`,
        `purchase_orders record purchase_order_id="${ODD_ID}": total_ordered expected a number; written as null`,
        `purchase_orders record purchase_order_id="${ODD_ID}": total_received expected a number; written as null`,
        `purchase_orders record purchase_order_id="${ODD_ID}": updated_at expected an ISO 8601 date-time; written as ` +
          `null`,
        `purchase_orders record purchase_order_id="${ODD_ID}": warehouse expected a string; written as null`,
      ]);
      // The raw values only at debug level.
      for (const raw of ['N/A', '03/15/2024', '2024-13-45', '$8.50', '1,234"', 'Infinity', 'code']) {
        expect(
          warned.filter((l) => l.includes(raw)),
          raw,
        ).toEqual([]);
        expect(
          logs.some((l) => / DEBUG /.test(l) && l.includes(raw)),
          raw,
        ).toBe(true);
      }
      expect(warned.filter((l) => /unreadable value/.test(l))).toEqual([
        expect.stringMatching(
          new RegExp(
            /WARNING tap-inventory-planner: 9 unreadable value\(s\) written as null: /.source +
              /.*purchase_orders\.total_ordered 1 \(expected a number\);/.source +
              /.* purchase_order_items\.cost_price 2 \(expected a number\)\. Set strict_values/.source,
          ),
        ),
      ]);
      const metrics = logs
        .filter((l) => l.startsWith('INFO METRIC: '))
        .map((l) => JSON.parse(l.slice('INFO METRIC: '.length)));
      const invalid = metrics.filter((m) => m.metric === 'invalid_value_count');
      expect(invalid).toContainEqual({
        type: 'counter',
        metric: 'invalid_value_count',
        value: 2,
        tags: { stream: 'purchase_order_items', column: 'cost_price' },
      });
      expect(invalid.reduce((n, m) => n + m.value, 0)).toBe(9);
    },
  );

  it('with strict_values, the first one stops the run as before', async () => {
    serve(poison);
    const { error, messages } = await runSync({ config: { strict_values: true } });
    expect((error as Error).message).toMatch(
      new RegExp(
        `^purchase_orders record purchase_order_id="${ODD_ID}": field status \\(API status\\) expected a string, ` +
          `got \\{"code":"open"\\}\\.$`,
      ),
    );
    expect(records(messages, 'purchase_orders').some((r) => r.purchase_order_id === ODD_ID)).toBe(false);
  });

  it.each([
    [
      'an item id',
      (o: Record<string, any>) => (o.items[1].id = { id: 7 }),
      /^purchase_order_items record .*: field purchase_order_item_id \(API id\) expected a string, got \{"id":7\}\.$/,
    ],
    [
      'an item without id',
      (o: Record<string, any>) => delete o.items[1].id,
      /field purchase_order_item_id \(API id\) is required but missing\.$/,
    ],
  ])("a key that cannot be read (%s) still stops the run, before the order's records", async (_what, edit, message) => {
    serve((orders) => edit(oddOrder(orders)));
    const { error, messages } = await runSync();
    expect((error as Error).message).toMatch(message);
    expect((error as { code?: string }).code).toBe('RECORD_INVALID');
    expect(records(messages, 'purchase_order_items').some((r) => r.purchase_order_id === ODD_ID)).toBe(false);
  });
});

describe('shapes of items', () => {
  it(
    'items keyed by position and lines repeating an item id: every line is written, ' + 'with a warning and a summary',
    async () => {
      serve(() => {});
      const clean = await runSync();
      nock.cleanAll();
      serve((orders) => {
        const o = oddOrder(orders);
        o.items = { 0: o.items[0], 1: o.items[1], 2: { ...o.items[0], replenishment: 7 } };
      });
      const { messages, logs, error } = await runSync();
      expect(error).toBeUndefined();
      const lines = records(messages, 'purchase_order_items').filter((r) => r.purchase_order_id === ODD_ID);
      const cleanLines = records(clean.messages, 'purchase_order_items').filter((r) => r.purchase_order_id === ODD_ID);
      expect(lines.slice(0, 2)).toEqual(cleanLines);
      expect(lines[2]).toMatchObject({ purchase_order_item_id: 'c4821_40118830215', replenishment: 7 });
      expect(new Set(lines.map((l) => l.key)).size).toBe(3);
      expect(warnings(logs).map((l) => l.replace(/^.* WARNING tap-inventory-planner: /, ''))).toEqual([
        `purchase_order_items of purchase_order_id="${ODD_ID}": 1 line(s) repeat an item id ("c4821_40118830215"); ` +
          `each is kept, keyed md5(order id + item id + "#k") for its k-th occurrence`,
        '1 order(s) had lines repeating an item id (1 extra line(s), each kept under its own key)',
      ]);
    },
  );
});
