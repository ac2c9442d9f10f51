// Reads, merges and validates the tap's settings. Every problem is reported at once, in one line.
import { readFileSync } from 'node:fs';
import { ConfigError, InputFileError } from '../common/errors.js';
import type { TapConfig } from '../generated/schemas.js';
import type { Logger } from '../common/log.js';
import { loadSchema, packageVersion, type JsonSchema } from '../common/schema-files.js';
import { readBatchConfig, type BatchSettings } from '../singer/batch-config.js';
import { describeErrors, validateConfig } from '../common/validation.js';
import { parseInstant } from '../values/coercions.js';

export const ENV_PREFIX = 'TAP_INVENTORY_PLANNER_';
export const configSchema = loadSchema('config');
const settingNames = Object.keys(configSchema.properties ?? {});
/** Settings of JSON type number or integer; text such as "0.5" is read as a number (readNumericText). */
const numericSettings = settingNames.filter((name) =>
  ['number', 'integer'].includes(String(configSchema.properties?.[name]?.type)),
);
const NUMERIC_TEXT = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

export interface Settings {
  apiKey: string;
  accountId: string;
  startDate?: string; // RFC 3339 UTC
  baseUrl: string;
  pageSize: number;
  userAgent: string;
  requestTimeoutMs: number;
  maxRetries: number;
  retryInitialMs: number;
  retryMaxMs: number;
  concurrency: number;
  maxRequestsPerSecond?: number;
  fieldProjection: boolean;
  useSingerDecimal: boolean;
  /** Stop at the first value that cannot be read instead of writing null with a warning. */
  strictValues: boolean;
  fullTableEveryDays?: number;
  /** A STATE at most every this many records written, or every stateEverySeconds (and at each read's end). */
  stateEveryRecords: number;
  stateEverySeconds: number;
  /** Share of the last completed pass's records a pass may delete (src/engine/deletion-budget.ts). */
  deletionBudgetShare: number;
  /** Rows a pass may always delete. */
  deletionBudgetRows: number;
  /** Streams (or `all`) whose pass completes in this run whatever it deletes. */
  allowDeletions: string[];
  /** Exit status of a run with a held or dropped pass. */
  withheldDeletionsExitCode: number;
  /** batch_config: records go out as BATCH files instead of RECORD messages. */
  batch?: BatchSettings;
}

/** Names of settings marked secret in schemas/config.json: never printed. */
export const secretSettings = settingNames.filter((name) => configSchema.properties?.[name]?.secret === true);

export function envVarName(setting: string): string {
  return ENV_PREFIX + setting.toUpperCase();
}

/**
 * `--config FILE` may repeat (later files win); `--config ENV` adds TAP_INVENTORY_PLANNER_* variables, which win
 * over files.
 */
export function loadSettings(sources: string[], env: NodeJS.ProcessEnv, log: Logger): Settings {
  const raw: Record<string, unknown> = {};
  for (const source of sources.filter((s) => s !== 'ENV')) Object.assign(raw, readConfigFile(source));
  if (sources.includes('ENV')) Object.assign(raw, readEnv(env));
  for (const name of secretSettings) if (typeof raw[name] === 'string') log.addSecret(raw[name]);
  return resolveSettings(raw, log);
}

