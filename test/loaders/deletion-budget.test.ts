// The deletion budget through the real target-postgres (issue 29), hard and soft delete: after a complete first
// pass, a server whose lists show only their first 50 records (meta.total 50), then one whose lists are empty
// (total 0), has the tap write what it read, exit 3, and send no ACTIVATE_VERSION for the streams it would have
// emptied or cut: no row is deleted (hard_delete) or marked deleted (soft). When the server is well again, a
// genuine removal of 20 variants is within the budget and reaches the table.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
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
  type RowsAndMarked,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tip-budget-'));
const schemas: string[] = [];
let sandbox: Sandbox | undefined;
afterAll(async () => {
  await sandbox?.close();
  for (const s of schemas) await dropSchema(s);
});

const TABLES = ['variants', 'variant_warehouses', 'variant_vendors', 'warehouses', 'vendors'];

async function counts(schema: string): Promise<Record<string, RowsAndMarked>> {
  const out: Record<string, RowsAndMarked> = {};
  for (const table of TABLES) out[table] = await rowsAndMarked(schema, table);
  return out;
}

describe('tap | target-postgres: a glitch run deletes and marks nothing; a genuine removal gets through', () => {
  for (const hardDelete of [true, false]) {
    it(`hard_delete ${hardDelete}`, async () => {
      requireLoaders();
      await sandbox?.close();
      sandbox = await startSandbox({ orders: 20, variants: 400, seed: 2929, historyPoints: 1 });
      const schema = freshSchemaName('budget');
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
        hard_delete: hardDelete,
      });
      let state: unknown;
      const run = async (n: number) => {
        const args = ['--config', tap];
        if (state) args.push('--state', writeJson(join(dir, `state-${schema}-${n}.json`), state));
        const r = await pipeTapToTarget(args, target);
        expect(r.target.code, r.target.stderr.slice(-1500)).toBe(0);
        state = r.state;
        return r;
      };

      const first = await run(1);
      expect(first.tap.code, first.tap.stderr.slice(-1500)).toBe(0);
      const loaded = await counts(schema);
      expect(loaded.variants).toEqual({ rows: 400, marked: 0 });
      expect(loaded.warehouses).toEqual({ rows: 3, marked: 0 });

      for (const [n, listsShowFirst] of [
        [2, 50],
        [3, 0],
      ] as const) {
        sandbox.configure({ listsShowFirst });
        const glitch = await run(n);
        expect(glitch.tap.code, glitch.tap.stderr.slice(-1500)).toBe(3);
        expect(glitch.tap.stderr).toMatch(
          new RegExp(`WARNING.*the full-table pass of variants is held: it wrote ${listsShowFirst} records`),
        );
        expect(glitch.tap.stderr).toMatch(/"metric": ?"pass_held"/);
        expect(await counts(schema), `listsShowFirst ${listsShowFirst}`).toEqual(loaded);
      }

      sandbox.configure({ listsShowFirst: false });
      const removed = sandbox.removeVariants(20);
      const good = await run(4);
      expect(good.tap.code, good.tap.stderr.slice(-1500)).toBe(0);
      const after = await counts(schema);
      expect(after.variants).toEqual(hardDelete ? { rows: 380, marked: 0 } : { rows: 400, marked: 20 });
      const live = await psqlJson<string[]>(
        `SELECT coalesce(json_agg(id), '[]') FROM "${schema}".variants WHERE _sdc_deleted_at IS NULL`,
      );
      expect(removed.filter((id) => live.includes(id))).toEqual([]);
      expect(live).toHaveLength(380);
      expect(after.warehouses).toEqual(loaded.warehouses);
    });
  }
});
