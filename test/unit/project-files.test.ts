// What a newcomer meets outside the code: .env.example names every variable a first run needs, and the
// tarball `npm pack` writes is ignored by git.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';

describe('project files', () => {
  it('.env.example lists the key, account, start date and base_url variables', () => {
    const text = readFileSync(join(PACKAGE_ROOT, '.env.example'), 'utf8');
    for (const name of ['API_KEY', 'ACCOUNT_ID', 'START_DATE', 'BASE_URL'])
      expect(text, name).toMatch(new RegExp(`^#? ?TAP_INVENTORY_PLANNER_${name}=`, 'm'));
    expect(text).toMatch(/^TARGET_POSTGRES_PASSWORD=/m);
  });

  it('git ignores the tarball npm pack writes', () => {
    const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
    const tarball = `tap-inventory-planner-${version}.tgz`;
    // check-ignore exits 0 when the path is ignored (and throws otherwise).
    expect(execFileSync('git', ['check-ignore', tarball], { cwd: PACKAGE_ROOT, encoding: 'utf8' }).trim()).toBe(
      tarball,
    );
  });
});
