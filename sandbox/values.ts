// Wire-value wrappers. The generator builds canonical order objects whose leaves
// are either plain JSON values or these wrappers; JSON.stringify renders the wire
// form (via toJSON) while truth and filters read the typed value.
import type { Rng } from './rng.js';

/** An API object as the sandbox builds it: plain JSON values and the wrappers below. */
export type WireObject = Record<string, unknown>;

/** A number the API sends as a string: `"26"`, `"8.50"`, or `""` (EMPTY_NUMBER). */
export class NumStr {
  constructor(
    readonly value: number,
    readonly text: string,
  ) {}

  toJSON(): string {
    return this.text;
  }
}

/** A number rendered as `""`; its truth value is null. */
export const EMPTY_NUMBER = new NumStr(Number.NaN, '');

/** An instant rendered ISO 8601 with a numeric UTC offset, and `digits` fraction digits of `us` (microseconds). */
export class Stamp {
  constructor(
    readonly sec: number,
    readonly offsetMin: number,
    readonly us = 0,
    readonly digits = 0,
  ) {}

  /** Epoch milliseconds (a sub-millisecond part is cut, as Date.parse does). */
  get ms(): number {
    return this.sec * 1000 + Math.floor(this.us / 1000);
  }

  toJSON(): string {
    const text = formatStamp(this.sec, this.offsetMin);
    if (this.digits === 0) return text;
    return `${text.slice(0, 19)}.${String(this.us).padStart(6, '0').slice(0, this.digits)}${text.slice(19)}`;
  }
}

/** A wire value and what the tap must make of it. JSON.stringify writes `raw` (see renderJson for 1e400). */
export class OddValue {
  constructor(
    readonly raw: unknown,
    readonly truth: unknown,
    /** The tap cannot read it: a warning and a count (false: read, or MySQL's zero date, which is null). */
    readonly unreadable: boolean,
  ) {}

  toJSON(): unknown {
    return this.raw instanceof RawJson ? `${RAW_MARK}${this.raw.text}` : this.raw;
  }
}

/** JSON text JSON.stringify cannot produce (1e400 would be Infinity, written null). */
export class RawJson {
  constructor(readonly text: string) {}
}

const RAW_MARK = '\u0000raw:';
const RAW_STRING = /"\\u0000raw:([^"]*)"/g;

/** JSON.stringify, with the raw JSON of odd values (1e400) written as it is. */
export function renderJson(body: unknown, odd: boolean): string {
  const text = JSON.stringify(body);
  return odd ? text.replace(RAW_STRING, '$1') : text;
}

/** Epoch microseconds of an ISO 8601 filter value (any number of fraction digits); NaN if unreadable. */
export function parseMicros(text: string): number {
  const m = /^(.*\d{2}:\d{2}:\d{2})\.(\d+)(.*)$/.exec(text.trim());
  if (!m) return Date.parse(text) * 1000;
  return Date.parse(`${m[1]}${m[3]}`) * 1000 + Number(m[2]!.slice(0, 6).padEnd(6, '0'));
}

export type WireNumber = number | NumStr;

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

export function formatStamp(sec: number, offsetMin: number): string {
  const local = new Date((sec + offsetMin * 60) * 1000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMin);
  return `${local}${offsetMin < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

export function isoDate(sec: number): string {
  return new Date(sec * 1000).toISOString().slice(0, 10);
}

const OFFSETS = [120, -240, 330, 60, -300, 540, -420, 600];

/** Mostly +00:00; about 10% of timestamps carry another offset for the same instant. */
export function pickOffset(r: Rng): number {
  return r.chance(0.1) ? r.pick(OFFSETS) : 0;
}

/**
 * Applies the number quirks: ~3% `""` (truth null), ~15% numeric string, else a number.
 * `decimals` is how a string form is written (money: 2 -> "8.50").
 */
export function quirkNumber(r: Rng, value: number, decimals = 0): WireNumber {
  const x = r.next();
  if (x < 0.03) return EMPTY_NUMBER;
  if (x < 0.18) return new NumStr(value, decimals > 0 ? value.toFixed(decimals) : String(value));
  return value;
}

/** The truth value of a canonical leaf (see the warehouse contract). */
export function truthValue(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (v instanceof NumStr) return Number.isNaN(v.value) ? null : v.value;
  if (v instanceof Stamp) return new Date(v.ms).toISOString();
  if (v instanceof OddValue) return v.truth;
  return v;
}
