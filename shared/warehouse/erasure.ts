import { createHash } from 'node:crypto';
import { parquetReadObjects } from 'hyparquet';
import { type ErasureLog, type ErasureLogEntry, erasedIdsOf } from '../privacy/erasure.ts';
import type { Manifest, ManifestFile } from './export.ts';
import { encodeParquet } from './parquet.ts';
import type { ErasurePass, ErasurePasses, WarehouseFiles } from './ports.ts';
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

/** Each erased id (the log's keyed hash) with when it was last erased (`erasedIdsOf` the erasure log). */
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
  watermarks: ErasurePasses;
  erasures: Pick<ErasureLog, 'recordWarehouse'>;
  /** Milliseconds the run has left (Lambda's remaining time); a pass stops `RUN_MARGIN_MS` before, and the next run goes on. */
  timeLeft?: () => number;
}

/** Time a run leaves itself to finish: it starts no window, tenant or few files of an erasure pass with less left. */
export const RUN_MARGIN_MS = 60_000;

/** Files a pass reads and writes at once. */
export const ERASURE_FILES_AT_ONCE = 8;

export interface ErasureOutcome {
  /** Erasures the pass finished (their log entries now say so). */
  erasures: number;
  /** Files this run wrote again. */
  files: number;
  /** The pass ran out of time: the next run goes on after the last file it went through. */
  unfinished: boolean;
}

/**
 * Applies the tenant's pending erasures to its files, a few at a time in
 * path order. A pass covers the erasures pending when it began, and saves
 * the last file it went through after each few: one that runs out of time
 * (or is stopped) is gone on with by the next run from there (erasures
 * logged meanwhile wait for the pass after). A file written again and its
 * manifest are two writes: the first few files of every run's pass are
 * checked against their manifests, so a manifest left behind by a stopped
 * run is put right.
 */
export async function eraseFromWarehouse(
  deps: WarehouseErasureDeps,
  tenantId: string,
  /** The tenant's erasure log (`ErasureLog.all`) and where its export stands, as the run read them. */
  log: readonly ErasureLogEntry[],
  through: string,
  now: Date = new Date(),
): Promise<ErasureOutcome> {
  const idle = { erasures: 0, files: 0, unfinished: false };
  // Those the export has written every window up to, and the warehouse not yet rewritten its files for.
  const pending = log.filter((entry) => !entry.warehouse && entry.erasedAt < through);
  const saved = await deps.watermarks.erasurePass(tenantId);
  if (pending.length === 0) {
    if (saved) await deps.watermarks.saveErasurePass(tenantId, undefined);
    return idle;
  }
  const resumable = saved !== undefined && saved.erasureIds.every((erasureId) => pending.some((entry) => entry.erasureId === erasureId));
  const pass: ErasurePass = resumable ? saved : { erasureIds: pending.map((entry) => entry.erasureId), after: '', files: 0 };
  // Every erasure's rule, not only the pass's: the files left are the files `writeWindow` writes now.
  const erased = erasedIdsOf(log);
  const paths = (await Promise.all(PERSON_TABLES.map((table) => deps.files.list(`v1/${table}/tenant=${tenantId}/`))))
    .flat()
    .filter((path) => path.endsWith('.parquet') && path > pass.after)
    .sort();
  let written = 0;
  // A few files at a time: on S3 each is a GET and a PUT, and their latency, not the work, is what a pass waits on.
  for (let start = 0; start < paths.length; start += ERASURE_FILES_AT_ONCE) {
    if ((deps.timeLeft?.() ?? Number.POSITIVE_INFINITY) < RUN_MARGIN_MS) return { erasures: 0, files: written, unfinished: true };
    const chunk = paths.slice(start, start + ERASURE_FILES_AT_ONCE);
    const outcomes = await Promise.allSettled(chunk.map((path) => rewriteWithout(deps.files, path, erased, start === 0)));
    // Each window's manifest names its files as they are now, those of a chunk whose other files failed too: one after
    // the other, as two files of a window may share a chunk.
    let rewritten = 0;
    for (const outcome of outcomes) {
      if (outcome.status !== 'fulfilled' || !outcome.value) continue;
      await updateManifest(deps.files, tenantId, outcome.value.file);
      if (outcome.value.rewritten) rewritten += 1;
    }
    const failed = outcomes.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
    written += rewritten;
    pass.files += rewritten;
    pass.after = chunk[chunk.length - 1]!;
    if (start + ERASURE_FILES_AT_ONCE < paths.length) await deps.watermarks.saveErasurePass(tenantId, pass);
  }
  const finished = pending.filter((entry) => pass.erasureIds.includes(entry.erasureId));
  for (const entry of finished) await deps.erasures.recordWarehouse(tenantId, entry, { rewrittenAt: now.toISOString(), files: pass.files });
  if (saved || paths.length > ERASURE_FILES_AT_ONCE) await deps.watermarks.saveErasurePass(tenantId, undefined);
  return { erasures: finished.length, files: written, unfinished: false };
}

/**
 * Writes a file again without the rows of erased pasts. Resolves to the
 * file as it now is when it was written again, or, with `check`, as it is
 * when it held nothing to take out (for its manifest to be checked);
 * otherwise to undefined.
 */
async function rewriteWithout(files: WarehouseFiles, path: string, erased: ErasedIds, check: boolean): Promise<{ file: Omit<ManifestFile, 'table'>; rewritten: boolean } | undefined> {
  const table = PERSON_TABLES.find((name) => path.startsWith(`v1/${name}/`))!;
  const body = await files.get(path);
  const rows = (await parquetReadObjects({ file: body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength) as ArrayBuffer })).map(rowOf);
  const kept = rows.filter((row) => !ofErasedPast(row, erased));
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
  if (kept.length === rows.length) return check ? { file: { path, rows: rows.length, bytes: body.byteLength, sha256: sha256(body) }, rewritten: false } : undefined;
  const encoded = await encodeParquet(table, [kept]);
  await files.put(path, encoded.body, 'application/vnd.apache.parquet');
  return { file: { path, rows: encoded.rows, bytes: encoded.body.byteLength, sha256: sha256(encoded.body) }, rewritten: true };
}

/** Makes the file's window's manifest name it as it is (unless it already does). */
async function updateManifest(files: WarehouseFiles, tenantId: string, written: Omit<ManifestFile, 'table'>): Promise<void> {
  const path = manifestOf(written.path, tenantId);
  const manifest = JSON.parse(new TextDecoder().decode(await files.get(path))) as Manifest;
  const entry = manifest.files.find((file) => file.path === written.path);
  if (entry && entry.sha256 === written.sha256 && entry.rows === written.rows && entry.bytes === written.bytes) return;
  const updated: Manifest = { ...manifest, files: manifest.files.map((file) => (file.path === written.path ? { ...file, ...written } : file)) };
  await files.put(path, new TextEncoder().encode(`${JSON.stringify(updated, null, 2)}\n`), 'application/json');
}
