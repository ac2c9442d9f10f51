// last_modified values after the run's start. Such an order is written as it is, but the bookmark never goes
// past the run's start (as the Meltano SDK caps bookmarks at its replication key "signpost", the time the
// sync started): one order stamped 2099 must not make every later run skip every new order and edit. The
// next run reads again from there, so the future-stamped orders come again, and nothing is lost.
// The run's start is this machine's clock and last_modified the API's: the cap keeps a minute's margin below
// the start (an edit stamped by a server clock a little behind is not skipped), and only orders more than a
// minute ahead are warned about (a server clock a little ahead is not a problem to report).
import { formatInstantUs } from '../values/instants.js';
import type { Logger } from '../common/log.js';

/** Allowance for the difference between this machine's clock and the API's. */
export const CLOCK_MARGIN_MS = 60_000;
const CLOCK_MARGIN_US = CLOCK_MARGIN_MS * 1000;

export class FutureTimestamps {
  private count = 0;
  private latest = -Infinity;

  /** `runStart`: epoch microseconds (like every instant here), taken once when the run starts. */
  constructor(readonly runStart: number) {}

  /** Notes one order's last_modified (epoch microseconds). */
  see(lm: number): void {
    if (lm <= this.runStart + CLOCK_MARGIN_US) return;
    this.count += 1;
    if (lm > this.latest) this.latest = lm;
  }

  /** The bookmark value to write: never later than the run's start (less the clock margin). */
  cap(bookmark: number): number {
    return Math.min(bookmark, this.runStart - CLOCK_MARGIN_US);
  }

  /** A bookmark from the input state that is already after the run's start (written by an older version). */
  checkInput(stream: string, bookmark: number, log: Logger): void {
    if (bookmark <= this.runStart + CLOCK_MARGIN_US) return;
    log.warn(
      `the state bookmark of ${stream} (${formatInstantUs(bookmark)}) is after the run's start ` +
        `(${formatInstantUs(this.runStart)}); orders changed before it are not read. ` +
        "The bookmark this run writes stops before the run's start; to read what was skipped, " +
        'run once with an older bookmark in the state.',
    );
  }

  /** One warning per run, with how many orders and the latest value. */
  finish(log: Logger): void {
    if (this.count === 0) return;
    log.warn(
      `${this.count} order(s) have a last_modified after the run's start (${formatInstantUs(this.runStart)}), ` +
        `the latest ${formatInstantUs(this.latest)}: ` +
        "written as they are, but the bookmark stops before the run's start, so they are read again on the next run. " +
        'Check the clock of the data source.',
    );
  }
}
