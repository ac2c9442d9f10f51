// fields= projection, used only once proven: a projected record of the first page is compared with the same
// record fetched whole (GET /<path>/<id>), and any field the projection dropped turns projection off for the
// run. A record the single-record request cannot find (404) proves nothing either way: another record of the
// page is tried, and when none can be fetched the projection stays.
import { ApiError } from '../../common/errors.js';
import { listOf } from '../../values/coercions.js';
import type { ApiRecord, Endpoint } from '../endpoints.js';
import type { ApiClient, Query } from '../http/types.js';

/** The whole record: no fields= sent. */
export const ALL_FIELDS = Symbol('ALL_FIELDS');
/** What a read asks for: named fields (`a`, or `a.b` for field b of the nested lines a), or ALL_FIELDS. */
export type Fields = readonly string[] | typeof ALL_FIELDS;

/** `query` with fields= when fields are named. */
export function withFields(query: Query, fields: Fields): Query {
  return fields === ALL_FIELDS ? query : { ...query, fields: fields.join(',') };
}

type Log = { warn(message: string): void; info(message: string): void };

export class FieldProjection {
  private verification: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly endpoint: Endpoint,
    private fields: Fields,
    private readonly log: Log,
  ) {
    if (fields !== ALL_FIELDS && fields.length === 0) throw new Error('a projection names at least one field');
  }

  /** The page `request` fetches, once its records may be used. */
  async fetch<P extends { records: ApiRecord[] }>(request: (fields: Fields) => Promise<P>): Promise<P> {
    return (await this.fetchDeferred(request)).ready;
  }

  /**
   * The page as received (good for its meta at once) and, in `ready`, the page whose records may be used:
   * after the projection is verified, or fetched again whole if it failed. Pages asked for at once all wait
   * for the one verification.
   */
  async fetchDeferred<P extends { records: ApiRecord[] }>(
    request: (fields: Fields) => Promise<P>,
  ): Promise<{ page: P; ready: Promise<P> }> {
    const fields = this.fields;
    const page = await request(fields);
    if (fields === ALL_FIELDS || page.records.length === 0) return { page, ready: Promise.resolve(page) };
    this.verification ??= this.verify(fields, candidates(page.records));
    const ready = this.verification.then(() => (this.fields === ALL_FIELDS ? request(ALL_FIELDS) : page));
    return { page, ready };
  }

  private async verify(fields: readonly string[], records: ApiRecord[]): Promise<void> {
    const { path, plural } = this.endpoint;
    let projected = records[0]!;
    let whole: ApiRecord | undefined;
    for (const candidate of records) {
      projected = candidate;
      whole = await this.fetchWhole(candidate);
      if (whole) break;
    }
    if (!whole) {
      this.log.warn(
        `${path}: fields= could not be verified: GET /${path}/{id} found none of the ${records.length} ` +
          `${plural} tried; keeping the projection.`,
      );
      return;
    }
    const missing = missingFields(projected, whole, fields);
    if (missing.length) {
      this.log.warn(
        `${path}: the API did not honour fields= (missing ${missing.slice(0, 5).join(', ')}); ` +
          `fetching whole ${plural} for this run. ${this.wholeHint()}`,
      );
      this.fields = ALL_FIELDS;
      return;
    }
    const extra = unrequestedFields(projected, fields, this.endpoint.lines);
    if (extra.length)
      this.log.warn(
        `the API sent ${extra.length} fields that fields= did not ask for (${extra.slice(0, 5).join(', ')}). ` +
          this.wholeHint(),
      );
    else this.log.info(`${path}: fields= projection verified (${fields.length} fields requested)`);
  }

  // Pages are sized by bytes (sizer.ts), so memory stays bounded; whole records cost requests and bandwidth.
  private wholeHint(): string {
    const { plural } = this.endpoint;
    return (
      `Whole ${plural} are several times larger: pages hold fewer ${plural} (sized by bytes), so the run takes ` +
      'more requests and bandwidth.'
    );
  }

  private async fetchWhole(projected: ApiRecord): Promise<ApiRecord | undefined> {
    const { path, id, one } = this.endpoint;
    try {
      const body = await this.api.getJson(`${path}/${encodeURIComponent(String(projected[id]))}`);
      return (body as Record<string, ApiRecord | undefined> | null)?.[one];
    } catch (error) {
      if (!(error instanceof ApiError) || error.status !== 404) throw error;
      return undefined;
    }
  }
}

/** Up to three records of a page to verify the projection with: its first, middle and last. */
function candidates(records: ApiRecord[]): ApiRecord[] {
  return [...new Set([records[0]!, records[Math.floor(records.length / 2)]!, records[records.length - 1]!])];
}

/**
 * Fields the projected record carries although they were not asked for: the server ignored (part of) fields=.
 * Within `lines` (default: every list fields= names a field of) too, from its first line.
 */
export function unrequestedFields(projected: ApiRecord, fields: readonly string[], lines?: string): string[] {
  const asked = new Set(fields.map((f) => f.split('.', 1)[0]!));
  const extra = Object.keys(projected).filter((key) => !asked.has(key));
  for (const head of lines === undefined ? asked : [lines]) {
    const inLines = new Set(fields.filter((f) => f.startsWith(`${head}.`)).map((f) => f.slice(head.length + 1)));
    const firstLine = listOf(projected[head])?.[0];
    if (inLines.size === 0 || !firstLine || typeof firstLine !== 'object') continue;
    extra.push(
      ...Object.keys(firstLine)
        .filter((key) => !inLines.has(key))
        .map((key) => `${head}.${key}`),
    );
  }
  return extra;
}

/**
 * Requested fields present in the whole record but absent from the projected one: `a`, or `a.b` in a line of
 * list `a` (lines come as an array or as an object keyed by position, and are matched by their id when they
 * have one, else by position).
 */
export function missingFields(projected: ApiRecord, whole: ApiRecord, fields: readonly string[]): string[] {
  const missing: string[] = [];
  for (const field of fields) {
    const [head, sub] = field.split('.', 2) as [string, string | undefined];
    if (!(head in whole)) continue;
    const wholeLines = (listOf(whole[head]) ?? []) as ApiRecord[];
    const lines = head in projected ? (listOf(projected[head]) as ApiRecord[] | undefined) : undefined;
    if (!sub) {
      if (!(head in projected)) missing.push(field);
      continue;
    }
    if (!lines) {
      if (wholeLines.length) missing.push(field);
      continue;
    }
    const counterpart = (line: ApiRecord, i: number): ApiRecord | undefined =>
      line?.id === undefined ? wholeLines[i] : wholeLines.find((w) => String(w?.id) === String(line.id));
    const dropped =
      lines.length < wholeLines.length ||
      lines.some((line, i) => {
        const w = counterpart(line, i);
        return w && typeof w === 'object' && sub in w && !(line && typeof line === 'object' && sub in line);
      });
    if (dropped) missing.push(field);
  }
  return missing;
}
