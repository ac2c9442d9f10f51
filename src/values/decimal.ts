// Exact decimal text for the use_singer_decimal mode: money and quantities travel as strings such as
// "8.50", never through a binary float. Pure string arithmetic on the digits the API sent.
import { ValueError } from './coercions.js';

const NUMERIC = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A value as a plain decimal string that fits `precision` digits with at most `scale` after the point,
 * or null for null, undefined and "". A JSON number is taken as its shortest round-trip text (what
 * String() gives, e.g. 0.1 -> "0.1"), so no binary noise is added; a numeric string keeps its digits,
 * trailing zeros included ("8.50" stays "8.50"). More fractional digits than `scale` are rounded half
 * away from zero (as Snowflake and PostgreSQL round on a cast), then trailing zeros dropped.
 */
export function toDecimalText(value: unknown, precision: number, scale: number): string | null {
  if (value === undefined || value === null) return null;
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValueError('expected a number', { value });
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (text === '') return null;
  } else {
    throw new ValueError('expected a number', { value });
  }
  const m = NUMERIC.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new ValueError('expected a number', { value });
  let [whole, fraction] = shift(m[2]!, m[3] ?? '', Number(m[4] ?? 0));
  if (fraction.length > scale) [whole, fraction] = round(whole, fraction, scale);
  whole = whole.replace(/^0+(?=\d)/, '') || '0';
  if (whole.length > precision - scale) {
    throw new ValueError(`expected at most ${precision - scale} digits before the decimal point`, { value });
  }
  const negative = m[1] === '-' && /[1-9]/.test(whole + fraction);
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** Moves the decimal point `exponent` places: ("1", "5", -7) -> ("0", "00000015"). */
function shift(whole: string, fraction: string, exponent: number): [string, string] {
  if (exponent === 0) return [whole || '0', fraction];
  const digits = whole + fraction;
  const point = whole.length + exponent;
  if (point <= 0) return ['0', '0'.repeat(-point) + digits];
  if (point >= digits.length) return [digits + '0'.repeat(point - digits.length), ''];
  return [digits.slice(0, point), digits.slice(point)];
}

/** Rounds to `scale` fractional digits, half away from zero; drops the trailing zeros rounding leaves. */
function round(whole: string, fraction: string, scale: number): [string, string] {
  const kept = whole + fraction.slice(0, scale);
  const roundsUp = fraction.charCodeAt(scale) >= 53; // '5'
  const digits = roundsUp ? (BigInt(kept || '0') + 1n).toString().padStart(kept.length, '0') : kept;
  const cut = digits.length - scale;
  return [digits.slice(0, cut) || '0', digits.slice(cut).replace(/0+$/, '')];
}
