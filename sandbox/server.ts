// startSandbox(): a local HTTP server imitating the Inventory Planner REST API.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { Accounts, type ExtraAccount } from './accounts.js';
import { handleAdmin } from './admin.js';
import { handleApi } from './api.js';
import { errorReply, send } from './http-util.js';
import type { SandboxOptions } from './options.js';
import { type SandboxState, type SandboxStats, emptyStats } from './state.js';
import { countUnreadable } from './quirks.js';
import { type Truth, collectTruth } from './truth.js';
import { collectionTruth, snapshotTruth, type CollectionTruth } from './variant-truth.js';
import { forecastSnapshotTruth, seriesTruth, type SeriesTruth } from './series-truth.js';

export type { ExtraAccount } from './accounts.js';
export type { FaultKind, Operator, SandboxOptions } from './options.js';
export type { SandboxStats } from './state.js';
export type { Truth } from './truth.js';
export type { CollectionTruth } from './variant-truth.js';
export { COLLECTION_KEYS } from './variant-truth.js';
export { SERIES_KEYS, type SeriesTruth } from './series-truth.js';

/** One account's data, options and counters. */
export interface SandboxAccount {
  accountId: string;
  configure(patch: Partial<SandboxOptions>): void;
  edit(count: number, create?: number): void;
  /** Deletes `count` random orders, or the orders with these ids (ground truth follows); returns their ids. */
  deleteOrders(which: number | string[]): string[];
  /** Removes lines from orders, which are thereby modified (ground truth follows); returns the lines' keys. */
  removeLines(count: number): { purchase_order_id: string; key: string }[];
  truth(): Truth;
  /** Rows of variants, variant_warehouses, variant_vendors, warehouses and vendors for the current data. */
  collectionTruth(): CollectionTruth;
  /** variant_snapshots rows of a run on `date` (YYYY-MM-DD). */
  snapshotTruth(date: string): Record<string, unknown>[];
  /** Rows of variant_monthly, variant_daily and variant_history (every point of the live variants). */
  seriesTruth(): SeriesTruth;
  /** variant_forecast_snapshots rows of a run on `date` (YYYY-MM-DD). */
  forecastSnapshotTruth(date: string): Record<string, unknown>[];
  /** Removes `count` variants picked by the seed (or these ids); returns their ids. */
  removeVariants(which: number | string[]): string[];
  /** Adds `count` variants (ids after every existing one); returns their ids. */
  addVariants(count: number): string[];
  /** Adds a stock_hist point at variants' historyEnd + `days` to every live variant or `count` picked by the seed. */
  addHistoryPoints(which: number | 'all', days: number, pick?: number): void;
  /** The newest history point (epoch ms) of the variants the sandbox started with. */
  historyEnd(): number;
  /** At the k-th variants list request from now, remove and add this many variants (a change mid-run). */
  changeVariantsAt(request: number, change: { remove?: number; add?: number }): void;
  /** Odd values the tap cannot read, by `stream.column`, in the current data (options oddValueRate/oddColumns). */
  unreadableValues(): Record<string, number>;
  stats(): SandboxStats;
  resetStats(): void;
}

/** The sandbox; used as a SandboxAccount, it is the first account. */
export interface Sandbox extends SandboxAccount {
  port: number;
  baseUrl: string;
  apiKey: string;
  /** Another account served by this sandbox (`extraAccounts` of startSandbox), by its id. */
  account(accountId: string): SandboxAccount;
  close(): Promise<void>;
}

/** `extraAccounts`: more accounts behind the same API key, chosen per request by the `Account` header. */
export async function startSandbox(options: SandboxOptions = {}, extraAccounts: ExtraAccount[] = []): Promise<Sandbox> {
  const accounts = new Accounts(options, extraAccounts);
  const st = accounts.primary;
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (url.pathname.startsWith('/__admin/')) {
      // Admin routes act on the account named by ?account= (the first account when absent).
      const chosen = url.searchParams.has('account') ? accounts.find(url.searchParams.get('account')!) : st;
      if (!chosen) return send(res, errorReply(404, `No account ${url.searchParams.get('account')}`));
      handleAdmin(chosen, req, res, url).catch((err: Error) => {
        if (!res.headersSent) send(res, errorReply(500, err.message));
        else res.destroy();
      });
    } else {
      handleApi(accounts.forRequest(req.headers.account), req, res, url);
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(st.opts.port, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : st.opts.port;

  const first = accountHandle(st);
  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    get apiKey() {
      return st.opts.apiKey;
    },
    get accountId() {
      return st.opts.accountId;
    },
    configure: first.configure,
    edit: first.edit,
    deleteOrders: first.deleteOrders,
    removeLines: first.removeLines,
    truth: first.truth,
    collectionTruth: first.collectionTruth,
    snapshotTruth: first.snapshotTruth,
    seriesTruth: first.seriesTruth,
    forecastSnapshotTruth: first.forecastSnapshotTruth,
    removeVariants: first.removeVariants,
    addVariants: first.addVariants,
    addHistoryPoints: first.addHistoryPoints,
    historyEnd: first.historyEnd,
    changeVariantsAt: first.changeVariantsAt,
    unreadableValues: first.unreadableValues,
    stats: first.stats,
    resetStats: first.resetStats,
    account: (accountId: string) => {
      const chosen = accounts.find(accountId);
      if (!chosen) throw new Error(`the sandbox serves no account ${accountId}`);
      return accountHandle(chosen);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const account of accounts.all) account.clearTimers();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

function accountHandle(st: SandboxState): SandboxAccount {
  return {
    get accountId() {
      return st.opts.accountId;
    },
    configure: (patch) => st.configure(patch as Record<string, unknown>),
    edit: (count, create = 0) => st.edit(count, create),
    deleteOrders: (which) => st.deleteOrders(which),
    removeLines: (count) => st.removeLines(count),
    truth: () => collectTruth(st.gen, st.store, st.opts.accountId),
    collectionTruth: () => collectionTruth(st.variants, st.opts.accountId),
    snapshotTruth: (date) => snapshotTruth(st.variants, st.opts.accountId, date),
    seriesTruth: () => seriesTruth(st.variants, st.opts.accountId),
    forecastSnapshotTruth: (date) => forecastSnapshotTruth(st.variants, st.opts.accountId, date),
    removeVariants: (which) => st.removeVariants(which),
    addVariants: (count) => st.variants.add(count),
    addHistoryPoints: (which, days, pick) => st.variants.addHistoryPoints(which, days, pick),
    historyEnd: () => st.variants.historyEnd,
    changeVariantsAt: (request, change) => {
      st.variantChanges.push({
        atRequest: st.variantListSeq + request,
        remove: change.remove ?? 0,
        add: change.add ?? 0,
      });
    },
    unreadableValues: () => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < st.store.count; i++) countUnreadable(st.gen.order(st.store, i), counts);
      return counts;
    },
    stats: () => structuredClone(st.stats),
    resetStats: () => {
      st.stats = emptyStats();
    },
  };
}
