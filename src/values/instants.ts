// Instants at the API's own precision: epoch microseconds in a plain number (exact up to the year 2255).
// Epoch ms would round microsecond timestamps, and a cursor or bookmark below the real value of an order
// re-reads it, one above skips it. Formatting keeps the digits that are not zero.
import { parseInstant, ValueError } from './coercions.js';

export const SECOND_US = 1_000_000;

const FRACTION = /^(.*\d{2}:\d{2}:\d{2})[.,](\d+)(.*)$/;

/** Epoch microseconds of an API timestamp (ISO 8601, any number of fraction digits, or Unix seconds). */
export function parseInstantUs(value: unknown): number {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError(`expected a date-time, got ${String(value)}`);
    return Math.round(value * SECOND_US);
  }
  const m = typeof value === 'string' ? FRACTION.exec(value.trim()) : null;
  if (!m) return parseInstant(value) * 1000;
  const micros = Number(m[2]!.slice(0, 6).padEnd(6, '0'));
  return parseInstant(`${m[1]}${m[3]}`) * 1000 + micros;
}

/** RFC 3339 in UTC: milliseconds as toISOString() writes them, six fraction digits when microseconds are set. */
export function formatInstantUs(us: number): string {
  const ms = Math.floor(us / 1000);
  const iso = new Date(ms).toISOString();
  const micros = us - ms * 1000;
  return micros === 0 ? iso : `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}Z`;
}

/** The whole second at or before an instant: a filter value no server can round. */
export function floorToSecond(us: number): number {
  return Math.floor(us / SECOND_US) * SECOND_US;
}
