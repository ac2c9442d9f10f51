// --about: what the tap is, its capabilities and settings, as text, JSON (Meltano Hub tooling) or
// markdown (the settings table of docs/settings.md is this output).
import { configSchema, envVarName } from '../config/config.js';
import type { JsonSchema } from '../common/schema-files.js';
import { packageVersion } from '../common/schema-files.js';
import { STREAMS } from '../streams/index.js';
import type { StreamDescriptor } from '../singer/catalog.js';

export const CAPABILITIES = ['about', 'batch', 'catalog', 'discover', 'state', 'test', 'structured-logging'];
const DESCRIPTION =
  'Singer tap for Inventory Planner: purchase orders and their line items (incremental on last_modified); ' +
  'variants with their per-warehouse and per-vendor rows, warehouses and vendors (read in full every run).';

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
  const settings = Object.entries(configSchema.properties ?? {}).map(
    ([name, s]) => `  ${name}${required(name) ? ' (required)' : ''}: ${s.description ?? ''}`,
  );
  return [
    `Name: tap-inventory-planner`,
    `Version: ${packageVersion()}`,
    `Description: ${DESCRIPTION}`,
    `Capabilities: ${CAPABILITIES.join(', ')}`,
    'Settings:',
    ...settings,
  ].join('\n');
}

/** The streams, their keys, replication and columns: the README's streams table is this output. */
export function streamsTable(): string {
  const rows = STREAMS.map(({ descriptor: d, resource }) => {
    const replication = replicationOf(d);
    const columns = Object.keys(d.schema.properties ?? {}).filter(
      (c) => !d.keyProperties.includes(c) && c !== '_account_id' && c !== '__synced_at',
    );
    const keys = d.keyProperties.map((k) => `\`${k}\``).join(', ');
    const cells = [`\`${d.name}\``, `\`GET /${resource}\``, keys, replication, columns.length, columns.join(', ')];
    return `| ${cells.join(' | ')} |`;
  });
  return [
    '| Stream | From | Key | Replication | Columns | Column names (besides the key, `_account_id`, `__synced_at`) |',
    '|:--|:--|:--|:--|--:|:--|',
    ...rows,
  ].join('\n');
}

function replicationOf(d: StreamDescriptor): string {
  if (d.replicationKey) return `${d.replicationMethod} on \`${d.replicationKey}\``;
  if (d.replicationMethod === 'FULL_TABLE') return 'FULL_TABLE (every run, ACTIVATE_VERSION)';
  if (d.selectedByDefault === false)
    return `${d.replicationMethod}, opt-in (the run's date in the key: upserted, never deleted)`;
  return `${d.replicationMethod} (its order's \`last_modified\`)`;
}

export function settingsTable(): string {
  const rows = Object.entries(configSchema.properties ?? {}).map(
    ([name, s]) =>
      `| ${name} | ${required(name) ? 'yes' : 'no'} | ${defaultOf(s)} | ${envVarName(name)} | ${s.description ?? ''} |`,
  );
  return [
    '| Setting | Required | Default | Environment variable | Description |',
    '|:--|:--:|:--|:--|:--|',
    ...rows,
  ].join('\n');
}

function aboutMarkdown(): string {
  return [
    `# \`tap-inventory-planner\``,
    '',
    DESCRIPTION,
    '',
    '## Capabilities',
    '',
    ...CAPABILITIES.map((c) => `* \`${c}\``),
    '',
    '## Streams',
    '',
    streamsTable(),
    '',
    '## Settings',
    '',
    settingsTable(),
    '',
    'Settings can come from `--config FILE` (repeatable, later files win) and, with `--config ENV`, from the ' +
      'environment variables above, which win over files.',
    '',
  ].join('\n');
}

function required(name: string): boolean {
  return (configSchema.required ?? []).includes(name);
}

function defaultOf(schema: JsonSchema): string {
  if (schema.default !== undefined) return `\`${JSON.stringify(schema.default)}\``;
  return '';
}
