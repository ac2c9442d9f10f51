// Measures what each Singer target of docs/targets.md does with the tap's output (scripts/lib/target-compat.ts)
// and prints the figures as JSON, one target a line. Needs `bash scripts/setup-loaders.sh --all-targets`.
//   npm run build && node dist/scripts/targets-compat.js [name-prefix ...]
import { existsSync } from 'node:fs';
import { measureTarget } from './lib/target-compat.js';
import { TARGETS } from './lib/targets.js';

const wanted = process.argv.slice(2);
let n = 0;
for (const target of TARGETS) {
  if (wanted.length && !wanted.some((w) => target.name.startsWith(w))) continue;
  if (!existsSync(target.bin)) {
    console.error(`${target.name}: ${target.bin} is missing (bash scripts/setup-loaders.sh --all-targets)`);
    continue;
  }
  const started = Date.now();
  const result = await measureTarget(target, `tip_compat_${process.pid}_${n++}`);
  console.log(JSON.stringify({ ...result, seconds: (Date.now() - started) / 1000 }));
}
