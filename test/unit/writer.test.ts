import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TapError } from '../../src/errors.js';
import { recordLineBuilder, serialize } from '../../src/singer/messages.js';
import { SingerWriter } from '../../src/singer/writer.js';

/** A consumer that only takes the next chunk when release() is called: a stalled target. */
function stalledStream(highWaterMark = 1): { out: Writable; chunks: string[]; release: () => void; pending: () => number } {
  const chunks: string[] = [];
  const callbacks: Array<() => void> = [];
  const out = new Writable({
    highWaterMark,
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callbacks.push(() => callback());
    },
  });
  return { out, chunks, release: () => callbacks.shift()?.(), pending: () => callbacks.length };
}

function collecting(): { out: Writable; chunks: string[] } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { out, chunks };
}

function epipe(): NodeJS.ErrnoException {
  return Object.assign(new Error('write EPIPE'), { code: 'EPIPE', errno: -32, syscall: 'write' });
}

async function rejection(promise: Promise<unknown>): Promise<TapError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(TapError);
    return error as TapError;
  }
  throw new Error('expected a rejection');
}

describe('SingerWriter', () => {
  it('writes a batch of lines as one chunk of whole, newline-terminated lines', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const line = recordLineBuilder('purchase_orders');
    const a = line({ purchase_order_id: '1' }, '2024-03-07T08:00:00.000Z');
    const b = line({ purchase_order_id: '2' }, '2024-03-07T08:00:00.000Z');
    await writer.lines([a, b]);
    await writer.lines([]);
    expect(chunks).toEqual([`${a}\n${b}\n`]);
    for (const l of chunks[0]!.trimEnd().split('\n')) {
      expect(JSON.parse(l)).toEqual({ type: 'RECORD', stream: 'purchase_orders', record: expect.any(Object), time_extracted: '2024-03-07T08:00:00.000Z' });
    }
  });

  it('message() writes one serialized message line, multi-byte text intact', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const state = { type: 'STATE' as const, value: { bookmarks: { purchase_orders: { replication_key: 'last_modified', replication_key_value: 'é' } } } };
    await writer.message(state);
    expect(chunks).toEqual([serialize(state) + '\n']);
    expect(JSON.parse(chunks[0]!).value.bookmarks.purchase_orders.replication_key_value).toBe('é');
  });

  it('waits for drain when the consumer is behind: lines() does not resolve until the chunk is taken', async () => {
    const { out, chunks, release } = stalledStream(1);
    const writer = new SingerWriter(out);
    let resolved = false;
    const done = writer.lines(['{"type":"STATE","value":{}}']).then(() => {
      resolved = true;
    });
    for (let i = 0; i < 10; i++) await tick();
    expect(chunks).toHaveLength(1); // handed to the consumer...
    expect(out.writableNeedDrain).toBe(true);
    expect(resolved).toBe(false); // ...but the writer still waits
    release();
    await done;
    expect(resolved).toBe(true);
  });

  it('does not let memory pile up: a fast producer is held to one chunk in flight by a slow consumer', async () => {
    let maxBuffered = 0;
    const out = new Writable({
      highWaterMark: 16,
      write(_chunk, _encoding, callback) {
        setTimeout(callback, 1);
      },
    });
    const writer = new SingerWriter(out);
    const line = 'x'.repeat(100);
    for (let i = 0; i < 50; i++) {
      await writer.lines([line]);
      maxBuffered = Math.max(maxBuffered, out.writableLength);
    }
    // Each call returned only after the stream drained, so nothing was left queued behind it.
    expect(maxBuffered).toBe(0);
  });

  it('a closed pipe (EPIPE) makes the next lines() reject with OUTPUT_CLOSED', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    await writer.lines(['{"type":"STATE","value":{}}']);
    out.destroy(epipe());
    await tick();
    expect(writer.closed?.code).toBe('OUTPUT_CLOSED');
    const error = await rejection(writer.lines(['{"type":"RECORD"}']));
    expect(error.code).toBe('OUTPUT_CLOSED');
    expect(error.message).toContain('EPIPE');
    expect(error.toLine()).toMatch(/^OUTPUT_CLOSED: /);
    await rejection(writer.message({ type: 'STATE', value: {} }));
    expect(chunks).toHaveLength(1); // nothing more was written
  });

  it('a pipe that breaks while the writer waits for drain rejects that pending lines()', async () => {
    const { out } = stalledStream(1);
    const writer = new SingerWriter(out);
    const pending = writer.lines(['{"type":"STATE","value":{}}']);
    await tick();
    out.destroy(epipe());
    const error = await rejection(pending);
    expect(error.code).toBe('OUTPUT_CLOSED');
  });

  it('writeNow() writes one whole line without waiting, and nothing once the pipe is closed', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    writer.writeNow({ type: 'STATE', value: { bookmarks: {} } });
    expect(chunks).toEqual(['{"type":"STATE","value":{"bookmarks":{}}}\n']);
    out.destroy(epipe());
    await tick();
    expect(() => writer.writeNow({ type: 'STATE', value: {} })).not.toThrow();
    expect(chunks).toHaveLength(1);
  });
});

describe('recordLineBuilder', () => {
  it('builds the same JSON as serialize() for a RECORD message', () => {
    const build = recordLineBuilder('purchase_order_items');
    const record = { key: '900150983cd24fb0d6963f7d28e17f72', sku: 'TEE "BLK"\n', cost_price: 8.5, received: null };
    const line = build(record, '2024-03-07T08:00:00.000Z');
    expect(JSON.parse(line)).toEqual({ type: 'RECORD', stream: 'purchase_order_items', record, time_extracted: '2024-03-07T08:00:00.000Z' });
    expect(line).toBe(serialize({ type: 'RECORD', stream: 'purchase_order_items', record, time_extracted: '2024-03-07T08:00:00.000Z' }));
    expect(line).not.toContain('\n');
  });
});
