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
  time_extracted: string;
}

export interface StateMessage {
  type: 'STATE';
  value: object;
}

export type SingerMessage = SchemaMessage | RecordMessage | StateMessage;

export function serialize(message: SingerMessage): string {
  return JSON.stringify(message);
}

/** A RECORD line builder for one stream: the constant parts are encoded once (this runs per record). */
export function recordLineBuilder(stream: string): (record: Record<string, unknown>, timeExtracted: string) => string {
  const head = `{"type":"RECORD","stream":${JSON.stringify(stream)},"record":`;
  return (record, timeExtracted) => `${head}${JSON.stringify(record)},"time_extracted":"${timeExtracted}"}`;
}
