import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SingerCatalog } from '../../src/generated/schemas.js';
import { PACKAGE_ROOT } from '../../src/common/schema-files.js';
import { numberForm } from '../../src/singer/decimal-schema.js';
import {
  discoverCatalog,
  parseCatalog,
  selectedSchema,
  selectStreams,
  type CatalogEntry,
  type MetadataEntry,
} from '../../src/singer/catalog.js';
import { STREAMS } from '../../src/streams/index.js';
import { inputFileError } from '../helpers/errors.js';

const all = STREAMS.map((s) => s.descriptor);
const discoveredAll = (): { streams: CatalogEntry[] } => discoverCatalog(all);
// The selection rules are the same for every stream: they are tested on the purchase-order streams.
const descriptors = STREAMS.filter((s) => s.resource === 'purchase-orders').map((s) => s.descriptor);
const discovered = (): { streams: CatalogEntry[] } => discoverCatalog(descriptors);
const fieldsOf = (name: string): string[] => Object.keys(descriptors.find((d) => d.name === name)!.schema.properties!);

function entry(name: string): CatalogEntry {
  return discovered().streams.find((s) => s.tap_stream_id === name)!;
}

/** A catalog as Meltano or a user writes it: the discovered one with edits to one stream's metadata. */
function catalogWith(edit: (streams: CatalogEntry[]) => void): SingerCatalog {
  const catalog = structuredClone(discovered());
  edit(catalog.streams);
  return parseCatalog(JSON.stringify(catalog), 'catalog.json');
}

function meta(e: CatalogEntry, breadcrumb: string[]): Record<string, unknown> {
  const found = e.metadata.find((m) => m.breadcrumb.join('/') === breadcrumb.join('/'));
  if (!found) throw new Error(`no metadata for ${breadcrumb.join('/')}`);
  return found.metadata;
}

