import { Writable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { TapError } from '../../src/common/errors.js';
import { recordLineBuilder, serialize } from '../../src/singer/messages.js';
import { SingerWriter } from '../../src/singer/writer.js';

/** A consumer that only takes the next chunk when release() is called: a stalled target. */
function stalledStream(highWaterMark = 1): {
  out: Writable;
  chunks: string[];
  release: () => void;
  pending: () => number;
} {
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

/** Queues the lines and writes them, as the sync loop does. */
function writeLines(writer: SingerWriter, lines: string[]): Promise<void> {
  for (const line of lines) writer.add(line);
  return writer.flush();
}

describe('SingerWriter', () => {
  it('writes a batch of lines as one chunk of whole, newline-terminated lines', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const line = recordLineBuilder('purchase_orders');
    const a = line({ purchase_order_id: '1' }, '2024-03-07T08:00:00.000Z');
    const b = line({ purchase_order_id: '2' }, '2024-03-07T08:00:00.000Z');
    await writeLines(writer, [a, b]);
    await writeLines(writer, []);
    expect(chunks).toEqual([`${a}\n${b}\n`]);
    for (const l of chunks[0]!.trimEnd().split('\n')) {
      expect(JSON.parse(l)).toEqual({
        type: 'RECORD',
        stream: 'purchase_orders',
        record: expect.any(Object),
        time_extracted: '2024-03-07T08:00:00.000Z',
      });
    }
  });

  it('message() writes one serialized message line, multi-byte text intact', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const state = {
      type: 'STATE' as const,
      value: { bookmarks: { purchase_orders: { replication_key: 'last_modified', replication_key_value: 'é' } } },
    };
    await writer.message(state);
    expect(chunks).toEqual([`${serialize(state)}\n`]);
    expect(JSON.parse(chunks[0]!).value.bookmarks.purchase_orders.replication_key_value).toBe('é');
  });

  it('waits for drain when the consumer is behind: flush() does not resolve until the chunk is taken', async () => {
    const { out, chunks, release } = stalledStream(1);
    const writer = new SingerWriter(out);
    let resolved = false;
    const done = writeLines(writer, ['{"type":"STATE","value":{}}']).then(() => {
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
      await writeLines(writer, [line]);
      maxBuffered = Math.max(maxBuffered, out.writableLength);
    }
    // Each call returned only after the stream drained, so nothing was left queued behind it.
    expect(maxBuffered).toBe(0);
  });

  it('a closed pipe (EPIPE) makes the next flush() reject with OUTPUT_CLOSED', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    await writeLines(writer, ['{"type":"STATE","value":{}}']);
    out.destroy(epipe());
    await tick();
    expect(writer.closed?.code).toBe('OUTPUT_CLOSED');
    const error = await rejection(writeLines(writer, ['{"type":"RECORD"}']));
    expect(error.code).toBe('OUTPUT_CLOSED');
    expect(error.message).toContain('EPIPE');
    expect(error.toLine()).toMatch(/^OUTPUT_CLOSED: /);
    await rejection(writer.message({ type: 'STATE', value: {} }));
    expect(chunks).toHaveLength(1); // nothing more was written
  });

  it('a pipe that breaks while the writer waits for drain rejects that pending flush()', async () => {
    const { out } = stalledStream(1);
    const writer = new SingerWriter(out);
    const pending = writeLines(writer, ['{"type":"STATE","value":{}}']);
    await tick();
    out.destroy(epipe());
    const error = await rejection(pending);
    expect(error.code).toBe('OUTPUT_CLOSED');
  });

  it('add() asks for a flush once about 512 KiB are queued, and flush() writes them as whole lines', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const line = 'x'.repeat(999); // 1,000 bytes with its newline
    let added = 0;
    while (!writer.add(line)) added += 1;
    expect(added + 1).toBe(Math.ceil((512 * 1024) / 1000));
    expect(chunks).toEqual([]); // nothing is written before flush()
    await writer.flush();
    expect(chunks.join('')).toBe(`${line}\n`.repeat(added + 1));
  });

  it('keeps the order of lines of any length and of multi-byte text across buffers', async () => {
    const { out, chunks } = collecting();
    const writer = new SingerWriter(out);
    const lines = ['a', 'é'.repeat(300_000), 'b', '€'.repeat(250_000), '😀'.repeat(100), 'x'.repeat(2_000_000), 'c'];
    await writeLines(writer, lines);
    expect(chunks.join('') === lines.map((l) => `${l}\n`).join('')).toBe(true);
  });

  it('fills a buffer again only after stdout is done with it', async () => {
    // A consumer that finishes each write late and checks, when it does, that the chunk still holds what
    // it was given: a buffer filled again before its write finished would read differently by then. Its
    // high water mark is far above the chunks, so flush() does not wait for the writes to finish.
    const texts: string[] = [];
    let changed = 0;
    const out = new Writable({
      highWaterMark: 64 * 1024 * 1024,
      write(chunk: Buffer, _encoding, callback) {
        const text = chunk.toString('utf8');
        texts.push(text);
        setTimeout(() => {
          if (chunk.toString('utf8') !== text) changed += 1;
          callback();
        }, 2);
      },
    });
    const writer = new SingerWriter(out);
    const line = (i: number): string => String(i % 10).repeat(100_000);
    for (let i = 0; i < 20; i++) {
      for (let n = 0; n < 4; n++) writer.add(line(i)); // the 4th does not fit: two buffers per flush
      await writer.flush();
    }
    await new Promise((resolve) => out.end(resolve));
    expect(changed).toBe(0);
    expect(texts.join('') === Array.from({ length: 20 }, (_, i) => `${line(i)}\n`.repeat(4)).join('')).toBe(true);
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
    expect(JSON.parse(line)).toEqual({
      type: 'RECORD',
      stream: 'purchase_order_items',
      record,
      time_extracted: '2024-03-07T08:00:00.000Z',
    });
    expect(line).toBe(
      serialize({ type: 'RECORD', stream: 'purchase_order_items', record, time_extracted: '2024-03-07T08:00:00.000Z' }),
    );
    expect(line).not.toContain('\n');
  });
});
