import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FolderFiles, openWarehouse } from '../../scripts/warehouse/local.ts';
import type { AttributionResult } from '../../shared/attribution/engine.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { loggedId } from '../../shared/privacy/erasure.ts';
import type { Touch } from '../../shared/recording/touches.ts';
import { exportAll, exportTenant, filePath, manifestPath, type WarehouseExportDeps, WarehouseExportError } from '../../shared/warehouse/export.ts';
import type { WarehouseFiles } from '../../shared/warehouse/ports.ts';
import { type RecordChange, rowsOf } from '../../shared/warehouse/rows.ts';
import { WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES } from '../../shared/warehouse/tables.ts';
import { MemoryErasureLog } from '../support/memory/erasure-log.ts';
import { MemoryTable } from '../support/memory/table.ts';
import { MemoryWarehouseStore } from '../support/memory/warehouse-store.ts';

const TENANT = { tenantId: 'acme', createdAt: '2026-11-05T09:50:00.000Z' };
const SETTINGS = { intervalMinutes: 15, lagMinutes: 5, maxWindows: 96 };
const HASH_KEY = 'secret-of-acme';
const directories: string[] = [];
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

const folder = () => {
  const directory = mkdtempSync(join(tmpdir(), 'baton-warehouse-'));
  directories.push(directory);
  return directory;
};

const touch = (touchId: string, occurredAt: string, channel: string, campaign?: string): Touch => ({
  touchId,
  occurredAt,
  identifiers: ['c:42'],
  kind: 'click',
  side: 'marketing',
  channel,
  ...(campaign ? { campaign } : {}),
  url: 'https://shop.example/?utm_source=google',
  contentHash: `h-${touchId}`,
});

/** An order's attribution where every heuristic model gives `credits` (their amounts sum to the revenue, or leave the rest unattributed). */
function attribution(version: number, revenue: number, credits: Array<{ touchId: string; channel: string; amount: number }>): RecordChange {
  const result = {
    transactionId: 'shopify-order-1',
    occurredAt: '2026-11-05T10:05:00.000Z',
    currency: 'EUR',
    revenue,
    marketing: { credits: Object.fromEntries(HEURISTIC_MODELS.map((model) => [model, credits.map((credit) => ({ ...credit, campaign: null }))])) },
  } as unknown as AttributionResult;
  return { entity: 'attribution', op: 'upsert', attribution: { version, result } };
}

/** Records `changes` in the change log at `changedAt`, as the stream consumer does. */
async function record(store: MemoryWarehouseStore, changedAt: string, changes: RecordChange[]) {
  await store.append(
    TENANT.tenantId,
    changes.map((change, sequence) => {
      const derived = rowsOf(change, { tenantId: TENANT.tenantId, dayOf: (at) => at.slice(0, 10), hashKey: HASH_KEY, changedAt, sequence });
      return { table: derived.table, changedAt, rows: derived.rows };
    }),
  );
}

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

/** The tenants of these tests' `exportAll` runs: acme alone. */
const ACME = { listTenantIds: async () => ['acme'], getTenant: async () => TENANT };

/** `DELETE /v1/people` of the person `c:42` at `erasedAt`, as the erasure log keeps it. */
const logErasure = (erasures: MemoryErasureLog, erasedAt: string, erased: { touches: number; stages?: number }) =>
  erasures.append('acme', {
    erasureId: 'er_1',
    erasedAt,
    identifiers: [loggedId({ cursorKey: HASH_KEY }, 'c:42')],
    erased: { touches: erased.touches, stages: erased.stages ?? 0, links: 0, transactions: 0, checkouts: 0, attributions: 0, projections: 1, droppedBatons: 0 },
  });

