import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { RecordLineSink } from '../../src/singer/sink.js';
import { SingerWriter } from '../../src/singer/writer.js';

function collecting(): { out: Writable; text: () => string } {
  const chunks: string[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { out, text: () => chunks.join('') };
}

describe('RecordLineSink', () => {
  it('writes RECORD lines per stream, with the version when there is one, ahead of the next message', async () => {
    const { out, text } = collecting();
    const writer = new SingerWriter(out);
    const sink = new RecordLineSink(writer);
    const orders = sink.open({ name: 'purchase_orders', version: 7, pass: true });
    const vendors = sink.open({ name: 'vendors', pass: false });
    expect(orders({ id: 'a' }, '2026-01-01T00:00:00.000Z')).toBe(false);
    expect(vendors({ id: 'b' }, '2026-01-01T00:00:01.000Z')).toBe(false);
    expect(text()).toBe('');
    await sink.flush();
    await writer.message({ type: 'STATE', value: { n: 1 } });
    await sink.close();
    expect(
      text()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        type: 'RECORD',
        stream: 'purchase_orders',
        record: { id: 'a' },
        version: 7,
        time_extracted: '2026-01-01T00:00:00.000Z',
      },
      { type: 'RECORD', stream: 'vendors', record: { id: 'b' }, time_extracted: '2026-01-01T00:00:01.000Z' },
      { type: 'STATE', value: { n: 1 } },
    ]);
  });

  it('asks for drain() once a chunk of output is queued, and drain() writes it', async () => {
    const { out, text } = collecting();
    const sink = new RecordLineSink(new SingerWriter(out));
    const write = sink.open({ name: 's', pass: false });
    const record = { text: 'x'.repeat(1000) };
    let writes = 0;
    while (!write(record, 't')) writes += 1;
    expect(writes).toBeGreaterThan(400);
    expect(text()).toBe('');
    await sink.drain();
    expect(text().split('\n').filter(Boolean)).toHaveLength(writes + 1);
  });
});
