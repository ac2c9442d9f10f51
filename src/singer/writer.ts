// The only code that writes to stdout. Lines are written in whole chunks and the writer waits for
// 'drain', so a slow consumer slows the tap down instead of growing its memory.
import type { Writable } from 'node:stream';
import { TapError } from '../errors.js';
import { serialize, type SingerMessage } from './messages.js';

export class SingerWriter {
  private failure: TapError | undefined;

  constructor(private readonly out: Writable) {
    const closed = (why: string): void => {
      this.failure ??= new TapError('OUTPUT_CLOSED', `stdout was closed by the downstream process (${why}).`, 'The target stopped reading; check its log.');
    };
    out.on('error', (error: NodeJS.ErrnoException) => closed(error.code ?? error.message));
    out.on('close', () => closed('closed'));
  }

  get closed(): TapError | undefined {
    return this.failure;
  }

  async message(message: SingerMessage): Promise<void> {
    await this.lines([serialize(message)]);
  }

  /** Writes complete lines as one chunk, then waits while the consumer is behind. */
  async lines(lines: string[]): Promise<void> {
    if (lines.length) await this.text(lines.join('\n') + '\n');
  }

  /** Writes text made of whole newline-terminated lines, then waits while the consumer is behind. */
  async text(chunk: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (chunk.length === 0) return;
    if (!this.out.write(chunk)) await this.drained();
    if (this.failure) throw this.failure;
  }

  /** Synchronous best effort for signal handlers: one whole line, no waiting. */
  writeNow(message: SingerMessage): void {
    if (!this.failure) this.out.write(serialize(message) + '\n');
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
