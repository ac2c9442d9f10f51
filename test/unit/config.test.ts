import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { envVarName, loadSettings, resolveSettings, secretSettings } from '../../src/config/config.js';
import { ConfigError, InputFileError, TapError } from '../../src/common/errors.js';
import { Logger } from '../../src/common/log.js';
import { packageVersion } from '../../src/common/schema-files.js';

const BASE = { api_key: 'ipk_live_4f9a8c7e2b', account_id: 'a12345' };

function logger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: new Logger({ sink: (line) => lines.push(line) }), lines };
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

const dir = mkdtempSync(join(tmpdir(), 'tap-ip-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;
function file(content: string): string {
  const path = join(dir, `config-${++fileCount}.json`);
  writeFileSync(path, content);
  return path;
}

describe('resolveSettings', () => {
  it('fills every default from schemas/config.json', () => {
    const { log, lines } = logger();
    expect(resolveSettings({ ...BASE }, log)).toEqual({
      apiKey: 'ipk_live_4f9a8c7e2b',
      accountId: 'a12345',
      startDate: undefined,
      baseUrl: 'https://app.inventory-planner.com/api/v1',
      pageSize: 1000,
      userAgent: `tap-inventory-planner/${packageVersion()}`,
      requestTimeoutMs: 60_000,
      maxRetries: 8,
      retryInitialMs: 1000,
      retryMaxMs: 60_000,
      concurrency: 4,
      maxRequestsPerSecond: undefined,
      fieldProjection: true,
      useSingerDecimal: false,
      strictValues: false,
      stateEveryRecords: 100_000,
      stateEverySeconds: 60,
      fullTableEveryDays: undefined,
      deletionBudgetShare: 0.1,
      deletionBudgetRows: 3,
      allowDeletions: [],
      withheldDeletionsExitCode: 3,
    });
    expect(lines).toEqual([]);
  });

  it("does not write the defaults into the caller's object", () => {
    const raw = { ...BASE };
    resolveSettings(raw, logger().log);
    expect(raw).toEqual(BASE);
  });

  it('uses given values and converts seconds to milliseconds', () => {
    const s = resolveSettings(
      {
        ...BASE,
        page_size: 250,
        user_agent: 'acme-etl (data@acme.test)',
        request_timeout: 2.5,
        max_retries: 0,
        retry_initial_delay: 0.25,
        retry_max_delay: 10,
        concurrency: 16,
        max_requests_per_second: 2,
        field_projection: false,
      },
      logger().log,
    );
    expect(s).toMatchObject({
      pageSize: 250,
      userAgent: 'acme-etl (data@acme.test)',
      requestTimeoutMs: 2500,
      maxRetries: 0,
      retryInitialMs: 250,
      retryMaxMs: 10_000,
      concurrency: 16,
      maxRequestsPerSecond: 2,
      fieldProjection: false,
    });
  });

  it('reports every problem at once, in one ConfigError on one line', () => {
    const error = configError(() =>
      resolveSettings(
        { page_size: 0, start_date: 'yesterday', concurrency: 17, base_url: 'http://example.com' },
        logger().log,
      ),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(/^config: /);
    expect(error.message).not.toContain('\n');
    for (const part of [
      'api_key is required',
      'account_id is required',
      'page_size must be >= 1',
      'start_date must be an RFC 3339',
      'concurrency must be <= 16',
      'base_url must use https',
    ]) {
      expect(error.message).toContain(part);
    }
  });

  it('warns through the logger about a key that is not a setting, and still succeeds', () => {
    const { log, lines } = logger();
    const s = resolveSettings({ ...BASE, start_dat: '2024-01-01', page_size: 10 }, log);
    expect(s.pageSize).toBe(10);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ WARNING tap-inventory-planner: config key "start_dat" is not a setting/);
  });

  describe('start_date', () => {
    it.each([
      ['2024-01-31', '2024-01-31T00:00:00.000Z'],
      ['2024-01-31T00:00:00Z', '2024-01-31T00:00:00.000Z'],
      ['2024-01-31T02:00:00+02:00', '2024-01-31T00:00:00.000Z'],
      ['2024-01-30T20:00:00-04:00', '2024-01-31T00:00:00.000Z'],
    ])('normalises %s to UTC %s', (input, expected) => {
      expect(resolveSettings({ ...BASE, start_date: input }, logger().log).startDate).toBe(expected);
    });

    it.each(['yesterday', '2024-01-31T00:00:00', '2024-02-30', '31/01/2024', '2024-01-31 00:00:00Z'])(
      'rejects %j',
      (input) => {
        const error = configError(() => resolveSettings({ ...BASE, start_date: input }, logger().log));
        expect(error.message).toContain('start_date must be an RFC 3339 date or date-time');
      },
    );

    it('rejects a non-string start_date', () => {
      expect(configError(() => resolveSettings({ ...BASE, start_date: 1706659200 }, logger().log)).message).toContain(
        'start_date',
      );
    });
  });

  describe('base_url', () => {
    it.each([
      'http://127.0.0.1:8080/api/v1',
      'http://127.1.2.3',
      'http://localhost:3000',
      'http://LOCALHOST',
      'http://[::1]:9000/api',
    ])('accepts plain http for the loopback host in %s', (url) => {
      expect(resolveSettings({ ...BASE, base_url: url }, logger().log).baseUrl).toBe(url);
    });

    it('accepts any https URL and drops trailing slashes', () => {
      expect(resolveSettings({ ...BASE, base_url: 'https://eu.example.com/api/v1/' }, logger().log).baseUrl).toBe(
        'https://eu.example.com/api/v1',
      );
      expect(resolveSettings({ ...BASE, base_url: 'https://eu.example.com//' }, logger().log).baseUrl).toBe(
        'https://eu.example.com',
      );
    });

    it.each([
      'http://example.com/api/v1',
      'http://10.0.0.5',
      'http://localhost.evil.test',
      'http://127.0.0.1.evil.test',
      'ftp://127.0.0.1',
    ])('rejects %s', (url) => {
      expect(configError(() => resolveSettings({ ...BASE, base_url: url }, logger().log)).message).toContain(
        'base_url must use https',
      );
    });

    it('rejects a value that is not an absolute URL', () => {
      expect(
        configError(() => resolveSettings({ ...BASE, base_url: 'app.inventory-planner.com' }, logger().log)).message,
      ).toContain('base_url must be an absolute URL');
    });
  });

  describe('page_size', () => {
    it('accepts the bounds 1 and 1000', () => {
      expect(resolveSettings({ ...BASE, page_size: 1 }, logger().log).pageSize).toBe(1);
      expect(resolveSettings({ ...BASE, page_size: 1000 }, logger().log).pageSize).toBe(1000);
    });

    it.each([
      [0, '>= 1'],
      [1001, '<= 1000'],
      [2.5, 'integer'],
      ['a hundred', 'an integer such as 100, got "a hundred"'],
    ])('rejects %j', (value, why) => {
      const error = configError(() => resolveSettings({ ...BASE, page_size: value }, logger().log));
      expect(error.message).toContain('page_size must be');
      expect(error.message).toContain(why);
    });
  });

  it('rejects an empty api_key and a wrongly typed setting', () => {
    const error = configError(() =>
      resolveSettings({ api_key: '', account_id: 'a1', field_projection: 'yes' }, logger().log),
    );
    expect(error.message).toContain('api_key');
    expect(error.message).toContain('field_projection must be boolean');
  });
});

describe('loadSettings', () => {
  it('merges several --config files, later files winning', () => {
    const a = file(JSON.stringify({ ...BASE, page_size: 100, concurrency: 2 }));
    const b = file(JSON.stringify({ page_size: 200, account_id: 'b-account' }));
    const s = loadSettings([a, b], {}, logger().log);
    expect(s).toMatchObject({ apiKey: BASE.api_key, accountId: 'b-account', pageSize: 200, concurrency: 2 });
    expect(loadSettings([b, a], {}, logger().log)).toMatchObject({ accountId: 'a12345', pageSize: 100 });
  });

  it('reads TAP_INVENTORY_PLANNER_* with --config ENV, cast to the setting type, winning over files', () => {
    const a = file(JSON.stringify({ ...BASE, page_size: 100, field_projection: true, start_date: '2020-01-01' }));
    const env = {
      TAP_INVENTORY_PLANNER_PAGE_SIZE: '50',
      TAP_INVENTORY_PLANNER_REQUEST_TIMEOUT: '2.5',
      TAP_INVENTORY_PLANNER_FIELD_PROJECTION: 'false',
      TAP_INVENTORY_PLANNER_START_DATE: '2024-01-31',
      TAP_INVENTORY_PLANNER_ACCOUNT_ID: 'env-account',
      UNRELATED: 'x',
    };
    // ENV wins whether it is listed before or after the file.
    for (const sources of [
      [a, 'ENV'],
      ['ENV', a],
    ]) {
      expect(loadSettings(sources, env, logger().log)).toMatchObject({
        apiKey: BASE.api_key,
        accountId: 'env-account',
        pageSize: 50,
        requestTimeoutMs: 2500,
        fieldProjection: false,
        startDate: '2024-01-31T00:00:00.000Z',
      });
    }
  });

  it('reads everything from the environment with ENV alone', () => {
    const s = loadSettings(
      ['ENV'],
      {
        TAP_INVENTORY_PLANNER_API_KEY: 'env-key-123',
        TAP_INVENTORY_PLANNER_ACCOUNT_ID: 'a1',
        TAP_INVENTORY_PLANNER_FIELD_PROJECTION: 'YES',
        TAP_INVENTORY_PLANNER_MAX_REQUESTS_PER_SECOND: '0.5',
      },
      logger().log,
    );
    expect(s).toMatchObject({
      apiKey: 'env-key-123',
      accountId: 'a1',
      fieldProjection: true,
      maxRequestsPerSecond: 0.5,
    });
  });

  it('ignores the environment unless ENV is a source', () => {
    const a = file(JSON.stringify(BASE));
    expect(loadSettings([a], { TAP_INVENTORY_PLANNER_PAGE_SIZE: '50' }, logger().log).pageSize).toBe(1000);
  });

  it('reports an environment value that cannot be cast', () => {
    const error = configError(() =>
      loadSettings(
        ['ENV'],
        {
          ...envOf(BASE),
          TAP_INVENTORY_PLANNER_PAGE_SIZE: 'lots',
          TAP_INVENTORY_PLANNER_FIELD_PROJECTION: 'maybe',
        },
        logger().log,
      ),
    );
    expect(error.message).toContain('page_size must be an integer such as 100, got "lots"');
    expect(error.message).toContain('field_projection must be boolean');
  });

  it('reads each numeric setting given as text, as Meltano passes kind: string settings, from a file or the environment', () => {
    const text = {
      page_size: '250',
      request_timeout: '2.5',
      max_retries: '3',
      retry_initial_delay: '0.1',
      retry_max_delay: ' 7 ',
      concurrency: '+2',
      max_requests_per_second: '1e1',
      full_table_every_days: '6.5',
    };
    const want = {
      pageSize: 250,
      requestTimeoutMs: 2500,
      maxRetries: 3,
      retryInitialMs: 100,
      retryMaxMs: 7000,
      concurrency: 2,
      maxRequestsPerSecond: 10,
      fullTableEveryDays: 6.5,
    };
    expect(loadSettings([file(JSON.stringify({ ...BASE, ...text }))], {}, logger().log)).toMatchObject(want);
    expect(loadSettings(['ENV'], envOf({ ...BASE, ...text }), logger().log)).toMatchObject(want);
  });

  it('names a numeric setting whose text is not a number, with its value, once, and keeps the bounds', () => {
    const error = configError(() =>
      resolveSettings(
        { ...BASE, retry_initial_delay: '0,5', full_table_every_days: '', page_size: '2.5', request_timeout: '-1' },
        logger().log,
      ),
    );
    expect(error.message).toContain('retry_initial_delay must be a number such as 30 or 0.5, got "0,5"');
    expect(error.message).toContain('full_table_every_days must be a number such as 30 or 0.5, got ""');
    expect(error.message).toContain('page_size must be integer');
    expect(error.message).toContain('request_timeout must be > 0');
    expect(error.message.match(/retry_initial_delay/g)).toHaveLength(1);
  });

  it.each([
    ['a missing file', () => join(dir, 'nope.json'), /cannot be read/],
    ['a non-JSON file', () => file('{"api_key": '), /is not valid JSON/],
    ['a JSON array', () => file('[1, 2]'), /must contain a JSON object/],
    ['JSON null', () => file('null'), /must contain a JSON object/],
    ['a JSON string', () => file('"api_key"'), /must contain a JSON object/],
  ])('rejects %s with an InputFileError naming the path', (_what, make, why) => {
    const path = make();
    let caught: unknown;
    try {
      loadSettings([path], {}, logger().log);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InputFileError);
    expect(caught).toBeInstanceOf(TapError);
    expect((caught as InputFileError).code).toBe('INPUT_FILE_INVALID');
    expect((caught as InputFileError).message).toMatch(why);
    expect((caught as InputFileError).message).toContain(path);
  });

  it('registers api_key as a secret: the logger prints *** instead of it', () => {
    expect(secretSettings).toEqual(['api_key']);
    const { log, lines } = logger();
    const s = loadSettings([file(JSON.stringify(BASE))], {}, log);
    log.info(`GET purchase-orders Authorization: ${s.apiKey}`);
    log.error('request failed', { headers: { Authorization: s.apiKey } });
    expect(lines).toHaveLength(2);
    for (const line of lines) {
      expect(line).not.toContain(BASE.api_key);
      expect(line).toContain('***');
    }
    expect(lines[0]).toMatch(/Authorization: \*\*\*$/);
  });

  it('redacts an api_key that came from the environment, also in JSON log format', () => {
    const lines: string[] = [];
    const log = new Logger({ format: 'json', sink: (line) => lines.push(line) });
    loadSettings(
      ['ENV'],
      { TAP_INVENTORY_PLANNER_API_KEY: 'env-secret-9876', TAP_INVENTORY_PLANNER_ACCOUNT_ID: 'a1' },
      log,
    );
    log.warn('key env-secret-9876 was rejected');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!).message).toBe('key *** was rejected');
  });

  it('redacts the api_key even when the config is otherwise invalid', () => {
    const { log, lines } = logger();
    expect(() => loadSettings([file(JSON.stringify({ ...BASE, page_size: 0 }))], {}, log)).toThrow(ConfigError);
    log.critical(`failed with key ${BASE.api_key}`);
    expect(lines.at(-1)).toContain('failed with key ***');
  });
});

describe('envVarName', () => {
  it('is the prefix plus the upper-cased setting name', () => {
    expect(envVarName('api_key')).toBe('TAP_INVENTORY_PLANNER_API_KEY');
    expect(envVarName('max_requests_per_second')).toBe('TAP_INVENTORY_PLANNER_MAX_REQUESTS_PER_SECOND');
  });
});

function envOf(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [envVarName(k), v]));
}
