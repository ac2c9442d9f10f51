// When a checkpoint goes out as STATE. Every STATE makes the sink complete what it holds (a BATCH sink closes
// one file per stream), so the engine holds the latest checkpoint's state back until `records` records were
// written since the last STATE or `seconds` have passed (state_every_records, state_every_seconds; the Meltano
// SDK's STATE_MSG_FREQUENCY), and always sends it at the end of a resource's read. Holding it loses nothing:
// a run killed before the next STATE resumes from the last one, and the records after it are read again.
import type { State } from '../singer/state.js';

export interface CadenceSettings {
  /** Records written (over every stream) after which the held state goes out. */
  records: number;
  /** Milliseconds after which the held state goes out, whatever the count. */
  ms: number;
}

export class CheckpointCadence {
  private held?: State;
  private records = 0;
  private since: number;

  constructor(
    private readonly every: CadenceSettings,
    private readonly clock: () => number,
  ) {
    this.since = clock();
  }

  /** The state the next checkpoint builds on: the one held back, else the last one sent. */
  base(sent: State): State {
    return this.held ?? sent;
  }

  /** A batch of `records` written, with the state its checkpoint allows (undefined: none). */
  add(records: number, state: State | undefined): void {
    this.records += records;
    if (state !== undefined) this.held = state;
  }

  /** The held state, when it is due (or `force`d, at the end of a read); it is then no longer held. */
  take(force = false): State | undefined {
    const due = force || this.records >= this.every.records || this.clock() - this.since >= this.every.ms;
    if (!due || this.held === undefined) return undefined;
    const state = this.held;
    this.held = undefined;
    return state;
  }

  /** A STATE went out: counting starts again. */
  sent(): void {
    this.records = 0;
    this.since = this.clock();
  }
}
