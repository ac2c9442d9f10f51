// src/streams/index.ts is the one list of streams: the record schemas in schemas/, the generated types and
// validators, the catalog and meltano.yml's select list all follow it. And a stream made up here goes through
// the same seam a new one would (docs/architecture.md, "Add a stream"): schema, columns, rows, registry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { PACKAGE_ROOT, type JsonSchema } from '../../src/common/schema-files.js';
import { collectionResource } from '../../src/engine/collection-resource.js';
import type { ResourceBatch } from '../../src/engine/resource.js';
import { recordValidator } from '../../src/engine/validation.js';
import type { SingerCatalog } from '../../src/generated/schemas.js';
import { discoverCatalog } from '../../src/singer/catalog.js';
import { STREAMS } from '../../src/streams/index.js';
import { vendors } from '../../src/streams/reference.js';
import { schemaColumns } from '../../src/streams/schema-columns.js';
import { compileRowMapper, type Stream } from '../../src/streams/stream.js';
import { runEngine } from '../helpers/engine-run.js';

const names = STREAMS.map((s) => s.descriptor.name);

describe('the stream registry (src/streams/index.ts)', () => {
  it('names each stream once, and schemas/ holds exactly their record schemas (what the generators read)', async () => {
    expect(new Set(names).size).toBe(names.length);
    const gen = (await import(new URL('../../scripts/gen-types.mjs', import.meta.url).href)) as {
      recordSchemaNames(): Promise<string[]>;
    };
    expect(await gen.recordSchemaNames()).toEqual([...names].sort());
  });

  it('has a generated validator and a generated type for every stream', () => {
    const types = readFileSync(join(PACKAGE_ROOT, 'src', 'generated', 'schemas.ts'), 'utf8');
    for (const stream of STREAMS) {
      expect(recordValidator(stream.descriptor.name)).toBeTypeOf('function');
      expect(types).toContain(`export interface ${String(stream.descriptor.schema.title)} {`);
      if (stream.descriptor.decimalSchema) expect(recordValidator(stream.descriptor.name, true)).toBeTypeOf('function');
    }
  });

  it('is the catalog, in registry order', () => {
    const catalog = discoverCatalog(STREAMS.map((s) => s.descriptor));
    expect(catalog.streams.map((s) => s.tap_stream_id)).toEqual(names);
  });

  it("is meltano.yml's select list: every stream selected by default, and no other", () => {
    const yml = readFileSync(join(PACKAGE_ROOT, 'meltano.yml'), 'utf8');
    const block = /^(\s*)select:\n((?:\1- .*\n)+)/m.exec(yml);
    expect(block, 'meltano.yml has a select list').not.toBeNull();
    const selected = block![2]!
      .trim()
      .split('\n')
      .map((line) => line.trim().replace(/^- /, ''));
    const byDefault = STREAMS.filter((s) => s.descriptor.selectedByDefault !== false).map(
      (s) => `${s.descriptor.name}.*`,
    );
    expect(selected).toEqual(byDefault);
  });
});

describe('a stream made up here, through the registry seam', () => {
  // Step 1 of the recipe: its record schema (here inline; in the tap, schemas/vendor_contacts.json).
  const schema: JsonSchema = {
    title: 'VendorContactRow',
    type: 'object',
    additionalProperties: false,
    required: ['vendor_id', 'email', '_account_id', '__synced_at'],
    properties: {
      vendor_id: { type: 'string' },
      email: { type: 'string' },
      name: { type: ['string', 'null'] },
      _account_id: { type: 'string' },
      __synced_at: { type: 'string', format: 'date-time' },
    },
  };
  // Step 2: its columns and rows, from the same helpers every stream uses: one row per contact of a vendor.
  const TAIL = ['_account_id', '__synced_at'];
  const columns = schemaColumns(schema, ['vendor_id', ...TAIL], ['email']);
  const toRow = compileRowMapper(
    'vendor_contacts',
    ['vendor_id'],
    columns,
    TAIL,
    (row) => `vendor_id=${row.vendor_id}`,
  );
  const vendorContacts: Stream = {
    resource: 'vendors',
    descriptor: {
      name: 'vendor_contacts',
      schema,
      keyProperties: ['vendor_id', 'email'],
      replicationMethod: 'FULL_TABLE',
    },
    apiFields: () => ['id', 'contacts'],
    rows: (vendor, context) =>
      ((vendor.contacts as Record<string, unknown>[] | undefined) ?? []).map((contact) =>
        toRow(contact, vendor.id, context.accountId, context.syncedAt, context.onBadValue),
      ),
  };
  // Step 3: the registry, here the engine's seam for it (the tap's is STREAMS), with its validator (the tap's
  // are generated from schemas/ by npm run gen:validators).
  const registry = [vendors, vendorContacts];
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addFormat('date-time', true);
  const validator = (stream: string, decimal?: boolean) =>
    stream === 'vendor_contacts' ? ajv.compile(schema) : recordValidator(stream, decimal);

  it('is in the catalog, and a run writes its rows beside its resource’s other stream, in one read and one pass', async () => {
    const catalog = discoverCatalog(registry.map((s) => s.descriptor)) as unknown as SingerCatalog;
    expect(catalog.streams.map((s) => s.tap_stream_id)).toEqual(['vendors', 'vendor_contacts']);
    const batch: ResourceBatch<unknown> = {
      records: [
        { id: 'v1', contacts: [{ email: 'a@v1.test', name: 'Ann' }, { email: 'b@v1.test' }] },
        { id: 'v2', contacts: [] },
      ],
      checkpoint: { offset: 2, id: 'v2' },
    };
    const resource = {
      ...collectionResource('vendors'),
      read: () => ({
        intro: 'made-up vendors',
        batches: (async function* () {
          yield batch;
        })(),
      }),
    };
    const { result, messages } = await runEngine({ streams: registry, resources: [resource], catalog, validator });
    const contacts = messages.filter((m) => m.type === 'RECORD' && m.stream === 'vendor_contacts');
    expect(contacts.map((m) => [m.record.vendor_id, m.record.email, m.record.name])).toEqual([
      ['v1', 'a@v1.test', 'Ann'],
      ['v1', 'b@v1.test', null],
    ]);
    expect(messages.find((m) => m.type === 'SCHEMA' && m.stream === 'vendor_contacts')?.key_properties).toEqual([
      'vendor_id',
      'email',
    ]);
    expect(messages.filter((m) => m.type === 'ACTIVATE_VERSION').map((m) => m.stream)).toEqual([
      'vendors',
      'vendor_contacts',
    ]);
    expect(result).toEqual({ records: { vendors: 2, vendor_contacts: 2 }, droppedPasses: [], heldPasses: [] });
  });
});
