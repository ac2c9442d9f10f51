// --about: what the tap is, its capabilities and settings, as text, JSON (Meltano Hub tooling) or
// markdown (the README's settings table is this output).
import { configSchema, envVarName } from './config.js';
import type { JsonSchema } from './schemas.js';
import { packageVersion } from './schemas.js';

export const CAPABILITIES = ['about', 'catalog', 'discover', 'state', 'test', 'structured-logging'];
const DESCRIPTION = 'Singer tap for Inventory Planner: purchase orders and their line items, incremental on last_modified.';

export function aboutInfo(): Record<string, unknown> {
  return {
    name: 'tap-inventory-planner',
    description: DESCRIPTION,
    version: packageVersion(),
    sdk_version: null,
    capabilities: CAPABILITIES,
    settings: configSchema,
    env_vars: Object.fromEntries(Object.keys(configSchema.properties ?? {}).map((name) => [name, envVarName(name)])),
  };
}

export function aboutText(format: 'text' | 'json' | 'markdown'): string {
  if (format === 'json') return JSON.stringify(aboutInfo(), null, 2);
  if (format === 'markdown') return aboutMarkdown();
  const settings = Object.entries(configSchema.properties ?? {}).map(([name, s]) => `  ${name}${required(name) ? ' (required)' : ''}: ${s.description ?? ''}`);
  return [`Name: tap-inventory-planner`, `Version: ${packageVersion()}`, `Description: ${DESCRIPTION}`,
    `Capabilities: ${CAPABILITIES.join(', ')}`, 'Settings:', ...settings].join('\n');
}

export function settingsTable(): string {
  const rows = Object.entries(configSchema.properties ?? {}).map(([name, s]) =>
    `| ${name} | ${required(name) ? 'yes' : 'no'} | ${defaultOf(s)} | ${envVarName(name)} | ${s.description ?? ''} |`);
  return ['| Setting | Required | Default | Environment variable | Description |', '|:--|:--:|:--|:--|:--|', ...rows].join('\n');
}

function aboutMarkdown(): string {
  return [`# \`tap-inventory-planner\``, '', DESCRIPTION, '', '## Capabilities', '', ...CAPABILITIES.map((c) => `* \`${c}\``), '',
    '## Settings', '', settingsTable(), '',
    'Settings can come from `--config FILE` (repeatable, later files win) and, with `--config ENV`, from the environment variables above, which win over files.', ''].join('\n');
}

function required(name: string): boolean {
  return (configSchema.required ?? []).includes(name);
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default !== undefined) return `\`${JSON.stringify(schema.default)}\``;
  return '';
}
