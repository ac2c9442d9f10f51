// One page of a collection listing (GET /variants?page=&limit=&id_sort=asc&fields=), and the fields=
// projection for it, used only once proven: the first projected record is compared with the same record
// fetched whole (GET /variants/{id}); a field the projection dropped turns projection off for the run.
import { ApiError } from '../common/errors.js';
import { listOf } from '../values/coercions.js';
import { ResponseTooLargeError, type ApiClient } from './http.js';
import type { Collection } from './collections.js';
import { metaCount } from './order-pages.js';
import { parsedSize, type PageSizer } from './page-sizer.js';

type ApiRecord = Record<string, unknown>;

export interface CollectionPage {
  records: ApiRecord[];
  /** The limit asked for, and the one served (meta.limit when smaller). */
  asked: number;
  limit: number;
  /** meta.start: offset of the first record. */
  start?: number;
  total?: number;
  count?: number;
}

export async function fetchCollectionPage(
  api: ApiClient,
  c: Collection,
  page: number,
  limit: number,
  fields: string[] | undefined,
  sizer?: PageSizer,
): Promise<CollectionPage> {
  // A stable order is what the reader's overlap check relies on; id order where the server honours it.
  const query: Record<string, string | number> = { [`${c.id}_sort`]: 'asc', limit, page };
  if (fields?.length) query.fields = fields.join(',');
  let body: unknown;
  let bytes: number | undefined;
  if (sizer && api.getJsonSized) {
    try {
      ({ body, bytes } = await api.getJsonSized(c.path, query, sizer.maxResponseBytes()));
    } catch (error) {
      throw error instanceof ResponseTooLargeError ? sizer.tooLarge(error, limit) : error;
    }
  } else body = await api.getJson(c.path, query);
  const records = listIn(body, c);
  if (sizer && bytes !== undefined) sizer.observe(bytes, records.length, sampledSize(records));
  const meta = (body as { meta?: Record<string, unknown> }).meta;
  const served = metaCount(meta?.limit);
  return {
    records,
    asked: limit,
    limit: served !== undefined && served > 0 && served < limit ? served : limit,
    start: metaCount(meta?.start),
    total: metaCount(meta?.total),
    count: metaCount(meta?.count),
  };
}

/** The parsed size of a record of the page, from its first, middle and last records. */
function sampledSize(records: ApiRecord[]): number {
  if (records.length === 0) return 0;
  const sample = [...new Set([0, records.length >> 1, records.length - 1])].map((i) => records[i]!);
  return sample.reduce((n, r) => n + parsedSize(r), 0) / sample.length;
}

function listIn(body: unknown, c: Collection): ApiRecord[] {
  const list = listOf((body as Record<string, unknown> | null)?.[c.list]);
  if (!list) {
    throw new ApiError(
      'API_CONTRACT_VIOLATED',
      `GET /${c.path} answered without a "${c.list}" list.`,
      'The API changed or base_url points elsewhere; check base_url.',
    );
  }
  return list as ApiRecord[];
}

export class CollectionProjection {
  /** The check of the projection, once a page has a record to check it with; every page waits for it. */
  private verdict?: Promise<void>;

  constructor(
    private readonly api: ApiClient,
    private readonly c: Collection,
    private fields: string[] | undefined,
    private readonly log: { warn(message: string): void; info(message: string): void },
    private readonly sizer?: PageSizer,
  ) {}

  /** Pages may be asked for at once: a page asked for with the projection is fetched whole if it fails. */
  async fetch(page: number, limit: number): Promise<CollectionPage> {
    const fields = this.fields;
    const result = await fetchCollectionPage(this.api, this.c, page, limit, fields, this.sizer);
    if (!fields) return result;
    if (!this.verdict && result.records.length > 0) this.verdict = this.verify(fields, result.records[0]!);
    await this.verdict;
    return this.fields ? result : fetchCollectionPage(this.api, this.c, page, limit, undefined, this.sizer);
  }

  private async verify(fields: string[], projected: ApiRecord): Promise<void> {
    let whole: ApiRecord | undefined;
    try {
      whole = (
        (await this.api.getJson(`${this.c.path}/${encodeURIComponent(String(projected[this.c.id]))}`)) as Record<
          string,
          ApiRecord | undefined
        >
      )[this.c.one];
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
    }
    if (!whole) {
      this.log.warn(
        `${this.c.path}: fields= could not be verified (GET /${this.c.path}/{id} found nothing); ` +
          'keeping the projection.',
      );
      return;
    }
    const missing = missingFields(projected, whole, fields);
    if (missing.length === 0) {
      this.log.info(`${this.c.path}: fields= projection verified (${fields.length} fields requested)`);
      return;
    }
    this.log.warn(
      `${this.c.path}: the API did not honour fields= (missing ${missing.slice(0, 5).join(', ')}); ` +
        'fetching whole records for this run.',
    );
    this.fields = undefined;
  }
}

/** Requested fields (`a`, or `a.b` inside each block of list `a`) in the whole record but not in the projected one. */
export function missingFields(projected: ApiRecord, whole: ApiRecord, fields: string[]): string[] {
  const missing: string[] = [];
  for (const field of fields) {
    const [head, sub] = field.split('.', 2) as [string, string | undefined];
    if (!(head in whole)) continue;
    if (!(head in projected)) {
      missing.push(field);
      continue;
    }
    if (!sub) continue;
    const wholeBlocks = (listOf(whole[head]) ?? []) as ApiRecord[];
    const blocks = (listOf(projected[head]) ?? []) as ApiRecord[];
    if (wholeBlocks.some((b, i) => b && typeof b === 'object' && sub in b && !(blocks[i] && sub in blocks[i]!)))
      missing.push(field);
  }
  return missing;
}
