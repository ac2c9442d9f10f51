// How a run's passes end, once every resource has been read to the end. A pass read by a resource that could
// vouch for its read, and within its deletion budget (src/engine/deletion-budget.ts), is completed: its
// ACTIVATE_VERSION goes out (the target then drops the rows of older versions), then the STATE that closes it.
// Never earlier: a target acts on it at once, and a pass killed after it resumes with the same version, so
// sending it again deletes nothing more. The passes of a resource whose read cannot vouch for itself are
// dropped instead, and a pass that would delete more than its budget is held: ACTIVATE_VERSION would delete
// every row such a pass did not send, so nothing is deleted on its word.
import type { Logger } from '../common/log.js';
import { startState, withPassAbandoned, withPassCompleted } from '../singer/full-table.js';
import type { State } from '../singer/state.js';
import type { ActiveStream } from './active-stream.js';
import { type BudgetSettings, type BudgetVerdict, judgePass } from './deletion-budget.js';
import { counted } from './progress.js';

export interface UnsureRead {
  streams: ActiveStream[];
  /** What the server did, for the warning. */
  why: string;
}

export interface PassesEnd {
  /** The passes to activate, in order, before `state` goes out. */
  completed: ActiveStream[];
  /** The streams whose pass was dropped. */
  dropped: string[];
  /** The streams whose pass was held: it would have deleted more than its budget. */
  held: string[];
  /** The STATE that closes every pass; undefined when no stream was in a pass. */
  state?: State;
}

export interface PassRules {
  budget: BudgetSettings;
  /** Streams whose pass completes whatever it deletes (allow_deletions). */
  allowed: (stream: string) => boolean;
}

export function endPasses(
  state: State,
  active: ActiveStream[],
  unsure: UnsureRead[],
  log: Logger,
  rules: PassRules,
): PassesEnd {
  const passes = active.filter((a) => a.plan.fullTable);
  if (passes.length === 0) return { completed: [], dropped: [], held: [] };
  let next = state;
  const dropped: ActiveStream[] = [];
  for (const { streams, why } of unsure) {
    const drop = streams.filter((a) => a.plan.fullTable);
    if (drop.length === 0) continue;
    log.warn(
      `the full-table pass of ${drop.map((a) => a.stream.descriptor.name).join(', ')} is dropped: ${why}; ` +
        'no ACTIVATE_VERSION, nothing is deleted; every record read was written, and the next run starts a new pass',
    );
    for (const a of drop) {
      const stream = a.stream.descriptor.name;
      log.metric({ type: 'counter', metric: 'pass_dropped', value: 1, tags: { stream } });
      next = withPassAbandoned(next, stream);
    }
    dropped.push(...drop);
  }
  const held: ActiveStream[] = [];
  for (const a of passes.filter((p) => !dropped.includes(p))) {
    const stream = a.stream.descriptor.name;
    const count = a.pass?.total();
    const verdict = judgePass(count, a.plan.lastCount, rules.budget);
    if (!verdict?.held) continue;
    if (rules.allowed(stream)) {
      log.warn(
        `the full-table pass of ${stream} ${overBudget(count!, a.plan.lastCount!, verdict)}; allow_deletions allows it: ACTIVATE_VERSION goes out`,
      );
      continue;
    }
    log.warn(heldWarning(stream, count!, a.plan.lastCount!, verdict));
    log.metric({
      type: 'counter',
      metric: 'pass_held',
      value: 1,
      tags: { stream, records: count, last_completed: a.plan.lastCount },
    });
    next = withPassAbandoned(next, stream);
    held.push(a);
  }
  const completed = passes.filter((a) => !dropped.includes(a) && !held.includes(a));
  // startState: a pass whose resource never checkpointed it is recorded first (its version, nothing read).
  for (const a of completed)
    next = withPassCompleted(startState(next, [a.plan]), a.stream.descriptor.name, a.replicationKey, a.pass?.total());
  return {
    completed,
    dropped: dropped.map((a) => a.stream.descriptor.name),
    held: held.map((a) => a.stream.descriptor.name),
    state: next,
  };
}

function overBudget(count: number, last: number, { deletes, budget }: BudgetVerdict): string {
  const would =
    count === 0 ? `would delete all ${counted(deletes, 'row')}` : `would delete about ${counted(deletes, 'row')}`;
  return (
    `wrote ${counted(count, 'record')} where the last completed pass wrote ${counted(last, 'record')}: ` +
    `its ACTIVATE_VERSION ${would}, ${count === 0 ? 'emptying the table' : `more than the deletion budget of ${counted(budget, 'row')}`}`
  );
}

function heldWarning(stream: string, count: number, last: number, verdict: BudgetVerdict): string {
  return (
    `the full-table pass of ${stream} is held: it ${overBudget(count, last, verdict)}; no ACTIVATE_VERSION, nothing ` +
    'is deleted; every record read was written. If the API lists too few records (an outage, a changed permission ' +
    'of the API user), nothing needs doing: the next run starts a new pass, judged against the last completed one. ' +
    `If the records were really removed, allow it once: run with --allow-deletions ${stream}, or set ` +
    `allow_deletions to "${stream}" for one run (in Meltano: TAP_INVENTORY_PLANNER_ALLOW_DELETIONS=${stream} meltano run ...)`
  );
}
