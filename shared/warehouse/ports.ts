import type { CHANGE_LOG_NAMES, WarehouseRow } from './tables.ts';

export type LoggedTableName = (typeof CHANGE_LOG_NAMES)[number];

/** Rows a change of a record became, as the change log keeps them (`changedAt` is when they were recorded). */
export interface LoggedRows {
  table: LoggedTableName;
  changedAt: string;
  rows: WarehouseRow[];
}

/**
 * The rows of every change, in the order they were recorded: a sparse index
 * by tenant, table and time, so a window's rows of a table are a range
 * query of its hour (never a Scan), read a page at a time. Written by the
 * table stream's consumer.
 */
export interface ChangeLog {
  append(tenantId: string, entries: readonly LoggedRows[]): Promise<void>;
  /** A table's rows recorded with `from <= changedAt < to` (UTC ISO), in the order they were recorded, a page at a time. */
  between(tenantId: string, table: LoggedTableName, from: string, to: string): AsyncIterable<WarehouseRow[]>;
}

/** A day's figures as `daily` rows (the report's, under every heuristic model): what the window's days are now. */
export type DailyFigures = (tenantId: string, days: readonly string[], change: { version: number; changedAt: string }) => Promise<WarehouseRow[]>;

/** Where each tenant's export stands: the end of the last window written whole. */
export interface ExportWatermarks {
  get(tenantId: string): Promise<string | undefined>;
  /** Moves it from `expected` (undefined: never set) to `to`; false when another run moved it first. */
  move(tenantId: string, expected: string | undefined, to: string): Promise<boolean>;
}

/**
 * An erasure pass that ran out of time: the erasures it applies, and the
 * last file it went through (files are taken in path order). The next run
 * goes on after it.
 */
export interface ErasurePass {
  erasureIds: string[];
  after: string;
  /** Files written again so far. */
  files: number;
}

export interface ErasurePasses {
  erasurePass(tenantId: string): Promise<ErasurePass | undefined>;
  /** Saves where the pass stands; undefined: it is done. */
  saveErasurePass(tenantId: string, pass: ErasurePass | undefined): Promise<void>;
}

/** The files: S3 on AWS, a folder locally. Paths are relative to the warehouse's prefix. */
export interface WarehouseFiles {
  put(path: string, body: Uint8Array, contentType: string): Promise<void>;
  get(path: string): Promise<Uint8Array>;
  /** The paths under `prefix` (a folder ending in `/`), in order. */
  list(prefix: string): Promise<string[]>;
}
