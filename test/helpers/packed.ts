// The package as users get it: `npm pack` of this checkout (its dist/ already built; `prepack` builds it on a
// fresh clone), installed with `npm install -g --prefix` into a fresh directory, nothing else from the checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../scripts/lib/tap-process.js';

export interface Installed {
  prefix: string;
  /** prefix/bin: put it on PATH to run `tap-inventory-planner`. */
  binDir: string;
  /** Where npm put the package's files. */
  packageDir: string;
}

/** Packs the checkout into `work` and installs the tarball under `work`/prefix; takes a second or two. */
export function installPacked(work: string): Installed {
  const prefix = join(work, 'prefix');
  mkdirSync(prefix, { recursive: true });
  // npm with its cache and config inside `work`, so nothing depends on this machine's npm setup.
  const env = {
    ...process.env,
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_userconfig: join(work, 'npmrc'),
    npm_config_update_notifier: 'false',
  };
  const npm = (args: string[], cwd: string): string =>
    execFileSync('npm', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  // --ignore-scripts: dist/ is already built; building again here would rewrite it under tests running beside this one.
  const tarball = npm(['pack', '--ignore-scripts', '--silent', '--pack-destination', work], REPO_ROOT)
    .trim()
    .split('\n')
    .pop()!;
  npm(['install', '-g', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', join(work, tarball)], work);
  return {
    prefix,
    binDir: join(prefix, 'bin'),
    packageDir: join(prefix, 'lib', 'node_modules', 'tap-inventory-planner'),
  };
}
