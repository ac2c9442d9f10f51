// Singer metrics (counter and timer points, as in the spec's "Metric Messages"). The caller decides
// where a point goes; the logger prints it as `INFO METRIC: {...}` on stderr.

export interface MetricPoint {
  type: 'counter' | 'timer';
  metric: string;
  value: number;
  tags: Record<string, unknown>;
}

export type MetricSink = (point: MetricPoint) => void;

/** A counter that reports its increments at most every `intervalMs` and whenever flushed. */
export class Counter {
  private pending = 0;
  private lastFlush: number;

  constructor(
    private readonly sink: MetricSink,
    private readonly metric: string,
    private readonly tags: Record<string, unknown>,
    private readonly intervalMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {
    this.lastFlush = now();
  }

  increment(by = 1): void {
    this.pending += by;
    if (this.now() - this.lastFlush >= this.intervalMs) this.flush();
  }

  flush(): void {
    this.lastFlush = this.now();
    if (this.pending === 0) return;
    this.sink({ type: 'counter', metric: this.metric, value: this.pending, tags: this.tags });
    this.pending = 0;
  }
}

export function timerPoint(metric: string, seconds: number, tags: Record<string, unknown>): MetricPoint {
  return { type: 'timer', metric, value: Math.round(seconds * 1e6) / 1e6, tags };
}