describe('the warehouse export (SPEC §15)', () => {
  it('writes each window’s changes as Parquet with the declared types, an empty window’s files with their schema, and a manifest', async () => {
    const store = new MemoryWarehouseStore();
    const directory = folder();
    await record(store, '2026-11-05T10:01:00.000Z', [{ entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Paid Search', 'brand') }]);
    await record(store, '2026-11-05T10:06:00.000Z', [attribution(1, 8500, [{ touchId: 't1', channel: 'Paid Search', amount: 8500 }])]);

    const run = await exportTenant({ changes: store, watermarks: store, files: new FolderFiles(directory) }, TENANT, new Date('2026-11-05T10:36:00.000Z'), SETTINGS);
    // From the window of the tenant's creation to the last one that ended at least 5 minutes (the lag) ago: 10:30–10:45 has not.
    expect(run.windows.map((window) => window.window.start)).toEqual(['2026-11-05T09:45:00.000Z', '2026-11-05T10:00:00.000Z', '2026-11-05T10:15:00.000Z']);
    expect(run.through).toBe('2026-11-05T10:30:00.000Z');
    const manifest = JSON.parse(readFileSync(join(directory, manifestPath('acme', '2026-11-05T10:00:00.000Z', '2026-11-05T10:15:00.000Z')), 'utf8'));
    expect(manifest.files.map((file: { table: string; rows: number }) => [file.table, file.rows])).toEqual([
      ['touches', 1],
      ['stages', 0],
      ['transactions', 0],
      ['credits', HEURISTIC_MODELS.length],
      ['daily', 0],
    ]);
    for (const file of manifest.files) expect(sha(join(directory, file.path))).toBe(file.sha256);

    const warehouse = await openWarehouse(directory);
    try {
      const types = { string: 'VARCHAR', int64: 'BIGINT', double: 'DOUBLE', timestamp: 'TIMESTAMP WITH TIME ZONE' };
      for (const table of WAREHOUSE_TABLE_NAMES) {
        // The first window had no change: its files are there all the same, with every column as declared.
        const empty = join(directory, filePath(table, 'acme', '2026-11-05T09:45:00.000Z', '2026-11-05T10:00:00.000Z'));
        const described = await warehouse.query(`DESCRIBE SELECT * FROM read_parquet('${empty}', hive_partitioning = false)`);
        expect(described.map((column) => [column.column_name, column.column_type])).toEqual(WAREHOUSE_TABLES[table].columns.map((column) => [column.name, types[column.type]]));
        expect(await warehouse.query(`SELECT count(*) AS n FROM read_parquet('${empty}', hive_partitioning = false)`)).toEqual([{ n: 0n }]);
      }
      const [touchRow] = await warehouse.query(`SELECT person, channel, campaign, occurred_at, tenant, day FROM touches_current WHERE tenant = 'acme'`);
      expect(touchRow).toEqual({
        person: loggedId({ cursorKey: HASH_KEY }, 'c:42'),
        channel: 'Paid Search',
        campaign: 'brand',
        occurred_at: new Date('2026-11-05T10:00:00.000Z'),
        tenant: 'acme',
        day: '2026-11-05',
      });
      expect(JSON.stringify(await warehouse.query('SELECT * FROM touches'), (_name, value) => (typeof value === 'bigint' ? String(value) : value))).not.toContain('c:42');
    } finally {
      warehouse.close();
    }
  });

  it('gives the same bytes when a window is written again, and a run that failed half-way is written again whole: nothing lost, nothing doubled', async () => {
    const store = new MemoryWarehouseStore();
    await record(store, '2026-11-05T10:01:00.000Z', [
      { entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Email') },
      { entity: 'touch', op: 'upsert', touch: touch('t2', '2026-11-05T10:00:30.000Z', 'Paid Social') },
    ]);
    await record(store, '2026-11-05T10:20:00.000Z', [attribution(1, 1000, [{ touchId: 't2', channel: 'Paid Social', amount: 1000 }])]);
    const now = new Date('2026-11-05T10:40:00.000Z');

    const first = folder();
    await exportTenant({ changes: store, watermarks: store, files: new FolderFiles(first) }, TENANT, now, SETTINGS);

    // A second run from scratch, whose files fail after the third: the watermark stays, and the run after writes the window again whole.
    const again = new MemoryWarehouseStore();
    for (const [tenantId, entries] of store.logged) await again.append(tenantId, entries);
    const second = folder();
    let puts = 0;
    const folderFiles = new FolderFiles(second);
    const failing: WarehouseFiles = {
      get: (path) => folderFiles.get(path),
      list: (prefix) => folderFiles.list(prefix),
      put: async (path, body) => {
        puts += 1;
        if (puts === 8) throw new Error('The connection was reset');
        await folderFiles.put(path, body);
      },
    };
    const deps = (files: WarehouseFiles): WarehouseExportDeps => ({ changes: again, watermarks: again, files });
    await expect(exportTenant(deps(failing), TENANT, now, SETTINGS)).rejects.toThrow('reset');
    expect(again.watermarks.get('acme')).toBe('2026-11-05T10:00:00.000Z');
    await exportTenant(deps(new FolderFiles(second)), TENANT, now, SETTINGS);

    for (const start of ['2026-11-05T09:45:00.000Z', '2026-11-05T10:00:00.000Z', '2026-11-05T10:15:00.000Z']) {
      const end = new Date(Date.parse(start) + 15 * 60_000).toISOString();
      for (const table of WAREHOUSE_TABLE_NAMES) expect(sha(join(second, filePath(table, 'acme', start, end))), `${table} ${start}`).toBe(sha(join(first, filePath(table, 'acme', start, end))));
      expect(readFileSync(join(second, manifestPath('acme', start, end)), 'utf8')).toBe(readFileSync(join(first, manifestPath('acme', start, end)), 'utf8'));
    }
    const warehouse = await openWarehouse(second);
    try {
      expect(await warehouse.query(`SELECT count(*) AS n FROM touches WHERE tenant = 'acme'`)).toEqual([{ n: 2n }]);
    } finally {
      warehouse.close();
    }
  });

  it('keeps only a re-attributed order’s new credit set in credits_current, once even when the change was recorded twice; each model sums to the revenue', async () => {
    const store = new MemoryWarehouseStore();
    const directory = folder();
    await record(store, '2026-11-05T10:01:00.000Z', [attribution(1, 8500, [{ touchId: 't1', channel: 'Email', amount: 8500 }])]);
    // A late touch: the order's attribution at version 2 splits it, and a retried stream batch records that change twice.
    const late = attribution(2, 8500, [
      { touchId: 't0', channel: 'Paid Search', amount: 4250 },
      { touchId: 't1', channel: 'Email', amount: 4000 },
    ]);
    await record(store, '2026-11-05T10:31:00.000Z', [late]);
    await record(store, '2026-11-05T10:47:00.000Z', [late]);
    await exportTenant({ changes: store, watermarks: store, files: new FolderFiles(directory) }, TENANT, new Date('2026-11-05T11:10:00.000Z'), SETTINGS);

    const warehouse = await openWarehouse(directory);
    try {
      const current = await warehouse.query(`SELECT model, touch_id, channel, credit_minor, version FROM credits_current WHERE tenant = 'acme' AND model = 'linear' ORDER BY channel`);
      expect(current).toEqual([
        { model: 'linear', touch_id: null, channel: '(none)', credit_minor: 250n, version: 2n },
        { model: 'linear', touch_id: 't1', channel: 'Email', credit_minor: 4000n, version: 2n },
        { model: 'linear', touch_id: 't0', channel: 'Paid Search', credit_minor: 4250n, version: 2n },
      ]);
      const sums = await warehouse.query(`SELECT model, CAST(sum(credit_minor) AS BIGINT) AS credited FROM credits_current WHERE tenant = 'acme' GROUP BY model ORDER BY model`);
      expect(sums).toEqual([...HEURISTIC_MODELS].sort().map((model) => ({ model, credited: 8500n })));
      expect(await warehouse.query(`SELECT count(*) AS n FROM credits WHERE tenant = 'acme' AND version = 1`)).toEqual([{ n: BigInt(HEURISTIC_MODELS.length) }]);
    } finally {
      warehouse.close();
    }
  });

  it('writes the files holding an erased person again without them, once the export has caught up with the erasure, and the erasure log says when', async () => {
    const store = new MemoryWarehouseStore();
    const table = new MemoryTable();
    const erasures = new MemoryErasureLog(table);
    const files = new FolderFiles(folder());
    const other: Touch = { ...touch('t2', '2026-11-05T10:01:00.000Z', 'Email'), identifiers: ['c:7'] };
    await record(store, '2026-11-05T10:02:00.000Z', [
      { entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Paid Search') },
      { entity: 'touch', op: 'upsert', touch: other },
    ]);
    const erased = loggedId({ cursorKey: HASH_KEY }, 'c:42');
    const deps = { changes: store, watermarks: store, files, erasures, tenants: ACME };
    await exportAll(deps, new Date('2026-11-05T10:36:00.000Z'), SETTINGS);
    await logErasure(erasures, '2026-11-05T10:40:00.000Z', { touches: 1 });
    // The erasure removed the touch: its delete row names no one.
    await record(store, '2026-11-05T10:40:00.000Z', [{ entity: 'touch', op: 'delete', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Paid Search') }]);

    // 10:41: the export is through 10:30, before the erasure: it waits (the person's rows may still be in windows to come).
    const early = await exportAll(deps, new Date('2026-11-05T10:41:00.000Z'), SETTINGS);
    expect(early.exported[0]!.erased).toEqual({ erasures: 0, files: 0, unfinished: false });
    const holding = async () => {
      const warehouse = await openWarehouse(files.directory);
      try {
        return (await warehouse.query(`SELECT touch_id, person, op FROM touches WHERE tenant = 'acme' ORDER BY touch_id, op`)).map((row) => [
          row.touch_id,
          row.person === erased ? 'erased' : row.person === '' ? 'no one' : 'other',
          row.op,
        ]);
      } finally {
        warehouse.close();
      }
    };
    expect(await holding()).toEqual([
      ['t1', 'erased', 'upsert'],
      ['t2', 'other', 'upsert'],
    ]);

    const caughtUp = await exportAll(deps, new Date('2026-11-05T11:00:00.000Z'), SETTINGS);
    expect(caughtUp.exported[0]!.erased).toEqual({ erasures: 1, files: 1, unfinished: false });
    expect(await holding()).toEqual([
      ['t1', 'no one', 'delete'],
      ['t2', 'other', 'upsert'],
    ]);
    const listed = await files.list('v1/');
    for (const path of listed.filter((name) => name.endsWith('.parquet'))) expect(Buffer.from(await files.get(path)).includes(erased)).toBe(false);
    // The window's manifest names the file as it is now.
    const manifest = JSON.parse(readFileSync(join(files.directory, manifestPath('acme', '2026-11-05T10:00:00.000Z', '2026-11-05T10:15:00.000Z')), 'utf8'));
    const touches = manifest.files.find((file: { table: string }) => file.table === 'touches');
    expect(touches.rows).toBe(1);
    expect(sha(join(files.directory, touches.path))).toBe(touches.sha256);
    expect((await erasures.list('acme', 10)).entries[0]!.warehouse).toEqual({ rewrittenAt: '2026-11-05T11:00:00.000Z', files: 1 });
    // Applied once: the next run finds nothing to do.
    expect((await exportAll(deps, new Date('2026-11-05T11:20:00.000Z'), SETTINGS)).exported[0]!.erased).toEqual({ erasures: 0, files: 0, unfinished: false });
  });

  it('keeps a late record of an erased person’s past out of every file written after, and keeps the id’s records dated after the erasure: a new person', async () => {
    const store = new MemoryWarehouseStore();
    const erasures = new MemoryErasureLog(new MemoryTable());
    const files = new FolderFiles(folder());
    const erased = loggedId({ cursorKey: HASH_KEY }, 'c:42');
    await record(store, '2026-11-05T10:02:00.000Z', [{ entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Paid Search') }]);
    const deps = { changes: store, watermarks: store, files, erasures, tenants: ACME };
    await exportAll(deps, new Date('2026-11-05T10:21:00.000Z'), SETTINGS);
    await logErasure(erasures, '2026-11-05T10:22:00.000Z', { touches: 1 });
    await record(store, '2026-11-05T10:22:00.000Z', [{ entity: 'touch', op: 'delete', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Paid Search') }]);
    expect((await exportAll(deps, new Date('2026-11-05T10:36:00.000Z'), SETTINGS)).exported[0]!.erased).toEqual({ erasures: 1, files: 1, unfinished: false });

    // After the rewrite: a retried batch brings a touch of the erased past (dated 10:05), and the id comes back (dated 10:30).
    await record(store, '2026-11-05T10:31:00.000Z', [
      { entity: 'touch', op: 'upsert', touch: touch('t-late', '2026-11-05T10:05:00.000Z', 'Email') },
      { entity: 'touch', op: 'upsert', touch: touch('t-back', '2026-11-05T10:30:00.000Z', 'Direct') },
    ]);
    await record(store, '2026-11-05T10:32:00.000Z', [
      { entity: 'stage', op: 'upsert', stage: { stageId: 's-late', identifiers: ['c:42'], stage: 'lead', occurredAt: '2026-11-05T10:10:00.000Z', contentHash: 'h' } },
    ]);
    await exportAll(deps, new Date('2026-11-05T10:51:00.000Z'), SETTINGS);
    const warehouse = await openWarehouse(files.directory);
    try {
      expect(await warehouse.query(`SELECT touch_id, person = '${erased}' AS named, op FROM touches WHERE tenant = 'acme' ORDER BY updated_at, touch_id`)).toEqual([
        { touch_id: 't1', named: false, op: 'delete' },
        { touch_id: 't-back', named: true, op: 'upsert' },
      ]);
      expect(await warehouse.query(`SELECT count(*) AS n FROM stages WHERE tenant = 'acme'`)).toEqual([{ n: 0n }]);
    } finally {
      warehouse.close();
    }
    // Only the file of the id's new records names it.
    const naming = [];
    for (const path of (await files.list('v1/')).filter((name) => name.endsWith('.parquet'))) if (Buffer.from(await files.get(path)).includes(erased)) naming.push(path);
    expect(naming).toEqual([filePath('touches', 'acme', '2026-11-05T10:30:00.000Z', '2026-11-05T10:45:00.000Z')]);
  });

  it('goes on with an erasure pass that ran out of time in the next run, from the last files it went through, and defers tenants it has no time to start', async () => {
    const store = new MemoryWarehouseStore();
    const erasures = new MemoryErasureLog(new MemoryTable());
    const files = new FolderFiles(folder());
    const erased = loggedId({ cursorKey: HASH_KEY }, 'c:42');
    // The person's touches in four windows: four files to write again.
    for (const [i, at] of ['2026-11-05T10:01:00.000Z', '2026-11-05T10:16:00.000Z', '2026-11-05T10:31:00.000Z', '2026-11-05T10:46:00.000Z'].entries()) {
      await record(store, at, [{ entity: 'touch', op: 'upsert', touch: touch(`t${i}`, at, 'Email') }]);
    }
    let checks = 0;
    let budget = Number.POSITIVE_INFINITY;
    const deps = {
      changes: store,
      watermarks: store,
      files,
      erasures,
      tenants: ACME,
      timeLeft: () => (checks++ < budget ? 10 * 60_000 : 0),
    };
    await exportAll(deps, new Date('2026-11-05T11:06:00.000Z'), SETTINGS);
    await logErasure(erasures, '2026-11-05T11:07:00.000Z', { touches: 4 });
    // Files go in path order, eight at a time: the stages files of the windows written by then, then their touches files.
    // Time for the tenant, its one window due (11:00) and the first eight files (the 09:45 and 10:00 touches files
    // the last two, the person in the second): the pass saves where it stands.
    checks = 0;
    budget = 3;
    const first = await exportAll(deps, new Date('2026-11-05T11:21:00.000Z'), SETTINGS);
    expect(first.exported[0]!.erased).toEqual({ erasures: 0, files: 1, unfinished: true });
    expect(store.passes.get('acme')).toEqual({ erasureIds: ['er_1'], after: filePath('touches', 'acme', '2026-11-05T10:00:00.000Z', '2026-11-05T10:15:00.000Z'), files: 1 });
    expect((await erasures.list('acme', 10)).entries[0]!.warehouse).toBeUndefined();

    // No time to start a tenant: it is deferred, its watermark stays.
    checks = 0;
    budget = 0;
    expect(await exportAll(deps, new Date('2026-11-05T11:36:00.000Z'), SETTINGS)).toEqual({ exported: [], deferred: ['acme'] });
    expect(store.watermarks.get('acme')).toBe('2026-11-05T11:15:00.000Z');

    // The next run goes on after it and finishes: the log counts the pass's four files.
    budget = Number.POSITIVE_INFINITY;
    const next = await exportAll(deps, new Date('2026-11-05T11:36:00.000Z'), SETTINGS);
    expect(next.exported[0]!.erased).toEqual({ erasures: 1, files: 3, unfinished: false });
    expect(store.passes.has('acme')).toBe(false);
    expect((await erasures.list('acme', 10)).entries[0]!.warehouse).toEqual({ rewrittenAt: '2026-11-05T11:36:00.000Z', files: 4 });
    for (const path of (await files.list('v1/')).filter((name) => name.endsWith('.parquet'))) expect(Buffer.from(await files.get(path)).includes(erased)).toBe(false);
  });

  it('leaves every manifest naming its files as they are when a file of the pass fails, and the next run finishes the pass', async () => {
    const store = new MemoryWarehouseStore();
    const erasures = new MemoryErasureLog(new MemoryTable());
    const folderFiles = new FolderFiles(folder());
    let failing: string | undefined;
    const files: WarehouseFiles = {
      get: (path) => folderFiles.get(path),
      list: (prefix) => folderFiles.list(prefix),
      put: async (path, body) => {
        if (path === failing) {
          failing = undefined;
          throw new Error('The connection was reset');
        }
        await folderFiles.put(path, body);
      },
    };
    const erased = loggedId({ cursorKey: HASH_KEY }, 'c:42');
    // The person in a touches and a stages file of one window: both in the pass's first few files.
    await record(store, '2026-11-05T10:01:00.000Z', [
      { entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Email') },
      { entity: 'touch', op: 'upsert', touch: { ...touch('t2', '2026-11-05T10:00:00.000Z', 'Email'), identifiers: ['c:7'] } },
      { entity: 'stage', op: 'upsert', stage: { stageId: 's1', identifiers: ['c:42'], stage: 'lead', occurredAt: '2026-11-05T10:00:30.000Z', contentHash: 'h' } },
    ]);
    await record(store, '2026-11-05T10:16:00.000Z', [{ entity: 'touch', op: 'upsert', touch: touch('t3', '2026-11-05T10:15:00.000Z', 'Email') }]);
    const deps = { changes: store, watermarks: store, files, erasures, tenants: ACME };
    await exportAll(deps, new Date('2026-11-05T10:36:00.000Z'), SETTINGS);
    await logErasure(erasures, '2026-11-05T10:37:00.000Z', { touches: 2, stages: 1 });

    // The 10:15 touches file fails: the run fails, the stages and 10:00 touches files are rewritten, and their manifest says so.
    failing = filePath('touches', 'acme', '2026-11-05T10:15:00.000Z', '2026-11-05T10:30:00.000Z');
    await expect(exportAll(deps, new Date('2026-11-05T10:51:00.000Z'), SETTINGS)).rejects.toThrow('reset');
    const consistent = async () => {
      for (const path of (await folderFiles.list('v1/_manifests/')).filter((name) => name.endsWith('.json'))) {
        for (const file of JSON.parse(Buffer.from(await folderFiles.get(path)).toString('utf8')).files) expect(sha(join(folderFiles.directory, file.path)), file.path).toBe(file.sha256);
      }
    };
    await consistent();
    expect((await erasures.list('acme', 10)).entries[0]!.warehouse).toBeUndefined();

    const next = await exportAll(deps, new Date('2026-11-05T10:51:00.000Z'), SETTINGS);
    expect(next.exported[0]!.erased).toEqual({ erasures: 1, files: 1, unfinished: false });
    await consistent();
    expect((await erasures.list('acme', 10)).entries[0]!.warehouse).toEqual({ rewrittenAt: '2026-11-05T10:51:00.000Z', files: 1 });
    for (const path of (await folderFiles.list('v1/')).filter((name) => name.endsWith('.parquet'))) expect(Buffer.from(await folderFiles.get(path)).includes(erased)).toBe(false);
  });

  it('writes the other tenants’ windows when one tenant’s fail, and says which failed', async () => {
    const store = new MemoryWarehouseStore();
    const files = new FolderFiles(folder());
    await record(store, '2026-11-05T10:01:00.000Z', [{ entity: 'touch', op: 'upsert', touch: touch('t1', '2026-11-05T10:00:00.000Z', 'Email') }]);
    const tenants = {
      listTenantIds: async () => ['broken', 'acme'],
      getTenant: async (tenantId: string) => {
        if (tenantId === 'broken') throw new Error('Throttled');
        return TENANT;
      },
    };
    const run = exportAll({ changes: store, watermarks: store, files, erasures: new MemoryErasureLog(new MemoryTable()), tenants }, new Date('2026-11-05T10:36:00.000Z'), SETTINGS);
    const error = (await run.catch((caught: unknown) => caught)) as WarehouseExportError;
    expect(error).toBeInstanceOf(WarehouseExportError);
    expect(error.failed.map((one) => [one.tenantId, one.error.message])).toEqual([['broken', 'Throttled']]);
    expect(error.exported.map((one) => [one.tenantId, one.through])).toEqual([['acme', '2026-11-05T10:30:00.000Z']]);
    expect(store.watermarks.get('acme')).toBe('2026-11-05T10:30:00.000Z');
  });
});
