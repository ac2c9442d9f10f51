import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Sandbox, startSandbox } from '../../sandbox/server.js';
import { type Json, allOrders, api, list } from './helpers.js';

let sb: Sandbox;
let full: Json[];
beforeAll(async () => {
  sb = await startSandbox({ orders: 40 });
  full = await allOrders(sb);
});
afterAll(() => sb.close());

const rows = (env: Json): Json[] => env['purchase-orders'] as Json[];

describe('fields= projection', () => {
  it('keeps only the named top-level keys', async () => {
    const env = await list(sb, { limit: 1000, fields: 'id,last_modified,status' });
    rows(env).forEach((o, k) => {
      expect(o).toEqual({ id: full[k]!.id, status: full[k]!.status, last_modified: full[k]!.last_modified });
    });
  });

  it('items.x keeps only those keys in each item, with or without items named', async () => {
    const env = await list(sb, { limit: 1000, fields: 'id,items.sku,items.id' });
    rows(env).forEach((o, k) => {
      expect(Object.keys(o).sort()).toEqual(['id', 'items']);
      expect(o.items).toEqual(full[k]!.items.map((i: Json) => ({ sku: i.sku, id: i.id })));
    });
    const onlyItems = await list(sb, { limit: 1000, fields: 'items.received' });
    rows(onlyItems).forEach((o, k) => {
      expect(Object.keys(o)).toEqual(['items']);
      expect(o.items).toEqual(full[k]!.items.map((i: Json) => ('received' in i ? { received: i.received } : {})));
    });
  });

  it('ignores unknown names', async () => {
    const env = await list(sb, { limit: 1000, fields: 'id,nope,items.nothing' });
    rows(env).forEach((o, k) => expect(o).toEqual({ id: full[k]!.id, items: full[k]!.items.map(() => ({})) }));
  });

  it('applies to a single order too', async () => {
    const one = await api(sb, `/purchase-orders/${full[3]!.id}?fields=reference,items.title`);
    expect(one.json['purchase-order']).toEqual({
      reference: full[3]!.reference,
      items: full[3]!.items.map((i: Json) => ({ title: i.title })),
    });
  });

  it('returns full objects when ignoreFields is on', async () => {
    sb.configure({ ignoreFields: true });
    try {
      const env = await list(sb, { limit: 1000, fields: 'id' });
      expect(rows(env)).toEqual(full);
    } finally {
      sb.configure({ ignoreFields: false });
    }
  });
});
