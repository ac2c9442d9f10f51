// stderr logger. stdout carries Singer messages only. Every line passes through redact(), so a secret
// registered with addSecret() can never be printed, whatever code path produced the text.
import { readFileSync } from 'node:fs';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error' | 'critical';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warning: 30, error: 40, critical: 50 };
const APP = 'tap-inventory-planner';

export interface LogOptions {
  level?: LogLevel;
  format?: 'text' | 'json';
  sink?: (line: string) => void;
}

export class Logger {
  private readonly secrets: string[] = [];
  private pattern: RegExp | undefined;
  level: LogLevel;
  format: 'text' | 'json';
  private readonly sink: (line: string) => void;

  constructor(options: LogOptions = {}) {
    this.level = options.level ?? 'info';
    this.format = options.format ?? 'text';
    this.sink = options.sink ?? ((line) => process.stderr.write(`${line}\n`));
  }

  addSecret(value: string | undefined): void {
    if (!value || this.secrets.includes(value)) return;
    this.secrets.push(value);
    // The JSON-escaped form too: a secret with a quote or backslash is escaped before a line is redacted.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.secrets.push(escaped);
    // Longest first, so a secret that contains another is masked whole.
    const alternatives = [...this.secrets].sort((a, b) => b.length - a.length).map(wholeToken);
    this.pattern = new RegExp(alternatives.join('|'), 'g');
  }

  /**
   * Masks each secret where it stands as a whole token (not inside a longer run of letters and digits), so a
   * short key does not mangle words that happen to contain it. A secret glued to other letters or digits is
   * a different token and cannot be told from one by a reader either.
   */
  redact(text: string): string {
    return this.pattern ? text.replace(this.pattern, '***') : text;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  debug(message: string, extra?: Record<string, unknown>): void {
    this.log('debug', message, extra);
  }
  info(message: string, extra?: Record<string, unknown>): void {
    this.log('info', message, extra);
  }
  warn(message: string, extra?: Record<string, unknown>): void {
    this.log('warning', message, extra);
  }
  error(message: string, extra?: Record<string, unknown>): void {
    this.log('error', message, extra);
  }
  critical(message: string, extra?: Record<string, unknown>): void {
    this.log('critical', message, extra);
  }

  /** A Singer metric: `INFO METRIC: {...}` in text mode, the SDK's metric_info field in JSON mode. */
  metric(point: object): void {
    if (!this.enabled('info')) return;
    if (this.format === 'json')
      this.emit(this.jsonLine('info', `METRIC: ${JSON.stringify(point)}`, { metric_info: point }));
    else this.emit(`INFO METRIC: ${JSON.stringify(point)}`);
  }

  log(level: LogLevel, message: string, extra?: Record<string, unknown>): void {
    if (!this.enabled(level)) return;
    if (this.format === 'json') {
      this.emit(this.jsonLine(level, message, { extra: extra ?? {}, stream_name: extra?.stream ?? null }));
    } else {
      const suffix = extra && Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : '';
      this.emit(`${new Date().toISOString()} ${level.toUpperCase()} ${APP}: ${message}${suffix}`);
    }
  }

  // Field names follow the Meltano SDK log schema, so Meltano's `singer-sdk` log parser reads them.
  private jsonLine(level: LogLevel, message: string, fields: Record<string, unknown>): string {
    return JSON.stringify({
      level,
      pid: process.pid,
      logger_name: APP,
      ts: Date.now() / 1000,
      thread_name: 'MainThread',
      app_name: APP,
      stream_name: null,
      message,
      ...fields,
    });
  }

  private emit(line: string): void {
    this.sink(this.redact(line));
  }
}

/** A pattern for `secret` not preceded or followed by a letter or digit where its own end is one. */
function wholeToken(secret: string): string {
  const escaped = secret.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const before = /^[A-Za-z0-9]/.test(secret) ? '(?<![A-Za-z0-9])' : '';
  const after = /[A-Za-z0-9]$/.test(secret) ? '(?![A-Za-z0-9])' : '';
  return `${before}${escaped}${after}`;
}

type SdkLogConfig = { structured: boolean; level?: string } | undefined;

/** `sdk`: the SDK logging config, when the caller has read it already (it is a file). */
export function levelFromEnv(env: NodeJS.ProcessEnv, sdk: SdkLogConfig = sdkLogConfig(env)): LogLevel {
  const raw = (
    env.TAP_INVENTORY_PLANNER_LOG_LEVEL ??
    env.TAP_INVENTORY_PLANNER_LOGLEVEL ??
    env.LOGLEVEL ??
    sdk?.level ??
    'info'
  ).toLowerCase();
  if (raw === 'warn') return 'warning';
  if (raw === 'fatal') return 'critical';
  return Object.hasOwn(RANK, raw) ? (raw as LogLevel) : 'info';
}

/**
 * TAP_INVENTORY_PLANNER_LOG_FORMAT wins (json or text); without it, JSON lines when the SDK logging config
 * says so. Meltano 4 gives a plugin that declares the `structured-logging` capability such a config
 * (SINGER_SDK_LOG_CONFIG, with the SDK's StructuredFormatter) and then reads the plugin's stderr as JSON
 * lines, so WARNING and CRITICAL show as levels under `meltano run`.
 */
export function formatFromEnv(env: NodeJS.ProcessEnv, sdk: SdkLogConfig = sdkLogConfig(env)): 'text' | 'json' {
  const chosen = (env.TAP_INVENTORY_PLANNER_LOG_FORMAT ?? '').toLowerCase();
  if (chosen === 'json' || chosen === 'text') return chosen;
  return sdk?.structured ? 'json' : 'text';
}

/** What the Meltano SDK's logging config file (a logging dictConfig, JSON or YAML) says about format and level. */
export function sdkLogConfig(env: NodeJS.ProcessEnv): SdkLogConfig {
  const path = env.SINGER_SDK_LOG_CONFIG;
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const structured = /singer_sdk\.logging\.StructuredFormatter/.test(text);
  try {
    const level = (JSON.parse(text) as { root?: { level?: unknown } }).root?.level;
    return { structured, level: typeof level === 'string' ? level : undefined };
  } catch {
    return { structured };
  }
}
