import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatFromEnv, levelFromEnv, Logger, type LogLevel, type LogOptions } from '../../src/common/log.js';
import { Counter, timerPoint, type MetricPoint } from '../../src/singer/metrics.js';

function capture(options: Omit<LogOptions, 'sink'> = {}): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger({ ...options, sink: (line) => lines.push(line) }), lines };
}

const ALL: LogLevel[] = ['debug', 'info', 'warning', 'error', 'critical'];

function logEveryLevel(log: Logger): void {
  log.debug('d');
  log.info('i');
  log.warn('w');
  log.error('e');
  log.critical('c');
}

describe('Logger', () => {
  it('defaults to info: debug is dropped', () => {
    const { log, lines } = capture();
    logEveryLevel(log);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(['INFO', 'WARNING', 'ERROR', 'CRITICAL']);
  });

  it.each([
    ['debug', ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL']],
    ['warning', ['WARNING', 'ERROR', 'CRITICAL']],
    ['critical', ['CRITICAL']],
  ] as const)('at level %s prints only that level and above', (level, expected) => {
    const { log, lines } = capture({ level });
    logEveryLevel(log);
    expect(lines.map((l) => l.split(' ')[1])).toEqual(expected);
    expect(ALL.filter((l) => log.enabled(l)).length).toBe(expected.length);
  });

  it('text lines are "<ISO time> LEVEL tap-inventory-planner: message" plus extra as JSON', () => {
    const { log, lines } = capture();
    log.info('synced 10 records', { stream: 'purchase_orders', count: 10 });
    log.warn('plain');
    expect(lines[0]).toMatch(
      new RegExp(
        /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z /.source +
          /INFO tap-inventory-planner: synced 10 records \{"stream":"purchase_orders","count":10\}$/.source,
      ),
    );
    expect(lines[1]).toMatch(/Z WARNING tap-inventory-planner: plain$/);
  });

  it('a metric line in text format is exactly "INFO METRIC: {json}"', () => {
    const { log, lines } = capture();
    const point: MetricPoint = {
      type: 'counter',
      metric: 'record_count',
      value: 42,
      tags: { endpoint: 'purchase_orders' },
    };
    log.metric(point);
    expect(lines).toEqual([
      'INFO METRIC: {"type":"counter","metric":"record_count","value":42,"tags":{"endpoint":"purchase_orders"}}',
    ]);
    expect(JSON.parse(lines[0]!.slice('INFO METRIC: '.length))).toEqual(point);
  });

  it('drops metrics below the level (warning)', () => {
    const { log, lines } = capture({ level: 'warning' });
    log.metric(timerPoint('job_duration', 1, {}));
    expect(lines).toEqual([]);
  });

  it('JSON format: every line carries the Meltano SDK log fields', () => {
    const { log, lines } = capture({ format: 'json', level: 'debug' });
    log.debug('page fetched', { stream: 'purchase_order_items', page: 3 });
    log.error('no stream');
    const [first, second] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const entry of [first!, second!]) {
      for (const key of ['level', 'pid', 'logger_name', 'ts', 'thread_name', 'app_name', 'stream_name', 'message']) {
        expect(entry, key).toHaveProperty(key);
      }
      expect(entry.pid).toBe(process.pid);
      expect(entry.logger_name).toBe('tap-inventory-planner');
      expect(entry.app_name).toBe('tap-inventory-planner');
      expect(entry.thread_name).toBe('MainThread');
      expect(typeof entry.ts).toBe('number');
      expect(Math.abs((entry.ts as number) - Date.now() / 1000)).toBeLessThan(60);
    }
    expect(first).toMatchObject({
      level: 'debug',
      message: 'page fetched',
      stream_name: 'purchase_order_items',
      extra: { stream: 'purchase_order_items', page: 3 },
    });
    expect(second).toMatchObject({ level: 'error', message: 'no stream', stream_name: null });
  });

  it('JSON format: a metric line carries metric_info and the METRIC message', () => {
    const { log, lines } = capture({ format: 'json' });
    const point = timerPoint('http_request_duration', 0.25, {
      endpoint: 'purchase-orders',
      http_status_code: 200,
      status: 'succeeded',
    });
    log.metric(point);
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'info', metric_info: point, message: `METRIC: ${JSON.stringify(point)}` });
  });

  it('redacts registered secrets on every path, as whole tokens', () => {
    const { log, lines } = capture();
    log.addSecret('s3cr3t-key');
    log.addSecret('abc');
    log.addSecret(undefined);
    log.info('key s3cr3t-key and s3cr3t-key again', { auth: 's3cr3t-key' });
    log.metric({ type: 'counter', metric: 'x', value: 1, tags: { k: 's3cr3t-key' } });
    expect(lines.join('\n')).not.toContain('s3cr3t-key');
    expect(lines[0]).toContain('key *** and *** again {"auth":"***"}');
    expect(lines[1]).toBe('INFO METRIC: {"type":"counter","metric":"x","value":1,"tags":{"k":"***"}}');
    expect(log.redact('key=abc, "abc" (abc)/abc')).toBe('key=***, "***" (***)/***');
  });

  it('leaves words that merely contain a short secret alone', () => {
    const { log } = capture();
    log.addSecret('ord');
    log.addSecret('-k9-');
    expect(log.redact('1 orders in 1 page, word ord')).toBe('1 orders in 1 page, word ***');
    expect(log.redact('x-k9-y and -k9-')).toBe('x***y and ***');
    expect(log.redact('ordord')).toBe('ordord');
  });

  it('masks the longest secret first when one contains another', () => {
    const { log } = capture();
    log.addSecret('abc');
    log.addSecret('abc-def');
    expect(log.redact('abc-def abc')).toBe('*** ***');
  });

  it('redacts a secret that JSON escaping changes (quote or backslash) in JSON lines and extra', () => {
    const secret = 'k3y"with\\odd';
    for (const format of ['text', 'json'] as const) {
      const { log, lines } = capture({ format });
      log.addSecret(secret);
      log.info(`auth ${secret}`, { auth: secret });
      const escaped = JSON.stringify(secret).slice(1, -1);
      expect(lines[0], format).not.toContain(escaped);
      expect(lines[0], format).not.toContain(secret);
    }
  });
});

