// `npm run demo` as a newcomer reads it: a report on stdout in words and counts (no raw state JSON), the
// order re-sent at the bookmark explained and counted, every run exact against the sandbox's truth.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';

describe('npm run demo', () => {
  it('reports on stdout, explains the re-sent order, and matches the ground truth', async () => {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [join(REPO_ROOT, 'dist/scripts/demo.js')], {
      cwd: REPO_ROOT,
      timeout: 240_000,
    });
    expect(stderr).toBe('');
    expect(stdout).not.toMatch(/\{"bookmarks"/);
    expect(stdout).not.toMatch(/\d (\w+) records/);
    expect(stdout).toMatch(/^ {2}records: purchase_orders 2,000, purchase_order_items [\d,]+, variants 500, /m);
    const m = /(\d+) purchase_orders = the 25 edited \+ the 5 created \+ (\d+) re-sent because/.exec(stdout);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(30 + Number(m![2]));
    expect(stdout.match(/compared with the (sandbox's )?ground truth: exact \(/g)).toHaveLength(2);
  });
});
