import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { S3WarehouseFiles, s3Client } from '#shared/adapters/s3/warehouse-files.ts';
import { config, requireWarehouseBucket } from '#shared/config.ts';
import { logger } from '#shared/observability/logger.ts';
import { dailyFigures } from '#shared/warehouse/daily.ts';
import { exportAll, settingsOf } from '#shared/warehouse/export.ts';

/** The warehouse export, every WAREHOUSE_INTERVAL_MINUTES on EventBridge Scheduler (docs/warehouse.md). */
const all = stores();
const { tenants, warehouse, erasures } = all;
const files = new S3WarehouseFiles(s3Client(), requireWarehouseBucket(), config().WAREHOUSE_PREFIX);

export async function handler(): Promise<{ tenants: number; windows: number }> {
  const exported = await exportAll({ tenants, changes: warehouse, watermarks: warehouse, erasures, files, daily: dailyFigures(all) }, new Date(), settingsOf(config()));
  const windows = exported.reduce((sum, tenant) => sum + tenant.windows.length, 0);
  const erased = exported.reduce((sum, tenant) => sum + tenant.erased.erasures, 0);
  logger.info('Warehouse export', { tenants: exported.length, windows, erased, behind: exported.filter((tenant) => tenant.overtaken).map((tenant) => tenant.tenantId) });
  return { tenants: exported.length, windows };
}
