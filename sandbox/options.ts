// Sandbox options: public types, defaults and validation.

import { ODD_COLUMN_NAMES } from './quirks.js';

export type FaultKind = '429' | '500' | '502' | '503' | 'reset' | 'truncate' | 'slow';
export type Operator = 'eq' | 'ne' | 'eqi' | 'gt' | 'gte' | 'lt' | 'lte';

export type LmPrecision = 's' | 'ms' | 'us';
export const LM_PRECISIONS: readonly LmPrecision[] = ['s', 'ms', 'us'];

export const FAULT_KINDS: readonly FaultKind[] = ['429', '500', '502', '503', 'reset', 'truncate', 'slow'];
export const OPERATORS: readonly Operator[] = ['eq', 'ne', 'eqi', 'gt', 'gte', 'lt', 'lte'];

export interface SandboxOptions {
  port?: number;
  seed?: number;
  orders?: number;
  itemsPerOrder?: number;
  apiKey?: string;
  accountId?: string;
  /** Every API answer leaves this many ms after its request arrived; the sandbox does its work within it. */
  latencyMs?: number;
  rateLimitPerSecond?: number;
  retryAfterSeconds?: number;
  faultRate?: number;
  faultKinds?: FaultKind[];
  slowMs?: number;
  requireUserAgent?: boolean;
  editEvery?: number;
  editCount?: number;
  createCount?: number;
  tieBlockSize?: number;
  tieBlockCount?: number;
  ignoreOperators?: Operator[];
  ignoreFields?: boolean;
  /** Orders stamped last_modified 2099 and later; edits then take the real clock (sandbox/store.ts). */
  futureOrders?: number;
  /** Share of orders with odd values in oddColumns (sandbox/quirks.ts). */
  oddValueRate?: number;
  oddColumns?: string[];
  /** Share of orders that repeat their first line's item id. */
  duplicateLineRate?: number;
  /** Share of orders whose items go out as an object keyed by position. */
  itemsAsObject?: number;
  /** Servers that differ from the API notes (issue 12). A page holds at most this many orders (0: 1000), said in meta.limit. */
  pageCap?: number;
  /** last_modified filter values are floored to whole seconds before comparing. */
  floorFilters?: boolean;
  /** Fraction digits of last_modified: whole seconds, milliseconds or microseconds. */
  lmPrecision?: LmPrecision;
  /** This many orders have no last_modified (null or absent): sorted first, excluded by any last_modified filter. */
  nullLastModified?: number;
  /** Lines per order are drawn from [itemsPerOrderMin, itemsPerOrder] when set (0: about itemsPerOrder on average). */
  itemsPerOrderMin?: number;
  /** GET /purchase-orders/{id} answers 404 for every order. */
  singleOrder404?: boolean;
  /** An empty list is sent as `{}` (PHP's empty array). */
  emptyListAsObject?: boolean;
  /** Variants (GET /variants, issue 15; sandbox/variants.ts), warehouse blocks per variant (= warehouses), history points per history array. */
  variants?: number;
  warehouseBlocks?: number;
  historyPoints?: number;
  /**
   * Collection listings that differ from the notes (issue 22): `id` honours <id>_sort=asc; `scrambled` ignores
   * it (a fixed order by hash); `recent` ignores it and lists the most recently edited variants first, so
   * edits during a read reorder the listing.
   */
  collectionOrder?: CollectionOrder;
  /** Each variants list request first edits this many variants (stock, updated_at, version move). */
  variantEditsPerRequest?: number;
  /** Each variants list request first removes this many variants and adds as many (meta.total moves). */
  variantChurnPerRequest?: number;
  /** Collection pages at or past this offset are not served (0: all are): an empty page, or deepOffsetStatus. */
  deepOffsetLimit?: number;
  /** 0: a page past deepOffsetLimit is empty while meta.total says more; else this HTTP status. */
  deepOffsetStatus?: number;
  /** pageCap is applied without saying so: meta.limit echoes the limit asked for (collections). */
  pageCapSilent?: boolean;
  /**
   * A server wrong consistently (issue 29: a partial index, a permission change, a maintenance mode answering 200):
   * every list (purchase orders, variants, warehouses, vendors) shows only its first N records, and its meta.total
   * says N; 0: every list is empty, total 0. false: off.
   */
  listsShowFirst?: number | false;
  /** The lists listsShowFirst applies to (default: all of them). */
  listsShowFirstOn?: ListName[];
}

export type ListName = 'purchase-orders' | 'variants' | 'warehouses' | 'vendors';
export const LIST_NAMES: readonly ListName[] = ['purchase-orders', 'variants', 'warehouses', 'vendors'];

/** The number of records `list` shows under listsShowFirst, or undefined when it shows them all. */
export function listShowsFirst(opts: ResolvedOptions, list: ListName): number | undefined {
  return opts.listsShowFirst === false || !opts.listsShowFirstOn.includes(list) ? undefined : opts.listsShowFirst;
}

export type CollectionOrder = 'id' | 'scrambled' | 'recent';
export const COLLECTION_ORDERS: readonly CollectionOrder[] = ['id', 'scrambled', 'recent'];

export type ResolvedOptions = Required<SandboxOptions>;

