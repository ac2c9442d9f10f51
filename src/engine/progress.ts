// Human progress lines on stderr for long syncs: records per stream, what was read (purchase orders,
// variants, ...) in how many pages, and the rate; e.g. `done: variants=19612 (19,612 variants in 22 pages, ...)`.
import type { Logger } from '../common/log.js';

const grouped = new Intl.NumberFormat('en-US');

/** `1 variant`, `19,612 variants`: a count and its noun, which agree. */
export function counted(n: number, noun: string): string {
  return `${grouped.format(n)} ${n === 1 ? noun : `${noun}s`}`;
}

export class Progress {
  private readonly started = Date.now();
  private lastReport = Date.now();
  private read = 0;
  private batches = 0;

  /** `noun`: one of what is read, singular (`purchase order`, `variant`, `warehouse`, `vendor`). */
  constructor(
    private readonly log: Logger,
    private readonly streams: string[],
    private readonly noun: string,
    private readonly everyMs = 5_000,
  ) {}

  batch(read: number, records: number[]): void {
    this.read += read;
    this.batches += 1;
    if (Date.now() - this.lastReport >= this.everyMs) this.report('progress', records);
  }

  done(records: number[]): void {
    this.report('done', records);
  }

  private report(label: string, records: number[]): void {
    this.lastReport = Date.now();
    const seconds = (Date.now() - this.started) / 1000;
    const total = records.reduce((a, b) => a + b, 0);
    const perStream = this.streams.map((s, i) => `${s}=${records[i]}`).join(' ');
    const rate = counted(Math.round(total / Math.max(seconds, 0.001)), 'record');
    this.log.info(
      `${label}: ${perStream} (${counted(this.read, this.noun)} in ${counted(this.batches, 'page')}, ` +
        `${seconds.toFixed(1)}s, ${rate}/s)`,
    );
  }
}
