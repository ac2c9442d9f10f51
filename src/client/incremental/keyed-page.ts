// One page of an incremental listing (GET /<path>?<key>_gte=...&<key>_sort=asc): the replication key filters
// sent, each record's key value parsed once, and the checks that tell whether the server really applied the
// filters and the sort the reader relies on.
import { ApiError } from '../../common/errors.js';
import { formatInstantUs, parseInstantUs } from '../../values/instants.js';
import type { ApiRecord, IncrementalEndpoint } from '../endpoints.js';
import type { ApiClient, Query } from '../http/types.js';
import { fetchPage, isLastPage } from '../paging/page.js';
import { type Fields, withFields } from '../paging/projection.js';
import type { PageSizer } from '../paging/sizer.js';

/** Filter values are epoch microseconds (see instants.ts). */
export interface KeyQuery {
  gte?: number;
  gt?: number;
  lt?: number;
  eq?: number;
  page: number;
  limit: number;
  /** <key>_sort=desc (only to find records without a key that a server sorts last). */
  desc?: boolean;
}

/** Records with their replication key values, parsed once (by the page check) for every later use. */
export interface Keyed {
  records: ApiRecord[];
  /** The key value of each record, epoch microseconds, in order; null when missing or unreadable. */
  keys: (number | null)[];
}

export interface KeyedPage extends Keyed {
  total?: number;
  /** The page size the server serves for this request (meta.limit when below the limit asked for). */
  limit: number;
  /** meta.start: offset of the page's first row. */
  start?: number;
}

export type PageFetcher = (q: KeyQuery) => Promise<KeyedPage>;

/** The page limit to ask for now (it may fall as heavier records are seen: sizer.ts). */
export type Limit = () => number;

/** The records of a page that `keep` accepts, with their key values. */
export function selectRecords(page: Keyed, keep: (record: ApiRecord, i: number) => boolean): Keyed {
  const records: ApiRecord[] = [];
  const keys: (number | null)[] = [];
  page.records.forEach((record, i) => {
    if (!keep(record, i)) return;
    records.push(record);
    keys.push(page.keys[i]!);
  });
  return { records, keys };
}

export type FilterOperator = 'gte' | 'gt' | 'lt' | 'eq';

/** The server returned rows outside a filter the reader sent: it ignores that operator. */
export class FilterIgnoredError extends Error {
  constructor(
    readonly operator: FilterOperator,
    key: string,
  ) {
    super(`the API ignored the ${key} ${operator} filter`);
  }
}

/** The API's own timestamp form (`+00:00`), so a server comparing text would still compare correctly. */
export function apiTimestamp(us: number): string {
  return formatInstantUs(us).replace('.000Z', 'Z').replace('Z', '+00:00');
}

export function keyQuery(endpoint: IncrementalEndpoint, q: KeyQuery): Query {
  const key = endpoint.replicationKey;
  const params: Query = { [`${key}_sort`]: q.desc ? 'desc' : 'asc', limit: q.limit, page: q.page };
  if (q.gte !== undefined) params[`${key}_gte`] = apiTimestamp(q.gte);
  if (q.gt !== undefined) params[`${key}_gt`] = apiTimestamp(q.gt);
  if (q.lt !== undefined) params[`${key}_lt`] = apiTimestamp(q.lt);
  if (q.eq !== undefined) params[key] = apiTimestamp(q.eq);
  return params;
}

/** A record's replication key value, epoch microseconds; null when missing or unreadable. */
export function keyOf(endpoint: IncrementalEndpoint, record: ApiRecord): number | null {
  const value = record?.[endpoint.replicationKey];
  try {
    return value === undefined || value === null ? null : parseInstantUs(value);
  } catch {
    return null;
  }
}

/** No page follows this one (paging/page.ts), at the offset the server says or the one asked. */
export function isLastKeyedPage(page: KeyedPage, q: KeyQuery): boolean {
  return isLastPage(page, page.start ?? q.page * page.limit);
}

/** Throws FilterIgnoredError when a row breaks a filter, ApiError when rows are not in key order. */
export function checkPage(endpoint: IncrementalEndpoint, page: Keyed, q: KeyQuery): void {
  const key = endpoint.replicationKey;
  let previous: number | undefined;
  for (let i = 0; i < page.keys.length; i++) {
    const value = page.keys[i];
    if (value === null || value === undefined) continue;
    if (q.gte !== undefined && value < q.gte) throw new FilterIgnoredError('gte', key);
    if (q.gt !== undefined && value <= q.gt) throw new FilterIgnoredError('gt', key);
    if (q.lt !== undefined && value >= q.lt) throw new FilterIgnoredError('lt', key);
    if (q.eq !== undefined && value !== q.eq) throw new FilterIgnoredError('eq', key);
    if (!q.desc && previous !== undefined && value < previous) {
      throw new ApiError(
        'API_CONTRACT_VIOLATED',
        `GET /${endpoint.path} did not sort by ${key}_sort=asc.`,
        'The tap needs sorted pages to guarantee completeness; report this to the tap maintainers.',
      );
    }
    previous = value;
  }
}

/** One page for `q`, with its key values; checked against the filters and the sort unless `check` is false. */
export async function fetchKeyedPage(
  api: ApiClient,
  endpoint: IncrementalEndpoint,
  q: KeyQuery,
  fields: Fields,
  check = true,
  sizer?: PageSizer,
): Promise<KeyedPage> {
  const page = await fetchPage(api, endpoint, withFields(keyQuery(endpoint, q), fields), sizer);
  const keyed: KeyedPage = {
    records: page.records,
    // A record without a usable key is still a record: it is read, and never moves a checkpoint.
    keys: page.records.map((record) => keyOf(endpoint, record)),
    total: page.total,
    limit: page.limit,
    start: page.start,
  };
  if (check) checkPage(endpoint, keyed, q);
  return keyed;
}
