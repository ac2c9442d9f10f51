// Keyset reading of one window [lower, upper) of the replication key: every request asks for page 0 from the
// current checkpoint, so records edited mid-run (which jump to the end) cannot shift offsets and hide one.
// Every filter value sent is a whole second (a server that rounds filter values to seconds cannot move
// it); rows below the exact checkpoint that this brings back were yielded already and are dropped. A page
// that lies within one second is enumerated by offset (<key>=<instant>, or the second's range when its
// instants differ below the second; enumeration.ts), then reading goes on after it. Records without a usable
// key are yielded and never move the checkpoint.
import { ApiError } from '../../common/errors.js';
import { floorToSecond, SECOND_US } from '../../values/instants.js';
import { idOf, type IncrementalEndpoint } from '../endpoints.js';
import { withLimit } from '../paging/sizer.js';
import { enumerate, seenKey } from './enumeration.js';
import {
  isLastKeyedPage,
  selectRecords,
  type Keyed,
  type KeyedPage,
  type KeyQuery,
  type Limit,
  type PageFetcher,
} from './keyed-page.js';

export interface WindowBatch extends Keyed {
  /** Every record of the window with a key below the checkpoint has been yielded (inclusive). */
  checkpoint: number | undefined;
  /** The window's last batch. */
  done?: true;
}

export async function* keysetWindow(
  endpoint: IncrementalEndpoint,
  fetch: PageFetcher,
  limitNow: Limit,
  lower: number | undefined,
  upper: number | undefined,
  firstPage?: KeyedPage,
): AsyncGenerator<WindowBatch> {
  // checkpoint: exact (inclusive); from: what the next request asks for (whole seconds, or > an instant).
  let checkpoint = lower;
  let from: Partial<KeyQuery> = lower === undefined ? {} : { gte: floorToSecond(lower) };
  let seenAtCheckpoint = new Set<string>();
  let pending = firstPage;
  for (;;) {
    const [q, fetched] = pending
      ? ([{ ...from, lt: upper, page: 0, limit: pending.limit ?? limitNow() }, pending] as const)
      : await withLimit(limitNow, async (limit) => {
          const query: KeyQuery = { ...from, lt: upper, page: 0, limit };
          return [query, await fetch(query)] as const;
        });
    const limit = q.limit;
    const { page, clipped } = clip(fetched, upper);
    pending = undefined;
    const fresh = selectRecords(page, (record, i) => {
      const key = page.keys[i];
      if (key === null || key === undefined || checkpoint === undefined) return true;
      return key > checkpoint || (key === checkpoint && !seenAtCheckpoint.has(idOf(endpoint, record)));
    });
    const known = page.keys.filter((key): key is number => key !== null);
    const first = known[0];
    const last = known[known.length - 1];
    // A short page that brings nothing new ends the window even when meta.total claims more (a server may
    // count something else): asking again would bring the same rows.
    const stuck =
      page.records.length < Math.min(page.limit, limit) &&
      last !== undefined &&
      last === checkpoint &&
      fresh.records.length === 0;
    if (clipped || stuck || isLastKeyedPage(page, q)) {
      yield { ...fresh, checkpoint: last === undefined ? checkpoint : Math.max(checkpoint ?? last, last), done: true };
      return;
    }
    if (last === undefined) {
      // A full page of records without a key: read them by offset, then go on from the first that has one.
      if (checkpoint !== undefined) {
        throw new ApiError(
          'API_CONTRACT_VIOLATED',
          `a page of GET /${endpoint.path} filtered by ${endpoint.replicationKey} held only ${endpoint.plural} ` +
            'without one.',
          'The tap cannot page through them; report this to Inventory Planner support.',
        );
      }
      yield { ...fresh, checkpoint };
      const seen = new Set(page.records.map((record) => seenKey(idOf(endpoint, record), null)));
      let next: number | undefined;
      for await (const batch of enumerate(endpoint, fetch, limitNow, {}, seen, undefined, (key) => key === null)) {
        next ??= batch.firstKnown;
        if (batch.records.length) yield { records: batch.records, keys: batch.keys, checkpoint };
        if (next !== undefined) break;
      }
      if (next === undefined) {
        yield { records: [], keys: [], checkpoint, done: true };
        return;
      }
      checkpoint = next;
      from = { gte: floorToSecond(next) };
      seenAtCheckpoint = new Set();
      continue;
    }
    yield { ...fresh, checkpoint: last };
    if (floorToSecond(first!) === floorToSecond(last)) {
      // The whole page lies in one second: asking again from there would bring the same page.
      const second = floorToSecond(last);
      const whole = first === last && last === second;
      const seen = new Set(page.records.map((record, i) => seenKey(idOf(endpoint, record), page.keys[i]!)));
      if (last === checkpoint) for (const id of seenAtCheckpoint) seen.add(seenKey(id, last));
      let max = last;
      for await (const batch of enumerate(
        endpoint,
        fetch,
        limitNow,
        whole ? { eq: last } : { gte: second, lt: second + SECOND_US },
        seen,
        checkpoint,
      )) {
        if (!batch.records.length) continue;
        for (const key of batch.keys) if (key !== null && key > max) max = key;
        yield { records: batch.records, keys: batch.keys, checkpoint: last };
      }
      // Go on strictly after the instant, or from the next second. The checkpoint stays at the newest
      // instant seen: a record edited after the second was read lands at or after it.
      checkpoint = max;
      from = whole ? { gt: last } : { gte: second + SECOND_US };
      seenAtCheckpoint = new Set();
    } else {
      checkpoint = last;
      from = { gte: floorToSecond(last) };
      seenAtCheckpoint = new Set(
        page.records.filter((_, i) => page.keys[i] === last).map((record) => idOf(endpoint, record)),
      );
    }
  }
}

/** A reused page fetched without the upper bound: keep only the rows inside the window. */
function clip(page: KeyedPage, upper: number | undefined): { page: KeyedPage; clipped: boolean } {
  if (upper === undefined || page.keys.every((key) => key === null || key < upper)) return { page, clipped: false };
  return {
    page: {
      ...selectRecords(page, (_, i) => (page.keys[i] ?? -Infinity) < upper),
      total: page.total,
      limit: page.limit,
    },
    clipped: true,
  };
}

/**
 * Records without a key that the server sorts after all the others (as PostgreSQL sorts NULLs): no filtered
 * request returns them and an ascending read would reach them only at its very end, after its last
 * checkpoint. A read from the beginning reads them first, from the start of the descending listing.
 */
export async function* recordsWithoutKeySortedLast(
  endpoint: IncrementalEndpoint,
  fetch: PageFetcher,
  limitNow: Limit,
): AsyncGenerator<Keyed> {
  const withoutKey = (key: number | null): boolean => key === null;
  for await (const batch of enumerate(endpoint, fetch, limitNow, { desc: true }, new Set(), undefined, withoutKey)) {
    if (batch.records.length) yield { records: batch.records, keys: batch.keys };
  }
}
