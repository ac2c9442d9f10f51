// The sandbox switches for servers that differ from the API notes (issue 12).
import { afterAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox, type SandboxOptions } from '../../sandbox/server.js';
import { type Json, api, list } from './helpers.js';

const open: Sandbox[] = [];
afterAll(() => Promise.all(open.map((sb) => sb.close())));
async function sandbox(options: SandboxOptions): Promise<Sandbox> {
  const sb = await startSandbox({ orders: 200, seed: 21, ...options });
  open.push(sb);
  return sb;
}
const rows = (envelope: Json): Json[] => envelope['purchase-orders'] as Json[];
const asc = { last_modified_sort: 'asc' };

describe('sandbox switches for issue 12', () => {
  it('pageCap serves fewer orders than asked and says so in meta.limit', async () => {
    const sb = await sandbox({ pageCap: 30 });
    const page = await list(sb, { ...asc, limit: 100, page: 1 });
    expect(rows(page)).toHaveLength(30);
    expect(page.meta).toMatchObject({ limit: 30, start: 30, total: 200, count: 30 });
  });

  it.each([
    ['ms', /\.\d{3}\+|\.\d{3}-/],
    ['us', /\.\d{6}[+-]/],
  ] as const)(
    'lmPrecision %s writes that many fraction digits, sorted by the whole instant',
    async (lmPrecision, digits) => {
      const sb = await sandbox({ lmPrecision });
      const all = rows(await list(sb, { ...asc, limit: 1000 }));
      expect(all.every((o) => digits.test(String(o.last_modified)))).toBe(true);
      const micros = all
        .map((o) => String(o.last_modified))
        .map((t) => Date.parse(t) * 1000 + Number(/\.(\d+)/.exec(t)![1]!.padEnd(6, '0').slice(3)));
      expect(micros).toEqual([...micros].sort((a, b) => a - b));
    },
  );

  it('floorFilters compares with filter values floored to whole seconds', async () => {
    const sb = await sandbox({ lmPrecision: 'ms' });
    const all = rows(await list(sb, { ...asc, limit: 1000 }));
    const target = String(all[100]!.last_modified);
    const exact = rows(await list(sb, { ...asc, limit: 1000, last_modified_gte: target }));
    sb.configure({ floorFilters: true });
    const floored = rows(await list(sb, { ...asc, limit: 1000, last_modified_gte: target }));
    const lt = rows(await list(sb, { ...asc, limit: 1000, last_modified_lt: target }));
    expect(exact[0]!.id).toBe(all[100]!.id);
    const second = Math.floor(Date.parse(target) / 1000) * 1000;
    expect(floored.length).toBe(all.filter((o) => Date.parse(String(o.last_modified)) >= second).length);
    expect(lt.length).toBe(all.filter((o) => Date.parse(String(o.last_modified)) < second).length);
  });

  it(
    'nullLastModified: orders without one come first, null or absent, ' + 'and no last_modified filter matches them',
    async () => {
      const sb = await sandbox({ nullLastModified: 6 });
      const all = rows(await list(sb, { ...asc, limit: 1000 }));
      expect(all.slice(0, 6).every((o) => o.last_modified === undefined || o.last_modified === null)).toBe(true);
      expect(
        all.slice(0, 6).some((o) => o.last_modified === null) && all.slice(0, 6).some((o) => !('last_modified' in o)),
      ).toBe(true);
      expect(all.slice(6).every((o) => typeof o.last_modified === 'string')).toBe(true);
      expect((await list(sb, { ...asc, limit: 1000, last_modified_gte: '2000-01-01T00:00:00+00:00' })).meta.total).toBe(
        194,
      );
      expect(sb.truth().purchase_orders.filter((r) => r.last_modified === null)).toHaveLength(6);
    },
  );

  it('itemsPerOrderMin draws lines from [min, itemsPerOrder], ids unique within an order', async () => {
    const sb = await sandbox({ orders: 20, itemsPerOrder: 600, itemsPerOrderMin: 300 });
    const all = rows(await list(sb, { ...asc, limit: 20 }));
    for (const o of all) {
      const items = o.items as Json[];
      expect(items.length).toBeGreaterThanOrEqual(300);
      expect(items.length).toBeLessThanOrEqual(600);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    }
  });

  it('singleOrder404 and emptyListAsObject', async () => {
    const sb = await sandbox({ singleOrder404: true, emptyListAsObject: true });
    const id = rows(await list(sb, { ...asc, limit: 1 }))[0]!.id;
    expect((await api(sb, `/purchase-orders/${id}`)).status).toBe(404);
    const empty = await api(sb, '/purchase-orders?last_modified_gte=2099-01-01T00:00:00%2B00:00');
    expect(empty.json['purchase-orders']).toEqual({});
  });
});
