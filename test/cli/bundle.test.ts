import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TAP_BIN } from '../../scripts/lib/tap-process.js';
import { codeCacheRejected } from '../helpers/code-cache.js';

// `npm run build` (scripts/bundle.mjs) bundles the tap into one self-contained script, dist/src/tap.cjs,
// run by a small bin with V8's code cache: Node then loads one file instead of a few hundred modules, and
// hardly compiles it. Tests run the bin, so this checks it stays that way.
const builtins = new Set(builtinModules);
const notBuiltin = (names: string[]): string[] => names.filter((name) => !builtins.has(name.replace(/^node:/, '')));
const tapScript = join(TAP_BIN, '..', 'tap.cjs');

describe('the built bin', () => {
  const source = readFileSync(TAP_BIN, 'utf8');
  const shebang = '#!/usr/bin/env -S node --max-old-space-size=192 --max-semi-space-size=8';
  const flags = shebang.split(' ').slice(3);

  it('keeps its shebang with the heap caps', () => {
    expect(source.split('\n')[0]).toBe(shebang);
  });

  it('imports nothing but Node built-ins, and the script it runs requires nothing else either', () => {
    const imported = [
      ...source.matchAll(/^import\s[^'"]*?from\s+["']([^"']+)["'];?$|^import\s+["']([^"']+)["'];?$/gm),
    ].map((m) => m[1] ?? m[2]!);
    expect(imported.length).toBeGreaterThan(0);
    expect(notBuiltin(imported)).toEqual([]);
    const required = [...readFileSync(tapScript, 'utf8').matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1]!);
    expect(required.length).toBeGreaterThan(10);
    expect(notBuiltin(required)).toEqual([]);
  });

  it('has a code cache that V8 accepts under the flags of its shebang', () => {
    expect(codeCacheRejected(tapScript, flags)).toBe(false);
    // The check can fail: under other V8 flags the same cache is refused.
    expect(codeCacheRejected(tapScript, [...flags, '--no-opt'])).toBe(true);
  });
});
