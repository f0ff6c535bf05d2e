import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import type { ErasurePass, LoggedRows, LoggedTableName } from '../../../warehouse/ports.ts';
import { CHANGE_LOG_DAYS } from '../../../warehouse/settings.ts';
import { CHANGE_LOG_NAMES } from '../../../warehouse/tables.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `T#<tenant>#WXC#<table>#<UTC hour>` / `<changedAt>#<batch>#<sequence>`: rows
 * a change of a record became, for the warehouse export (docs/warehouse.md).
 * A partition per table and hour, so a window's file is one range query; they expire after
 * `CHANGE_LOG_DAYS`, long after every window holding them was written.
 */
const ENTITY = 'warehouseChange' as const;

/**
 * The rows as gzipped JSON, read without a reviver and not checked row by
 * row: this module is their only writer, and the export reads hundreds of
 * thousands of them a window (the Parquet schema checks every value's type).
 */
const WarehouseChangeItem = itemSchema(ENTITY, {
  table: z.enum(CHANGE_LOG_NAMES),
  changedAt: z.string(),
  rows: z.instanceof(Uint8Array).transform((value): LoggedRows['rows'] => JSON.parse(gunzipSync(value).toString('utf8'))),
});

const hourOf = (instant: string) => instant.slice(0, 13);

export const warehouseChangeEntity = {
  name: ENTITY,
  partition: (tenantId: string, table: LoggedTableName, instant: string) => tenantKey(tenantId, 'WXC', table, hourOf(instant)),
  /** `batch` tells apart two consumers' changes recorded in the same millisecond. */
  key: (tenantId: string, table: LoggedTableName, changedAt: string, batch: string, sequence: number): Key => ({
    pk: warehouseChangeEntity.partition(tenantId, table, changedAt),
    sk: `${changedAt}#${batch}#${String(sequence).padStart(6, '0')}`,
  }),
  /** The hour partitions `from <= instant < to` spans, in order. */
  partitions(tenantId: string, table: LoggedTableName, from: string, to: string): string[] {
    const partitions: string[] = [];
    for (let hour = Date.parse(`${hourOf(from)}:00:00.000Z`); hour < Date.parse(to); hour += 3_600_000) partitions.push(warehouseChangeEntity.partition(tenantId, table, new Date(hour).toISOString()));
    return partitions;
  },
  toItem: (tenantId: string, entry: LoggedRows, batch: string, sequence: number) => ({
    ...warehouseChangeEntity.key(tenantId, entry.table, entry.changedAt, batch, sequence),
    ...stamp(ENTITY),
    tenantId,
    table: entry.table,
    changedAt: entry.changedAt,
    rows: gzipSync(JSON.stringify(entry.rows)),
    expiresAt: Math.floor(Date.parse(entry.changedAt) / 1000) + CHANGE_LOG_DAYS * 86_400,
  }),
  fromItem(item: Item): LoggedRows {
    const { table, changedAt, rows } = WarehouseChangeItem.parse(item);
    return { table, changedAt, rows };
  },
};

/** `T#<tenant>#WX` / `ERASURE-PASS`: an erasure pass that ran out of time, and where it stands. */
const ERASURE_PASS_ENTITY = 'warehouseErasurePass' as const;
const ErasurePassItem = itemSchema(ERASURE_PASS_ENTITY, { erasureIds: z.array(z.string()), after: z.string(), files: z.number() });

export const warehouseErasurePassEntity = {
  name: ERASURE_PASS_ENTITY,
  key: (tenantId: string): Key => ({ pk: tenantKey(tenantId, 'WX'), sk: 'ERASURE-PASS' }),
  toItem: (tenantId: string, pass: ErasurePass) => ({ ...warehouseErasurePassEntity.key(tenantId), ...stamp(ERASURE_PASS_ENTITY), ...pass }),
  fromItem(item: Item): ErasurePass {
    const { erasureIds, after, files } = ErasurePassItem.parse(item);
    return { erasureIds, after, files };
  },
};

/** `T#<tenant>#WX` / `WATERMARK`: the end of the tenant's last window written whole. */
const WATERMARK_ENTITY = 'warehouseWatermark' as const;
const WatermarkItem = itemSchema(WATERMARK_ENTITY, { through: z.string() });

export const warehouseWatermarkEntity = {
  name: WATERMARK_ENTITY,
  key: (tenantId: string): Key => ({ pk: tenantKey(tenantId, 'WX'), sk: 'WATERMARK' }),
  toItem: (tenantId: string, through: string) => ({ ...warehouseWatermarkEntity.key(tenantId), ...stamp(WATERMARK_ENTITY), through }),
  fromItem: (item: Item): string => WatermarkItem.parse(item).through,
};
