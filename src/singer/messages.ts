// Singer message shapes and their one-line JSON form. Knows nothing of Inventory Planner.

export interface SchemaMessage {
  type: 'SCHEMA';
  stream: string;
  schema: object;
  key_properties: string[];
  bookmark_properties?: string[];
}

export interface RecordMessage {
  type: 'RECORD';
  stream: string;
  record: Record<string, unknown>;
  /** The table version the record belongs to (see ActivateVersionMessage): it only grows. */
  version?: number;
  time_extracted: string;
}

export interface StateMessage {
  type: 'STATE';
  value: object;
}

/** The target keeps only the stream's rows whose version is >= this one (hard or soft delete of the rest). */
export interface ActivateVersionMessage {
  type: 'ACTIVATE_VERSION';
  stream: string;
  version: number;
}

/** The Meltano SDK's extension: the stream's records are in these files (file:// URLs), one JSON object a line. */
export interface BatchMessage {
  type: 'BATCH';
  stream: string;
  encoding: { format: 'jsonl'; compression: 'gzip' | 'none' };
  manifest: string[];
}

export type SingerMessage = SchemaMessage | RecordMessage | StateMessage | ActivateVersionMessage | BatchMessage;

export function serialize(message: SingerMessage): string {
  return JSON.stringify(message);
}

/**
 * A RECORD line builder for one stream (and table version, fixed for a run): the constant parts are encoded
 * once (this runs per record).
 */
export function recordLineBuilder(
  stream: string,
  version?: number,
): (record: Record<string, unknown>, timeExtracted: string) => string {
  const head = `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`;
  const tail = `${version === undefined ? '' : `,"version":${JSON.stringify(version)}`},"time_extracted":"`;
  return (record, timeExtracted) => `${head}${JSON.stringify(record)}${tail}${timeExtracted}"}`;
}
