// One page of a listing, for every endpoint: the sized fetch (a response over the sizer's maximum is
// abandoned, and the bytes per record are learnt), the envelope (`{"meta": ..., "<list>": [...]}`), the meta
// numbers, the limit the server really serves, and the rule that says no page follows.
import { ApiError } from '../../common/errors.js';
import { listOf } from '../../values/coercions.js';
import type { ApiRecord, Endpoint } from '../endpoints.js';
import { ResponseTooLargeError } from '../http/api-errors.js';
import type { ApiClient, Query } from '../http/types.js';
import type { PageSizer } from './sizer.js';

export interface Page {
  records: ApiRecord[];
  /** The limit asked for, and the one served (meta.limit when smaller). */
  asked: number;
  limit: number;
  /** meta.start: offset of the first record. */
  start?: number;
  total?: number;
  count?: number;
}

/** GET /<path>?<query>; `query.limit` is the page size asked for. */
export async function fetchPage(api: ApiClient, endpoint: Endpoint, query: Query, sizer?: PageSizer): Promise<Page> {
  const asked = Number(query.limit);
  let body: unknown;
  let bytes: number | undefined;
  if (sizer && api.getJsonSized) {
    try {
      ({ body, bytes } = await api.getJsonSized(endpoint.path, query, sizer.maxResponseBytes()));
    } catch (error) {
      throw error instanceof ResponseTooLargeError ? sizer.tooLarge(error, asked) : error;
    }
  } else body = await api.getJson(endpoint.path, query);
  const page = parsePage(body, endpoint, asked);
  if (sizer && bytes !== undefined) sizer.observe(bytes, page.records);
  return page;
}

/** A listing's body as a page, asked for with `asked` records. */
export function parsePage(body: unknown, endpoint: Endpoint, asked: number): Page {
  const records = listIn(body, endpoint);
  const meta = (body as { meta?: Record<string, unknown> } | null)?.meta;
  const served = metaCount(meta?.limit);
  return {
    records,
    asked,
    limit: served !== undefined && served > 0 && served < asked ? served : asked,
    start: metaCount(meta?.start),
    total: metaCount(meta?.total),
    count: metaCount(meta?.count),
  };
}

/** The envelope's list (PHP encodes an empty array as {}; an object keyed by position is a list too). */
function listIn(body: unknown, endpoint: Endpoint): ApiRecord[] {
  const list = listOf((body as Record<string, unknown> | null)?.[endpoint.list]);
  if (!list) {
    throw new ApiError(
      'API_CONTRACT_VIOLATED',
      `GET /${endpoint.path} answered without a "${endpoint.list}" list.`,
      'The API changed or base_url points elsewhere; check base_url.',
    );
  }
  return list as ApiRecord[];
}

/** A meta number (count, total, limit, start) the server may send as a number or a string; else undefined. */
export function metaCount(value: unknown): number | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * No page follows the one at `offset`: it is empty, or it is shorter than what the server serves (never merely
 * shorter than what was asked: servers cap pages) and meta.total, when given, is reached.
 */
export function isLastPage(page: Pick<Page, 'records' | 'limit' | 'total'>, offset: number): boolean {
  const rows = page.records.length;
  if (rows === 0) return true;
  if (rows >= page.limit) return false;
  return page.total === undefined || offset + rows >= page.total;
}
