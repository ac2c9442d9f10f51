// GET /variants (and /variants/{id}), /warehouses and /vendors: offset pages (page is 0-based, at most 1000
// rows, said in meta.limit), in id order, with fields= as the research found it (sandbox/variants.ts); the
// switches of issue 22 (sandbox/options.ts) make the listing ignore the sort, reorder on edits, cap pages
// silently, and serve no deep offsets.
import { type CollectionOrder, type ListName, listShowsFirst } from './options.js';
import { JSON_TYPE, type Reply, errorReply } from './http-util.js';
import { parseFields } from './query.js';
import type { SandboxState } from './state.js';
import { projectVariant, wireVariant } from './variants.js';

const PATH = /^\/api\/v1\/(variants|warehouses|vendors)(?:\/([^/]+))?\/?$/;
const ONE: Record<string, string> = { variants: 'variant', warehouses: 'warehouse', vendors: 'vendor' };

type Obj = Record<string, unknown>;

/** The reply for a collection route, or undefined when the path is not one. */
export function collectionRoute(st: SandboxState, url: URL): Reply | undefined {
  const m = PATH.exec(url.pathname);
  if (!m) return undefined;
  const name = m[1]!;
  const fields = st.opts.ignoreFields ? undefined : parseFields(url.searchParams.get('fields'));
  if (m[2] !== undefined) {
    const id = decodeURIComponent(m[2]);
    const record =
      name === 'variants'
        ? st.variants.live.filter((n) => st.variants.id(n) === id).map((n) => wireVariant(st.variants.model(n), n))[0]
        : records(st, name).find((r) => String(r.id ?? r.name) === id);
    if (!record) return errorReply(404, `Failed to find ${ONE[name]} ${id}`);
    return json({ [ONE[name]!]: fields ? project(name, record, fields) : record });
  }
  st.stats.collectionRequests++;
  if (name === 'variants') st.countVariantRequest();
  const { pageCap, pageCapSilent, deepOffsetLimit, deepOffsetStatus, collectionOrder } = st.opts;
  const shown = listShowsFirst(st.opts, name as ListName);
  const asked = Math.max(1, Number(url.searchParams.get('limit') ?? 100) || 100);
  const limit = Math.min(asked, pageCap || 1000);
  const page = Math.max(0, Number(url.searchParams.get('page') ?? 0) || 0);
  const start = page * limit;
  const all = name === 'variants' ? st.variants.live.length : records(st, name).length;
  const total = shown === undefined ? all : Math.min(all, shown);
  const served = deepOffsetLimit > 0 && start >= deepOffsetLimit;
  if (served && deepOffsetStatus) return errorReply(deepOffsetStatus, `page ${page} is out of range`);
  const rows = served
    ? []
    : slice(st, name, collectionOrder, start, Math.min(start + limit, total)).map((r) =>
        fields ? project(name, r, fields) : r,
      );
  const metaLimit = pageCapSilent ? asked : limit;
  const meta = {
    name,
    display_name: name,
    total,
    count: rows.length,
    limit: metaLimit,
    page,
    start,
    end: start + rows.length,
  };
  return json({ meta, [name]: rows.length === 0 && st.opts.emptyListAsObject ? {} : rows });
}

function records(st: SandboxState, name: string): Obj[] {
  return name === 'warehouses' ? st.variants.warehouses() : st.variants.vendors();
}

/** Rows [from, to) in the listing's order (id order unless collectionOrder says otherwise); variants are rendered only for the page. */
function slice(st: SandboxState, name: string, order: CollectionOrder, from: number, to: number): Obj[] {
  if (name === 'variants') {
    return st.variants
      .listing(order)
      .slice(from, to)
      .map((n) => wireVariant(st.variants.model(n), n));
  }
  const key = name === 'warehouses' ? 'name' : 'id';
  const sorted = records(st, name).sort((a, b) => (String(a[key]) < String(b[key]) ? -1 : 1));
  return (order === 'id' ? sorted : sorted.reverse()).slice(from, to);
}

function project(name: string, record: Obj, fields: string[]): Obj {
  if (name === 'variants') return projectVariant(record, fields);
  return Object.fromEntries(Object.entries(record).filter(([k]) => fields.includes(k)));
}

const json = (body: unknown): Reply => ({ status: 200, body: JSON.stringify(body), type: JSON_TYPE });
