import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { onRecorded } from '#shared/attribution/use-cases.ts';
import { logger } from '#shared/observability/logger.ts';

const deps = stores();

const Trigger = z.object({
  'detail-type': z.enum(['TransactionRecorded', 'TouchRecorded', 'StageRecorded', 'IdentityLinked']),
  detail: z.looseObject({ tenantId: z.string(), transactionId: z.string().optional(), identifiers: z.array(z.string()).optional(), occurredAt: z.string().optional() }),
});

/** The `attribute` rule's target: a failure is thrown, so EventBridge/Lambda retry and then dead-letter it. */
export const handler = async (event: EventBridgeEvent<string, unknown>) => {
  const { 'detail-type': detailType, detail } = Trigger.parse(event);
  const outcome = await onRecorded(deps, { detailType, ...detail });
  logger.info('Attributed', { detailType, tenantId: detail.tenantId, ...outcome });
  return outcome;
};
