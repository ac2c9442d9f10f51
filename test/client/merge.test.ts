import { describe, expect, it } from 'vitest';
import { mergeSources } from '../../src/client/paging/read-ahead.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function* values(list: number[], delayMs: number, failAfter?: number): AsyncGenerator<number> {
  for (const [i, v] of list.entries()) {
    await sleep(delayMs);
    if (failAfter !== undefined && i >= failAfter) throw new Error(`source failed at ${v}`);
    yield v;
  }
}

describe('mergeSources', () => {
  it('lets a source send its next request before the consumer gets the current value', async () => {
    const events: string[] = [];
    // Like a got request: started at once, on the wire only after a turn of the event loop.
    async function* requests(): AsyncGenerator<number> {
      for (let i = 0; i < 3; i++) {
        await new Promise((resolve) => setImmediate(() => resolve(events.push(`sent ${i}`))));
        yield i;
      }
    }
    for await (const { value } of mergeSources([requests()])) events.push(`got ${value}`);
    expect(events).toEqual(['sent 0', 'sent 1', 'got 0', 'sent 2', 'got 1', 'got 2']);
  });

  it('yields every value of every source', async () => {
    const seen: number[] = [];
    for await (const { value } of mergeSources([values([1, 2, 3], 2), values([10, 20], 3)])) seen.push(value);
    expect(seen.sort((a, b) => a - b)).toEqual([1, 2, 3, 10, 20]);
  });

  it(
    'a source failing while the consumer is busy surfaces at the next value, ' + 'not as an unhandled rejection',
    async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        const merged = mergeSources([values([1, 2, 3], 1), values([10, 20], 1, 1)]);
        const error = await (async () => {
          for await (const _ of merged) await sleep(30); // the failing source settles during this pause
        })().catch((e: Error) => e);
        await sleep(10);
        expect((error as Error).message).toBe('source failed at 20');
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    },
  );
});
