// An order-independent digest of a tap's RECORD lines, to tell whether two runs wrote the same records.
import { createHash } from 'node:crypto';

/**
 * XOR of md5(line) over RECORD lines, with __synced_at, time_extracted and the run's version blanked, plus the count.
 */
export class RecordDigest {
  private rest = '';
  private readonly acc = Buffer.alloc(16);
  private count = 0;

  add(chunk: Buffer): void {
    const lines = (this.rest + chunk.toString('utf8')).split('\n');
    this.rest = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{"type":"RECORD"')) continue;
      const stable = line
        .replace(/"(__synced_at|time_extracted)":"[^"]*"/g, '"$1":""')
        .replace(/,"version":\d+,"time_extracted"/, ',"time_extracted"');
      const h = createHash('md5').update(stable).digest();
      for (let i = 0; i < 16; i++) this.acc[i]! ^= h[i]!;
      this.count++;
    }
  }

  value(): string {
    return `${this.count}:${this.acc.toString('hex')}`;
  }
}
