import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import type { ErasureLog } from '../privacy/erasure.ts';
import type { Manifest } from './export.ts';
import { encodeParquet } from './parquet.ts';
import type { ExportWatermarks, WarehouseFiles } from './ports.ts';
import { WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES, type WarehouseRow, type WarehouseTableName } from './tables.ts';

/**
 * An erasure reaches the warehouse (docs/warehouse.md): the files holding
 * an erased person are written again without their rows, and the erasure
 * log says when. Only `touches` and `stages` name a person (`person`, the
 * erasure log's keyed hash of an id); transactions and credits name no one.
 *
 * Whose rows an erasure takes out is the rule of the erasure itself
 * (shared/privacy/erasure.ts): the id's records dated up to the erasure
 * are the erased person's, wherever and whenever they were recorded (a
 * late batch, a retried webhook); those dated after it are a new person's
 * and stay. The same rule keeps them out of every window written later
 * (`writeWindow`), so a late record of the erased past never reaches a
 * file, and a file written again after an erasure is byte for byte the
 * file the rewrite left.
 *
 * An erasure is taken up once the export has written every window up to it
 * (its watermark is past `erasedAt`). Every pending erasure of a tenant is
 * applied in one pass over its touches and stages files.
 */

/** The tables whose rows name a person: those an erasure rewrites. */
export const PERSON_TABLES: readonly WarehouseTableName[] = WAREHOUSE_TABLE_NAMES.filter((table) => WAREHOUSE_TABLES[table].columns.some((column) => column.name === 'person'));

/** Each erased id (the log's keyed hash) with when it was last erased (`ErasureLog.erasedIds`). */
export type ErasedIds = ReadonlyMap<string, string>;

/** Whether a row is of an erased person's past: it names an erased id and is dated up to its erasure. */
export function ofErasedPast(row: WarehouseRow, erased: ErasedIds): boolean {
  const erasedAt = erased.get(String(row.person));
  return erasedAt !== undefined && Date.parse(String(row.occurred_at)) <= Date.parse(erasedAt);
}

/** A row as read back from a file, in the exporter's terms (instants as ISO strings, integers as numbers). */
function rowOf(read: Record<string, unknown>): WarehouseRow {
  return Object.fromEntries(
    Object.entries(read).map(([name, value]) => [name, value instanceof Date ? value.toISOString() : typeof value === 'bigint' ? Number(value) : (value as string | number | null)]),
  );
}

/** `…/part-<start>-<end>.parquet` → its window's manifest, `v1/_manifests/tenant=<id>/day=<day>/window-<start>-<end>.json`. */
function manifestOf(path: string, tenantId: string): string {
  const match = /\/day=([^/]+)\/part-([^/]+)\.parquet$/.exec(path);
  if (!match) throw new Error(`Not a warehouse file: ${path}`);
  return `v1/_manifests/tenant=${tenantId}/day=${match[1]}/window-${match[2]}.json`;
}

export interface WarehouseErasureDeps {
  files: WarehouseFiles;
  watermarks: Pick<ExportWatermarks, 'get'>;
  erasures: Pick<ErasureLog, 'erasedIds' | 'awaitingWarehouse' | 'recordWarehouse'>;
}

/** Applies the tenant's pending erasures to its files; resolves to the erasures applied and the files written again. */
export async function eraseFromWarehouse(deps: WarehouseErasureDeps, tenantId: string, now: Date = new Date()): Promise<{ erasures: number; files: number }> {
  const through = await deps.watermarks.get(tenantId);
  if (!through) return { erasures: 0, files: 0 };
  const pending = await deps.erasures.awaitingWarehouse(tenantId, through);
  if (pending.length === 0) return { erasures: 0, files: 0 };
  // Every erasure's rule, not only the pending ones': the files left are the files `writeWindow` writes now.
  const erased = await deps.erasures.erasedIds(tenantId);
  const rewritten = new Map<string, Array<{ path: string; rows: number; bytes: number; sha256: string }>>();
  for (const table of PERSON_TABLES) {
    for (const path of await deps.files.list(`v1/${table}/tenant=${tenantId}/`)) {
      if (!path.endsWith('.parquet')) continue;
      const body = await deps.files.get(path);
      const rows = (await parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer })).map(rowOf);
      const kept = rows.filter((row) => !ofErasedPast(row, erased));
      if (kept.length === rows.length) continue;
      const encoded = await encodeParquet(table, [kept]);
      await deps.files.put(path, encoded.body, 'application/vnd.apache.parquet');
      const manifest = manifestOf(path, tenantId);
      rewritten.set(manifest, [...(rewritten.get(manifest) ?? []), { path, rows: encoded.rows, bytes: encoded.body.byteLength, sha256: createHash('sha256').update(encoded.body).digest('hex') }]);
    }
  }
  // Each window's manifest names its files as they are now.
  for (const [path, files] of rewritten) {
    const manifest = JSON.parse(new TextDecoder().decode(await deps.files.get(path))) as Manifest;
    const updated: Manifest = { ...manifest, files: manifest.files.map((file) => ({ ...file, ...files.find((written) => written.path === file.path) })) };
    await deps.files.put(path, new TextEncoder().encode(`${JSON.stringify(updated, null, 2)}\n`), 'application/json');
  }
  const files = [...rewritten.values()].reduce((sum, written) => sum + written.length, 0);
  for (const entry of pending) await deps.erasures.recordWarehouse(tenantId, entry, { rewrittenAt: now.toISOString(), files });
  return { erasures: pending.length, files };
}
