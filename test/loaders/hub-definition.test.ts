// The Meltano Hub plugin definition (meltano-hub/tap-inventory-planner.yml) and the project's meltano.yml
// must say what `tap-inventory-planner --about --format json` says: same settings, kinds that fit their
// JSON Schema types, secrets sensitive, same defaults and descriptions, same capabilities.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runTap } from '../../scripts/lib/tap-process.js';
import { readYaml, REPO_ROOT, requireLoaders } from './helpers.js';

interface SettingSchema {
  type: string | string[];
  format?: string;
  default?: unknown;
  description?: string;
  secret?: boolean;
  writeOnly?: boolean;
}
interface About {
  name: string;
  description: string;
  capabilities: string[];
  settings: { required?: string[]; properties: Record<string, SettingSchema> };
  env_vars: Record<string, string>;
}
interface Setting {
  name: string;
  kind?: string;
  label?: string;
  description?: string;
  sensitive?: boolean;
  value?: unknown;
  [k: string]: unknown;
}
interface PluginDef {
  name: string;
  namespace: string;
  variant?: string;
  label?: string;
  description?: string;
  executable?: string;
  pip_url?: string;
  capabilities: string[];
  settings: Setting[];
  settings_group_validation?: string[][];
  [k: string]: unknown;
}

let about: About;
let hub: PluginDef;
let project: { plugins: { extractors: PluginDef[]; loaders: PluginDef[] } };

beforeAll(async () => {
  requireLoaders();
  const r = await runTap({ args: ['--about', '--format', 'json'] });
  expect(r.code).toBe(0);
  about = JSON.parse(r.stdout) as About;
  hub = await readYaml<PluginDef>(join(REPO_ROOT, 'meltano-hub', 'tap-inventory-planner.yml'));
  project = await readYaml(join(REPO_ROOT, 'meltano.yml'));
});

/** The Meltano setting kind a JSON Schema setting calls for. */
function kindFor(s: SettingSchema): string {
  const type = (Array.isArray(s.type) ? s.type : [s.type]).filter((t) => t !== 'null')[0];
  // date, date-time, rfc3339-date-or-date-time: Meltano's date_iso8601 (which also takes "3 days ago").
  if (type === 'string' && /date/.test(s.format ?? '')) return 'date_iso8601';
  // number: string, not decimal. Meltano 4 reads a decimal setting from the environment as a Python Decimal
  // and then cannot write the tap's config ("Object of type Decimal is not JSON serializable"); as a string
  // it passes the text, which the tap reads as a number (test/loaders/meltano-env-settings.test.ts).
  return (
    { string: 'string', integer: 'integer', number: 'string', boolean: 'boolean', object: 'object', array: 'array' }[
      type!
    ] ?? `? ${type}`
  );
}

function checkAgainstAbout(def: PluginDef) {
  expect(def.name).toBe(about.name);
  expect(def.namespace).toBe('tap_inventory_planner');
  expect([...def.capabilities].sort()).toEqual([...about.capabilities].sort());
  for (const c of ['catalog', 'discover', 'state', 'about', 'test']) expect(def.capabilities).toContain(c);

  const props = about.settings.properties;
  expect(def.settings.map((s) => s.name)).toEqual(Object.keys(props));
  for (const setting of def.settings) {
    const schema = props[setting.name]!;
    const secret = schema.secret === true || schema.writeOnly === true;
    expect({
      name: setting.name,
      kind: setting.kind,
      sensitive: setting.sensitive === true,
      value: setting.value ?? null,
      description: setting.description,
    }).toEqual({
      name: setting.name,
      kind: kindFor(schema),
      sensitive: secret,
      value: schema.default ?? null,
      description: schema.description,
    });
    expect(['password', 'hidden'], `${setting.name}: deprecated kind`).not.toContain(setting.kind);
    expect(setting.label, `${setting.name} has a label`).toBeTruthy();
  }
  expect(def.settings.find((s) => s.name === 'start_date')?.kind).toBe('date_iso8601');
  expect(def.settings.find((s) => s.name === 'api_key')?.sensitive).toBe(true);
  expect(def.settings_group_validation?.map((g) => [...g].sort())).toEqual([
    [...(about.settings.required ?? [])].sort(),
  ]);
}

