// README.md carries the streams table and docs/settings.md the settings table exactly as `--about --format
// markdown` prints them, so they cannot drift (regenerate with `node dist/src/cli.js --about --format markdown`);
// and the README stays a five-minute read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsTable, streamsTable } from '../../src/entry/about.js';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

const read = (file: string): string => readFileSync(join(PACKAGE_ROOT, file), 'utf8');

describe('README.md and docs/settings.md', () => {
  it('docs/settings.md contains settingsTable() verbatim', () => {
    expect(read('docs/settings.md')).toContain(settingsTable());
  });

  it('README.md contains streamsTable() verbatim (every stream, its key, replication and columns from schemas/)', () => {
    expect(read('README.md')).toContain(streamsTable());
  });

  it('README.md starts with the two commands and stays at most 300 lines', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
    const first = /```sh\n(.*)\n(.*)\n```/.exec(readme)!;
    expect(first[1]).toMatch(/^npm ci && npm run demo /);
    expect(first[2]).toMatch(/^npm test /);
  });
});
