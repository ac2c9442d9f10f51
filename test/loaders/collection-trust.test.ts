// Full reads a pass cannot vouch for, through the real target-postgres (issue 22): a server that ignores the id
// sort and reorders its listing as variants are edited, and one that serves no deep offsets (an empty page, or
// an error status). Each time the tap writes what it read, exits 3, and sends no ACTIVATE_VERSION for the
// variant streams: no row loaded before is deleted (hard_delete) or marked deleted (soft), also the rows of
// variants removed in the meantime. The next normal run completes a pass and removes those.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SandboxOptions } from '../../sandbox/options.js';
import { startSandbox, type Sandbox } from '../../sandbox/server.js';
import { writeJson } from '../../scripts/lib/tap-process.js';
import {
  dropSchema,
  freshSchemaName,
  PG,
  pipeTapToTarget,
  psqlJson,
  requireLoaders,
  rowsAndMarked,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-trust-'));
const schemas: string[] = [];
let sandbox: Sandbox | undefined;
afterAll(async () => {
  await sandbox?.close();
  for (const s of schemas) await dropSchema(s);
});

const VARIANT_STREAMS = ['variants', 'variant_warehouses', 'variant_vendors'];

const cases: { name: string; server: SandboxOptions; why: RegExp; hardDelete: boolean }[] = [
  {
    name: 'ignores id_sort and lists the most recently edited first, edited during the read',
    server: { collectionOrder: 'recent', variantEditsPerRequest: 25 },
    why: /GET \/variants: the page at offset \d+ is not in id order/,
    hardDelete: true,
  },
  {
    name: 'serves no deep offsets (an empty page while meta.total says more)',
    server: { deepOffsetLimit: 600 },
    why: /served an empty page at offset \d+ while meta.total is \d+/,
    hardDelete: false,
  },
  {
    name: 'serves no deep offsets (HTTP 400)',
    server: { deepOffsetLimit: 600, deepOffsetStatus: 400 },
    why: /refused the page at offset \d+ \(HTTP 400\)/,
    hardDelete: true,
  },
];

describe('tap | target-postgres: a pass the read cannot vouch for deletes nothing', () => {
  for (const c of cases) {
    it(`a server that ${c.name}: exit 3, no existing row deleted or marked; the next normal run deletes the removed`, async () => {
      requireLoaders();
      sandbox?.close();
      sandbox = await startSandbox({ orders: 20, variants: 1500, seed: 22, historyPoints: 1 });
      const schema = freshSchemaName('trust');
      schemas.push(schema);
      const tap = writeJson(join(dir, `tap-${schema}.json`), {
        api_key: sandbox.apiKey,
        account_id: sandbox.accountId,
        base_url: sandbox.baseUrl,
        page_size: 100,
      });
      const target = writeJson(join(dir, `target-${schema}.json`), {
        ...PG,
        default_target_schema: schema,
        hard_delete: c.hardDelete,
      });
      const first = await pipeTapToTarget(['--config', tap], target);
      expect({ tap: first.tap.code, target: first.target.code }).toEqual({ tap: 0, target: 0 });
      const loaded = Object.fromEntries(
        await Promise.all(VARIANT_STREAMS.map(async (t) => [t, await rowsAndMarked(schema, t)] as const)),
      );
      expect(loaded.variants).toEqual({ rows: 1500, marked: 0 });

      // Next day: 12 variants removed in the app, and the server misbehaves.
      const removed = sandbox.removeVariants(12);
      sandbox.configure(c.server);
      const bad = await pipeTapToTarget(
        ['--config', tap, '--state', writeJson(join(dir, `state1-${schema}.json`), first.state)],
        target,
      );
      expect({ tap: bad.tap.code, target: bad.target.code }, bad.tap.stderr.slice(-1500)).toEqual({
        tap: 3,
        target: 0,
      });
      expect(bad.tap.stderr).toMatch(
        /WARNING.*the full-table pass of variants, variant_warehouses, variant_vendors(, variant_\w+)* is dropped: .*no ACTIVATE_VERSION, nothing is deleted/,
      );
      expect(bad.tap.stderr).toMatch(c.why);
      expect(bad.tap.stderr).toMatch(/"metric": ?"pass_dropped"/);
      expect(bad.tap.stderr).toMatch(
        /finished in .*; full-table passes dropped \(nothing deleted\): variants, variant_warehouses, variant_vendors/,
      );
      for (const t of VARIANT_STREAMS) expect(await rowsAndMarked(schema, t), t).toEqual(loaded[t]);
      const ids = await psqlJson<string[]>(`SELECT coalesce(json_agg(id), '[]') FROM "${schema}".variants`);
      expect(removed.every((id) => ids.includes(id))).toBe(true);

      // The server behaves again: a complete pass, and the removed variants leave the table.
      sandbox.configure({
        collectionOrder: 'id',
        variantEditsPerRequest: 0,
        deepOffsetLimit: 0,
        deepOffsetStatus: 0,
      });
      const good = await pipeTapToTarget(
        ['--config', tap, '--state', writeJson(join(dir, `state2-${schema}.json`), bad.state)],
        target,
      );
      expect({ tap: good.tap.code, target: good.target.code }).toEqual({ tap: 0, target: 0 });
      const after = await rowsAndMarked(schema, 'variants');
      expect(c.hardDelete ? after : { rows: after.rows - after.marked, marked: 0 }).toEqual({ rows: 1488, marked: 0 });
    });
  }
});