describe('discoverCatalog', () => {
  it(
    'lists purchase_orders, purchase_order_items, then the collection streams, tap_stream_id = stream, ' +
      'lowercase snake case',
    () => {
      const { streams } = discoveredAll();
      expect(streams.map((s) => s.tap_stream_id)).toEqual([
        'purchase_orders',
        'purchase_order_items',
        'variants',
        'variant_warehouses',
        'variant_vendors',
        'variant_snapshots',
        'warehouses',
        'vendors',
      ]);
      for (const s of streams) {
        expect(s.tap_stream_id).toMatch(/^[a-z_0-9]+$/);
        expect(s.stream).toBe(s.tap_stream_id);
        expect(s.schema.type).toBe('object');
        expect(JSON.stringify(s.schema)).not.toContain('$ref');
      }
    },
  );

  it('has exactly one stream-level metadata entry per stream, with the standard keys', () => {
    for (const s of discoveredAll().streams) {
      const streamLevel = s.metadata.filter((m) => m.breadcrumb.length === 0);
      expect(streamLevel).toHaveLength(1);
      const m = streamLevel[0]!.metadata;
      const snapshots = s.stream === 'variant_snapshots';
      const full = !s.stream.startsWith('purchase_order') && !snapshots;
      expect(Object.keys(m).sort()).toEqual(
        [
          'inclusion',
          'selected-by-default',
          'table-key-properties',
          'valid-replication-keys',
          ...(full ? ['forced-replication-method'] : []),
        ].sort(),
      );
      expect(m.inclusion).toBe('available');
      // variant_snapshots is opt-in.
      expect(m['selected-by-default']).toBe(!snapshots);
      expect(m['table-key-properties']).toEqual(s.key_properties);
      // Purchase orders: not forced, the catalog may choose FULL_TABLE or INCREMENTAL (the default). Collections
      // have no replication key: always FULL_TABLE.
      expect(m['forced-replication-method']).toBe(full ? 'FULL_TABLE' : undefined);
      expect(s.replication_method).toBe(full ? 'FULL_TABLE' : 'INCREMENTAL');
    }
  });

  it('declares the keys and replication keys of each stream', () => {
    const po = entry('purchase_orders');
    expect(po.key_properties).toEqual(['purchase_order_id']);
    expect(po.replication_key).toBe('last_modified');
    expect(po.replication_method).toBe('INCREMENTAL');
    expect(meta(po, [])['valid-replication-keys']).toEqual(['last_modified']);

    const items = entry('purchase_order_items');
    expect(items.key_properties).toEqual(['key']);
    expect(items.replication_method).toBe('INCREMENTAL');
    // The lines do not carry last_modified, so no field of theirs can be named a replication key.
    expect(items.replication_key).toBeUndefined();
    expect(meta(items, [])['valid-replication-keys']).toEqual([]);
  });

  it('has one field-level entry per schema property: keys and replication key automatic, the rest available', () => {
    for (const s of discovered().streams) {
      const fieldLevel = s.metadata.filter((m) => m.breadcrumb.length > 0);
      const properties = Object.keys(s.schema.properties!);
      expect(fieldLevel.map((m) => m.breadcrumb)).toEqual(properties.map((p) => ['properties', p]));
      const automatic = [...s.key_properties, ...(s.replication_key ? [s.replication_key] : [])];
      for (const m of fieldLevel) {
        const field = m.breadcrumb[1]!;
        expect(m.metadata.inclusion, field).toBe(automatic.includes(field) ? 'automatic' : 'available');
        expect(m.metadata['selected-by-default'], field).toBe(true);
      }
    }
    expect(meta(entry('purchase_orders'), ['properties', 'purchase_order_id']).inclusion).toBe('automatic');
    expect(meta(entry('purchase_orders'), ['properties', 'last_modified']).inclusion).toBe('automatic');
    expect(meta(entry('purchase_orders'), ['properties', 'status']).inclusion).toBe('available');
    expect(meta(entry('purchase_order_items'), ['properties', 'key']).inclusion).toBe('automatic');
    expect(meta(entry('purchase_order_items'), ['properties', 'sku']).inclusion).toBe('available');
  });

  it('carries the schema files unchanged but for the x-decimal annotation (their number form)', () => {
    for (const s of discoveredAll().streams) {
      const file = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${s.stream}.json`), 'utf8'));
      expect(JSON.stringify(s.schema)).not.toContain('x-decimal');
      expect(s.schema).toEqual(numberForm(file));
    }
  });

  it('equals the committed catalog.json at the repository root, byte for byte as --discover prints it', () => {
    const text = readFileSync(join(PACKAGE_ROOT, 'catalog.json'), 'utf8');
    expect(JSON.parse(text)).toEqual(discoveredAll());
    expect(text).toBe(`${JSON.stringify(discoveredAll(), null, 2)}\n`);
  });

  it('is read back by parseCatalog and then selects every stream and field', () => {
    const parsed = parseCatalog(JSON.stringify(discovered()), 'catalog.json');
    expect(selectStreams(parsed, descriptors)).toEqual([
      { stream: 'purchase_orders', fields: fieldsOf('purchase_orders'), replicationMethod: 'INCREMENTAL' },
      { stream: 'purchase_order_items', fields: fieldsOf('purchase_order_items'), replicationMethod: 'INCREMENTAL' },
    ]);
  });
});

describe('selectStreams', () => {
  it('leaves out a stream not selected by default when there is no catalog', () => {
    expect(selectStreams(undefined, all).map((s) => s.stream)).not.toContain('variant_snapshots');
    expect(selectStreams(undefined, all)).toHaveLength(all.length - 1);
  });

  it('selects every stream and every field when there is no catalog', () => {
    expect(selectStreams(undefined, descriptors)).toEqual([
      { stream: 'purchase_orders', fields: fieldsOf('purchase_orders'), replicationMethod: 'INCREMENTAL' },
      { stream: 'purchase_order_items', fields: fieldsOf('purchase_order_items'), replicationMethod: 'INCREMENTAL' },
    ]);
  });

  it('honours stream-level selected: false and selected: true', () => {
    const catalog = catalogWith((streams) => {
      meta(streams[0]!, []).selected = false;
      meta(streams[1]!, []).selected = true;
    });
    expect(selectStreams(catalog, descriptors).map((s) => s.stream)).toEqual(['purchase_order_items']);

    const both = catalogWith((streams) => {
      meta(streams[0]!, []).selected = true;
      meta(streams[1]!, []).selected = false;
    });
    expect(selectStreams(both, descriptors).map((s) => s.stream)).toEqual(['purchase_orders']);
  });

  it('explicit selected wins over selected-by-default', () => {
    const catalog = catalogWith((streams) => {
      for (const s of streams) {
        meta(s, [])['selected-by-default'] = true;
        meta(s, []).selected = false;
      }
    });
    expect(selectStreams(catalog, descriptors)).toEqual([]);
  });

  it('skips a stream with no metadata and no selection at all', () => {
    const catalog = parseCatalog(
      JSON.stringify({ streams: [{ tap_stream_id: 'purchase_orders', schema: {} }] }),
      'c.json',
    );
    expect(selectStreams(catalog, descriptors)).toEqual([]);
  });

  it('honours the legacy "selected" inside the schema when metadata does not say', () => {
    const legacy = parseCatalog(
      JSON.stringify({
        streams: [
          { tap_stream_id: 'purchase_orders', stream: 'purchase_orders', schema: { type: 'object', selected: true } },
          {
            tap_stream_id: 'purchase_order_items',
            stream: 'purchase_order_items',
            schema: { type: 'object', selected: false },
          },
        ],
      }),
      'properties.json',
    );
    expect(selectStreams(legacy, descriptors)).toEqual([
      { stream: 'purchase_orders', fields: fieldsOf('purchase_orders'), replicationMethod: 'INCREMENTAL' },
    ]);

    const overridden = catalogWith((streams) => {
      (streams[0]!.schema as Record<string, unknown>).selected = false; // legacy flag beats selected-by-default
    });
    expect(selectStreams(overridden, descriptors).map((s) => s.stream)).toEqual(['purchase_order_items']);
  });

  it('drops deselected and unsupported fields but always keeps key and replication-key fields', () => {
    const catalog = catalogWith((streams) => {
      const po = streams[0]!;
      meta(po, ['properties', 'status']).selected = false;
      meta(po, ['properties', 'vendor_name']).inclusion = 'unsupported';
      meta(po, ['properties', 'purchase_order_id']).selected = false;
      meta(po, ['properties', 'last_modified']).selected = false;
      const items = streams[1]!;
      meta(items, ['properties', 'key']).selected = false;
      meta(items, ['properties', 'title']).selected = false;
    });
    const [po, items] = selectStreams(catalog, descriptors);
    expect(po!.fields).toEqual(fieldsOf('purchase_orders').filter((f) => f !== 'status' && f !== 'vendor_name'));
    expect(po!.fields).toContain('purchase_order_id');
    expect(po!.fields).toContain('last_modified');
    expect(items!.fields).toEqual(fieldsOf('purchase_order_items').filter((f) => f !== 'title'));
  });

  it('keeps a field without field metadata (no selected-by-default) selected', () => {
    const catalog = catalogWith((streams) => {
      streams[0]!.metadata = streams[0]!.metadata.filter(
        (m: MetadataEntry) => m.breadcrumb.join('/') !== 'properties/status',
      );
    });
    expect(selectStreams(catalog, descriptors)[0]!.fields).toContain('status');
  });

  it('emits streams in the tap order whatever order the catalog lists them in', () => {
    const catalog = catalogWith((streams) => streams.reverse());
    expect(selectStreams(catalog, descriptors).map((s) => s.stream)).toEqual([
      'purchase_orders',
      'purchase_order_items',
    ]);
  });

  it('rejects a catalog naming a stream the tap does not have', () => {
    const catalog = catalogWith((streams) => {
      streams[0]!.tap_stream_id = 'vendors';
    });
    const error = inputFileError(() => selectStreams(catalog, descriptors));
    expect(error.message).toContain('"vendors"');
    expect(error.message).toContain('purchase_orders, purchase_order_items');
  });

  it('reads replication-method from stream-level metadata (as Meltano writes it), per stream', () => {
    const catalog = catalogWith((streams) => {
      meta(streams[0]!, [])['replication-method'] = 'FULL_TABLE';
    });
    expect(selectStreams(catalog, descriptors).map((s) => [s.stream, s.replicationMethod])).toEqual([
      ['purchase_orders', 'FULL_TABLE'],
      ['purchase_order_items', 'INCREMENTAL'],
    ]);
  });

  it('falls back to the SDK-style top-level replication_method; metadata wins over it', () => {
    const catalog = catalogWith((streams) => {
      streams[0]!.replication_method = 'FULL_TABLE';
      streams[1]!.replication_method = 'FULL_TABLE';
      meta(streams[1]!, [])['replication-method'] = 'INCREMENTAL';
    });
    expect(selectStreams(catalog, descriptors).map((s) => s.replicationMethod)).toEqual(['FULL_TABLE', 'INCREMENTAL']);
  });

  it('rejects a replication method the tap does not support', () => {
    const catalog = catalogWith((streams) => {
      meta(streams[1]!, [])['replication-method'] = 'LOG_BASED';
    });
    const error = inputFileError(() => selectStreams(catalog, descriptors));
    expect(error.message).toContain('"LOG_BASED"');
    expect(error.message).toContain('purchase_order_items');
  });
});

describe('parseCatalog', () => {
  it('rejects text that is not JSON, naming the file', () => {
    const error = inputFileError(() => parseCatalog('{"streams": [', '/tmp/cat.json'));
    expect(error.message).toContain('/tmp/cat.json');
    expect(error.message).toContain('not valid JSON');
    expect(error.hint).toContain('--discover');
  });

  it.each([
    ['an array', '[]'],
    ['no streams', '{}'],
    ['streams not a list', '{"streams": {}}'],
    ['a stream without tap_stream_id', '{"streams": [{"stream": "purchase_orders"}]}'],
    [
      'metadata without breadcrumb',
      '{"streams": [{"tap_stream_id": "purchase_orders", "metadata": [{"metadata": {}}]}]}',
    ],
    ['a non-object schema', '{"streams": [{"tap_stream_id": "purchase_orders", "schema": "x"}]}'],
  ])('rejects %s as not a Singer catalog', (_what, text) => {
    const error = inputFileError(() => parseCatalog(text, 'catalog.json'));
    expect(error.message).toContain('catalog file catalog.json is not a Singer catalog');
  });
});

describe('selectedSchema', () => {
  it('keeps only the selected properties and filters required to them, without touching the original', () => {
    const schema = descriptors[0]!.schema;
    const before = structuredClone(schema);
    const cut = selectedSchema(schema, ['purchase_order_id', 'last_modified', 'status']);
    expect(Object.keys(cut.properties!)).toEqual(['purchase_order_id', 'last_modified', 'status']);
    expect(cut.properties!.status).toEqual(schema.properties!.status);
    expect(cut.required).toEqual(['purchase_order_id']);
    expect(cut.type).toBe('object');
    expect(cut.additionalProperties).toBe(false);
    expect(schema).toEqual(before);
  });

  it('returns an equal schema for a full selection', () => {
    const schema = descriptors[1]!.schema;
    const all = fieldsOf('purchase_order_items');
    expect(selectedSchema(schema, all)).toEqual(schema);
  });
});
