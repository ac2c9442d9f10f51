// The collection reader against the sandbox over HTTP, with each way a server may differ from the notes
// (issue 22): the reader yields every record that existed from its start to its end, or says it may have
// missed one (mayHaveMissed, and why), and always ends.
import { afterEach, describe, expect, it } from 'vitest';
import { readCollection, type CollectionBatch } from '../../src/client/collection/collection-reader.js';
import { ENDPOINTS as COLLECTIONS, type CollectionName } from '../../src/client/endpoints.js';
import { createApiClient } from '../../src/client/http/client.js';
import type { SandboxOptions } from '../../sandbox/options.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';

let sandbox: Sandbox | undefined;
afterEach(() => sandbox?.close());

const quiet = { debug: () => undefined, warn: () => undefined };

interface Outcome {
  ids: string[];
  batches: CollectionBatch[];
  requests: number;
  existedThroughout: string[];
  mayHaveMissed: boolean;
  why?: string;
}

async function readFrom(
  options: SandboxOptions,
  read: { pageSize?: number; concurrency?: number; name?: CollectionName; during?: SandboxOptions } = {},
): Promise<Outcome> {
  sandbox = await startSandbox({ orders: 1, seed: 3, ...options });
  const name = read.name ?? 'variants';
  const key = name === 'warehouses' ? 'name' : 'id';
  const before = sandbox.collectionTruth()[name].map((r) => String(r[key]));
  // Switched on only now, so that the truth above is the data at the read's start.
  if (read.during) sandbox.configure(read.during);
  const api = createApiClient({
    baseUrl: sandbox.baseUrl,
    apiKey: sandbox.apiKey,
    accountId: sandbox.accountId,
    userAgent: 'test',
    timeoutMs: 10_000,
    maxRetries: 0,
    retryInitialMs: 1,
    retryMaxMs: 1,
    log: quiet,
  });
  const batches: CollectionBatch[] = [];
  for await (const batch of readCollection(
    api,
    COLLECTIONS[name],
    { pageSize: read.pageSize ?? 100, concurrency: read.concurrency ?? 1 },
    { info: () => undefined, warn: () => undefined },
  ))
    batches.push(batch);
  const after = new Set(sandbox.collectionTruth()[name].map((r) => String(r[key])));
  const ids = batches.flatMap((b) => b.records.map((r) => String(r[key])));
  const unsure = batches.find((b) => b.mayHaveMissed);
  return {
    ids,
    batches,
    requests: api.stats.requests,
    existedThroughout: before.filter((id) => after.has(id)),
    mayHaveMissed: unsure !== undefined,
    why: unsure?.why,
  };
}

/** Every record that existed throughout was yielded (the only thing that makes a pass safe). */
const missed = (o: Outcome): string[] => {
  const seen = new Set(o.ids);
  return o.existedThroughout.filter((id) => !seen.has(id));
};

describe('collection reads a pass can vouch for', () => {
  it('in id order, with edits, additions and removals at every request (meta.total moves): every record, each once, nothing unsure', async () => {
    for (const concurrency of [1, 4]) {
      const o = await readFrom(
        { variants: 2935, historyPoints: 0 },
        { concurrency, during: { variantEditsPerRequest: 20, variantChurnPerRequest: 7 } },
      );
      expect(missed(o), `concurrency ${concurrency}`).toEqual([]);
      expect(o.ids.length).toBe(new Set(o.ids).size);
      expect(o.why).toBeUndefined();
      sandbox?.close();
    }
  });

  it('pages capped by the server, said in meta.limit or not: every record, nothing unsure', async () => {
    for (const pageCapSilent of [false, true]) {
      const o = await readFrom(
        { variants: 950, historyPoints: 0, pageCap: 60, pageCapSilent },
        { pageSize: 200, concurrency: 3 },
      );
      expect(o.ids).toEqual(o.existedThroughout);
      expect(o.mayHaveMissed).toBe(false);
      sandbox?.close();
    }
  });
});

describe('collection reads a pass cannot vouch for end with mayHaveMissed and why, and end', () => {
  it('a server that ignores id_sort and lists the most recently edited first, edited during the read: unsure, says so', async () => {
    const o = await readFrom(
      { variants: 2935, historyPoints: 0, collectionOrder: 'recent' },
      { concurrency: 4, during: { variantEditsPerRequest: 30 } },
    );
    expect(o.mayHaveMissed).toBe(true);
    expect(o.why).toMatch(/not in id order/);
    // Every batch after the evidence carries the flag and no resume point (the last safe one stays).
    const first = o.batches.findIndex((b) => b.mayHaveMissed);
    expect(o.batches.slice(first).every((b) => b.mayHaveMissed && b.checkpoint === undefined)).toBe(true);
    // Read on for the records' sake: most of them were written.
    expect(o.ids.length).toBeGreaterThan(2000);
  });

  it('a server that ignores id_sort (a fixed other order): unsure, even with no change during the read', async () => {
    const o = await readFrom({ variants: 1500, historyPoints: 0, collectionOrder: 'scrambled' });
    expect(o.mayHaveMissed).toBe(true);
    expect(missed(o)).toEqual([]);
  });

  it('a collection that fits one page is read again in one request when the order cannot be trusted: exact, not unsure', async () => {
    const o = await readFrom(
      { variants: 700, historyPoints: 0, collectionOrder: 'recent' },
      { pageSize: 100, during: { variantEditsPerRequest: 10 } },
    );
    expect(o.mayHaveMissed).toBe(false);
    expect(missed(o)).toEqual([]);
    for (const name of ['warehouses', 'vendors'] as const) {
      sandbox?.close();
      const small = await readFrom({ warehouseBlocks: 7, collectionOrder: 'scrambled' }, { name, pageSize: 2 });
      expect(small.mayHaveMissed, name).toBe(false);
      expect(new Set(small.ids), name).toEqual(new Set(small.existedThroughout));
    }
  });

  it('no deep offsets, as an empty page while meta.total says more: ends after a few tries, unsure, says so', async () => {
    const o = await readFrom({ variants: 3000, historyPoints: 0, deepOffsetLimit: 1000 }, { concurrency: 4 });
    expect(o.mayHaveMissed).toBe(true);
    expect(o.why).toMatch(/empty page at offset \d+ while meta.total is 3000/);
    expect(o.ids.length).toBeGreaterThanOrEqual(999);
    expect(o.requests).toBeLessThan(40);
  });

  it('no deep offsets, as an error status: ends, unsure, says which status', async () => {
    const o = await readFrom({ variants: 3000, historyPoints: 0, deepOffsetLimit: 1000, deepOffsetStatus: 400 });
    expect(o.mayHaveMissed).toBe(true);
    expect(o.why).toMatch(/refused the page at offset \d+ \(HTTP 400\)/);
    expect(o.requests).toBeLessThan(20);
  });

  it('a listing that keeps growing before the reader: ends within its page budget, unsure', async () => {
    // Every request adds and removes 40 variants: removals anywhere keep sending the reader back.
    const o = await readFrom(
      { variants: 3000, historyPoints: 0 },
      { pageSize: 40, during: { variantChurnPerRequest: 40 } },
    );
    expect(o.requests).toBeLessThan(20 + 3 * Math.ceil(3000 / 20) + 10);
    if (o.mayHaveMissed) expect(o.why).toMatch(/kept shifting/);
    else expect(missed(o)).toEqual([]);
  });
});
