// Several accounts behind one sandbox, as one Inventory Planner API key can reach several accounts: each
// account is an independent SandboxState (its own data, options, counters), chosen per request by the
// `Account` header. The first account is the one the options describe; the others are built from the same
// options with their own id and, unless given, their own seed (so their order ids differ too).
import { type SandboxOptions, resolveOptions } from './options.js';
import { SandboxState } from './state.js';

export interface ExtraAccount {
  accountId: string;
  seed?: number;
  orders?: number;
}

export class Accounts {
  readonly all: SandboxState[];

  constructor(options: SandboxOptions, extra: ExtraAccount[] = []) {
    const primary = new SandboxState(resolveOptions(options));
    this.all = [primary];
    extra.forEach((account, k) => {
      if (this.find(account.accountId)) throw new Error(`account ${account.accountId} is given twice`);
      const seed = account.seed ?? primary.opts.seed + k + 1;
      this.all.push(
        new SandboxState(
          resolveOptions({
            ...options,
            seed,
            orders: account.orders ?? primary.opts.orders,
            accountId: account.accountId,
          }),
        ),
      );
    });
  }

  get primary(): SandboxState {
    return this.all[0]!;
  }

  find(accountId: string | undefined): SandboxState | undefined {
    return this.all.find((st) => st.opts.accountId === accountId);
  }

  /**
   * The account an API request is for; an unknown or missing header goes to the first account, which refuses it (401).
   */
  forRequest(header: string | string[] | undefined): SandboxState {
    return (typeof header === 'string' && this.find(header)) || this.primary;
  }
}
