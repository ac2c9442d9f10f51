// Whether V8 refuses the bundled script's code cache (tap.cjs.cache) under the given node flags, asked of a
// fresh node process the way src/entry/bin.ts uses the cache.
import { execFileSync } from 'node:child_process';

const CHECK = `const { Script } = require('node:vm'); const { Module } = require('node:module');
  const fs = require('node:fs');
  const s = new Script(Module.wrap(fs.readFileSync(process.argv[1], 'utf8')), {
    filename: process.argv[1],
    cachedData: fs.readFileSync(process.argv[1] + '.cache'),
  });
  process.stdout.write(String(s.cachedDataRejected));`;

export function codeCacheRejected(tapScript: string, flags: string[]): boolean {
  return execFileSync(process.execPath, [...flags, '-e', CHECK, tapScript], { encoding: 'utf8' }) === 'true';
}
