import { createHash } from 'node:crypto';
import { type ErasureLog, erasedIdsOf } from '../privacy/erasure.ts';
import { type ErasedIds, type ErasureOutcome, eraseFromWarehouse, ofErasedPast, PERSON_TABLES, RUN_MARGIN_MS, type WarehouseErasureDeps } from './erasure.ts';
import { encodeParquet } from './parquet.ts';
import type { ChangeLog, DailyFigures, ExportWatermarks, WarehouseFiles } from './ports.ts';
import { CHANGE_LOG_DAYS } from './settings.ts';
import { LOGGED_TABLE_NAMES, WAREHOUSE_SCHEMA_VERSION, type WarehouseRow, type WarehouseTableName } from './tables.ts';

/**
 * The warehouse export (docs/warehouse.md): every `intervalMinutes`, what
 * changed in each window since the tenant's watermark, one Parquet file per
 * table and window, and a manifest. A window is written only once it lies
 * `lagMinutes` in the past (the change log is complete by then), and it is
 * made only of its changes, so writing it again gives the same bytes under
 * the same names: a run that fails half-way is written again whole, and
 * nothing is lost or doubled. The watermark moves by a conditional write
 * after each window, so two runs never both write past it.
 */

export interface WarehouseExportSettings {
  intervalMinutes: number;
  lagMinutes: number;
  /** Windows one run writes at most per tenant (a tenant far behind catches up over several runs). */
  maxWindows: number;
}

export interface WarehouseExportDeps {
  changes: ChangeLog;
  watermarks: ExportWatermarks;
  files: WarehouseFiles;
  /** The `daily` rows of the days a window changed (`daily.ts`); without it, `daily` files are empty. */
  daily?: DailyFigures;
  /** Milliseconds the run has left (Lambda's remaining time): no window is started with less than `RUN_MARGIN_MS`. */
  timeLeft?: () => number;
}