export const DEFAULTS: ResolvedOptions = {
  port: 0,
  seed: 1,
  orders: 100,
  itemsPerOrder: 3,
  apiKey: 'sandbox-key',
  accountId: 'sandbox-account',
  latencyMs: 0,
  rateLimitPerSecond: 0,
  retryAfterSeconds: 1,
  faultRate: 0,
  faultKinds: [...FAULT_KINDS],
  slowMs: 5000,
  requireUserAgent: true,
  editEvery: 0,
  editCount: 1,
  createCount: 0,
  tieBlockSize: 0,
  tieBlockCount: 0,
  ignoreOperators: [],
  ignoreFields: false,
  futureOrders: 0,
  oddValueRate: 0,
  oddColumns: [...ODD_COLUMN_NAMES],
  duplicateLineRate: 0,
  itemsAsObject: 0,
  pageCap: 0,
  floorFilters: false,
  lmPrecision: 's',
  nullLastModified: 0,
  itemsPerOrderMin: 0,
  singleOrder404: false,
  emptyListAsObject: false,
  variants: 20,
  warehouseBlocks: 3,
  historyPoints: 3,
  collectionOrder: 'id',
  variantEditsPerRequest: 0,
  variantChurnPerRequest: 0,
  deepOffsetLimit: 0,
  deepOffsetStatus: 0,
  pageCapSilent: false,
  listsShowFirst: false,
  listsShowFirstOn: [...LIST_NAMES],
};

/** Options that shape the generated data or the socket; fixed once the sandbox runs. */
export const FIXED_AT_START = [
  'port',
  'seed',
  'orders',
  'itemsPerOrder',
  'tieBlockSize',
  'tieBlockCount',
  'futureOrders',
  'oddValueRate',
  'oddColumns',
  'duplicateLineRate',
  'lmPrecision',
  'nullLastModified',
  'itemsPerOrderMin',
  'variants',
  'warehouseBlocks',
  'historyPoints',
] as const;

type Check = (v: unknown) => boolean;
const int =
  (lo: number, hi: number): Check =>
  (v) =>
    Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
const num =
  (lo: number, hi: number): Check =>
  (v) =>
    typeof v === 'number' && v >= lo && v <= hi;
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const subsetOf =
  (all: readonly string[]): Check =>
  (v) =>
    Array.isArray(v) && v.every((x) => all.includes(x));

const CHECKS: Record<keyof SandboxOptions, Check> = {
  port: int(0, 65535),
  seed: int(-(2 ** 31), 2 ** 32 - 1),
  orders: int(1, 1_000_000),
  itemsPerOrder: int(1, 1000),
  variants: int(0, 1_000_000),
  warehouseBlocks: int(0, 50),
  historyPoints: int(0, 5000),
  apiKey: str,
  accountId: str,
  latencyMs: num(0, 600_000),
  rateLimitPerSecond: num(0, 1e9),
  retryAfterSeconds: int(0, 86_400),
  faultRate: num(0, 1),
  faultKinds: subsetOf(FAULT_KINDS),
  slowMs: num(0, 3_600_000),
  requireUserAgent: bool,
  editEvery: int(0, 1e9),
  editCount: int(0, 1_000_000),
  createCount: int(0, 1_000_000),
  tieBlockSize: int(0, 1_000_000),
  tieBlockCount: int(0, 1_000_000),
  ignoreOperators: subsetOf(OPERATORS),
  ignoreFields: bool,
  futureOrders: int(0, 1000),
  oddValueRate: num(0, 1),
  oddColumns: subsetOf(ODD_COLUMN_NAMES),
  duplicateLineRate: num(0, 1),
  itemsAsObject: num(0, 1),
  pageCap: int(0, 1000),
  floorFilters: bool,
  lmPrecision: (v) => LM_PRECISIONS.includes(v as LmPrecision),
  nullLastModified: int(0, 1_000_000),
  itemsPerOrderMin: int(0, 1000),
  singleOrder404: bool,
  emptyListAsObject: bool,
  collectionOrder: (v) => COLLECTION_ORDERS.includes(v as CollectionOrder),
  variantEditsPerRequest: int(0, 100_000),
  variantChurnPerRequest: int(0, 100_000),
  deepOffsetLimit: int(0, 1e9),
  deepOffsetStatus: (v) => v === 0 || (Number.isInteger(v) && (v as number) >= 400 && (v as number) <= 599),
  pageCapSilent: bool,
  listsShowFirst: (v) => v === false || (Number.isInteger(v) && (v as number) >= 0),
  listsShowFirstOn: subsetOf(LIST_NAMES),
};

/** Validates a partial option set; throws an Error naming the first bad key. */
export function validatePatch(patch: Record<string, unknown>): Partial<SandboxOptions> {
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const check = CHECKS[key as keyof SandboxOptions];
    if (!check) throw new Error(`unknown option: ${key}`);
    if (!check(value)) throw new Error(`invalid value for ${key}: ${JSON.stringify(value)}`);
  }
  return patch as Partial<SandboxOptions>;
}

export function resolveOptions(options: SandboxOptions = {}): ResolvedOptions {
  validatePatch(options as Record<string, unknown>);
  const defined = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
  const resolved = { ...DEFAULTS, ...defined } as ResolvedOptions;
  if (resolved.tieBlockSize > 0 && resolved.tieBlockCount === 0) resolved.tieBlockCount = 1;
  return resolved;
}

/** Runtime reconfiguration: rejects options fixed at start. */
export function applyPatch(current: ResolvedOptions, patch: Record<string, unknown>): ResolvedOptions {
  const valid = validatePatch(patch);
  for (const key of FIXED_AT_START) {
    if (valid[key] !== undefined && valid[key] !== current[key]) {
      throw new Error(`${key} is fixed when the sandbox starts`);
    }
  }
  const defined = Object.fromEntries(Object.entries(valid).filter(([, v]) => v !== undefined));
  return { ...current, ...defined } as ResolvedOptions;
}
