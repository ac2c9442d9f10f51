// The sandbox as a newcomer starts it (npm run sandbox): it prints a config for the tap, --variants sets
// how many variants GET /variants serves, and the collection switches (--collection-order, ...) are flags.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';

/** Starts dist/sandbox/main.js with `args`, resolves with the config it prints, and a stop function. */
function startCli(args: string[]): Promise<{ config: Record<string, string>; stop: () => void }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'dist', 'sandbox', 'main.js'), '--port', '0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`sandbox exited (${code}): ${out}${err}`)));
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

  it('--collection-order scrambled and --variant-churn-per-request reach the collection listings', async () => {
    const ids = async (base: string[]) => {
      const { config, stop } = await startCli(['--orders', '5', '--variants', '30', ...base]);
      try {
        const res = await fetch(`${config.base_url}/variants?limit=1000&id_sort=asc&fields=id`, {
          headers: { authorization: config.api_key!, account: config.account_id!, 'user-agent': 'test' },
        });
        const body = (await res.json()) as { variants: { id: string }[] };
        return body.variants.map((v) => v.id);
      } finally {
        stop();
      }
    };
    const inOrder = await ids([]);
    expect(inOrder).toEqual([...inOrder].sort());
    const scrambled = await ids(['--collection-order', 'scrambled']);
    expect([...scrambled].sort()).toEqual(inOrder);
    expect(scrambled).not.toEqual(inOrder);
    const churned = await ids(['--variant-churn-per-request', '2']);
    expect(churned).toHaveLength(30);
    expect(churned.filter((id) => !inOrder.includes(id))).toHaveLength(2);
  });

  it('rejects an unknown --collection-order with the allowed values', async () => {
    await expect(startCli(['--collection-order', 'random'])).rejects.toThrow(
      /sandbox exited \(1\)[\s\S]*collection-order[\s\S]*"id", "scrambled", "recent"/,
    );
  });
});
