// Bookmarks of streams whose resource is read in full but whose rows need not all be sent every run
// (Stream.bookmark; variant_history). Such a stream's bookmark (SDK shape, on its declared column) is the newest
// row value written by the last read of its resource that vouched for itself, never past the run's start. A run
// writes only the rows at or above the bookmark minus the stream's overlap (and every row of a record the stream
// says is new). The bookmark moves once, when the read has ended and could vouch for itself: a killed or
// unsure read leaves it, and the next run sends the same rows again (upserted onto themselves).
import { InputFileError } from '../common/errors.js';
import { getBookmark, type State, withBookmark } from '../singer/state.js';
import type { Row, RowBookmark } from '../streams/stream.js';
import type { ActiveStream } from './active-stream.js';
import type { UnsureRead } from './passes.js';

export class RowBookmarks {
  /** Per stream name: the floor of this run (UTC ISO; absent: no bookmark yet, every row goes out). */
  private readonly floors = new Map<string, string | undefined>();
  private readonly newest = new Map<string, string>();

  /** Reads the bookmarks of `active`'s bookmarked streams (one that is not a date-time stops the run at once). */
  constructor(
    private readonly input: State,
    private readonly runStartMs: number,
    active: ActiveStream[],
  ) {
    for (const a of active) {
      const bookmark = a.stream.bookmark;
      if (bookmark) this.floors.set(a.stream.descriptor.name, this.floorOf(a.stream.descriptor.name, bookmark));
    }
  }

  /** Whether each row of `record` goes out (and is counted for the bookmark); undefined: the stream has none. */
  keeper(a: ActiveStream, record: Row): ((row: Row) => boolean) | undefined {
    const bookmark = a.stream.bookmark;
    if (!bookmark) return undefined;
    const name = a.stream.descriptor.name;
    const floor = this.floors.get(name);
    const whole = floor === undefined || bookmark.whole?.(record, floor) === true;
    return (row) => {
      const value = row[bookmark.column] as string;
      if (!whole && value < floor!) return false;
      if (!(value <= (this.newest.get(name) ?? ''))) this.newest.set(name, value);
      return true;
    };
  }

  /** `state` with the bookmark of every such stream whose resource's read ended and vouched for itself. */
  close(state: State, active: ActiveStream[], unsure: UnsureRead[]): State {
    let next = state;
    for (const a of active) {
      const bookmark = a.stream.bookmark;
      const name = a.stream.descriptor.name;
      const newest = this.newest.get(name);
      if (!bookmark || newest === undefined || unsure.some((u) => u.streams.includes(a))) continue;
      const old = getBookmark(this.input, name, bookmark.column);
      const oldMs = old === undefined ? 0 : Date.parse(old);
      const ms = Math.max(Math.min(Date.parse(newest), this.runStartMs), oldMs);
      if (ms !== oldMs)
        next = withBookmark(next, name, {
          replication_key: bookmark.column,
          replication_key_value: new Date(ms).toISOString(),
        });
    }
    return next;
  }

  private floorOf(name: string, { column, overlapMs }: RowBookmark): string | undefined {
    const value = getBookmark(this.input, name, column);
    if (value === undefined) return undefined;
    const ms = Date.parse(value);
    if (Number.isNaN(ms))
      throw new InputFileError(
        `state bookmark for ${name} is not a date-time (${JSON.stringify(value)}).`,
        'Fix or remove the state file.',
      );
    return new Date(ms - overlapMs).toISOString();
  }
}
