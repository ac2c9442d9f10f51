// Pure value coercions from what the API sends to what the schemas promise. Each throws ValueError
// (with the reason) for a value that cannot honestly fit; the caller adds stream, key and field.

export class ValueError extends Error {
  /**
   * `problem` says what was expected and never holds the value itself (it goes into warnings, which must not
   * carry raw data); the message adds the value, for the debug log and for errors that stop the run.
   */
  constructor(
    readonly problem: string,
    raw?: { value: unknown },
  ) {
    super(raw ? `${problem}, got ${describe(raw.value)}` : problem);
    this.name = 'ValueError';
  }
}

const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|z|[+-]\d{2}:?\d{2})?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const RFC3339_DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;
const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
// "1,234.50": comma-grouped thousands are read only with a decimal point after them, where no reading but
// 1234.50 is possible ("1,234" may be 1.234 written with a decimal comma, so it is not read).
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+\.\d+$/;
/** MySQL's "no date" (`0000-00-00`, `0000-00-00 00:00:00`): an empty value, not a broken one. */
const isZeroDate = (text: string): boolean => text.startsWith('0000-00-00');

/** True for `2024-01-31` and RFC 3339 date-times with a zone (`2024-01-31T00:00:00Z`, `...+02:00`). */
export function isRfc3339DateOrDateTime(value: string): boolean {
  if (DATE.test(value)) return isCalendarDate(value);
  return RFC3339_DATE_TIME.test(value) && !Number.isNaN(Date.parse(value)) && isCalendarDate(value.slice(0, 10));
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar day (Date.parse would roll 2024-02-30 over into March). */
function isCalendarDate(ymd: string): boolean {
  if (!DATE.test(ymd)) return false;
  const y = Number(ymd.slice(0, 4));
  const m = Number(ymd.slice(5, 7));
  const d = Number(ymd.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : DAYS_IN_MONTH[m - 1]!);
}

/** Milliseconds since the epoch of an API timestamp; a value without a zone is taken as UTC. */
export function parseInstant(value: unknown): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000; // Unix seconds
  if (typeof value !== 'string') throw new ValueError('expected an ISO 8601 date-time', { value });
  const m = DATE_TIME.exec(value.trim());
  if (!m || !isCalendarDate(m[1]!)) throw new ValueError('expected an ISO 8601 date-time', { value });
  // The common case (a zone, T or space) parses as written; otherwise rebuild it with a zone, UTC if none.
  let ms = m[3] ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    const zone = m[3]
      ? m[3].toUpperCase() === 'Z'
        ? 'Z'
        : m[3].length === 5
          ? `${m[3].slice(0, 3)}:${m[3].slice(3)}`
          : m[3]
      : 'Z';
    ms = Date.parse(`${m[1]}T${m[2]}${zone}`);
  }
  if (Number.isNaN(ms)) throw new ValueError('expected an ISO 8601 date-time', { value });
  return ms;
}

// The API's usual form: UTC, whole seconds. Rewritten as text, it needs no Date (this runs for every
// timestamp of every order); anything else takes the general path.
const UTC_WHOLE_SECONDS = /^\d{4}-\d{2}-\d{2}T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d(?:Z|\+00:00)$/;

/** RFC 3339 in UTC with `Z` and millisecond precision: one fixed-width form for every timestamp. */
export function toUtcDateTime(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string' && UTC_WHOLE_SECONDS.test(value) && isCalendarDate(value.slice(0, 10)))
    return `${value.slice(0, 19)}.000Z`;
  if (typeof value === 'string' && isZeroDate(value.trim())) return null;
  return new Date(parseInstant(value)).toISOString();
}

/** `YYYY-MM-DD`. A date-time keeps the calendar date it was written with; Unix seconds become a UTC date. */
export function toDate(value: unknown): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'number') return new Date(parseInstant(value)).toISOString().slice(0, 10);
  if (typeof value !== 'string') throw new ValueError('expected a YYYY-MM-DD date', { value });
  const text = value.trim();
  if (isZeroDate(text)) return null;
  const ymd = text.slice(0, 10);
  if (isCalendarDate(ymd) && (text.length === 10 || DATE_TIME.test(text))) return ymd;
  throw new ValueError('expected a YYYY-MM-DD date', { value });
}

/** A JSON number; numeric strings (`"26"`, `"8.50"`, `"1,234.50"`) become numbers, `""` becomes null. */
export function toNumber(value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    throw new ValueError('expected a number', { value });
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    const n = NUMERIC.test(text) ? Number(text) : GROUPED.test(text) ? Number(text.replaceAll(',', '')) : Number.NaN;
    if (Number.isFinite(n)) return n;
  }
  throw new ValueError('expected a number', { value });
}

/** Strings verbatim; a number becomes its decimal text (ids and references are strings in the API). */
export function toText(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new ValueError('expected a string', { value });
}

export function requireText(value: unknown): string {
  const out = toText(value);
  if (out === null || out === '') throw new ValueError('is required but missing');
  return out;
}

const POSITION = /^(?:0|[1-9]\d*)$/;

/**
 * The elements of a list the API may write as an array, as `{}` when empty, or as an object keyed by position
 * (`{"0": {...}, "1": {...}}`, how PHP encodes an array with a gap); undefined for anything else.
 */
export function listOf(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) return value;
  if (typeof value !== 'object' || value === null) return undefined;
  const keys = Object.keys(value);
  if (!keys.every((k) => POSITION.test(k))) return undefined;
  return keys.sort((a, b) => Number(a) - Number(b)).map((k) => (value as Record<string, unknown>)[k]);
}

function describe(value: unknown): string {
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would show as null.
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (a number out of range)`;
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

// JSON columns keep nested values, with the API's PHP artefacts evened out: `[]` for an empty map, one object
// for a list.

export function toBoolean(value: unknown): boolean | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === '1' || value === 'true') return true;
  if (value === 0 || value === '0' || value === 'false') return false;
  throw new ValueError('expected a boolean', { value });
}

/** A map: an object, or `[]` (how PHP encodes an empty one), written as `{}`. */
export function toMap(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value) && value.length === 0) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new ValueError('expected an object', { value });
}

/** A list: an array, an object keyed by position (or `{}`), or one object standing for a list of one. */
export function toList(value: unknown): unknown[] | null {
  if (value === undefined || value === null) return null;
  const list = listOf(value);
  if (list) return list;
  if (typeof value === 'object') return [value];
  throw new ValueError('expected a list', { value });
}

/** A history: [timestamp, value] pairs, timestamps (with any offset, or Unix seconds) in UTC. */
export function toHistory(value: unknown): [string | null, number | null][] | null {
  const list = toList(value);
  if (list === null) return null;
  return list.map((point) => {
    if (!Array.isArray(point) || point.length < 2)
      throw new ValueError('expected [timestamp, value] pairs', { value: point });
    return [toUtcDateTime(point[0]), toNumber(point[1])];
  });
}
