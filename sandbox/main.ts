// CLI: npm run sandbox -- --port 8080 --orders 10000 --fault-rate 0.05 ...
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import {
  COLLECTION_ORDERS,
  type CollectionOrder,
  FAULT_KINDS,
  type FaultKind,
  LM_PRECISIONS,
  type LmPrecision,
  OPERATORS,
  type Operator,
} from './options.js';
import { ODD_COLUMN_NAMES } from './quirks.js';
import { startSandbox } from './server.js';

const list =
  <T extends string>(allowed: readonly T[]) =>
  (raw: string | undefined): T[] | undefined => {
    if (raw === undefined) return undefined;
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    for (const item of items) {
      if (!allowed.includes(item as T)) throw new Error(`unknown value "${item}" (allowed: ${allowed.join(',')})`);
    }
    return items as T[];
  };

const argv = await yargs(hideBin(process.argv))
  .scriptName('sandbox')
  .usage('Local Inventory Planner API sandbox')
  .options({
    port: { type: 'number', default: 8080, describe: '0 = any free port' },
    seed: { type: 'number', describe: 'data seed (default 1)' },
    orders: { type: 'number', describe: 'number of orders (1..1000000, default 100)' },
    items: { type: 'number', describe: 'average items per order (default 3)' },
    variants: { type: 'number', describe: 'number of variants served by GET /variants (0..1000000, default 20)' },
    'api-key': { type: 'string' },
    'account-id': { type: 'string' },
    accounts: {
      type: 'string',
      describe:
        'more account ids served with the same API key, comma-separated (each with its own data; admin routes take ' +
        '?account=ID)',
    },
    latency: { type: 'number', describe: 'response time of every API request in ms (the sandbox works within it)' },
    'rate-limit': { type: 'number', describe: 'requests per second, 0 = off' },
    'retry-after': { type: 'number', describe: 'Retry-After seconds on 429' },
    'fault-rate': { type: 'number', describe: 'share of API requests that get a fault (0..1)' },
    faults: {
      type: 'string',
      describe: `fault kinds, comma-separated: ${FAULT_KINDS.join(',')}`,
      coerce: list<FaultKind>(FAULT_KINDS),
    },
    'slow-ms': { type: 'number', describe: 'stall of a "slow" fault' },
    'require-user-agent': {
      type: 'boolean',
      default: true,
      describe: 'use --no-require-user-agent to accept UA-less requests',
    },
    'edit-every': { type: 'number', describe: 'edit event every K-th list request, 0 = off' },
    'edit-count': { type: 'number', describe: 'orders edited per edit event' },
    'create-count': { type: 'number', describe: 'orders created per edit event' },
    'tie-block-size': { type: 'number', describe: 'orders per block sharing one last_modified' },
    'tie-block-count': { type: 'number', describe: 'number of tie blocks' },
    'ignore-operators': {
      type: 'string',
      describe: `filter operators to ignore: ${OPERATORS.join(',')}`,
      coerce: list<Operator>(OPERATORS),
    },
    'ignore-fields': { type: 'boolean', describe: 'ignore the fields= projection' },
    'future-orders': { type: 'number', describe: 'orders stamped last_modified 2099 (edits then take the real clock)' },
    'odd-value-rate': { type: 'number', describe: 'share of orders with odd values ("N/A", "1,234.50", 1e400, ...)' },
    'odd-columns': {
      type: 'string',
      describe: `API fields that get odd values: ${ODD_COLUMN_NAMES.join(',')}`,
      coerce: list<string>(ODD_COLUMN_NAMES),
    },
    'duplicate-line-rate': { type: 'number', describe: "share of orders repeating their first line's item id" },
    'items-as-object': { type: 'number', describe: 'share of orders sending items as {"0": ..., "1": ...}' },
    'items-min': {
      type: 'number',
      describe: 'lines per order drawn from [items-min, items] (default: about items on average)',
    },
    'page-cap': { type: 'number', describe: 'at most this many orders a page, said in meta.limit (0 = 1000)' },
    'floor-filters': { type: 'boolean', describe: 'floor last_modified filter values to whole seconds' },
    'lm-precision': {
      type: 'string',
      describe: `last_modified precision: ${LM_PRECISIONS.join(',')}`,
      choices: LM_PRECISIONS,
    },
    'null-last-modified': { type: 'number', describe: 'orders without last_modified' },
    'single-order-404': { type: 'boolean', describe: 'GET /purchase-orders/{id} answers 404' },
    'empty-list-as-object': { type: 'boolean', describe: 'send an empty list as {}' },
    // Collection listings that differ from the API notes (docs/deletions.md, "Full reads that cannot vouch").
    'collection-order': {
      type: 'string',
      describe:
        'order of /variants, /warehouses, /vendors: id (honours <id>_sort), scrambled, recent (moves with edits)',
      choices: COLLECTION_ORDERS,
    },
    'variant-edits-per-request': { type: 'number', describe: 'variants edited before each variants list request' },
    'variant-churn-per-request': {
      type: 'number',
      describe: 'variants removed and as many added before each variants list request (meta.total moves)',
    },
    'page-cap-silent': { type: 'boolean', describe: 'apply --page-cap to collections while meta.limit echoes the ask' },
    'deep-offset-limit': {
      type: 'number',
      describe: 'collection pages at or past this offset are not served (0 = all)',
    },
    'deep-offset-status': {
      type: 'number',
      describe: 'HTTP status of a page past --deep-offset-limit (0 = an empty page while meta.total says more)',
    },
  })
  .strict()
  .help()
  .parseAsync();

