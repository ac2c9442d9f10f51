// docs/targets.md stays true: a target that ignores ACTIVATE_VERSION and cannot read BATCH messages
// (target-jsonl 0.1.4, installed by scripts/setup-loaders.sh) measured as the table says, through the same
// harness that measured the table (scripts/lib/target-compat.ts): a full load, an incremental run after
// edits, a full-table pass after three variants were removed, and the full load as BATCH files.
import { existsSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Compat, measureTarget } from '../../scripts/lib/target-compat.js';
import { targetNamed } from '../../scripts/lib/targets.js';
import { requireLoaders } from './helpers.js';

const jsonl = targetNamed('target-jsonl');
let measured: Compat;

beforeAll(async () => {
  requireLoaders();
  if (!existsSync(jsonl.bin)) throw new Error(`${jsonl.bin} is missing: run \`bash scripts/setup-loaders.sh\` first`);
  measured = await measureTarget(jsonl, 'tip_compat_jsonl');
});

describe('target-jsonl, as docs/targets.md describes it', () => {
  it('loads a full run exactly', () => {
    const exact = (expected: number) => ({ expected, rows: expected, missing: 0, duplicates: 0, stale: 0 });
    expect(measured.full.code).toBe(0);
    expect(measured.full.purchase_orders).toEqual(exact(measured.full.purchase_orders.expected));
    expect(measured.full.variants).toEqual(exact(measured.full.variants.expected));
    expect(measured.full.vendors).toEqual(exact(measured.full.vendors.expected));
  });

  it('appends an incremental run: every key with its latest row, and a second row for each changed order', () => {
    const po = measured.incremental.purchase_orders;
    expect(measured.incremental.code).toBe(0);
    expect({ missing: po.missing, stale: po.stale }).toEqual({ missing: 0, stale: 0 });
    expect(po.duplicates).toBeGreaterThanOrEqual(5); // the 5 edited orders at least; nothing is upserted
  });

  it('ignores ACTIVATE_VERSION: every removed variant stays, unmarked', () => {
    expect(measured.deletions.code).toBe(0);
    expect(measured.deletions).toMatchObject({ removed: 3, kept: 3, marked: 0 });
  });

  it('cannot read BATCH messages: it fails (exit 1) and loads nothing', () => {
    expect(measured.batch.code).toBe(1);
    expect(measured.batch.error).toMatch(/AttributeError/);
    expect(measured.batch.purchase_orders).toBe(0);
  });

  it('keeps dates, date-times, decimals, JSON and empty strings as the tap wrote them', () => {
    const t = measured.types;
    expect(t.date).toEqual({ truth: expect.any(String), loaded: (t.date as { truth: string }).truth });
    expect(t.dateTime).toEqual({ truth: expect.any(String), loaded: (t.dateTime as { truth: string }).truth });
    const [exact, all] = t.decimalsExact.split('/').map(Number);
    expect(all).toBeGreaterThan(0);
    expect(exact).toBe(all);
    expect(t.json).toMatchObject({ type: 'object' });
    expect(t.emptyStrings.truth).toBeGreaterThan(0);
    expect(t.emptyStrings).toEqual({ truth: t.emptyStrings.truth, empty: t.emptyStrings.truth, nulls: 0 });
  });
});
