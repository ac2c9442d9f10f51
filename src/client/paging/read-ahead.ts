// Pages asked for ahead of the reader, and the one policy for requests in flight: a read that ends, or that its
// consumer stops, leaves no request behind (each is awaited, its answer not read: one that had not yet reached
// the server when the process exited would make what the server saw depend on timing); a failed read does not
// wait.

/** The requests a read has sent and not yet seen answered, read or dropped. */
export class InFlight {
  private readonly unanswered = new Set<Promise<unknown>>();

  /** `request`, tracked until it settles; a request dropped unread is not an unhandled rejection. */
  track<T>(request: Promise<T>): Promise<T> {
    const answered = request.then(
      () => undefined,
      () => undefined,
    );
    this.unanswered.add(answered);
    answered.then(() => this.unanswered.delete(answered));
    return request;
  }

  /** Waits until every request tracked has been answered. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.unanswered]);
  }
}

/**
 * Runs several async generators at once and yields their values as they arrive. Each source is asked for its
 * next value (and given a turn of the event loop to send its request) before the current one is handed out,
 * so each keeps exactly one request in flight while the consumer works, and at most one value per source
 * waits in memory.
 */
export async function* mergeSources<T>(sources: AsyncGenerator<T>[]): AsyncGenerator<{ source: number; value: T }> {
  type Step = { source: number; result: IteratorResult<T> };
  const inFlight = new InFlight();
  const pull = (source: number): Promise<Step> => {
    const step = sources[source]!.next().then((result) => ({ source, result }));
    // A source may fail while the consumer is busy between races: tracking marks the failure handled now
    // (Promise.race below still sees it) so that it is not an unhandled rejection.
    return inFlight.track(step);
  };
  const pending = new Map<number, Promise<Step>>(sources.map((_, i) => [i, pull(i)]));
  let failed = false;
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
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    for (const source of sources) source.return(undefined).catch(() => undefined);
    if (!failed) await inFlight.settle();
  }
}

/** One source with one value of look-ahead: the next page is fetched while the current one is processed. */
export async function* prefetch<T>(source: AsyncGenerator<T>): AsyncGenerator<T> {
  for await (const { value } of mergeSources([source])) yield value;
}
