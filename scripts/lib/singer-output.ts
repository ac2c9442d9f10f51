// Reads a tap's Singer output the way a target does: SCHEMA keys, RECORDs upserted by key (last one
// wins), ACTIVATE_VERSION as target-postgres with hard_delete does it (rows of an older or no version go),
// and the last STATE. Used by the demo, the soak and the end-to-end tests to compare with truth.

export type Row = Record<string, unknown>;

export interface SingerOutput {
  /** stream -> key -> row, after upsert. */
  tables: Map<string, Map<string, Row>>;
  counts: Record<string, number>;
  /** stream -> key -> the version of the RECORD that wrote the row. */
  versions: Map<string, Map<string, number | undefined>>;
  /** Rows removed by ACTIVATE_VERSION, per stream. */
  deleted: Record<string, number>;
  states: unknown[];
  lastState: unknown;
}

export function emptyOutput(): SingerOutput {
  return { tables: new Map(), counts: {}, versions: new Map(), deleted: {}, states: [], lastState: undefined };
}

/** Applies one run's stdout to `into` (so several runs can be upserted on top of each other). */
export function applySingerOutput(text: string, into: SingerOutput = emptyOutput()): SingerOutput {
  const keys = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    let message: {
      type: string;
      stream?: string;
      key_properties?: string[];
      record?: Row;
      version?: number;
      value?: unknown;
    };
    try {
      message = JSON.parse(line);
    } catch {
      continue; // a line cut by kill -9 at the very end; a target would fail on it, see soak notes
    }
    if (message.type === 'SCHEMA') keys.set(message.stream!, message.key_properties!);
    if (message.type === 'RECORD') {
      const key = keys.get(message.stream!);
      if (!key) throw new Error(`RECORD for ${message.stream} before its SCHEMA`);
      const table = into.tables.get(message.stream!) ?? new Map<string, Row>();
      into.tables.set(message.stream!, table);
      const id = key.map((k) => String(message.record![k])).join('|');
      table.set(id, message.record!);
      into.versions.set(message.stream!, (into.versions.get(message.stream!) ?? new Map()).set(id, message.version));
      into.counts[message.stream!] = (into.counts[message.stream!] ?? 0) + 1;
    }
    if (message.type === 'ACTIVATE_VERSION') {
      const table = into.tables.get(message.stream!) ?? new Map<string, Row>();
      const versions = into.versions.get(message.stream!) ?? new Map<string, number | undefined>();
      for (const id of [...table.keys()]) {
        const version = versions.get(id);
        if (version !== undefined && version >= message.version!) continue;
        table.delete(id);
        versions.delete(id);
        into.deleted[message.stream!] = (into.deleted[message.stream!] ?? 0) + 1;
      }
    }
    if (message.type === 'STATE') {
      into.states.push(message.value);
      into.lastState = message.value;
    }
  }
  return into;
}

/** The value of the last complete STATE line in `text` (the tail of a run's stdout, cut or not). */
export function lastStateIn(text: string): unknown {
  const lines = text.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.startsWith('{"type":"STATE"')) {
      try {
        return (JSON.parse(lines[i]!) as { value: unknown }).value;
      } catch {
        /* a cut line */
      }
    }
  }
  return undefined;
}

export interface Difference {
  stream: string;
  expected: number;
  missing: string[];
  extra: string[];
  mismatched: { key: string; field: string; expected: unknown; actual: unknown }[];
}

/** Compares upserted tables with the sandbox's ground truth, value by value (run-dependent columns excluded). */
export function compareWithTruth(
  output: SingerOutput,
  truth: Record<string, Row[]>,
  keys: Record<string, string | string[]>,
  ignore = ['__synced_at'],
): Difference[] {
  return Object.entries(truth).map(([stream, rows]) => {
    const table = output.tables.get(stream) ?? new Map<string, Row>();
    // A key of several columns is joined with | as applySingerOutput joins key_properties.
    const key = ([] as string[]).concat(keys[stream]!);
    const expected = new Map(rows.map((r) => [key.map((k) => String(r[k])).join('|'), r]));
    const diff: Difference = { stream, expected: rows.length, missing: [], extra: [], mismatched: [] };
    for (const [key, row] of expected) {
      const actual = table.get(key);
      if (!actual) {
        diff.missing.push(key);
        continue;
      }
      for (const field of Object.keys(row)) {
        if (ignore.includes(field)) continue;
        if (!sameValue(row[field], actual[field]))
          diff.mismatched.push({ key, field, expected: row[field], actual: actual[field] });
      }
    }
    for (const key of table.keys()) if (!expected.has(key)) diff.extra.push(key);
    return diff;
  });
}

/** A field a record leaves out is NULL in the target, so undefined and null are the same value here. */
function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

export const STREAM_KEYS = { purchase_orders: 'purchase_order_id', purchase_order_items: 'key' };
