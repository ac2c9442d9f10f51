// The listsShowFirst switch (issue 29): a server wrong consistently, whose lists show only their first N records
// with meta.total = N (0: empty lists, total 0), on every list endpoint, switched on and off through the admin API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { admin, api } from './helpers.js';

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox({ orders: 40, variants: 30, seed: 9 });
});
afterAll(() => sb.close());

const PATHS = ['/purchase-orders', '/variants', '/warehouses', '/vendors'];
const KEY: Record<string, string> = {
  '/purchase-orders': 'purchase-orders',
  '/variants': 'variants',
  '/warehouses': 'warehouses',
  '/vendors': 'vendors',
};

async function listing(path: string, page = 0, limit = 10): Promise<{ total: number; rows: any[] }> {
  const r = await api(sb, `${path}?page=${page}&limit=${limit}`);
  expect(r.status).toBe(200);
  return { total: r.json.meta.total, rows: r.json[KEY[path]!] };
}

async function everything(path: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 0; ; page++) {
    const { rows } = await listing(path, page, 7);
    if (rows.length === 0) return ids;
    ids.push(...rows.map((r) => String(r.id ?? r.name)));
  }
}

describe('sandbox listsShowFirst', () => {
  it('every list shows only its first N records and says total N; 0 empties them; false restores them', async () => {
    const full = Object.fromEntries(await Promise.all(PATHS.map(async (p) => [p, await everything(p)] as const)));
    expect(full['/variants']).toHaveLength(30);
    expect((await admin(sb, 'PATCH', 'config', { listsShowFirst: 12 })).status).toBe(200);
    for (const path of PATHS) {
      const n = Math.min(12, full[path]!.length);
      expect((await listing(path)).total, path).toBe(n);
      // consistent: every page agrees with meta.total, nothing past it
      expect(await everything(path), path).toHaveLength(n);
    }
    expect(await everything('/variants')).toEqual(full['/variants']!.slice(0, 12));
    sb.configure({ listsShowFirst: 0 });
    for (const path of PATHS) expect(await listing(path), path).toEqual({ total: 0, rows: [] });
    sb.configure({ listsShowFirst: false });
    for (const path of PATHS) expect(await everything(path), path).toEqual(full[path]);
  });

  it('listsShowFirstOn limits it to the lists named', async () => {
    sb.configure({ listsShowFirst: 0, listsShowFirstOn: ['variants'] });
    try {
      expect((await listing('/variants')).total).toBe(0);
      expect((await listing('/vendors')).total).toBeGreaterThan(0);
      expect((await listing('/purchase-orders')).total).toBe(40);
    } finally {
      sb.configure({
        listsShowFirst: false,
        listsShowFirstOn: ['purchase-orders', 'variants', 'warehouses', 'vendors'],
      });
    }
  });

  it('rejects a negative or fractional N', async () => {
    for (const bad of [-1, 2.5, true])
      expect((await admin(sb, 'PATCH', 'config', { listsShowFirst: bad })).status).toBe(400);
  });
});
