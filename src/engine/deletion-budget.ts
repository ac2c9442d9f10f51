// The deletion budget: a pass whose read vouched for itself may still rest on a server that is wrong
// consistently (a partial index, a permission change, a maintenance mode that answers 200 with short or empty
// lists): nothing on a page contradicts the rest, only the size of the deletion shows it. ACTIVATE_VERSION
// deletes about (records of the last completed pass) - (records of this one) rows, so a pass that would delete
// more than its budget is held: no ACTIVATE_VERSION, its records written. The budget is a share of the last
// completed pass's records, at least a few rows so that a small table may lose one (3 warehouses, 1 removed);
// a pass that would empty a table is never believed on the server's word, however small the table.
import type { Settings } from '../config/config.js';
import { ConfigError } from '../common/errors.js';

export interface BudgetVerdict {
  /** Rows the pass's ACTIVATE_VERSION would delete, about: the last completed pass's records less this one's. */
  deletes: number;
  /** The most it may delete. */
  budget: number;
  held: boolean;
}

export type BudgetSettings = Pick<Settings, 'deletionBudgetShare' | 'deletionBudgetRows'>;

/**
 * A completed pass of `count` records, after one of `lastCount`: held when it deletes more than the budget, or
 * every row. No count on record (a first pass, or one begun by an older tap): nothing to judge by, it completes.
 */
export function judgePass(
  count: number | undefined,
  lastCount: number | undefined,
  settings: BudgetSettings,
): BudgetVerdict | undefined {
  if (count === undefined || lastCount === undefined) return undefined;
  const deletes = Math.max(0, lastCount - count);
  const budget = Math.max(Math.floor(lastCount * settings.deletionBudgetShare), settings.deletionBudgetRows);
  return { deletes, budget, held: (count === 0 && lastCount > 0) || deletes > budget };
}

/** allow_deletions: streams whose next pass completes whatever it deletes; `all` for every stream. */
export function allowedStreams(allow: string[], streams: string[]): (stream: string) => boolean {
  const unknown = allow.filter((s) => s !== 'all' && !streams.includes(s));
  if (unknown.length)
    throw new ConfigError(
      `allow_deletions names ${unknown.map((s) => `"${s}"`).join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} ` +
        `not a stream of this tap (streams: ${streams.join(', ')}, or all).`,
      'Name the streams the WARNING of the held pass names, comma-separated.',
    );
  return (stream) => allow.includes('all') || allow.includes(stream);
}
