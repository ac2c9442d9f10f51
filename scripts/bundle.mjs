// After tsc (npm run build): bundles the tap and its dependencies into one self-contained script,
// dist/src/tap.cjs, makes dist/src/cli.js the small bin that runs it (src/entry/bin.ts), and writes V8's code
// cache for it. Behaviour is the same as tsc's output; start-up is not: Node reads and compiles one file
// instead of a few hundred modules, and with the cache it hardly compiles at all (docs/performance.md).
import { execFileSync } from 'node:child_process';
import { chmodSync, renameSync, rmSync } from 'node:fs';
import { build } from 'rolldown';

const dir = 'dist/src';
await build({
  input: `${dir}/entry/cli.js`,
  platform: 'node',
  logLevel: 'warn',
  onLog(level, log, handler) {
    // yargs reads import.meta only to resolve `extends` in yargs config files, which the tap does not use.
    if (log.code === 'EMPTY_IMPORT_META' && /node_modules\/yargs\//.test(log.id ?? '')) return;
    handler(level, log);
  },
  // A classic script, not an ES module: only a script can be compiled with a V8 code cache on Node 20.
  // Not minified: stack traces in debug logs stay readable (minifying saved only ~30 ms more).
  // Strict, as the ES modules it is made of were (a script is sloppy unless it says otherwise).
  output: { file: `${dir}/tap.cjs`, format: 'cjs', strict: true },
});
renameSync(`${dir}/entry/bin.js`, `${dir}/cli.js`);
chmodSync(`${dir}/cli.js`, 0o755);
// The cache is written after a run of the bin itself, so that V8 sees the same flags (the shebang's) as
// in use, and the functions that run needed are in it compiled.
rmSync(`${dir}/tap.cjs.cache`, { force: true });
execFileSync(`${dir}/cli.js`, ['--discover'], {
  stdio: ['ignore', 'ignore', 'inherit'],
  env: { ...process.env, TAP_INVENTORY_PLANNER_BUILD_CODE_CACHE: '1' },
});
