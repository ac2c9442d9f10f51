// use_singer_decimal: exact decimal text from what the API sends, the decimal form of the record schemas,
// and the generated validators and stream mappers that use it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toDecimalText } from '../../src/values/decimal.js';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';
import { decimalColumns, decimalForm, numberForm } from '../../src/singer/decimal-schema.js';
import { toPurchaseOrderItemRows } from '../../src/streams/purchase-order-items.js';
import { toPurchaseOrderRow } from '../../src/streams/purchase-orders.js';
import { recordValidator } from '../../src/engine/validation.js';
import { ValueError } from '../../src/values/coercions.js';

const dec = (value: unknown, precision = 38, scale = 10) => toDecimalText(value, precision, scale);
const schemaFile = (name: string) => JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${name}.json`), 'utf8'));

describe('toDecimalText', () => {
  it("keeps a numeric string's digits, trailing zeros included", () => {
    expect(dec('8.50')).toBe('8.50');
    expect(dec(' 26 ')).toBe('26');
    expect(dec('0.10')).toBe('0.10');
    expect(dec('+3.0')).toBe('3.0');
    expect(dec('.5')).toBe('0.5');
    expect(dec('7.')).toBe('7');
    expect(dec('007.25')).toBe('7.25');
    expect(dec('-12.340')).toBe('-12.340');
  });

  it('takes a JSON number as its shortest round-trip text: no binary noise, no toFixed', () => {
    expect(dec(8.5)).toBe('8.5');
    expect(dec(0.1)).toBe('0.1');
    expect(dec(0.45)).toBe('0.45');
    expect(dec(1.005)).toBe('1.005'); // (1.005).toFixed(2) is "1.00": the float is just below 1.005
    expect(dec(0)).toBe('0');
    expect(dec(-0)).toBe('0');
    expect(dec(140)).toBe('140');
    expect(dec(1e21)).toBe('1000000000000000000000');
    expect(dec(1.5e-7)).toBe('0.00000015');
    expect(dec(-2.5e-3)).toBe('-0.0025');
  });

  it('writes exponents out in full without a float', () => {
    expect(dec('1.25E3')).toBe('1250');
    expect(dec('125e-2')).toBe('1.25');
    expect(dec('12345678901234567890.123456789')).toBe('12345678901234567890.123456789');
    expect(Number('12345678901234567890.123456789').toString()).not.toBe('12345678901234567890.123456789');
  });

  it('rounds digits beyond the scale half away from zero, as the warehouses do on a cast', () => {
    expect(dec(0.1 + 0.2)).toBe('0.3'); // 0.30000000000000004: the float noise is past the 10th place
    expect(dec('2.675', 38, 2)).toBe('2.68');
    expect(dec('-2.675', 38, 2)).toBe('-2.68');
    expect(dec('2.674999', 38, 2)).toBe('2.67');
    expect(dec('9.995', 38, 2)).toBe('10');
    expect(dec('0.0049', 38, 2)).toBe('0');
    expect(dec('-0.0049', 38, 2)).toBe('0');
    expect(dec('0.999', 38, 0)).toBe('1');
  });

  it('null for null, undefined and ""; a value that is no number or does not fit is a ValueError', () => {
    expect(dec(null)).toBeNull();
    expect(dec(undefined)).toBeNull();
    expect(dec('  ')).toBeNull();
    for (const bad of ['abc', '1,5', '.', '-', '1e', Number.NaN, Number.POSITIVE_INFINITY, true, {}, [1]]) {
      expect(() => dec(bad), JSON.stringify(bad)).toThrow(ValueError);
    }
    expect(dec('9'.repeat(28))).toBe('9'.repeat(28));
    expect(() => dec(`1${'0'.repeat(28)}`)).toThrow(/expected at most 28 digits before the decimal point/);
    // The problem alone (what a warning names) never carries the value; the message adds it for the debug log.
    const error = (() => {
      try {
        dec('$8.50');
      } catch (e) {
        return e as ValueError;
      }
    })()!;
    expect(error.problem).toBe('expected a number');
    expect(error.message).toContain('"$8.50"');
    expect(() => dec('999.995', 5, 2)).toThrow(ValueError); // rounds up to 1000.00
  });
});

describe('decimal form of the record schemas', () => {
  it('marks exactly the money and quantity columns, precision 38 and scale 10', () => {
    expect(decimalColumns(schemaFile('purchase_orders'))).toEqual({
      total_ordered: { precision: 38, scale: 10 },
      total_received: { precision: 38, scale: 10 },
    });
    expect(decimalColumns(schemaFile('purchase_order_items'))).toEqual({
      replenishment: { precision: 38, scale: 10 },
      cost_price: { precision: 38, scale: 10 },
      received: { precision: 38, scale: 10 },
    });
  });

  it('turns them into x-singer.decimal strings and leaves every other property as in the number form', () => {
    const file = schemaFile('purchase_order_items');
    const decimal = decimalForm(file);
    expect(decimal.properties.cost_price).toEqual({
      type: ['string', 'null'],
      format: 'x-singer.decimal',
      precision: 38,
      scale: 10,
      description: 'Unit cost in the order currency.',
    });
    const number = numberForm(file);
    expect(number.properties.cost_price).toEqual({
      type: ['number', 'null'],
      description: 'Unit cost in the order currency.',
    });
    for (const name of Object.keys(file.properties).filter(
      (n) => !['replenishment', 'cost_price', 'received'].includes(n),
    )) {
      expect(decimal.properties[name], name).toEqual(number.properties[name]);
    }
  });

  it(
    'has generated validators that take decimal text and refuse numbers there (and the reverse for the number ' +
      'form)',
    () => {
      const item = {
        key: 'k',
        purchase_order_id: 'o',
        purchase_order_item_id: 'i',
        _account_id: 'a',
        __synced_at: '2024-01-31T00:00:00.000Z',
      };
      const decimal = recordValidator('purchase_order_items', true);
      const number = recordValidator('purchase_order_items');
      expect(decimal({ ...item, cost_price: '8.50', received: null })).toBe(true);
      expect(decimal({ ...item, cost_price: 8.5 })).toBe(false);
      expect(decimal({ ...item, cost_price: '8,50' })).toBe(false);
      expect(decimal({ ...item, cost_price: '1e3' })).toBe(false);
      expect(number({ ...item, cost_price: 8.5 })).toBe(true);
      expect(number({ ...item, cost_price: '8.50' })).toBe(false);
    },
  );
});

describe('stream rows with context.decimal', () => {
  const order = {
    id: 'po1',
    last_modified: '2024-03-06T14:12:09+00:00',
    total_ordered: '140',
    total_received: 0.1,
    items: [
      { id: 'v1', replenishment: 100, cost_price: '8.50', received: '' },
      { id: 'v2', replenishment: '4.0', cost_price: 0.45 },
    ],
  };
  const context = { accountId: 'a', syncedAt: '2024-03-07T08:00:00.000Z' };

  it('money and quantities become exact decimal text that passes the decimal validators', () => {
    const row = toPurchaseOrderRow(order, { ...context, decimal: true });
    expect(row).toMatchObject({ total_ordered: '140', total_received: '0.1' });
    expect(recordValidator('purchase_orders', true)(row)).toBe(true);
    const items = toPurchaseOrderItemRows(order, { ...context, decimal: true });
    expect(items.map((r) => [r.replenishment, r.cost_price, r.received])).toEqual([
      ['100', '8.50', null],
      ['4.0', '0.45', null],
    ]);
    for (const r of items) expect(recordValidator('purchase_order_items', true)(r)).toBe(true);
  });

  it('without it they stay JSON numbers', () => {
    expect(toPurchaseOrderRow(order, context)).toMatchObject({ total_ordered: 140, total_received: 0.1 });
    expect(toPurchaseOrderItemRows(order, context)[0]).toMatchObject({
      replenishment: 100,
      cost_price: 8.5,
      received: null,
    });
  });
});