export function resolveSettings(raw: Record<string, unknown>, log: Logger): Settings {
  for (const key of Object.keys(raw)) {
    if (!settingNames.includes(key)) log.warn(`config key "${key}" is not a setting of this tap and is ignored`);
  }
  const config = structuredClone(raw);
  const problems = readNumericText(config);
  if (!validateConfig(config)) problems.push(...describeErrors(validateConfig.errors));
  const c = config as unknown as TapConfig;
  const baseUrl = String(c.base_url ?? '').replace(/\/+$/, '');
  if (URL.canParse(baseUrl)) problems.push(...checkBaseUrl(baseUrl));
  const batch = c.batch_config && problems.length === 0 ? readBatchConfig(c.batch_config) : undefined;
  if (Array.isArray(batch)) problems.push(...batch);
  if (problems.length) throw new ConfigError(`config: ${problems.join('; ')}.`);
  const shown = Object.entries(config).filter(([k]) => settingNames.includes(k) && !secretSettings.includes(k));
  log.debug(`settings: ${JSON.stringify(Object.fromEntries(shown))}`);
  return {
    apiKey: c.api_key,
    accountId: c.account_id,
    // The schema admits a bare date (midnight UTC) as well as a date-time; parseInstant reads date-times only.
    startDate:
      c.start_date === undefined
        ? undefined
        : new Date(parseInstant(c.start_date.length === 10 ? `${c.start_date}T00:00:00Z` : c.start_date)).toISOString(),
    baseUrl,
    pageSize: c.page_size!,
    userAgent: c.user_agent ?? `tap-inventory-planner/${packageVersion()}`,
    requestTimeoutMs: c.request_timeout! * 1000,
    maxRetries: c.max_retries!,
    retryInitialMs: c.retry_initial_delay! * 1000,
    retryMaxMs: c.retry_max_delay! * 1000,
    concurrency: c.concurrency!,
    maxRequestsPerSecond: c.max_requests_per_second,
    fieldProjection: c.field_projection!,
    useSingerDecimal: c.use_singer_decimal!,
    strictValues: c.strict_values!,
    fullTableEveryDays: c.full_table_every_days,
    stateEveryRecords: c.state_every_records!,
    stateEverySeconds: c.state_every_seconds!,
    deletionBudgetShare: c.deletion_budget_share!,
    deletionBudgetRows: c.deletion_budget_rows!,
    allowDeletions: streamList(c.allow_deletions),
    withheldDeletionsExitCode: c.withheld_deletions_exit_code!,
    ...(batch ? { batch: batch as BatchSettings } : {}),
  };
}

/** `variants, vendors` -> [variants, vendors]. */
export function streamList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * Numeric text becomes a number: Meltano passes the fractional settings as text, since it cannot write a
 * `kind: decimal` value taken from the environment into the tap's config (docs/meltano.md). Other text is
 * reported with its value.
 */
function readNumericText(config: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const name of numericSettings) {
    const value = config[name];
    if (typeof value !== 'string') continue;
    if (NUMERIC_TEXT.test(value)) {
      config[name] = Number(value);
      continue;
    }
    const what =
      configSchema.properties![name]!.type === 'integer' ? 'an integer such as 100' : 'a number such as 30 or 0.5';
    problems.push(`${name} must be ${what}, got ${JSON.stringify(value.slice(0, 40))}`);
    delete config[name]; // reported once: not again by the schema check
  }
  return problems;
}

function checkBaseUrl(baseUrl: string): string[] {
  const url = new URL(baseUrl);
  if (url.protocol === 'https:') return [];
  const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i.test(url.hostname);
  if (url.protocol === 'http:' && loopback) return [];
  return [
    `base_url must use https (plain http only for a loopback host such as 127.0.0.1), got ${url.protocol}//${url.host}`,
  ];
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputFileError(`config file ${path} cannot be read.`, 'Check the --config path.');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(`config file ${path} is not valid JSON (${(error as Error).message}).`, 'Fix the file.');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InputFileError(`config file ${path} must contain a JSON object.`, 'Fix the file.');
  }
  return parsed as Record<string, unknown>;
}

function readEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of settingNames) {
    const value = env[envVarName(name)];
    if (value !== undefined) out[name] = castEnv(value, configSchema.properties![name]!);
  }
  return out;
}

function castEnv(value: string, schema: JsonSchema): unknown {
  if (schema.type === 'object') {
    try {
      return JSON.parse(value);
    } catch {
      return value; // the schema check reports it
    }
  }
  if (schema.type === 'boolean')
    return /^(true|1|yes)$/i.test(value) ? true : /^(false|0|no)$/i.test(value) ? false : value;
  return value;
}
