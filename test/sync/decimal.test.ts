// use_singer_decimal end to end through a sync (nock answers the API): what SCHEMA and RECORD messages carry.
import { readFileSync } from 'node:fs';
import nock from 'nock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { answerList } from '../helpers/fake-orders.js';
import { runSync } from '../helpers/run-sync.js';

const API = 'https://api.example.test';
const fixture = JSON.parse(readFileSync(new URL('../fixtures/api/orders.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>[];
const rows = fixture.map((body) => ({ lm: Date.parse(String(body.last_modified)), body })).sort((a, b) => a.lm - b.lm);
const MONEY = {
  purchase_orders: ['total_ordered', 'total_received'],
  purchase_order_items: ['replenishment', 'cost_price', 'received'],
};

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
  nock(API)
    .persist()
    .get('/api/v1/purchase-orders')
    .query(true)
    .reply((uri) => [200, answerList(Object.fromEntries(new URL(uri, API).searchParams), rows)]);
});
afterEach(() => nock.cleanAll());

type Message = Record<string, any>;
const ofType = (messages: Message[], type: string) => messages.filter((m) => m.type === type);

describe('use_singer_decimal', () => {
  it('off (default): SCHEMA says number and carries no decimal annotation', async () => {
    const { messages, error } = await runSync();
    expect(error).toBeUndefined();
    for (const schema of ofType(messages, 'SCHEMA')) {
      expect(JSON.stringify(schema)).not.toMatch(/x-singer\.decimal|x-decimal/);
      for (const column of MONEY[schema.stream as keyof typeof MONEY])
        expect(schema.schema.properties[column].type).toEqual(['number', 'null']);
    }
  });

  it(
    'on: money and quantity columns are x-singer.decimal(38,10) strings, exact as sent; ' + 'nothing else changes',
    async () => {
      const plain = await runSync();
      const decimal = await runSync({ config: { use_singer_decimal: true } });
      expect(decimal.error).toBeUndefined();
      const plainSchemas = ofType(plain.messages, 'SCHEMA');
      const decimalSchemas = ofType(decimal.messages, 'SCHEMA');
      expect(decimalSchemas.map((s) => s.stream)).toEqual(['purchase_orders', 'purchase_order_items']);
      for (const [i, schema] of decimalSchemas.entries()) {
        const money = MONEY[schema.stream as keyof typeof MONEY];
        for (const column of money) {
          expect(schema.schema.properties[column]).toMatchObject({
            type: ['string', 'null'],
            format: 'x-singer.decimal',
            precision: 38,
            scale: 10,
          });
        }
        const rest = (s: Message) =>
          Object.fromEntries(Object.entries(s.schema.properties).filter(([name]) => !money.includes(name)));
        expect(rest(schema)).toEqual(rest(plainSchemas[i]!));
        expect({ ...schema, schema: undefined }).toEqual({ ...plainSchemas[i], schema: undefined });
      }

      // Same records; money as text with the API's own digits ("0.65" and "600" sent as strings, 0.45 as a number).
      const plainRecords = ofType(plain.messages, 'RECORD');
      const decimalRecords = ofType(decimal.messages, 'RECORD');
      expect(decimalRecords.length).toBe(plainRecords.length);
      for (const [i, r] of decimalRecords.entries()) {
        const money = MONEY[r.stream as keyof typeof MONEY];
        for (const column of money) {
          const value = r.record[column];
          expect(
            value === null || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)),
            `${column}=${value}`,
          ).toBe(true);
          expect(value === null ? null : Number(value)).toBe(plainRecords[i]!.record[column]);
        }
        const rest = (m: Message) =>
          Object.fromEntries(Object.entries(m.record).filter(([name]) => !money.includes(name)));
        expect(rest(r)).toEqual(rest(plainRecords[i]!));
      }
      const item = (id: string) =>
        decimalRecords.find((r) => r.stream === 'purchase_order_items' && r.record.purchase_order_item_id === id)!
          .record;
      expect(item('c4821_40118830902')).toMatchObject({ replenishment: '200', cost_price: '0.65', received: '200' });
      expect(item('c4821_40118830901')).toMatchObject({ replenishment: '400', cost_price: '0.45', received: '400' });
      const order = decimalRecords.find(
        (r) => r.stream === 'purchase_orders' && r.record.purchase_order_id === '65c0d91e8a7b4f2e6d5c4b3a',
      )!.record;
      expect(order.total_ordered).toBe('600');
    },
  );
});
