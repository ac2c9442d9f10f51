#!/usr/bin/env -S node --max-old-space-size=192 --max-semi-space-size=8
// The heap caps keep V8 from letting garbage grow to several times the working set (a few pages): the old
// space's, and the young generation's at 2 x 8 MB instead of 2 x 16 (~18 MB less peak RSS, the same CPU
// within noise: docs/performance.md).
// The installed bin (npm run build makes it dist/src/cli.js): it runs the bundled tap, dist/src/tap.cjs,
// with V8's code cache for it (tap.cjs.cache, written at build time), so that a run does not spend its
// first ~60 ms compiling over half a megabyte of JavaScript. A cache V8 does not accept (another Node
// version, other flags) is ignored and the source is compiled as usual.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const file = join(dirname(fileURLToPath(import.meta.url)), 'tap.cjs');
const cacheFile = `${file}.cache`;
const cachedData = readOptional(cacheFile);
const script = new Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
// scripts/bundle.mjs sets this to write the cache after a run, when every function that run used is compiled.
if (process.env.TAP_INVENTORY_PLANNER_BUILD_CODE_CACHE === '1') {
  process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
}
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void)(
  module.exports,
  createRequire(file),
  module,
  file,
  dirname(file),
);

function readOptional(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}
