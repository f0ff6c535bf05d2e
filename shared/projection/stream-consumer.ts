import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Identifier } from '../identity/identity.ts';
import { logger } from '../observability/logger.ts';
import type { StoredTransaction } from '../recording/ports.ts';
import { type ProjectionDeps, type ProjectionTrigger, projectRecords } from './use-cases.ts';

/** Items whose arrival changes a person's history: the stack's stream filter for the projector uses this list. */
export const PROJECTION_ENTITIES = ['touch', 'stage', 'link', 'transaction'] as const;

/** What a stored item means for the projection, if anything. */
export function triggerOf(item: Record<string, unknown>): ProjectionTrigger | undefined {
  switch (item.entity) {
    case 'touch':
    case 'stage':
      return { kind: 'person', identifiers: item.identifiers as Identifier[] };
    case 'link':
      return { kind: 'person', identifiers: [item.from, item.to] as Identifier[] };
    case 'transaction':
      return { kind: 'transaction', transaction: item as unknown as StoredTransaction };
    default:
      return undefined;
  }
}

/**
 * The projector: the table's stream, in batches, straight to the person
 * projection. Each person a batch touches is projected once (one webhook's
 * transaction, landing visit and links make one projection). A group that
 * fails is reported at its earliest record, so the stream retries from
 * there (projections are idempotent) and, after its retries, keeps the
 * batch in the dead-letter queue.
 */
export function makeProjectHandler(deps: ProjectionDeps) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const byTenant = new Map<string, Array<{ record: DynamoDBRecord; trigger: ProjectionTrigger }>>();
    for (const record of event.Records) {
      if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
      const item = unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>);
      const trigger = triggerOf(item);
      const tenantId = item.tenantId as string | undefined;
      if (!trigger || !tenantId) continue;
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), { record, trigger }]);
    }
    const failed: string[] = [];
    for (const [tenantId, triggers] of byTenant) {
      const tenant = await deps.tenants.getTenant(tenantId);
      if (!tenant) continue; // a tenant that no longer exists: nothing to project
      for (const group of await projectRecords(deps, tenant, triggers)) {
        if (!('error' in group)) continue;
        logger.error('Projecting a person failed; the batch will be retried from its first record', { tenantId, error: group.error as Error });
        for (const record of group.records) failed.push(record.dynamodb?.SequenceNumber ?? '');
      }
    }
    const first = failed.filter(Boolean).sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1))[0];
    return { batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  };
}
