// README.md must carry the settings and streams tables exactly as `--about --format markdown` prints it, so the two
// cannot drift. Regenerate the table with `node dist/src/cli.js --about --format markdown`.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { settingsTable, streamsTable } from '../../src/about.js';
import { PACKAGE_ROOT } from '../../src/schemas.js';

describe('README.md', () => {
  it('contains settingsTable() verbatim', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(settingsTable());
  });

  it('contains streamsTable() verbatim (every stream, its key, replication and columns from schemas/)', () => {
    const readme = readFileSync(join(PACKAGE_ROOT, 'README.md'), 'utf8');
    expect(readme).toContain(streamsTable());
  });
});
