// A large incremental read split into replication key windows read in parallel: the bounds are found by
// probing offsets (single records at evenly spaced offsets), window 0 starts with the head page already read,
// and the open-ended tail is read last, after the windows, so that edits made meanwhile come after their older
// versions. The checkpoint of each batch is the lowest point every window has read up to.
import { floorToSecond } from '../../values/instants.js';
import { mergeSources } from '../paging/read-ahead.js';
import { PageTooLargeError, withLimit } from '../paging/sizer.js';
import { fetchKeyedPage, type PageFetcher } from './keyed-page.js';
import { keysetWindow, type WindowBatch } from './keyset.js';
import { type IncrementalBatch, type IncrementalRead, single } from './strategies.js';

export async function* windowed(read: IncrementalRead, since: number | undefined): AsyncGenerator<IncrementalBatch> {
  const { api, endpoint, options, sizer } = read;
  sizer.holdPages(2 * options.concurrency + 1);
  const { page: head, ready: projected } = await withLimit(read.limit, (limit) =>
    read.fetchDeferred({ gte: since === undefined ? undefined : floorToSecond(since), page: 0, limit }),
  );
  // The page whole, when the projection failed, may be too large: window 0 then reads its first page itself.
  const ready = projected.catch((error: unknown) => {
    if (error instanceof PageTooLargeError) return undefined;
    throw error;
  });
  // A server may serve fewer rows than asked for (meta.limit), and heavy records make pages smaller: the
  // split into windows uses the size of this page.
  const limit = head.limit;
  const total = head.total;
  if (head.records.length < limit || total === undefined || total < 3 * limit) {
    yield* single(read, since, await ready);
    return;
  }
  // Probes need only the id and the key: they go out while the projection is still being verified.
  const probeFields = [endpoint.id, endpoint.replicationKey];
  const probe: PageFetcher = (q) => fetchKeyedPage(api, endpoint, q, probeFields);
  const [first, cuts] = await Promise.all([
    ready,
    windowCuts(probe, total, limit, Math.min(options.concurrency, Math.floor(total / limit) - 1), since),
  ]);
  if (cuts.length < 2) {
    yield* single(read, since, first);
    return;
  }
  const tailLower = cuts[cuts.length - 1]!;
  const lowers = [since, ...cuts.slice(0, -1)];
  read.log.info(
    `reading about ${total} ${endpoint.plural} in ${lowers.length} parallel ${endpoint.replicationKey} windows, ` +
      'then the tail',
  );
  sizer.holdPages(2 * lowers.length + 1);
  const windows = lowers.map((lower, i) =>
    keysetWindow(endpoint, read.fetch, read.limit, lower, cuts[i], i === 0 ? first : undefined),
  );
  const progress: (number | undefined)[] = [...lowers];
  const done = lowers.map(() => false);
  for await (const { source, value } of mergeSources<WindowBatch>(windows)) {
    progress[source] = value.checkpoint;
    if (value.done) done[source] = true;
    const open = done.indexOf(false);
    yield { records: value.records, keys: value.keys, checkpoint: open === -1 ? tailLower : progress[open] };
  }
  // Read only now, so that edits made while the windows were read are in it, after their older versions.
  sizer.holdPages(3);
  yield* single(read, tailLower);
}

/**
 * Offsets that split `total` records into `windows` parts that take about the same number of requests, plus
 * a tail of about half a page (read in one request). Window 0 starts with its first page already read
 * (the head request), so it gets one page more; a keyset page after the first brings limit - 1 new records
 * (it starts again at the last instant of the one before).
 */
export function windowOffsets(total: number, limit: number, windows: number): number[] {
  const span = total - Math.ceil(limit / 2);
  const head = Math.min(limit - 1, Math.floor(span / (windows + 1)));
  const share = (span - head) / windows;
  return [...Array.from({ length: windows - 1 }, (_, i) => Math.round(head + (i + 1) * share)), span];
}

/** Key values at windowOffsets(), found by asking for single records at those offsets (all at once). */
async function windowCuts(
  fetch: PageFetcher,
  total: number,
  limit: number,
  windows: number,
  since: number | undefined,
): Promise<number[]> {
  const offsets = windowOffsets(total, limit, windows);
  const from = since === undefined ? undefined : floorToSecond(since);
  const found = await Promise.all(offsets.map((page) => fetch({ gte: from, page, limit: 1 }).then((p) => p.keys[0])));
  // Cut at whole seconds: a server that rounds filter values cannot move a bound between two windows.
  const cuts = found
    .filter((key): key is number => typeof key === 'number')
    .map(floorToSecond)
    .filter((cut) => since === undefined || cut > since);
  return [...new Set(cuts)].sort((a, b) => a - b);
}
