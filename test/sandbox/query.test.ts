import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type Json, allOrders, ids, instant, list } from './helpers.js';

let sb: Sandbox;
let orders: Json[]; // default order
beforeAll(async () => {
  sb = await startSandbox({ orders: 300, seed: 11, tieBlockSize: 4, tieBlockCount: 2 });
  orders = await allOrders(sb);
});
afterAll(() => sb.close());

const lm = (o: Json): number => instant(o.last_modified as string);
const byLmAsc = (): Json[] => [...orders].sort((a, b) => lm(a) - lm(b));
/** The instant as text in another offset, e.g. 14:00Z -> 19:30+05:30. */
function withOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${hh}:${mm}`;
}

describe('sort', () => {
  it('last_modified_sort=asc and desc order by instant', async () => {
    const asc = (await list(sb, { limit: 1000, last_modified_sort: 'asc' }))['purchase-orders'] as Json[];
    const desc = (await list(sb, { limit: 1000, last_modified_sort: 'desc' }))['purchase-orders'] as Json[];
    expect(asc).toHaveLength(300);
    for (let k = 1; k < asc.length; k++) expect(lm(asc[k]!)).toBeGreaterThanOrEqual(lm(asc[k - 1]!));
    for (let k = 1; k < desc.length; k++) expect(lm(desc[k]!)).toBeLessThanOrEqual(lm(desc[k - 1]!));
    expect(new Set(asc.map((o) => o.id)).size).toBe(300);
  });

  it('keeps a stable order for equal values across pages', async () => {
    const whole = ids(await list(sb, { limit: 1000, last_modified_sort: 'asc' }));
    const paged: string[] = [];
    for (let page = 0; page < 300 / 7 + 1; page++)
      paged.push(...ids(await list(sb, { limit: 7, page, last_modified_sort: 'asc' })));
    expect(paged).toEqual(whole);
  });

  it('sorts other fields: numbers numerically, strings lexicographically', async () => {
    const byRef = (await list(sb, { limit: 1000, reference_sort: 'desc' }))['purchase-orders'] as Json[];
    const refs = byRef.map((o) => Number(o.reference));
    expect(refs).toEqual([...refs].sort((a, b) => b - a));
    const byVendor = (await list(sb, { limit: 1000, vendor_sort: 'asc' }))['purchase-orders'] as Json[];
    const vendors = byVendor.map((o) => o.vendor as string);
    expect(vendors).toEqual([...vendors].sort());
  });
});

describe('filters', () => {
  const pivot = (): Json => byLmAsc()[150]!;

  it.each([
    ['gte', (a: number, b: number) => a >= b],
    ['gt', (a: number, b: number) => a > b],
    ['lte', (a: number, b: number) => a <= b],
    ['lt', (a: number, b: number) => a < b],
  ] as const)('last_modified_%s compares instants (query in +05:30)', async (op, holds) => {
    const p = lm(pivot());
    const env = await list(sb, { limit: 1000, [`last_modified_${op}`]: withOffset(p, 330), last_modified_sort: 'asc' });
    const expected = byLmAsc().filter((o) => holds(lm(o), p));
    expect(env.meta.total).toBe(expected.length);
    expect(new Set(ids(env))).toEqual(new Set(expected.map((o) => o.id)));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('last_modified=X matches the same instant written with another offset', async () => {
    const p = lm(pivot());
    const env = await list(sb, { last_modified: withOffset(p, -240) });
    expect(env.meta.total).toBe(orders.filter((o) => lm(o) === p).length);
    expect(ids(env)).toContain(pivot().id);
  });

  it('matches in either direction: offsets in the data against a UTC query', async () => {
    const offsetOrder = orders.find((o) => !String(o.last_modified).endsWith('+00:00'))!;
    expect(offsetOrder).toBeDefined();
    const env = await list(sb, { last_modified: new Date(lm(offsetOrder)).toISOString() });
    expect(ids(env)).toContain(offsetOrder.id);
  });

  it('_ne, equality and _eqi on strings', async () => {
    const status = orders[0]!.status as string;
    const eq = await list(sb, { limit: 1000, status });
    expect(new Set(ids(eq))).toEqual(new Set(orders.filter((o) => o.status === status).map((o) => o.id)));
    const upper = await list(sb, { limit: 1000, status: status.toUpperCase() });
    expect(upper.meta.total).toBe(0);
    const eqi = await list(sb, { limit: 1000, status_eqi: status.toUpperCase() });
    expect(eqi.meta.total).toBe(eq.meta.total);
    const ne = await list(sb, { limit: 1000, status_ne: status });
    expect(ne.meta.total).toBe(300 - eq.meta.total);
  });

  it('compares numeric strings numerically', async () => {
    // references run 1000..1299; lexicographically "999" > "1100", numerically not
    const gt = await list(sb, { limit: 1000, reference_gt: '999' });
    expect(gt.meta.total).toBe(300);
    const lte = await list(sb, { limit: 1000, reference_lte: '1009' });
    expect(new Set(ids(lte))).toEqual(new Set(orders.filter((o) => Number(o.reference) <= 1009).map((o) => o.id)));
    const num = (v: unknown): number => Number(v);
    const tot = await list(sb, { limit: 1000, total_ordered_gte: '100' });
    expect(tot.meta.total).toBe(orders.filter((o) => o.total_ordered !== '' && num(o.total_ordered) >= 100).length);
  });

  it('combines several filters with AND', async () => {
    const p = lm(pivot());
    const status = 'open';
    const env = await list(sb, {
      limit: 1000,
      last_modified_gte: new Date(p).toISOString(),
      status,
      last_modified_sort: 'asc',
    });
    const expected = byLmAsc().filter((o) => lm(o) >= p && o.status === status);
    expect(new Set(ids(env))).toEqual(new Set(expected.map((o) => o.id)));
    expect(env.meta.total).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(0);
    const range = await list(sb, {
      limit: 1000,
      last_modified_gt: new Date(lm(byLmAsc()[10]!)).toISOString(),
      last_modified_lt: new Date(p).toISOString(),
    });
    expect(range.meta.total).toBe(orders.filter((o) => lm(o) > lm(byLmAsc()[10]!) && lm(o) < p).length);
  });

  it('pages through a last_modified range with limit=1 probes', async () => {
    const p = lm(pivot());
    const expected = ids(
      await list(sb, { limit: 1000, last_modified_gte: new Date(p).toISOString(), last_modified_sort: 'asc' }),
    );
    for (const q of [0, 5, expected.length - 1]) {
      const env = await list(sb, {
        limit: 1,
        page: q,
        last_modified_gte: new Date(p).toISOString(),
        last_modified_sort: 'asc',
      });
      expect(env.meta.total).toBe(expected.length);
      expect(ids(env)).toEqual([expected[q]]);
    }
  });

  it('ignores unknown parameters and unknown fields', async () => {
    const env = await list(sb, { limit: 1000, bogus: 'x', nosuchfield_gte: '5', nosuchfield_sort: 'desc' });
    expect(ids(env)).toEqual(orders.map((o) => o.id));
  });

  it('silently ignores operators listed in ignoreOperators', async () => {
    const p = new Date(lm(pivot())).toISOString();
    const honoured = await list(sb, { limit: 1000, last_modified_gte: p });
    sb.configure({ ignoreOperators: ['gte'] });
    try {
      const ignored = await list(sb, { limit: 1000, last_modified_gte: p });
      expect(ignored.meta.total).toBe(300);
      expect(honoured.meta.total).toBeLessThan(300);
      const stillLt = await list(sb, { limit: 1000, last_modified_lt: p });
      expect(stillLt.meta.total).toBe(300 - honoured.meta.total);
    } finally {
      sb.configure({ ignoreOperators: [] });
    }
  });
});
