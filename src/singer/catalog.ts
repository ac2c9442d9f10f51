// Singer catalog: discovery output with standard metadata, parsing a catalog file, and selection.
import { InputFileError } from '../common/errors.js';
import type { SingerCatalog } from '../generated/schemas.js';
import type { JsonSchema } from '../common/schema-files.js';
import { describeErrors, validateCatalog } from '../common/validation.js';

export interface StreamDescriptor {
  name: string;
  schema: JsonSchema;
  /** The schema's exact-decimal form, sent instead when use_singer_decimal is on (src/singer/decimal-schema.ts). */
  decimalSchema?: JsonSchema;
  keyProperties: string[];
  /** Present when the stream's own records carry the replication key. */
  replicationKey?: string;
  /** The default; a catalog may choose the other one where discovery does not force FULL_TABLE. */
  replicationMethod: ReplicationMethod;
  /** False: discovery marks the stream not selected by default, and a run without a catalog leaves it out. */
  selectedByDefault?: boolean;
}

export type ReplicationMethod = 'INCREMENTAL' | 'FULL_TABLE';
const REPLICATION_METHODS: readonly ReplicationMethod[] = ['INCREMENTAL', 'FULL_TABLE'];

export interface MetadataEntry {
  breadcrumb: string[];
  metadata: Record<string, unknown>;
}

export interface CatalogEntry {
  tap_stream_id: string;
  stream: string;
  schema: JsonSchema;
  key_properties: string[];
  replication_key?: string;
  replication_method: string;
  metadata: MetadataEntry[];
}

export interface Selection {
  stream: string;
  fields: string[];
  replicationMethod: ReplicationMethod;
}

export function discoverCatalog(streams: StreamDescriptor[]): { streams: CatalogEntry[] } {
  return { streams: streams.map(catalogEntry) };
}

function catalogEntry(d: StreamDescriptor): CatalogEntry {
  const automatic = new Set([...d.keyProperties, ...(d.replicationKey ? [d.replicationKey] : [])]);
  const metadata: MetadataEntry[] = [
    {
      breadcrumb: [],
      metadata: {
        inclusion: 'available',
        'selected-by-default': d.selectedByDefault ?? true,
        'table-key-properties': d.keyProperties,
        'valid-replication-keys': d.replicationKey ? [d.replicationKey] : [],
        // A stream with INCREMENTAL as its default may be read FULL_TABLE (replication-method) too; one without
        // (no replication key to resume from) is always FULL_TABLE.
        ...(d.replicationMethod === 'FULL_TABLE' ? { 'forced-replication-method': 'FULL_TABLE' } : {}),
      },
    },
    ...Object.keys(d.schema.properties ?? {}).map((field) => ({
      breadcrumb: ['properties', field],
      metadata: { inclusion: automatic.has(field) ? 'automatic' : 'available', 'selected-by-default': true },
    })),
  ];
  return {
    tap_stream_id: d.name,
    stream: d.name,
    schema: d.schema,
    key_properties: d.keyProperties,
    ...(d.replicationKey ? { replication_key: d.replicationKey } : {}),
    replication_method: d.replicationMethod,
    metadata,
  };
}

export function parseCatalog(text: string, path: string): SingerCatalog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(
      `catalog file ${path} is not valid JSON (${(error as Error).message}).`,
      'Regenerate it with --discover.',
    );
  }
  if (!validateCatalog(parsed)) {
    throw new InputFileError(
      `catalog file ${path} is not a Singer catalog: ${describeErrors(validateCatalog.errors).join('; ')}.`,
      'Regenerate it with --discover.',
    );
  }
  return parsed;
}

/**
 * Which streams and fields to emit. No catalog: every stream selected by default. Key and replication-key fields
 * always.
 */
export function selectStreams(catalog: SingerCatalog | undefined, streams: StreamDescriptor[]): Selection[] {
  if (!catalog)
    return streams
      .filter((d) => d.selectedByDefault !== false)
      .map((d) => ({
        stream: d.name,
        fields: Object.keys(d.schema.properties ?? {}),
        replicationMethod: d.replicationMethod,
      }));
  const known = new Map(streams.map((d) => [d.name, d]));
  const selections: Selection[] = [];
  for (const entry of catalog.streams) {
    const d = known.get(entry.tap_stream_id);
    if (!d) {
      throw new InputFileError(
        `catalog names stream "${entry.tap_stream_id}", which this tap does not have ` +
          `(it has ${[...known.keys()].join(', ')}).`,
        'Regenerate the catalog with --discover.',
      );
    }
    const meta = metadataIndex(entry.metadata as MetadataEntry[] | undefined);
    const streamMeta = meta.get('') ?? {};
    const legacySelected = (entry.schema as { selected?: unknown } | undefined)?.selected;
    const selected = pick(streamMeta.selected, legacySelected, streamMeta['selected-by-default'], false);
    if (!selected) continue;
    const automatic = new Set([...d.keyProperties, ...(d.replicationKey ? [d.replicationKey] : [])]);
    const fields = Object.keys(d.schema.properties ?? {}).filter((field) => {
      if (automatic.has(field)) return true;
      const fieldMeta = meta.get(`properties/${field}`) ?? {};
      if (fieldMeta.inclusion === 'unsupported') return false;
      return pick(fieldMeta.selected, undefined, fieldMeta['selected-by-default'], true);
    });
    selections.push({
      stream: d.name,
      fields,
      replicationMethod: replicationMethod(
        d,
        streamMeta['replication-method'] ?? (entry as { replication_method?: unknown }).replication_method,
      ),
    });
  }
  // Emit in the tap's stream order, whatever order the catalog lists them in.
  return streams.flatMap((d) => selections.filter((s) => s.stream === d.name));
}

/** The stream's schema cut down to the selected fields: what its SCHEMA message carries. */
export function selectedSchema(schema: JsonSchema, fields: string[]): JsonSchema {
  const properties = Object.fromEntries(fields.map((f) => [f, schema.properties![f]!]));
  return { ...schema, properties, required: (schema.required ?? []).filter((f) => fields.includes(f)) };
}

/** Stream-level `replication-method` metadata (what Meltano's `metadata:` writes), else the SDK-style top-level key. */
function replicationMethod(d: StreamDescriptor, chosen: unknown): ReplicationMethod {
  if (chosen === undefined || chosen === null || chosen === '') return d.replicationMethod;
  const method = typeof chosen === 'string' ? chosen.toUpperCase() : chosen;
  if (REPLICATION_METHODS.includes(method as ReplicationMethod)) return method as ReplicationMethod;
  throw new InputFileError(
    `catalog sets replication-method ${JSON.stringify(chosen)} for ${d.name}; ` +
      `this tap supports ${REPLICATION_METHODS.join(' and ')}.`,
    "Set replication-method to FULL_TABLE or INCREMENTAL in the stream's metadata.",
  );
}

function metadataIndex(entries: MetadataEntry[] | undefined): Map<string, Record<string, unknown>> {
  return new Map((entries ?? []).map((e) => [e.breadcrumb.join('/'), e.metadata]));
}

function pick(...values: unknown[]): boolean {
  for (const v of values) if (typeof v === 'boolean') return v;
  return false;
}
