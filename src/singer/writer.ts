// The only code that writes to stdout. Lines are encoded into a buffer as they come and written in
// whole chunks; the writer waits for 'drain', so a slow consumer slows the tap down instead of growing
// its memory. A buffer is filled again once its write has finished: stdout (a pipe, file or terminal)
// has copied it by then; an in-process consumer that keeps chunks must copy them too.
import type { Writable } from 'node:stream';
import { TapError } from '../common/errors.js';
import { serialize, type SingerMessage } from './messages.js';

/** add() asks for a flush once this much is queued: output never piles up in memory. */
const CHUNK_BYTES = 512 * 1024;
const BUFFER_BYTES = CHUNK_BYTES + 64 * 1024;

export class SingerWriter {
  private failure: TapError | undefined;
  // Each line is encoded straight into a buffer: cheaper than joining lines into one string that stdout
  // then flattens and encodes.
  private buffer: Buffer = Buffer.allocUnsafeSlow(BUFFER_BYTES);
  private used = 0;
  /** Filled buffers waiting for flush() (more than one only after a line too long for the rest of one). */
  private sealed: Buffer[] = [];
  /** Buffers whose write has finished: reused, as fresh ones churn memory outside the heap (and GC runs). */
  private spare: Buffer[] = [];

  constructor(private readonly out: Writable) {
    const closed = (why: string): void => {
      this.failure ??= new TapError(
        'OUTPUT_CLOSED',
        `stdout was closed by the downstream process (${why}).`,
        'The target stopped reading; check its log.',
      );
    };
    out.on('error', (error: NodeJS.ErrnoException) => closed(error.code ?? error.message));
    out.on('close', () => closed('closed'));
  }

  get closed(): TapError | undefined {
    return this.failure;
  }

  /** Writes one message after every line queued before it, then waits while the consumer is behind. */
  async message(message: SingerMessage): Promise<void> {
    this.add(serialize(message));
    await this.flush();
  }

  /** Queues one line (without its newline); true once a chunk's worth is queued and flush() is due. */
  add(line: string): boolean {
    const most = 3 * line.length + 1; // UTF-8 bytes of a UTF-16 code unit: at most 3
    if (this.used + most > this.buffer.length) this.seal(most);
    this.used += this.buffer.write(line, this.used);
    this.buffer[this.used++] = 0x0a;
    return this.used >= CHUNK_BYTES || this.sealed.length > 0;
  }

  /** Writes every queued line, then waits while the consumer is behind. */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.used > 0) this.seal(0);
    if (this.sealed.length === 0) return;
    let drained = true;
    for (const chunk of this.sealed.splice(0)) drained = this.out.write(chunk, () => this.reuse(chunk));
    if (!drained) await this.drained();
    if (this.failure) throw this.failure;
  }

  /** Synchronous best effort for signal handlers: one whole line, no waiting. */
  writeNow(message: SingerMessage): void {
    if (!this.failure) this.out.write(`${serialize(message)}\n`);
  }

  private seal(room: number): void {
    if (this.used > 0) this.sealed.push(this.buffer.subarray(0, this.used));
    else this.reuse(this.buffer);
    this.buffer = (room <= BUFFER_BYTES && this.spare.pop()) || Buffer.allocUnsafeSlow(Math.max(BUFFER_BYTES, room));
    this.used = 0;
  }

  private reuse(chunk: Buffer): void {
    if (chunk.buffer.byteLength === BUFFER_BYTES && this.spare.length < 2)
      this.spare.push(Buffer.from(chunk.buffer, 0, BUFFER_BYTES));
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('error', done);
        this.out.off('close', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('error', done);
      this.out.on('close', done);
    });
  }
}
