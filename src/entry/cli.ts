// The command line: Singer flags parsed with yargs, everything else in main.ts. The bin that runs it is
// src/entry/bin.ts (after bundling, see scripts/bundle.mjs).
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { exitSoon, main } from './main.js';
import { packageVersion } from '../common/schema-files.js';

async function run(): Promise<void> {
  const argv = await yargs(hideBin(process.argv))
    .scriptName('tap-inventory-planner')
    .usage(
      '$0 --config CONFIG [--state STATE] [--catalog CATALOG]\n$0 --discover | --about [--format text|json|markdown]',
    )
    .option('config', {
      type: 'string',
      array: true,
      default: [],
      describe: 'Config JSON file; repeat to merge (later wins); ENV reads TAP_INVENTORY_PLANNER_* variables',
    })
    .option('state', { type: 'string', describe: 'State JSON from the last run (what the tap or target printed last)' })
    .option('catalog', { type: 'string', describe: 'Catalog JSON with stream and field selection' })
    .option('properties', { type: 'string', describe: 'Legacy name of --catalog', hidden: false })
    .option('discover', { type: 'boolean', describe: 'Print the catalog (no API call) and exit' })
    .option('about', { type: 'boolean', describe: 'Print name, version, capabilities and settings and exit' })
    .option('format', { choices: ['text', 'json', 'markdown'] as const, describe: 'Format of --about' })
    .option('test', {
      type: 'boolean',
      describe: 'Connect, emit SCHEMA and at most one RECORD per selected stream, exit',
    })
    .conflicts('catalog', 'properties')
    .version(packageVersion())
    // Without it, yargs names an unknown --full-refresh twice (full-refresh, fullRefresh); no option needs it.
    .parserConfiguration({ 'camel-case-expansion': false })
    .strict()
    .fail((message, error) => {
      const what = (error?.message ?? message).replace(/\s*\n\s*/g, ' ').replace(/[.\s]*$/, '.');
      process.stderr.write(`USAGE_ERROR: ${what} Run tap-inventory-planner --help.\n`);
      process.exit(2);
    })
    .help()
    .parseAsync();

  const code = await main({
    config: argv.config.map(String),
    state: argv.state,
    catalog: argv.catalog ?? argv.properties,
    discover: argv.discover,
    about: argv.about,
    format: argv.format,
    test: argv.test,
  });
  // Exit explicitly: after a failure, requests of other windows may still be in flight or waiting to retry.
  exitSoon(code);
}
void run();
