// The records a stream's pass has written, for the deletion budget (src/engine/deletion-budget.ts). A pass may
// take several runs, so the count goes into its STATE with its checkpoint, and counts only the records that a
// run resuming from that checkpoint will not read again: with a replication key, those below its instant
// (parallel windows write records far above it, and a resumed run reads them again); read by offset, every
// record written so far. The run's own total, to judge the pass by, is what earlier runs carried plus all it wrote.
import { checkpointInstant, passCheckpoint, withPassCount } from '../singer/full-table.js';
import type { State } from '../singer/state.js';
import { parseInstantUs } from '../values/instants.js';

/** A checkpoint's STATE with each pass's count at that checkpoint (a pass whose earlier count is unknown: none). */
export function withPassCounts(
  state: State,
  group: { stream: { descriptor: { name: string } }; pass?: PassCount }[],
): State {
  let next = state;
  for (const a of group) {
    const count = a.pass?.atCheckpoint(state, a.stream.descriptor.name);
    if (count !== undefined) next = withPassCount(next, a.stream.descriptor.name, count);
  }
  return next;
}

export class PassCount {
  private written = 0;
  private settled = 0;
  /** Rows not yet below the pass's checkpoint: a min-heap on their record's position (epoch µs; null: lowest). */
  private readonly pending = new PositionHeap();

  /** `carried`: what the pass's earlier runs wrote (undefined: unknown, the pass was begun by an older tap). */
  constructor(private carried: number | undefined) {}

  /** The read starts the pass over from its beginning: nothing of earlier runs counts. */
  restart(): void {
    this.carried = 0;
  }

  /** `rows` written for one record, at its replication key value (undefined: the resource has none). */
  wrote(rows: number, position: number | null | undefined): void {
    if (rows === 0) return;
    this.written += rows;
    if (position === undefined) this.settled += rows;
    else this.pending.push(position ?? Number.NEGATIVE_INFINITY, rows);
  }

  /** The pass's whole count once this run has written everything; undefined when an earlier run's is unknown. */
  total(): number | undefined {
    return this.carried === undefined ? undefined : this.carried + this.written;
  }

  /** The count to record with the pass's checkpoint in `state` (undefined: unknown). */
  atCheckpoint(state: State, stream: string): number | undefined {
    const checkpoint = passCheckpoint(state, stream);
    if (this.carried === undefined || checkpoint === undefined) return undefined;
    const instant = checkpointInstant(checkpoint);
    if (instant === undefined) return this.carried + this.written;
    this.settled += this.pending.popBelow(parseInstantUs(instant));
    return this.carried + this.settled;
  }
}

/** Positions with a row count each, lowest first; two flat arrays, so a million entries stay a few MB. */
class PositionHeap {
  private readonly at: number[] = [];
  private readonly rows: number[] = [];

  push(at: number, rows: number): void {
    let i = this.at.length;
    this.at.push(at);
    this.rows.push(rows);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= at) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** Removes every entry below `limit`; returns their rows. */
  popBelow(limit: number): number {
    let rows = 0;
    while (this.at.length && this.at[0]! < limit) {
      rows += this.rows[0]!;
      const lastAt = this.at.pop()!;
      const lastRows = this.rows.pop()!;
      if (this.at.length === 0) break;
      this.at[0] = lastAt;
      this.rows[0] = lastRows;
      this.siftDown();
    }
    return rows;
  }

  private siftDown(): void {
    const n = this.at.length;
    for (let i = 0; ; ) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let least = i;
      if (l < n && this.at[l]! < this.at[least]!) least = l;
      if (r < n && this.at[r]! < this.at[least]!) least = r;
      if (least === i) return;
      this.swap(i, least);
      i = least;
    }
  }

  private swap(i: number, j: number): void {
    [this.at[i], this.at[j]] = [this.at[j]!, this.at[i]!];
    [this.rows[i], this.rows[j]] = [this.rows[j]!, this.rows[i]!];
  }
}
