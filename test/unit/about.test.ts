import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aboutInfo, aboutText, CAPABILITIES, settingsTable } from '../../src/entry/about.js';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const configSchema = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', 'config.json'), 'utf8')) as {
  required: string[];
  properties: Record<string, Record<string, unknown>>;
};
const settingNames = Object.keys(configSchema.properties);

describe('aboutInfo', () => {
  it('names the tap and carries the package.json version', () => {
    const info = aboutInfo();
    expect(info.name).toBe('tap-inventory-planner');
    expect(info.name).toBe(pkg.name);
    expect(info.version).toBe(pkg.version);
    expect(typeof info.description).toBe('string');
    expect((info.description as string).length).toBeGreaterThan(10);
  });

  it('advertises the capabilities Meltano needs', () => {
    const capabilities = aboutInfo().capabilities as string[];
    for (const c of ['catalog', 'discover', 'state', 'about', 'test']) expect(capabilities).toContain(c);
    expect(capabilities).toEqual(CAPABILITIES);
    expect(new Set(capabilities).size).toBe(capabilities.length);
  });

  it('settings is schemas/config.json, with api_key secret and writeOnly', () => {
    const settings = aboutInfo().settings as typeof configSchema;
    expect(settings).toEqual(configSchema);
    expect(settings.properties.api_key).toMatchObject({ secret: true, writeOnly: true });
    expect(settings.required).toEqual(['api_key', 'account_id']);
  });

  it('lists the environment variable of every setting', () => {
    const envVars = aboutInfo().env_vars as Record<string, string>;
    expect(Object.keys(envVars)).toEqual(settingNames);
    expect(envVars.api_key).toBe('TAP_INVENTORY_PLANNER_API_KEY');
    expect(envVars.page_size).toBe('TAP_INVENTORY_PLANNER_PAGE_SIZE');
  });
});

describe('aboutText', () => {
  it('json is aboutInfo() as JSON', () => {
    expect(JSON.parse(aboutText('json'))).toEqual(aboutInfo());
  });

  it('markdown contains the settings table and every capability', () => {
    const md = aboutText('markdown');
    expect(md).toContain(settingsTable());
    expect(md).toMatch(/^# `tap-inventory-planner`/);
    for (const c of CAPABILITIES) expect(md).toContain(`* \`${c}\``);
  });

  it('text names the version, the capabilities and every setting, marking the required ones', () => {
    const text = aboutText('text');
    expect(text).toContain(`Version: ${pkg.version}`);
    expect(text).toContain(`Capabilities: ${CAPABILITIES.join(', ')}`);
    for (const name of settingNames) expect(text).toContain(`  ${name}`);
    expect(text).toContain('  api_key (required):');
    expect(text).toContain('  account_id (required):');
    expect(text).not.toContain('page_size (required)');
  });
});

describe('settingsTable', () => {
  it('has a header and one row per setting with required, default, env var and description', () => {
    const lines = settingsTable().split('\n');
    expect(lines[0]).toBe('| Setting | Required | Default | Environment variable | Description |');
    expect(lines).toHaveLength(2 + settingNames.length);
    const rows = lines.slice(2).map((l) => l.split(' | ').map((cell) => cell.replace(/^\| ?| ?\|$/g, '')));
    expect(rows.map((r) => r[0])).toEqual(settingNames);
    const byName = Object.fromEntries(rows.map((r) => [r[0], r]));
    expect(byName.api_key).toEqual([
      'api_key',
      'yes',
      '',
      'TAP_INVENTORY_PLANNER_API_KEY',
      configSchema.properties.api_key!.description,
    ]);
    expect(byName.page_size!.slice(1, 4)).toEqual(['no', '`1000`', 'TAP_INVENTORY_PLANNER_PAGE_SIZE']);
    expect(byName.base_url![2]).toBe('`"https://app.inventory-planner.com/api/v1"`');
    expect(byName.field_projection![2]).toBe('`true`');
  });
});
