// Every numeric setting reaches the tap under the real Meltano 4, set the three ways users set them: from the
// environment (TAP_INVENTORY_PLANNER_*, or .env), with `meltano config set`, and as numbers in meltano.yml.
// The fractional ones are `kind: string` in meltano.yml: as `kind: decimal`, Meltano stopped before the tap
// started when one came from the environment ("Object of type Decimal is not JSON serializable"). What the tap
// received is read from its debug line `settings: {...}` (`meltano --log-level=debug`), value by value.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { expectNoSecrets } from '../helpers/secrets.js';
import {
  dropSchema,
  freshSchemaName,
  meltano,
  meltanoProject,
  removeMeltanoProjects,
  requireLoaders,
  type ProcResult,
} from './helpers.js';

const API_KEY = 'env-settings-secret-key-5150';
/** Every numeric setting, with a value unlike its default (fractions where the setting takes them). */
const NUMERIC = {
  page_size: 20,
  request_timeout: 12.5,
  max_retries: 2,
  retry_initial_delay: 0.1,
  retry_max_delay: 2.5,
  concurrency: 3,
  max_requests_per_second: 40.5,
  full_table_every_days: 6.5,
  state_every_records: 5000,
  state_every_seconds: 30.5,
  deletion_budget_share: 0.25,
  deletion_budget_rows: 5,
  withheld_deletions_exit_code: 0,
};
type Numeric = keyof typeof NUMERIC;
const envName = (setting: string) => `TAP_INVENTORY_PLANNER_${setting.toUpperCase()}`;

let sandbox: Sandbox;
let project: string;
let installed: ProcResult;
const schemas: string[] = [];

beforeAll(async () => {
  requireLoaders();
  sandbox = await startSandbox({ orders: 60, itemsPerOrder: 2, variants: 5, apiKey: API_KEY });
  project = meltanoProject();
  installed = await meltano(project, ['install'], {});
});
afterAll(async () => {
  await sandbox?.close();
  removeMeltanoProjects();
});
afterEach(async () => {
  for (const schema of schemas.splice(0)) await dropSchema(schema);
});

let dbs = 0;
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const schema = freshSchemaName('envset');
  schemas.push(schema);
  return {
    MELTANO_DATABASE_URI: `sqlite:///${join(project, `system-${++dbs}.db`)}`,
    TARGET_POSTGRES_PASSWORD: '',
    TARGET_POSTGRES_DEFAULT_TARGET_SCHEMA: schema,
    TAP_INVENTORY_PLANNER_BASE_URL: sandbox.baseUrl,
    TAP_INVENTORY_PLANNER_API_KEY: API_KEY,
    TAP_INVENTORY_PLANNER_ACCOUNT_ID: sandbox.accountId,
    ...extra,
  };
}

function explain(r: ProcResult): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-2000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

/** `meltano --log-level=debug run <tap> target-postgres`, and the settings the tap says it resolved. */
async function runAndReadSettings(tap: string, extra: NodeJS.ProcessEnv = {}) {
  const r = await meltano(project, ['--log-level=debug', 'run', tap, 'target-postgres'], env(extra));
  expectNoSecrets(r, [API_KEY]);
  expect(r.code, explain(r)).toBe(0);
  const line = /\[debug\s*\] tap-inventory-planner\S* settings: (\{.*\})$/m.exec(r.stderr);
  expect(line, explain(r)).not.toBeNull();
  return { result: r, settings: JSON.parse(line![1]!) as Record<string, unknown> };
}

function numericOf(settings: Record<string, unknown>) {
  return Object.fromEntries(Object.keys(NUMERIC).map((k) => [k, settings[k]]));
}

describe('numeric settings under Meltano', () => {
  it('covers every numeric setting of schemas/config.json', () => {
    const schema = JSON.parse(readFileSync('schemas/config.json', 'utf8')) as {
      properties: Record<string, { type?: unknown }>;
    };
    const numeric = Object.entries(schema.properties)
      .filter(([, p]) => ['number', 'integer'].includes(String(p.type)))
      .map(([name]) => name);
    expect(Object.keys(NUMERIC).sort()).toEqual(numeric.sort());
  });

  it('installs', () => {
    expect(installed.code, explain(installed)).toBe(0);
  });

  it('every numeric setting from the environment reaches the tap as the number it was given', async () => {
    const extra = Object.fromEntries(Object.entries(NUMERIC).map(([k, v]) => [envName(k), String(v)]));
    sandbox.resetStats();
    const { settings } = await runAndReadSettings('tap-inventory-planner', extra);
    expect(numericOf(settings)).toEqual(NUMERIC);
    // And the run used them: page_size=20 reads the 60 orders in 3 pages or more.
    expect(sandbox.stats().listRequests).toBeGreaterThanOrEqual(3);
  });

  it('`meltano config set` for each fractional setting: the tap gets numbers', async () => {
    const yml = readFileSync(join(project, 'meltano.yml'), 'utf8');
    const fractional: Numeric[] = [
      'request_timeout',
      'retry_initial_delay',
      'retry_max_delay',
      'max_requests_per_second',
      'full_table_every_days',
      'state_every_seconds',
      'deletion_budget_share',
    ];
    try {
      for (const k of fractional) {
        const v = NUMERIC[k];
        const set = await meltano(project, ['config', 'set', 'tap-inventory-planner', k, String(v)], env());
        expect(set.code, explain(set)).toBe(0);
      }
      // `config set` stores them as text in meltano.yml ('2.5'), which Meltano passes on as text.
      expect(readFileSync(join(project, 'meltano.yml'), 'utf8')).toMatch(/retry_max_delay: '2\.5'/);
      const { settings } = await runAndReadSettings('tap-inventory-planner');
      expect(Object.fromEntries(fractional.map((k) => [k, settings[k]]))).toEqual(
        Object.fromEntries(fractional.map((k) => [k, NUMERIC[k]])),
      );
    } finally {
      writeFileSync(join(project, 'meltano.yml'), yml);
    }
  });

  it('numbers written in meltano.yml reach the tap (here in a plugin inheriting from the tap)', async () => {
    const values = { ...NUMERIC, retry_initial_delay: 0.25, full_table_every_days: 3 };
    writeFileSync(
      join(project, 'yaml-numbers.yml'),
      'plugins:\n  extractors:\n  - name: tap-inventory-planner--yaml\n    inherit_from: tap-inventory-planner\n' +
        `    config:\n${Object.entries(values)
          .map(([k, v]) => `      ${k}: ${v}\n`)
          .join('')}`,
    );
    appendFileSync(join(project, 'meltano.yml'), 'include_paths:\n- ./yaml-numbers.yml\n');
    const { settings } = await runAndReadSettings('tap-inventory-planner--yaml');
    expect(numericOf(settings)).toEqual(values);
  });

  it.each([
    ['retry_initial_delay', 'soon', 'retry_initial_delay must be a number such as 30 or 0.5, got "soon"'],
    ['full_table_every_days', '-6.5', 'full_table_every_days must be > 0'],
  ] as [Numeric, string, string][])(
    'a wrong %s=%s from the environment stops the run with one line that names it',
    async (setting, value, message) => {
      const r = await meltano(
        project,
        ['run', 'tap-inventory-planner', 'target-postgres'],
        env({ [envName(setting)]: value }),
      );
      expectNoSecrets(r, [API_KEY]);
      expect(r.code, explain(r)).not.toBe(0);
      expect(r.stderr).toContain(`CONFIG_INVALID: config: ${message}.`);
      expect(r.stderr).not.toContain('Decimal');
    },
  );
});
