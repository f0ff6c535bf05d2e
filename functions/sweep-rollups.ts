import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { logger } from '#shared/observability/logger.ts';
import { sweepRollupDeltas } from '#shared/projection/use-cases.ts';

/** The rollup sweep, every ROLLUP_SWEEP_INTERVAL_MINUTES on EventBridge Scheduler (infra/stateless-stack.ts): deltas the stream's applier left, added to their cells. */
const { tenants, projections } = stores();

export async function handler(): Promise<{ tenants: number; applied: number; failed: number }> {
  const swept = await sweepRollupDeltas({ tenants, projections });
  // What was left and is now applied is worth a look (a dead-lettered applier batch): said at info only when there was some.
  if (swept.applied > 0 || swept.failed.length > 0) logger.info('Rollup sweep', swept);
  return { tenants: swept.tenants, applied: swept.applied, failed: swept.failed.length };
}
