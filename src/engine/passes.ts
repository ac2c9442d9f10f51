// How a run's passes end, once every resource has been read to the end. A pass read by a resource that could
// vouch for its read is completed: its ACTIVATE_VERSION goes out (the target then drops the rows of older
// versions), then the STATE that closes it. Never earlier: a target acts on it at once, and a pass killed
// after it resumes with the same version, so sending it again deletes nothing more. The passes of a resource
// whose read cannot vouch for itself are dropped instead: ACTIVATE_VERSION would delete every row such a pass
// did not send, including one it skipped, so nothing is deleted on its word.
import type { Logger } from '../common/log.js';
import { startState, withPassAbandoned, withPassCompleted } from '../singer/full-table.js';
import type { State } from '../singer/state.js';
import type { ActiveStream } from './active-stream.js';

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
  /** The STATE that closes every pass; undefined when no stream was in a pass. */
  state?: State;
}

export function endPasses(state: State, active: ActiveStream[], unsure: UnsureRead[], log: Logger): PassesEnd {
  const passes = active.filter((a) => a.plan.fullTable);
  if (passes.length === 0) return { completed: [], dropped: [] };
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
  const completed = passes.filter((a) => !dropped.includes(a));
  // startState: a pass whose resource never checkpointed it is recorded first (its version, nothing read).
  for (const a of completed)
    next = withPassCompleted(startState(next, [a.plan]), a.stream.descriptor.name, a.replicationKey);
  return { completed, dropped: dropped.map((a) => a.stream.descriptor.name), state: next };
}