describe('levelFromEnv / formatFromEnv', () => {
  it('reads TAP_INVENTORY_PLANNER_LOG_LEVEL, then LOGLEVEL, case-insensitively', () => {
    expect(levelFromEnv({ TAP_INVENTORY_PLANNER_LOG_LEVEL: 'DEBUG' })).toBe('debug');
    expect(levelFromEnv({ LOGLEVEL: 'error' })).toBe('error');
    expect(levelFromEnv({ TAP_INVENTORY_PLANNER_LOG_LEVEL: 'critical', LOGLEVEL: 'debug' })).toBe('critical');
    expect(levelFromEnv({ TAP_INVENTORY_PLANNER_LOGLEVEL: 'warning' })).toBe('warning');
  });

  it('maps warn and fatal, and falls back to info for nothing or nonsense', () => {
    expect(levelFromEnv({ LOGLEVEL: 'WARN' })).toBe('warning');
    expect(levelFromEnv({ LOGLEVEL: 'fatal' })).toBe('critical');
    expect(levelFromEnv({})).toBe('info');
    expect(levelFromEnv({ LOGLEVEL: 'verbose' })).toBe('info');
  });

  it('a level from the environment filters the logger', () => {
    const lines: string[] = [];
    const log = new Logger({
      level: levelFromEnv({ TAP_INVENTORY_PLANNER_LOG_LEVEL: 'error' }),
      sink: (l) => lines.push(l),
    });
    logEveryLevel(log);
    expect(lines).toHaveLength(2);
  });

  it('reads TAP_INVENTORY_PLANNER_LOG_FORMAT=json, else text', () => {
    expect(formatFromEnv({ TAP_INVENTORY_PLANNER_LOG_FORMAT: 'JSON' })).toBe('json');
    expect(formatFromEnv({ TAP_INVENTORY_PLANNER_LOG_FORMAT: 'yaml' })).toBe('text');
    expect(formatFromEnv({})).toBe('text');
  });

  it("writes JSON lines when Meltano's SDK logging config names the structured formatter, at its level", () => {
    const dir = mkdtempSync(join(tmpdir(), 'tip-logconf-'));
    const sdkConfig = (formatter: object, level: string): string => {
      const file = join(dir, `${level}.json`);
      const config = {
        version: 1,
        formatters: { singer_formatter: formatter },
        handlers: { console: { class: 'logging.StreamHandler', formatter: 'singer_formatter' } },
        root: { handlers: ['console'], level },
      };
      writeFileSync(file, JSON.stringify(config)); // as Meltano 4 writes it (plugin/singer/base.py)
      return file;
    };
    const structured = sdkConfig({ '()': 'singer_sdk.logging.StructuredFormatter' }, 'WARNING');
    const plain = sdkConfig({ format: '%(message)s' }, 'DEBUG');
    expect(formatFromEnv({ SINGER_SDK_LOG_CONFIG: structured })).toBe('json');
    expect(levelFromEnv({ SINGER_SDK_LOG_CONFIG: structured })).toBe('warning');
    expect(formatFromEnv({ SINGER_SDK_LOG_CONFIG: plain })).toBe('text');
    expect(levelFromEnv({ SINGER_SDK_LOG_CONFIG: plain })).toBe('debug');
    // The tap's own variables win; a missing file changes nothing.
    expect(formatFromEnv({ SINGER_SDK_LOG_CONFIG: structured, TAP_INVENTORY_PLANNER_LOG_FORMAT: 'text' })).toBe('text');
    expect(levelFromEnv({ SINGER_SDK_LOG_CONFIG: structured, LOGLEVEL: 'info' })).toBe('info');
    expect(formatFromEnv({ SINGER_SDK_LOG_CONFIG: join(dir, 'missing.json') })).toBe('text');
    rmSync(dir, { recursive: true });
  });
});

