import { describe, expect, it } from 'vitest';
import { freshRows, overlappingPage, pageProblem } from '../../src/client/collection/checks.js';
import type { Page as CollectionPage } from '../../src/client/paging/page.js';
import { IdOrder } from '../../src/client/collection/id-order.js';
import {
  readCollection,
  type CollectionCheckpoint as CollectionResume,
} from '../../src/client/collection/collection-reader.js';
import { ENDPOINTS as COLLECTIONS, type ApiRecord } from '../../src/client/endpoints.js';
import type { ApiClient } from '../../src/client/http/types.js';

const quiet = { info: () => undefined, warn: () => undefined };

/**
 * An in-memory variants listing sorted by id, with a hook run before every list request (to change the data mid-read).
 */
class FakeVariants {
  ids: string[];
  requests = 0;
  before: (request: number) => void = () => undefined;
  private next: number;

  constructor(count: number) {
    this.ids = Array.from({ length: count }, (_, i) => id(i));
    this.next = count;
  }

  add(): string {
    const made = id(this.next++);
    this.ids.push(made);
    this.ids.sort();
    return made;
  }

  remove(index: number): string {
    return this.ids.splice(index, 1)[0]!;
  }

  client(): ApiClient {
    return {
      stats: { requests: 0, retries: 0, bytes: 0 },
      getJson: async (path, query = {}) => {
        expect(path).toBe('variants');
        expect(query.id_sort).toBe('asc');
        this.before(++this.requests);
        const limit = Number(query.limit);
        const start = Number(query.page) * limit;
        const rows = this.ids.slice(start, start + limit).map((v) => ({ id: v, sku: `S-${v}` }));
        return {
          meta: { total: this.ids.length, count: rows.length, limit, page: Number(query.page), start },
          variants: rows,
        };
      },
    };
  }
}

const id = (n: number): string => `c1_${String(n * 7).padStart(7, '0')}`;

async function read(
  store: FakeVariants,
  pageSize: number,
  resume?: CollectionResume,
  stopAfter = Infinity,
): Promise<{ ids: string[]; resumes: CollectionResume[] }> {
  const ids: string[] = [];
  const resumes: CollectionResume[] = [];
  for await (const batch of readCollection(
    store.client(),
    COLLECTIONS.variants,
    { pageSize, checkpoint: resume },
    quiet,
  )) {
    ids.push(...batch.records.map((r: ApiRecord) => String(r.id)));
    resumes.push(batch.checkpoint!);
    if (resumes.length >= stopAfter) break;
  }
  return { ids, resumes };
}

function expectNoDuplicates(ids: string[]): void {
  expect(ids.length).toBe(new Set(ids).size);
}

