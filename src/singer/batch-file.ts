// One batch file: JSON lines, gzip or not, written under a hidden temporary name and renamed into place only
// once it is complete and on disk, so a file under its final name is always whole. A failed write (a full
// disk: ENOSPC) removes the temporary file and becomes one clear error. Knows nothing of Inventory Planner.
import {
  createWriteStream,
  fsyncSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { rename } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { ConfigError, TapError } from '../common/errors.js';

/** Bytes queued for the compressor or the disk before write() asks the caller to wait: memory stays bounded. */
const HIGH_WATER = 1 << 20;
/** Fast compression: the files live for one load, and the tap's CPU is shared with the target's. */
const GZIP_LEVEL = 1;

const tempName = (name: string, pid = process.pid): string => `.${name}.${pid}.tmp`;
const TEMP = /^\.(.+)\.(\d+)\.tmp$/;

export class BatchFile {
  readonly path: string;
  private readonly temp: string;
  private readonly input: Writable;
  private readonly out: Writable;
  private readonly written: Promise<void>;
  private failure: Error | undefined;

  constructor(
    readonly root: string,
    name: string,
    gzip: boolean,
  ) {
    this.path = join(root, name);
    this.temp = join(root, tempName(name));
    // flags 'wx': never write over a file that exists; flush: fsync before close.
    const out = createWriteStream(this.temp, { flags: 'wx', flush: true, highWaterMark: HIGH_WATER });
    this.out = out;
    if (gzip) {
      const gz = createGzip({ level: GZIP_LEVEL });
      this.input = gz;
      this.written = pipeline(gz, out);
    } else {
      this.input = out;
      this.written = finished(out);
    }
    // Complete once the descriptor is closed: with flush, after its fsync.
    this.written = this.written
      .then(() => (out.closed ? undefined : once(out, 'close').then(() => undefined)))
      .catch((error: Error) => {
        this.failure ??= error;
      });
    // Writes after a failure are dropped; the failure is reported by drained() or complete().
    this.input.on('error', () => undefined);
  }

  /** Queues text; false when the caller should await drained() before more. */
  write(text: string): boolean {
    return this.input.write(text) || this.input.writableLength < HIGH_WATER;
  }

  async drained(): Promise<void> {
    if (this.input.writableLength >= HIGH_WATER && !this.failure)
      await Promise.race([new Promise((ok) => this.input.once('drain', ok)), this.written]);
    this.check();
  }

  /** Ends the file, waits until it is on disk, renames it into place (and syncs the folder); its final path. */
  async complete(): Promise<string> {
    this.input.end();
    await this.written;
    this.check();
    try {
      await rename(this.temp, this.path);
      syncFolder(this.root);
    } catch (error) {
      this.failure = error as Error;
      this.check();
    }
    return this.path;
  }

  /** Gives up on the file: its temporary name is removed (synchronously: this also runs on process exit). */
  abort(): void {
    this.input.destroy();
    this.out.destroy();
    removeQuietly(this.temp);
    this.out.once('close', () => removeQuietly(this.temp)); // the file may still be being opened
  }

  private check(): void {
    if (!this.failure) return;
    removeQuietly(this.temp);
    const code = (this.failure as NodeJS.ErrnoException).code ?? this.failure.message;
    throw new TapError(
      'BATCH_WRITE_FAILED',
      `cannot write batch file ${this.path} (${code === 'ENOSPC' ? 'ENOSPC: the disk is full' : code}).`,
      `Free space under ${this.root} or point batch_config.storage.root elsewhere, then run again; ` +
        'nothing after the last STATE was sent.',
    );
  }
}

/**
 * Makes sure the root is a folder the tap can write (creating it), before anything is sent: a config error
 * otherwise. Then removes the temporary files of earlier runs that died (kill -9) while writing: names the tap
 * owns (`prefix` + `owner`), left by a process that no longer runs.
 */
export function prepareRoot(root: string, prefix: string, owner: string): void {
  const probe = join(root, tempName(`${prefix}${owner}-probe`));
  try {
    mkdirSync(root, { recursive: true });
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (error) {
    const why = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(
      `batch_config.storage.root ${root} is not a folder the tap can write (${why}).`,
      'Create it, give the tap write access, or point storage.root elsewhere.',
    );
  }
  for (const entry of readdirSync(root)) {
    const m = TEMP.exec(entry);
    if (m?.[1]?.startsWith(`${prefix}${owner}`) && !running(Number(m[2]))) removeQuietly(join(root, entry));
  }
}

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function syncFolder(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
