import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TAP_BIN } from '../../scripts/lib/tap-process.js';

// `npm run build` replaces the bin with one self-contained file (scripts/bundle.mjs): Node then loads one
// module instead of a few hundred at every start. Tests run the bin, so this checks it stays that way.
describe('the built bin', () => {
  const source = readFileSync(TAP_BIN, 'utf8');
  const imported = [...source.matchAll(/^import\s[^'"]*?from\s+["']([^"']+)["'];?$|^import\s+["']([^"']+)["'];?$/gm)].map((m) => m[1] ?? m[2]!);

  it('keeps its shebang with the heap cap', () => {
    expect(source.split('\n')[0]).toBe('#!/usr/bin/env -S node --max-old-space-size=192');
  });

  it('imports nothing but Node built-ins', () => {
    expect(imported.length).toBeGreaterThan(0);
    const builtins = new Set(builtinModules);
    expect(imported.filter((name) => !builtins.has(name.replace(/^node:/, '')))).toEqual([]);
  });
});