describe('readCollection', () => {
  it('reads every record once, whatever the page size', async () => {
    for (const pageSize of [1, 7, 100, 1000]) {
      const store = new FakeVariants(253);
      const { ids } = await read(store, pageSize);
      expect(ids).toEqual(store.ids);
    }
  });

  it('leaves no request unanswered when it ends with pages asked ahead still in flight', async () => {
    const store = new FakeVariants(95);
    const base = store.client();
    let asked = 0;
    let answered = 0;
    const api: ApiClient = {
      ...base,
      getJson: async (path, query = {}) => {
        asked++;
        const reply = await base.getJson(path, query);
        await new Promise((done) => setTimeout(done, 20 * (Number(query.page) % 4)));
        answered++;
        return reply;
      },
    };
    const ids: string[] = [];
    for await (const batch of readCollection(api, COLLECTIONS.variants, { pageSize: 10, concurrency: 4 }, quiet))
      ids.push(...batch.records.map((r) => String(r.id)));
    expect(ids).toEqual(store.ids);
    expect(asked).toBeGreaterThan(10); // pages past the end were asked for ahead
    expect(answered).toBe(asked);
  });

  it('reads an empty collection in one request', async () => {
    const store = new FakeVariants(0);
    const { ids, resumes } = await read(store, 50);
    expect(ids).toEqual([]);
    expect(store.requests).toBe(1);
    expect(resumes).toHaveLength(1);
  });

  it('misses no record when records before its position are removed mid-read (offsets shift back)', async () => {
    const store = new FakeVariants(500);
    const original = [...store.ids];
    const removed: string[] = [];
    // After the third page, remove 30 records already read: every later row moves 30 places towards the start.
    store.before = (n) => {
      if (n === 4) for (let i = 0; i < 30; i++) removed.push(store.remove(10));
    };
    const { ids } = await read(store, 50);
    expectNoDuplicates(ids);
    const still = original.filter((v) => !removed.includes(v));
    expect(still.filter((v) => !ids.includes(v))).toEqual([]);
  });

  it(
    'under random adds and removes between requests, ' + 'yields every record that existed throughout, each once',
    async () => {
      for (let seed = 1; seed <= 20; seed++) {
        let r = seed;
        const rand = (): number => (r = (r * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
        const store = new FakeVariants(400);
        const removed = new Set<string>();
        store.before = () => {
          const changes = Math.floor(rand() * 6);
          for (let i = 0; i < changes; i++) {
            if (rand() < 0.5 && store.ids.length) removed.add(store.remove(Math.floor(rand() * store.ids.length)));
            else store.add();
          }
        };
        const original = [...store.ids];
        const { ids } = await read(store, 1 + Math.floor(rand() * 60));
        expectNoDuplicates(ids);
        expect(
          original.filter((v) => !removed.has(v) && !ids.includes(v)),
          `seed ${seed}`,
        ).toEqual([]);
      }
    },
  );

  it('resumes from a batch resume point and misses nothing, also when records were removed in between', async () => {
    const store = new FakeVariants(300);
    const first = await read(store, 40, undefined, 3);
    const resume = first.resumes.at(-1)!;
    expect(resume.offset).toBeGreaterThan(100);
    expect(first.ids).toEqual(store.ids.slice(0, resume.offset));
    expect(resume.id).toBe(store.ids[resume.offset - 1]);
    // The record the resume point names is removed before the run goes on: the reader goes back to find its place.
    const gone = store.remove(resume.offset - 1);
    store.remove(5);
    const rest = await read(store, 40, resume);
    const all = [...first.ids, ...rest.ids];
    expect(store.ids.filter((v) => !all.includes(v))).toEqual([]);
    expect(all).not.toContain(undefined);
    expect(rest.ids).not.toContain(gone);
  });
});

describe('overlappingPage', () => {
  it('starts at or before the last record read, ends past it, and stays within the limit', () => {
    for (const end of [1, 2, 99, 100, 101, 1000, 12_345, 99_999]) {
      for (const limit of [1, 10, 100, 1000]) {
        const { page, limit: m } = overlappingPage(end, limit);
        expect(m).toBeLessThanOrEqual(Math.max(2, limit) + 2);
        expect(page * m).toBeLessThanOrEqual(end - 1);
        expect(page * m + m).toBeGreaterThan(end);
      }
    }
    expect(overlappingPage(0, 100)).toEqual({ page: 0, limit: 100 });
  });

  it('wastes little: the overlap with the records read stays small for large offsets', () => {
    for (let end = 5000; end < 6000; end += 37) {
      const { page, limit } = overlappingPage(end, 1000);
      expect(end - page * limit).toBeLessThanOrEqual(50);
    }
  });
});

describe('page checks', () => {
  const page = (ids: string[], meta: Partial<CollectionPage> = {}): CollectionPage => ({
    records: ids.map((v) => ({ id: v })),
    asked: 5,
    limit: 5,
    ...meta,
  });
  const problem = (p: CollectionPage, offset = 10, order = new IdOrder()) =>
    pageProblem(
      p,
      offset,
      p.records.map((r) => String(r.id)),
      order,
    );

  it('take a page that is as asked, with meta.start counted from 0 or from 1', () => {
    expect(problem(page(['a', 'b', 'c'], { count: 3, start: 10 }))).toBeUndefined();
    expect(problem(page(['a', 'b', 'c'], { count: 3, start: 11 }))).toBeUndefined();
  });

  it('name what the server did otherwise', () => {
    expect(problem(page(['a', 'b'], { count: 3 }))).toMatch(/meta.count is 3 on a page of 2 rows/);
    expect(problem(page(['a', 'b'], { start: 0 }))).toMatch(/meta.start is 0 for the page asked at offset 10/);
    expect(problem(page(['a', 'b', 'c', 'd', 'e', 'f']))).toMatch(/6 rows were served on a page asked for 5/);
    expect(problem(page(['a', 'b', 'a']))).toMatch(/an id appears twice/);
    expect(problem(page(['b', 'a']))).toMatch(/not in id order/);
  });

  it('learn the id order from the pages: as text or with numbers compared as numbers, until a page contradicts one', () => {
    const order = new IdOrder();
    // c9_2 before c9_10 is numeric order, not text order: text is ruled out from then on.
    expect(problem(page(['c9_2', 'c9_10']), 0, order)).toBeUndefined();
    expect(order.after('c9_10', 'c9_9')).toBe(true);
    // A page in text order now contradicts the only order left.
    expect(problem(page(['c9_10', 'c9_9']), 0, order)).toMatch(/not in id order/);
  });

  it('a page anchors on the record read last, or when it starts before it in id order; else it may have skipped', () => {
    const order = new IdOrder();
    const rows = (ids: string[]) => ids.map((v) => ({ id: v }));
    expect(freshRows(rows(['b', 'c', 'd']), ['b', 'c', 'd'], 5, 'c', order)).toEqual(rows(['d']));
    // The record read last (c) was removed: a page starting at b still continues what was read.
    expect(freshRows(rows(['b', 'd', 'e']), ['b', 'd', 'e'], 5, 'c', order)).toEqual(rows(['d', 'e']));
    // A page that starts after it may have skipped records between.
    expect(freshRows(rows(['d', 'e']), ['d', 'e'], 5, 'c', order)).toBeUndefined();
  });
});
