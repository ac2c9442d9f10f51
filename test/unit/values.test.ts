import { describe, expect, it } from 'vitest';
import {
  ValueError,
  isRfc3339DateOrDateTime,
  parseInstant,
  requireText,
  toDate,
  toNumber,
  toText,
  toUtcDateTime,
} from '../../src/values/coercions.js';

describe('toUtcDateTime', () => {
  it.each([
    ['2024-03-06T14:12:09+00:00', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T14:12:09Z', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T14:12:09z', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T16:12:09+02:00', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T10:12:09-04:00', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T19:42:09+0530', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T14:12:09.5+00:00', '2024-03-06T14:12:09.500Z'],
    ['2024-03-06 14:12:09+00:00', '2024-03-06T14:12:09.000Z'],
    ['2024-03-06T14:12+00:00', '2024-03-06T14:12:00.000Z'],
  ])('normalises %s to %s', (input, expected) => {
    expect(toUtcDateTime(input)).toBe(expected);
  });

  it('gives the same text on the quick path for UTC whole seconds as on the general path', () => {
    const general = (text: string): string => new Date(parseInstant(text)).toISOString();
    for (const text of [
      '2024-02-29T23:59:59+00:00',
      '1999-12-31T00:00:00Z',
      '2024-03-06T19:05:07+00:00',
      '2024-03-06T24:00:00+00:00',
    ]) {
      expect(toUtcDateTime(text)).toBe(general(text));
    }
    expect(() => toUtcDateTime('2023-02-29T12:00:00+00:00')).toThrow(ValueError);
    expect(() => toUtcDateTime('2024-03-06T12:00:60+00:00')).toThrow(ValueError);
  });

  it('crosses the date line when the offset moves the instant into another day', () => {
    expect(toUtcDateTime('2024-03-06T22:30:00-04:00')).toBe('2024-03-07T02:30:00.000Z');
    expect(toUtcDateTime('2024-03-07T01:00:00+05:30')).toBe('2024-03-06T19:30:00.000Z');
  });

  it('takes a naive timestamp (no zone) as UTC, regardless of the machine time zone', () => {
    const saved = process.env.TZ;
    process.env.TZ = 'America/New_York'; // Node applies a TZ change at run time
    try {
      expect(new Date(2024, 2, 6).getTimezoneOffset()).not.toBe(0); // the zone really changed
      expect(toUtcDateTime('2024-03-06T14:12:09')).toBe('2024-03-06T14:12:09.000Z');
      expect(toUtcDateTime('2024-03-06 14:12:09')).toBe('2024-03-06T14:12:09.000Z');
      expect(toDate('2024-03-06T23:30:00')).toBe('2024-03-06');
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('reads a number as Unix seconds', () => {
    expect(toUtcDateTime(1709734329)).toBe('2024-03-06T14:12:09.000Z');
    expect(toUtcDateTime(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(parseInstant(1709734329)).toBe(1709734329000);
  });

  it('gives null for null, absent and empty string', () => {
    expect(toUtcDateTime(null)).toBeNull();
    expect(toUtcDateTime(undefined)).toBeNull();
    expect(toUtcDateTime('')).toBeNull();
  });

  it.each([
    '2024-02-30T00:00:00Z', // no such day
    '2023-02-29T00:00:00Z', // not a leap year
    '2024-13-01T00:00:00Z',
    '2024-03-06T25:00:00Z',
    '2024-03-06', // a date is not a date-time here
    'yesterday',
    '2024-03-06T14:12:09+00:00 trailing',
    'garbage',
  ])('rejects %j with a ValueError naming the value', (input) => {
    expect(() => toUtcDateTime(input)).toThrow(ValueError);
    expect(() => toUtcDateTime(input)).toThrow(JSON.stringify(input));
  });

  it('rejects non-string, non-number values and non-finite numbers', () => {
    for (const bad of [true, {}, [], Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => toUtcDateTime(bad)).toThrow(ValueError);
    }
  });

  it('accepts the leap day of a leap year', () => {
    expect(toUtcDateTime('2024-02-29T12:00:00+00:00')).toBe('2024-02-29T12:00:00.000Z');
  });
});

describe('toDate', () => {
  it('keeps a YYYY-MM-DD date', () => {
    expect(toDate('2024-03-04')).toBe('2024-03-04');
    expect(toDate('2024-02-29')).toBe('2024-02-29');
  });

  it('keeps the calendar date a date-time was written with (no shift to UTC)', () => {
    expect(toDate('2024-03-06T23:30:00-04:00')).toBe('2024-03-06');
    expect(toDate('2024-03-06T01:00:00+05:30')).toBe('2024-03-06');
    expect(toDate('2024-03-06 00:00:00')).toBe('2024-03-06');
  });

  it('turns Unix seconds into the UTC date', () => {
    expect(toDate(1709767800)).toBe('2024-03-06'); // 2024-03-06T23:30:00Z
  });

  it("treats MySQL's 0000-00-00, empty string, null and absent as no date", () => {
    expect(toDate('0000-00-00')).toBeNull();
    expect(toDate('0000-00-00 00:00:00')).toBeNull();
    expect(toDate('')).toBeNull();
    expect(toDate(null)).toBeNull();
    expect(toDate(undefined)).toBeNull();
  });

  it.each(['2024-02-30', '2023-02-29', '2024-00-10', '2024-3-6', '06/03/2024', '2024-03-06garbage', 'soon'])(
    'rejects %j with a ValueError',
    (input) => {
      expect(() => toDate(input)).toThrow(ValueError);
      expect(() => toDate(input)).toThrow(JSON.stringify(input));
    },
  );

  it('rejects a non-string, non-number value', () => {
    expect(() => toDate(true)).toThrow(ValueError);
    expect(() => toDate({})).toThrow(ValueError);
  });
});

describe('toNumber', () => {
  it('turns numeric strings into numbers', () => {
    expect(toNumber('26')).toBe(26);
    expect(toNumber('8.50')).toBe(8.5);
    expect(toNumber('-3')).toBe(-3);
    expect(toNumber('.5')).toBe(0.5);
    expect(toNumber('1e3')).toBe(1000);
    expect(toNumber(' 26 ')).toBe(26);
  });

  it('passes finite numbers through', () => {
    expect(toNumber(0)).toBe(0);
    expect(toNumber(8.5)).toBe(8.5);
    expect(toNumber(-1)).toBe(-1);
  });

  it('gives null for "", null and absent', () => {
    expect(toNumber('')).toBeNull();
    expect(toNumber(null)).toBeNull();
    expect(toNumber(undefined)).toBeNull();
  });

  it.each([
    ['abc'],
    ['12abc'],
    ['0x10'],
    ['1,5'],
    [true],
    [false],
    [Number.NaN],
    [Number.POSITIVE_INFINITY],
    [{}],
    [[1]],
  ])('rejects %j with a ValueError', (input) => {
    expect(() => toNumber(input)).toThrow(ValueError);
    expect(() => toNumber(input)).toThrow(/expected a number/);
  });
});

describe('toText', () => {
  it('keeps strings verbatim, including "" and surrounding spaces', () => {
    expect(toText('NW-1001-BM')).toBe('NW-1001-BM');
    expect(toText('')).toBe('');
    expect(toText(' x ')).toBe(' x ');
    expect(toText('0')).toBe('0');
  });

  it('turns a finite number into its decimal text', () => {
    expect(toText(1042)).toBe('1042');
    expect(toText(0)).toBe('0');
    expect(toText(8.5)).toBe('8.5');
  });

  it('gives null for null and absent', () => {
    expect(toText(null)).toBeNull();
    expect(toText(undefined)).toBeNull();
  });

  it('rejects booleans, objects, arrays and non-finite numbers', () => {
    for (const bad of [true, {}, ['a'], Number.NaN]) expect(() => toText(bad)).toThrow(ValueError);
  });

  it('requireText rejects missing and empty values', () => {
    expect(requireText('65e5b7a2c1f04d3a9b8e7f10')).toBe('65e5b7a2c1f04d3a9b8e7f10');
    expect(requireText(42)).toBe('42');
    expect(() => requireText('')).toThrow(/required/);
    expect(() => requireText(undefined)).toThrow(ValueError);
  });
});

describe('isRfc3339DateOrDateTime', () => {
  it.each([
    '2024-01-31',
    '2024-02-29',
    '2024-01-31T00:00:00Z',
    '2024-01-31T00:00:00z',
    '2024-01-31t00:00:00Z',
    '2024-01-31T00:00:00+02:00',
    '2024-01-31T00:00:00-04:00',
    '2024-01-31T00:00:00.123Z',
  ])('accepts %s', (value) => {
    expect(isRfc3339DateOrDateTime(value)).toBe(true);
  });

  it.each([
    '2024-01-31T00:00:00', // no zone
    '2024-01-31 00:00:00Z', // space instead of T
    '2024-01-31T00:00Z', // no seconds
    '2024-01-31T00:00:00+0200', // offset without colon
    '2024-02-30',
    '2023-02-29',
    '2024-02-30T00:00:00Z',
    '2024-13-01',
    '2024-1-31',
    'yesterday',
    '',
  ])('rejects %j', (value) => {
    expect(isRfc3339DateOrDateTime(value)).toBe(false);
  });
});

describe('odd values (the documented rule)', () => {
  it('reads comma-grouped thousands only before a decimal point', () => {
    expect(toNumber('1,234.50')).toBe(1234.5);
    expect(toNumber('-1,234,567.5')).toBe(-1234567.5);
    for (const ambiguous of ['1,234', '12,34.5', '1,2345.0', '1.234,50'])
      expect(() => toNumber(ambiguous), ambiguous).toThrow(/expected a number/);
  });

  it('does not read a currency sign, words or numbers beyond a double', () => {
    for (const bad of ['$8.50', '8.50 USD', 'N/A', '1e999'])
      expect(() => toNumber(bad), bad).toThrow(/expected a number/);
  });

  it('says a number out of range where JSON would show null (1e400 is parsed as Infinity)', () => {
    expect(() => toNumber(JSON.parse('1e400'))).toThrow('expected a number, got Infinity (a number out of range)');
  });

  it("maps MySQL's zero date-time to null, as a date", () => {
    expect(toUtcDateTime('0000-00-00 00:00:00')).toBeNull();
    expect(toUtcDateTime('0000-00-00')).toBeNull();
    expect(toDate('0000-00-00 00:00:00')).toBeNull();
  });

  it('keeps the raw value out of the problem (it goes into warnings) but in the message', () => {
    for (const [fn, raw] of [
      [toNumber, 'N/A'],
      [toUtcDateTime, '03/15/2024'],
      [toDate, '2024-13-45'],
      [toText, { secret: 'x' }],
    ] as const) {
      let error: ValueError | undefined;
      try {
        (fn as (v: unknown) => unknown)(raw);
      } catch (e) {
        error = e as ValueError;
      }
      expect(error).toBeInstanceOf(ValueError);
      expect(error!.problem).toMatch(/^expected /);
      expect(error!.problem).not.toContain(typeof raw === 'string' ? raw : 'secret');
      expect(error!.message).toContain(JSON.stringify(raw));
    }
  });
});

describe('one wording per kind of unreadable value (the end-of-run summary lists each wording once)', () => {
  const problem = (f: () => unknown): string | undefined => {
    try {
      f();
      return undefined;
    } catch (e) {
      return (e as ValueError).problem;
    }
  };
  it('dates: not a string and a string of another shape are the same problem', () => {
    expect(problem(() => toDate(true))).toBe('expected a YYYY-MM-DD date');
    expect(problem(() => toDate('31/12/2024'))).toBe('expected a YYYY-MM-DD date');
  });
  it('date-times likewise', () => {
    expect(problem(() => toUtcDateTime({}))).toBe('expected an ISO 8601 date-time');
    expect(problem(() => toUtcDateTime('yesterday'))).toBe('expected an ISO 8601 date-time');
  });
});
