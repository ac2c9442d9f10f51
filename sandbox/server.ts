// startSandbox(): a local HTTP server imitating the Inventory Planner REST API.
import { createServer } from 'node:http';
import { Socket } from 'node:net';
import { handleAdmin } from './admin.js';
import { handleApi } from './api.js';
import { errorReply, send } from './http-util.js';
import { SandboxOptions, resolveOptions } from './options.js';
import { SandboxState, SandboxStats, emptyStats } from './state.js';
import { Truth, collectTruth } from './truth.js';

export type { FaultKind, Operator, SandboxOptions } from './options.js';
export type { SandboxStats } from './state.js';
export type { Truth } from './truth.js';

export interface Sandbox {
  port: number;
  baseUrl: string;
  apiKey: string;
  accountId: string;
  configure(patch: Partial<SandboxOptions>): void;
  edit(count: number, create?: number): void;
  /** Deletes `count` random orders, or the orders with these ids (ground truth follows); returns their ids. */
  deleteOrders(which: number | string[]): string[];
  /** Removes lines from orders, which are thereby modified (ground truth follows); returns the lines' keys. */
  removeLines(count: number): { purchase_order_id: string; key: string }[];
  truth(): Truth;
  stats(): SandboxStats;
  resetStats(): void;
  close(): Promise<void>;
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const st = new SandboxState(resolveOptions(options));
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.local');
    if (url.pathname.startsWith('/__admin/')) {
      handleAdmin(st, req, res, url).catch((err: Error) => {
        if (!res.headersSent) send(res, errorReply(500, err.message));
        else res.destroy();
      });
    } else {
      handleApi(st, req, res, url);
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

  return {
    port,
    baseUrl: `http://127.0.0.1:${port}/api/v1`,
    get apiKey() {
      return st.opts.apiKey;
    },
    get accountId() {
      return st.opts.accountId;
    },
    configure: (patch) => st.configure(patch as Record<string, unknown>),
    edit: (count, create = 0) => st.edit(count, create),
    deleteOrders: (which) => st.deleteOrders(which),
    removeLines: (count) => st.removeLines(count),
    truth: () => collectTruth(st.gen, st.store, st.opts.accountId),
    stats: () => structuredClone(st.stats),
    resetStats: () => {
      st.stats = emptyStats();
    },
    close: () =>
      new Promise<void>((resolve) => {
        st.clearTimers();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
