// The sandbox as a newcomer starts it (npm run sandbox): it prints a config for the tap, and --variants sets
// how many variants GET /variants serves.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';

/** Starts dist/sandbox/main.js with `args`, resolves with the config it prints, and a stop function. */
function startCli(args: string[]): Promise<{ config: Record<string, string>; stop: () => void }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'sandbox', 'main.js'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}`)));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^config: (.*)$/m.exec(out);
      if (m) resolve({ config: JSON.parse(m[1]!), stop: () => child.kill('SIGTERM') });
    });
  });
}

describe('npm run sandbox', () => {
  it('prints a tap config for itself and serves --variants N variants', async () => {
    const { config, stop } = await startCli(['--orders', '5', '--variants', '7']);
    try {
      expect(Object.keys(config).sort()).toEqual(['account_id', 'api_key', 'base_url']);
      const res = await fetch(`${config.base_url}/variants?limit=1000`, {
        headers: { authorization: config.api_key!, account: config.account_id!, 'user-agent': 'test' },
      });
      const body = (await res.json()) as { meta: { total: number }; variants: unknown[] };
      expect(body.variants).toHaveLength(7);
      expect(body.meta.total).toBe(7);
    } finally {
      stop();
    }
  });
});