export interface ManifestFile {
  table: WarehouseTableName;
  path: string;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface Manifest {
  tenantId: string;
  window: { start: string; end: string };
  schemaVersion: number;
  files: ManifestFile[];
}

const MINUTE = 60_000;

/** The start of the window `instant` falls in. */
export function windowStart(instant: string, intervalMinutes: number): string {
  const size = intervalMinutes * MINUTE;
  return new Date(Math.floor(Date.parse(instant) / size) * size).toISOString();
}

/** `2026-11-05T10:15:00.000Z` → `20261105T1015Z`: a window's bound in a file name. */
const compact = (instant: string) => `${instant.slice(0, 4)}${instant.slice(5, 7)}${instant.slice(8, 10)}T${instant.slice(11, 13)}${instant.slice(14, 16)}Z`;

export function filePath(table: WarehouseTableName, tenantId: string, start: string, end: string): string {
  return `v1/${table}/tenant=${tenantId}/day=${start.slice(0, 10)}/part-${compact(start)}-${compact(end)}.parquet`;
}

export function manifestPath(tenantId: string, start: string, end: string): string {
  return `v1/_manifests/tenant=${tenantId}/day=${start.slice(0, 10)}/window-${compact(start)}-${compact(end)}.json`;
}

/**
 * One window of one tenant: every table's file (an empty one still has its
 * schema), then the manifest naming them. The change log's tables first;
 * then `daily`, the figures of the days the window changed (its
 * transactions' and credits' days, and the days whose rollup cells or spend
 * lines changed in it), as the rollups have them when the window is written
 * (under the window's end as version).
 */
export async function writeWindow(deps: Pick<WarehouseExportDeps, 'changes' | 'files' | 'daily'>, tenantId: string, start: string, end: string, erased: ErasedIds = new Map()): Promise<Manifest> {
  const files: ManifestFile[] = [];
  const days = new Set<string>();
  const write = async (table: WarehouseTableName, pages: AsyncIterable<readonly WarehouseRow[]> | Iterable<readonly WarehouseRow[]>) => {
    const { body, rows } = await encodeParquet(table, pages);
    const path = filePath(table, tenantId, start, end);
    await deps.files.put(path, body, 'application/vnd.apache.parquet');
    files.push({ table, path, rows, bytes: body.byteLength, sha256: createHash('sha256').update(body).digest('hex') });
  };
  for (const table of LOGGED_TABLE_NAMES) {
    const pages = deps.changes.between(tenantId, table, start, end);
    const naming = PERSON_TABLES.includes(table) && erased.size > 0;
    const dated = table === 'transactions' || table === 'credits';
    await write(
      table,
      naming || dated
        ? (async function* () {
            for await (const page of pages) {
              if (dated) for (const row of page) days.add(String(row.local_day));
              // A late record of an erased person's past is never written (erasure.ts).
              yield naming ? page.filter((row) => !ofErasedPast(row, erased)) : page;
            }
          })()
        : pages,
    );
  }
  for await (const page of deps.changes.between(tenantId, 'daily', start, end)) for (const row of page) days.add(String(row.local_day));
  await write('daily', [(await deps.daily?.(tenantId, [...days], { version: Date.parse(end), changedAt: end })) ?? []]);
  const manifest: Manifest = { tenantId, window: { start, end }, schemaVersion: WAREHOUSE_SCHEMA_VERSION, files };
  await deps.files.put(manifestPath(tenantId, start, end), new TextEncoder().encode(`${JSON.stringify(manifest, null, 2)}\n`), 'application/json');
  return manifest;
}

export interface TenantExport {
  tenantId: string;
  windows: Manifest[];
  /** The watermark after the run. */
  through: string;
  /** Another run moved the watermark first: this one stopped. */
  overtaken: boolean;
}

/**
 * Writes a tenant's windows from its watermark to the last window that
 * ended `lagMinutes` ago, at most `maxWindows` of them. At first the
 * watermark is the window of the tenant's creation, or the oldest window the
 * change log still holds (`CHANGE_LOG_DAYS`) if that is later.
 */
export async function exportTenant(
  deps: WarehouseExportDeps,
  tenant: { tenantId: string; createdAt: string },
  now: Date,
  settings: WarehouseExportSettings,
  /** Every erasure of the tenant's: its rows of erased pasts are left out (`writeWindow`). */
  erased: ErasedIds = new Map(),
): Promise<TenantExport> {
  const size = settings.intervalMinutes * MINUTE;
  const limit = windowStart(new Date(now.getTime() - settings.lagMinutes * MINUTE).toISOString(), settings.intervalMinutes);
  const stored = await deps.watermarks.get(tenant.tenantId);
  const oldestKept = new Date(now.getTime() - CHANGE_LOG_DAYS * 86_400_000).toISOString();
  let through = stored ?? windowStart(tenant.createdAt > oldestKept ? tenant.createdAt : oldestKept, settings.intervalMinutes);
  let expected = stored;
  const windows: Manifest[] = [];
  while (through < limit && windows.length < settings.maxWindows && (deps.timeLeft?.() ?? Number.POSITIVE_INFINITY) >= RUN_MARGIN_MS) {
    const end = new Date(Date.parse(through) + size).toISOString();
    windows.push(await writeWindow(deps, tenant.tenantId, through, end, erased));
    if (!(await deps.watermarks.move(tenant.tenantId, expected, end))) return { tenantId: tenant.tenantId, windows, through, overtaken: true };
    expected = end;
    through = end;
  }
  return { tenantId: tenant.tenantId, windows, through, overtaken: false };
}

/** A tenant's part of a run: its windows, then its erasures. */
export type TenantRun = TenantExport & { erased: ErasureOutcome };

/**
 * The schedule's run: every tenant's windows that are due, tenants one after
 * the other, each from its own watermark; then the erasures the written
 * windows have caught up with are applied to the files (`erasure.ts`).
 * A run starts no tenant, window or few files of a pass once less than
 * `RUN_MARGIN_MS` is left (`timeLeft`): the tenants not started are
 * `deferred`, and the next run starts with the tenants furthest behind.
 */
export async function exportAll(
  deps: WarehouseExportDeps &
    Omit<WarehouseErasureDeps, 'erasures'> & {
      erasures: Pick<ErasureLog, 'all' | 'recordWarehouse'>;
      tenants: { listTenantIds(): Promise<string[]>; getTenant(tenantId: string): Promise<{ tenantId: string; createdAt: string } | undefined> };
    },
  now: Date,
  settings: WarehouseExportSettings,
): Promise<{ exported: TenantRun[]; deferred: string[] }> {
  const exported: TenantRun[] = [];
  const deferred: string[] = [];
  const failed: Array<{ tenantId: string; error: Error }> = [];
  // The tenants furthest behind first (never written before all): a tenant deferred by one run starts the next.
  const tenantIds = await deps.tenants.listTenantIds();
  const marks = new Map(await Promise.all(tenantIds.map(async (tenantId) => [tenantId, (await deps.watermarks.get(tenantId)) ?? ''] as const)));
  for (const tenantId of [...tenantIds].sort((a, b) => (marks.get(a)! < marks.get(b)! ? -1 : marks.get(a)! > marks.get(b)! ? 1 : 0))) {
    if ((deps.timeLeft?.() ?? Number.POSITIVE_INFINITY) < RUN_MARGIN_MS) {
      deferred.push(tenantId);
      continue;
    }
    // One tenant's failure waits for the next run (from its watermark) and does not hold up the tenants after it.
    try {
      const tenant = await deps.tenants.getTenant(tenantId);
      if (!tenant) continue;
      // The erasure log read once: the windows leave its erased pasts out, and its pending erasures are applied to the files.
      const log = await deps.erasures.all(tenantId);
      const written = await exportTenant(deps, tenant, now, settings, erasedIdsOf(log));
      exported.push({ ...written, erased: await eraseFromWarehouse(deps, tenantId, log, written.through, now) });
    } catch (error) {
      failed.push({ tenantId, error: error as Error });
    }
  }
  if (failed.length > 0) throw new WarehouseExportError(exported, failed);
  return { exported, deferred };
}

/** Some tenants' windows could not be written: the others' are (`exported`), and the next run tries the failed ones again. */
export class WarehouseExportError extends Error {
  constructor(
    readonly exported: readonly TenantRun[],
    readonly failed: ReadonlyArray<{ tenantId: string; error: Error }>,
  ) {
    super(`The warehouse export failed for ${failed.map((one) => `${one.tenantId} (${one.error.message})`).join(', ')}`);
  }
}

/** The settings of `config()`, for the schedule's runs. */
export const settingsOf = (config: { WAREHOUSE_INTERVAL_MINUTES: number; WAREHOUSE_LAG_MINUTES: number }): WarehouseExportSettings => ({
  intervalMinutes: config.WAREHOUSE_INTERVAL_MINUTES,
  lagMinutes: config.WAREHOUSE_LAG_MINUTES,
  maxWindows: 96,
});
