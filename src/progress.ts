// Human progress lines on stderr for long syncs: records per stream, orders read, rate.
import type { Logger } from './log.js';

export class Progress {
  private readonly started = Date.now();
  private lastReport = Date.now();
  private orders = 0;
  private batches = 0;

  constructor(
    private readonly log: Logger,
    private readonly streams: string[],
    private readonly everyMs = 5_000,
  ) {}

  batch(orders: number, records: number[]): void {
    this.orders += orders;
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
    this.log.info(
      `${label}: ${perStream} (${this.orders} orders in ${this.batches} pages, ${seconds.toFixed(1)}s, ` +
        `${Math.round(total / Math.max(seconds, 0.001))} records/s)`,
    );
  }
}