describe('Counter', () => {
  function counter(intervalMs = 60_000): { c: Counter; points: MetricPoint[]; clock: { t: number } } {
    const points: MetricPoint[] = [];
    const clock = { t: 1_000_000 };
    const c = new Counter(
      (p) => points.push(p),
      'record_count',
      { endpoint: 'purchase_orders' },
      intervalMs,
      () => clock.t,
    );
    return { c, points, clock };
  }

  it('holds increments until the interval has passed, then reports their sum', () => {
    const { c, points, clock } = counter(60_000);
    c.increment();
    c.increment(4);
    clock.t += 59_999;
    c.increment();
    expect(points).toEqual([]);
    clock.t += 1;
    c.increment(2);
    expect(points).toEqual([
      { type: 'counter', metric: 'record_count', value: 8, tags: { endpoint: 'purchase_orders' } },
    ]);
  });

  it('starts a new interval after each report', () => {
    const { c, points, clock } = counter(1000);
    clock.t += 1000;
    c.increment(); // reported: 1
    clock.t += 500;
    c.increment(); // not yet
    expect(points.map((p) => p.value)).toEqual([1]);
    clock.t += 500;
    c.increment(); // reported: 2
    expect(points.map((p) => p.value)).toEqual([1, 2]);
  });

  it('flush() reports what is pending at once and resets it', () => {
    const { c, points } = counter();
    c.increment(3);
    c.flush();
    expect(points.map((p) => p.value)).toEqual([3]);
    c.increment();
    c.flush();
    expect(points.map((p) => p.value)).toEqual([3, 1]);
  });

  it('never reports zero', () => {
    const { c, points, clock } = counter(1000);
    c.flush();
    clock.t += 5000;
    c.flush();
    c.increment(0);
    c.flush();
    expect(points).toEqual([]);
  });

  it('through the logger, prints the standard record_count metric line', () => {
    const { log, lines } = capture();
    const c = new Counter((p) => log.metric(p), 'record_count', { endpoint: 'purchase_order_items' });
    c.increment(7);
    c.flush();
    expect(lines).toEqual([
      'INFO METRIC: {"type":"counter","metric":"record_count","value":7,"tags":{"endpoint":"purchase_order_items"}}',
    ]);
  });
});

describe('timerPoint', () => {
  it('is a timer point in seconds, rounded to microseconds', () => {
    expect(timerPoint('http_request_duration', 0.12345678, { http_status_code: 200, status: 'succeeded' })).toEqual({
      type: 'timer',
      metric: 'http_request_duration',
      value: 0.123457,
      tags: { http_status_code: 200, status: 'succeeded' },
    });
    expect(timerPoint('job_duration', 12, {}).value).toBe(12);
  });
});
