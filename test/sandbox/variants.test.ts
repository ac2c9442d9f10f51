import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ variants: 30, seed: 4 });
});
afterAll(() => sb.close());

async function get(path: string): Promise<any> {
  const r = await fetch(`${sb.baseUrl}${path}`, {
    headers: { Authorization: sb.apiKey, Account: sb.accountId, 'User-Agent': 't' },
  });
  return { status: r.status, json: await r.json() };
}

describe('sandbox variants, warehouses and vendors', () => {
  it('pages variants 0-based in id order with meta, and caps limit at 1000', async () => {
    const a = await get('/variants?page=1&limit=10&id_sort=asc');
    expect(a.json.meta).toMatchObject({ name: 'variants', total: 30, count: 10, limit: 10, page: 1, start: 10 });
    const ids = a.json.variants.map((v: any) => v.id);
    expect([...ids].sort()).toEqual(ids);
    expect((await get('/variants?limit=5000')).json.meta.limit).toBe(1000);
  });

  it(
    'sends the quirks: [] for empty maps, connections as one object for every third variant, Unix seconds, ' +
      '-04:00 offsets',
    async () => {
      const all = (await get('/variants?limit=30')).json.variants as any[];
      expect(all.some((v) => Array.isArray(v.revenue_by_month) && v.revenue_by_month.length === 0)).toBe(true);
      expect(all.some((v) => !Array.isArray(v.connections) && typeof v.connections === 'object')).toBe(true);
      expect(all.every((v) => Number.isInteger(v.last_forecast_time))).toBe(true);
      expect(all[0].stock_hist[0][0]).toMatch(/-04:00$/);
      expect(all[0].warehouse).toHaveLength(3);
    },
  );

  it('fields= is an allowlist; dot notation selects block fields, a plain warehouse only the id stub', async () => {
    const dot = (await get('/variants?limit=1&fields=id,sku,warehouse.in_stock')).json.variants[0];
    expect(Object.keys(dot).sort()).toEqual(['id', 'sku', 'warehouse']);
    expect(Object.keys(dot.warehouse[0]).sort()).toEqual(['in_stock', 'warehouse']);
    const plain = (await get('/variants?limit=1&fields=id,warehouse')).json.variants[0];
    expect(Object.keys(plain.warehouse[0])).toEqual(['warehouse']);
    const one = (await get(`/variants/${encodeURIComponent(dot.id)}`)).json.variant;
    expect(one.id).toBe(dot.id);
  });

  it('serves warehouses and vendors; removals and additions show in the listing and the truth', async () => {
    expect((await get('/warehouses')).json.warehouses).toHaveLength(3);
    expect((await get('/vendors')).json.vendors.map((v: any) => v.id)).toContain('acme supply');
    const removed = sb.removeVariants(2);
    const added = sb.addVariants(5);
    const ids = (await get('/variants?limit=1000')).json.variants.map((v: any) => v.id);
    expect(ids).toHaveLength(33);
    for (const id of removed) expect(ids).not.toContain(id);
    for (const id of added) expect(ids).toContain(id);
    const truth = sb.collectionTruth();
    expect(truth.variants.map((v) => v.id)).toEqual(ids);
    expect(truth.variant_warehouses).toHaveLength(99);
    sb.changeVariantsAt(2, { remove: 3 });
    await get('/variants?limit=1');
    expect((await get('/variants?limit=1')).json.meta.total).toBe(30);
  });
});