const extraAccounts = (argv.accounts ?? '')
  .split(',')
  .map((s) => s.trim())
  .filter((s) => s !== '');
const sandbox = await startSandbox(
  {
    port: argv.port,
    seed: argv.seed,
    orders: argv.orders,
    itemsPerOrder: argv.items,
    variants: argv.variants,
    apiKey: argv['api-key'],
    accountId: argv['account-id'],
    latencyMs: argv.latency,
    rateLimitPerSecond: argv['rate-limit'],
    retryAfterSeconds: argv['retry-after'],
    faultRate: argv['fault-rate'],
    faultKinds: argv.faults,
    slowMs: argv['slow-ms'],
    requireUserAgent: argv['require-user-agent'],
    editEvery: argv['edit-every'],
    editCount: argv['edit-count'],
    createCount: argv['create-count'],
    tieBlockSize: argv['tie-block-size'],
    tieBlockCount: argv['tie-block-count'],
    ignoreOperators: argv['ignore-operators'],
    ignoreFields: argv['ignore-fields'],
    futureOrders: argv['future-orders'],
    oddValueRate: argv['odd-value-rate'],
    oddColumns: argv['odd-columns'],
    duplicateLineRate: argv['duplicate-line-rate'],
    itemsAsObject: argv['items-as-object'],
    itemsPerOrderMin: argv['items-min'],
    pageCap: argv['page-cap'],
    floorFilters: argv['floor-filters'],
    lmPrecision: argv['lm-precision'] as LmPrecision | undefined,
    nullLastModified: argv['null-last-modified'],
    singleOrder404: argv['single-order-404'],
    emptyListAsObject: argv['empty-list-as-object'],
    collectionOrder: argv['collection-order'] as CollectionOrder | undefined,
    variantEditsPerRequest: argv['variant-edits-per-request'],
    variantChurnPerRequest: argv['variant-churn-per-request'],
    pageCapSilent: argv['page-cap-silent'],
    deepOffsetLimit: argv['deep-offset-limit'],
    deepOffsetStatus: argv['deep-offset-status'],
  },
  extraAccounts.map((accountId) => ({ accountId })),
);

console.log(
  `sandbox listening on ${sandbox.baseUrl} (api_key=${sandbox.apiKey}, ` +
    `account_id=${[sandbox.accountId, ...extraAccounts].join(',')})`,
);
// A tap config for it, ready to save as config.json.
console.log(
  `config: ${JSON.stringify({ base_url: sandbox.baseUrl, api_key: sandbox.apiKey, account_id: sandbox.accountId })}`,
);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  sandbox.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
