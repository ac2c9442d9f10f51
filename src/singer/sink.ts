// Where records go: the sync decides what is written and when a STATE may follow; a sink decides how records
// reach the target. RECORD lines today (RecordLineSink); another sink (BATCH files) implements the same
// interface, and a sink may choose per stream (open() is called once per stream), e.g. route a stream in a
// versioned pass to RECORD lines while others go to files. SCHEMA, STATE and ACTIVATE_VERSION do not pass
// through a sink: the sync writes them through the SingerWriter itself, always after awaiting flush().
import { recordLineBuilder } from './messages.js';
import type { SingerWriter } from './writer.js';

/** What a sink knows of a stream; fixed for the run. */
export interface SinkStream {
  name: string;
  /** The table version every record of the stream carries in this run (RECORD `version`); absent: none. */
  version?: number;
  /** True when the stream is read as a versioned full-table pass (it ends with ACTIVATE_VERSION). */
  pass: boolean;
}

/**
 * Writes one record (validated, only the selected fields) with its time_extracted. True when the sink asks the
 * caller to await drain() before the next record (back-pressure: output never piles up in memory). Runs once
 * per record: keep it cheap.
 */
export type RecordWrite = (record: Record<string, unknown>, timeExtracted: string) => boolean;

export interface RecordSink {
  /** The writer for one stream's records; called once per stream, before its first record. */
  open(stream: SinkStream): RecordWrite;
  /** Waits while the consumer is behind. Records written so far may still be pending (no STATE may follow). */
  drain(): Promise<void>;
  /**
   * Every record written so far has reached the target's input, ahead of whatever the writer sends next: the
   * sync awaits this before every STATE and ACTIVATE_VERSION, and once at the end of a run.
   */
  flush(): Promise<void>;
  /**
   * The run is over (after a last flush() when it succeeded, without one when it failed): release what the sink
   * holds. Records not flushed by then are not sent; no STATE covers them.
   */
  close(): Promise<void>;
}

/** RECORD messages on the writer's output, one line each. */
export class RecordLineSink implements RecordSink {
  constructor(private readonly writer: SingerWriter) {}

  open(stream: SinkStream): RecordWrite {
    // The line's constant parts are encoded once per stream (see recordLineBuilder).
    const line = recordLineBuilder(stream.name, stream.version);
    const writer = this.writer;
    return (record, timeExtracted) => writer.add(line(record, timeExtracted));
  }

  drain(): Promise<void> {
    return this.writer.flush();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  async close(): Promise<void> {}
}