describe('Meltano Hub definition', () => {
  it('agrees with --about --format json', () => {
    checkAgainstAbout(hub);
    expect(hub.description).toBe(about.description);
    expect(hub.executable).toBe('tap-inventory-planner'); // the wheel's console script, and the npm package's bin
    expect(hub.pip_url).toBe('tap-inventory-planner'); // the wheel's name on PyPI (Name: in its METADATA)
    expect(hub.log_parser).toBe('singer-sdk');
  });

  it('has the fields the Hub requires, with allowed values', () => {
    // From meltano/hub schemas/plugin_definitions/extractors.schema.json and common/base_setting.schema.json.
    const allowed = [
      'name',
      'pip_url',
      'variant',
      'namespace',
      'label',
      'description',
      'executable',
      'settings',
      'docs',
      'repo',
      'logo_url',
      'hidden',
      'python',
      'settings_group_validation',
      'commands',
      'capabilities',
      'metadata',
      'schema',
      'select',
      'maintenance_status',
      'quality',
      'domain_url',
      'keywords',
      'requires',
      'definition',
      'next_steps',
      'settings_preamble',
      'usage',
      'prereq',
      'supported_python_versions',
      'log_parser',
    ];
    expect(Object.keys(hub).filter((k) => !allowed.includes(k))).toEqual([]);
    for (const k of [
      'name',
      'namespace',
      'variant',
      'label',
      'quality',
      'description',
      'repo',
      'capabilities',
      'settings',
      'keywords',
      'maintenance_status',
    ]) {
      expect(hub[k], k).toBeTruthy();
    }
    expect(['gold', 'silver', 'bronze', 'unknown']).toContain(hub.quality);
    expect(hub.quality, 'a non-SDK connector is silver at most').not.toBe('gold');
    expect(['active', 'beta', 'development', 'inactive', 'unknown']).toContain(hub.maintenance_status);
    const settingKeys = [
      'name',
      'aliases',
      'label',
      'value',
      'placeholder',
      'kind',
      'description',
      'tooltip',
      'documentation',
      'env',
      'value_processor',
      'value_post_processor',
      'oauth',
      'options',
      'docs',
      'hidden',
      'sensitive',
    ];
    const kinds = [
      'date_iso8601',
      'file',
      'email',
      'integer',
      'options',
      'object',
      'array',
      'boolean',
      'string',
      'decimal',
    ];
    for (const s of hub.settings) {
      expect(
        Object.keys(s).filter((k) => !settingKeys.includes(k)),
        s.name,
      ).toEqual([]);
      expect(kinds, s.name).toContain(s.kind);
    }
  });
});

describe('meltano.yml', () => {
  it('declares the tap as the Hub definition does, installed from the wheel npm run wheel writes', () => {
    const tap = project.plugins.extractors.find((p) => p.name === 'tap-inventory-planner')!;
    checkAgainstAbout(tap);
    expect(tap.executable).toBe(hub.executable);
    const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(tap.pip_url).toBe(`$MELTANO_PROJECT_ROOT/dist/wheel/tap_inventory_planner-${version}-py3-none-any.whl`);
    const strip = (d: PluginDef) =>
      d.settings.map(({ name, kind, sensitive, value, description }) => ({
        name,
        kind,
        sensitive,
        value,
        description,
      }));
    expect(strip(tap)).toEqual(strip(hub));
  });

  it('installs only the tap and target-postgres; Snowflake and the example accounts are include files', async () => {
    expect(project.plugins.extractors.map((p) => p.name)).toEqual(['tap-inventory-planner']);
    expect(project.plugins.loaders.map((p) => p.name)).toEqual(['target-postgres']);
    const accounts = await readYaml<{ plugins: { extractors: PluginDef[] } }>(
      join(REPO_ROOT, 'meltano', 'accounts.yml'),
    );
    for (const p of accounts.plugins.extractors) expect(p.inherit_from).toBe('tap-inventory-planner');
    const snowflake = await readYaml<{ plugins: { loaders: PluginDef[] } }>(
      join(REPO_ROOT, 'meltano', 'target-snowflake.yml'),
    );
    expect(snowflake.plugins.loaders.map((p) => p.name)).toEqual(['target-snowflake']);
  });

  it('declares target-postgres the Hub way, locked, pinned to what scripts/setup-loaders.sh tests', () => {
    const target = project.plugins.loaders.find((p) => p.name === 'target-postgres')!;
    expect(target.variant).toBe('meltanolabs');
    expect(existsSync(join(REPO_ROOT, 'plugins', 'loaders', 'target-postgres--meltanolabs.lock'))).toBe(true);
    const pins = /^LOADER_PINS=\(([^)]*)\)$/m
      .exec(readFileSync(join(REPO_ROOT, 'scripts', 'setup-loaders.sh'), 'utf8'))![1]!
      .split(' ');
    const wanted = target.pip_url!.split(' ');
    expect(wanted).toContain('meltanolabs-target-postgres==0.8.1');
    for (const pin of wanted) expect(pins, pin).toContain(pin);
  });
});
