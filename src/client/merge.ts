// Runs several async generators at once and yields their values as they arrive. Each source is asked
// for its next value (and given a turn of the event loop to send its request) before the current one is
// handed out, so each keeps exactly one request in flight while the consumer works, and at most one value
// per source waits in memory.

export async function* mergeSources<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<{ source: number; value: T }> {
  type Step = { source: number; result: IteratorResult<T> };
  const pull = (source: number): Promise<Step> => {
    const step = sources[source]!.next().then((result) => ({ source, result }));
    // A source may fail while the consumer is busy between races: mark the failure handled now
    // (Promise.race below still sees it) so that it is not an unhandled rejection.
    step.catch(() => undefined);
    return step;
  };
  const pending = new Map<number, Promise<Step>>(sources.map((_, i) => [i, pull(i)]));
  try {
    while (pending.size > 0) {
      const { source, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(source);
        continue;
      }
      pending.set(source, pull(source));
      // One turn of the event loop before the consumer takes the CPU: the request the source has just
      // started (got's) reaches the socket only then, and the consumer's work on a page is synchronous.
      // Without it each request left ~5 ms late, after that work (measured at concurrency 4).
      await new Promise((resolve) => setImmediate(resolve));
      yield { source, value: result.value };
    }
  } finally {
    // On early exit or error, close every source without waiting for requests still in flight.
    for (const source of sources) source.return(undefined).catch(() => undefined);
  }
}

/** One source with one value of look-ahead: the next page is fetched while the current one is processed. */
export async function* prefetch<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  for await (const { value } of mergeSources([source])) yield value;
}
