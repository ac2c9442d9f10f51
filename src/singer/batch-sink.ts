// Records as BATCH files (the Meltano SDK's batch_config): each stream's records go into JSON-lines files of
// at most recordsPerFile records; a file is complete (written, synced, renamed into place) before the BATCH
// message that names it, and flush() completes every open file, so a STATE the sync sends after it covers
// only records in files the target has been told about.
//
// A RECORD's table version does not travel with a file: SDK targets load file rows without the metadata they
// add to RECORD messages, and target-postgres then deletes rows with no version on ACTIVATE_VERSION. So each
// row carries it, under the column the targets store it in (`_sdc_table_version`), with `_sdc_extracted_at`
// (a RECORD's time_extracted): measured with target-postgres and target-snowflake, docs/batch.md.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { BatchFile, prepareRoot } from './batch-file.js';
import type { BatchSettings } from './batch-config.js';
import { serialize } from './messages.js';
import type { RecordSink, RecordWrite, SinkStream } from './sink.js';
import type { SingerWriter } from './writer.js';

/** Text gathered per stream before it goes to the compressor (fewer, larger writes). */
const CHUNK_CHARS = 256 * 1024;

interface OpenStream {
  name: string;
  text: string;
  /** Records in the current file (sent to it or still in `text`). */
  records: number;
  file?: BatchFile;
  /** Files written for this stream in this run: numbers the next one. */
  files: number;
  wait: boolean;
}

export class BatchSink implements RecordSink {
  private readonly streams: OpenStream[] = [];
  /** One id per run in every file name: names never repeat across runs. */
  private readonly run = randomUUID();
  private readonly onExit = (): void => this.abort();

  private readonly owner: string;

  /**
   * Checks the root (a config error if the tap cannot write there) and removes what killed runs left. `tap` names
   * the files, as the SDK does: {prefix}{tap}--{stream}-{run id}-{n}.json.gz.
   */
  constructor(
    private readonly settings: BatchSettings,
    private readonly writer: SingerWriter,
    tap: string,
  ) {
    this.owner = `${tap}--`;
    prepareRoot(settings.root, settings.prefix, this.owner);
    process.once('exit', this.onExit);
  }

  open(stream: SinkStream): RecordWrite {
    const s: OpenStream = { name: stream.name, text: '', records: 0, files: 0, wait: false };
    this.streams.push(s);
    const tail = `"_sdc_extracted_at":"`;
    const version = stream.version === undefined ? '' : `,"_sdc_table_version":${JSON.stringify(stream.version)}`;
    const { recordsPerFile } = this.settings;
    return (record, timeExtracted) => {
      const json = JSON.stringify(record);
      s.text += `${json.length > 2 ? `${json.slice(0, -1)},` : '{'}${tail}${timeExtracted}"${version}}\n`;
      s.records += 1;
      if (s.text.length >= CHUNK_CHARS) this.send(s);
      return s.wait || s.records >= recordsPerFile;
    };
  }

  /** Completes the files that are full and waits while the compressor or the disk is behind. */
  async drain(): Promise<void> {
    for (const s of this.streams) {
      if (s.records >= this.settings.recordsPerFile) await this.complete(s);
      else if (s.wait) {
        await s.file!.drained();
        s.wait = false;
      }
    }
    await this.writer.flush();
  }

  /** Every record written so far is in a complete file named by a BATCH message. */
  async flush(): Promise<void> {
    for (const s of this.streams) if (s.records > 0) await this.complete(s);
    await this.writer.flush();
  }

  async close(): Promise<void> {
    this.abort();
    process.off('exit', this.onExit);
  }

  private send(s: OpenStream): void {
    s.file ??= new BatchFile(this.settings.root, this.fileName(s), this.settings.compression === 'gzip');
    if (!s.file.write(s.text)) s.wait = true;
    s.text = '';
  }

  private async complete(s: OpenStream): Promise<void> {
    this.send(s);
    const path = await s.file!.complete();
    s.file = undefined;
    s.records = 0;
    s.wait = false;
    this.writer.add(
      serialize({
        type: 'BATCH',
        stream: s.name,
        encoding: { format: 'jsonl', compression: this.settings.compression },
        manifest: [pathToFileURL(path).href],
      }),
    );
  }

  /** The SDK's naming: {prefix}{tap}--{stream}-{id}-{n}.json.gz. */
  private fileName(s: OpenStream): string {
    s.files += 1;
    const extension = this.settings.compression === 'gzip' ? 'json.gz' : 'json';
    return `${this.settings.prefix}${this.owner}${s.name}-${this.run}-${s.files}.${extension}`;
  }

  /** Files not completed are not sent: their temporary names go. */
  private abort(): void {
    for (const s of this.streams) {
      s.file?.abort();
      s.file = undefined;
      s.text = '';
      s.records = 0;
    }
  }
}
