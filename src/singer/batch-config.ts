// The Meltano SDK's batch_config setting, read into what the BATCH sink needs. The JSON Schema
// (schemas/config.json) checks its shape; this checks what a schema cannot say about the root URL.
import { fileURLToPath } from 'node:url';

/** batch_config as the SDK spells it (after the schema's defaults). */
export interface BatchConfig {
  encoding: { format: 'jsonl'; compression?: 'gzip' | 'none' };
  storage: { root: string; prefix?: string };
  batch_size?: number;
}

export interface BatchSettings {
  compression: 'gzip' | 'none';
  /** The absolute folder the files go in (storage.root as a path). */
  root: string;
  /** The start of every file name; never a folder (the schema forbids separators). */
  prefix: string;
  /** Most records in one file. */
  recordsPerFile: number;
}

/**
 * Records per batch file unless batch_size says otherwise. The SDK's default is 10,000; target-postgres loads each
 * file as a batch of its own (a temporary table, an insert, a merge), so files of 50,000 rows load the main job a
 * sixth faster, while the target holds less than it does for RECORD input (docs/batch.md, Speed).
 */
export const DEFAULT_BATCH_SIZE = 50_000;

/** BatchSettings, or the problems that make batch_config unusable (phrases for a ConfigError). */
export function readBatchConfig(config: BatchConfig): BatchSettings | string[] {
  const root = rootPath(config.storage.root);
  if (root === undefined)
    return [
      'batch_config.storage.root must be an absolute file:// URL such as file:///var/lib/tap-batches, ' +
        `got ${JSON.stringify(config.storage.root)}`,
    ];
  const prefix = config.storage.prefix ?? '';
  if (prefix === '.' || prefix === '..' || prefix.includes('\0'))
    return [`batch_config.storage.prefix must be the start of a file name, got ${JSON.stringify(prefix)}`];
  return {
    compression: config.encoding.compression ?? 'gzip',
    root,
    prefix,
    recordsPerFile: config.batch_size ?? DEFAULT_BATCH_SIZE,
  };
}

function rootPath(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  // file://host/path names a folder on another machine; file://relative/path is how a relative path gets misread.
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return undefined;
  return fileURLToPath(parsed).replace(/(?<=.)\/+$/, '');
}
