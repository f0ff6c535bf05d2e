import type { Context } from 'aws-lambda';
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

export async function handler(_event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<{ tenants: number; windows: number; deferred: number }> {
  const { exported, deferred } = await exportAll(
    { tenants, changes: warehouse, watermarks: warehouse, erasures, files, daily: dailyFigures(all), timeLeft: () => context.getRemainingTimeInMillis() },
    new Date(),
    settingsOf(config()),
  );
  const windows = exported.reduce((sum, tenant) => sum + tenant.windows.length, 0);
  const erased = exported.reduce((sum, tenant) => sum + tenant.erased.erasures, 0);
  logger.info('Warehouse export', {
    tenants: exported.length,
    windows,
    erased,
    behind: exported.filter((tenant) => tenant.overtaken).map((tenant) => tenant.tenantId),
    erasingUnfinished: exported.filter((tenant) => tenant.erased.unfinished).map((tenant) => tenant.tenantId),
    deferred,
  });
  return { tenants: exported.length, windows, deferred: deferred.length };
}
