import * as z from 'zod';
import { tenantOfKey } from '../adapters/dynamodb/entities/entity.ts';
import { rollupDeltaEntity } from '../adapters/dynamodb/entities/rollup-delta.ts';
import { type StreamItem, streamBatchHandler } from '../events/batch-consumer.ts';
import type { StreamChanges } from '../events/stream-changes.ts';
import { IdentifierSchema } from '../identity/identity.ts';
import { logger } from '../observability/logger.ts';
import { recordProjectionFailures, recordProjectionLag, recordRollupDeltas } from '../observability/metrics.ts';
import { TRANSACTION_KINDS } from '../recording/transactions.ts';
import type { ProjectionStore } from './ports.ts';
import { type ProjectionDeps, type ProjectionTrigger, projectRecords } from './use-cases.ts';

/**
 * Records whose arrival changes a person's history, on their INSERT only:
 * what the projector writes back (an attribution summary on a transaction)
 * never returns to it. The projector's stream filter is this table.
 */
export const PROJECTION_CHANGES = {
  touch: ['INSERT'],
  stage: ['INSERT'],
  link: ['INSERT'],
  transaction: ['INSERT'],
} as const satisfies StreamChanges;

/** What the projector reads of a stored item: the ids it names, and a transaction's kind and order. */
const ProjectedItemSchema = z.discriminatedUnion('entity', [
  z.object({ entity: z.enum(['touch', 'stage']), tenantId: z.string(), identifiers: z.array(IdentifierSchema) }),
  z.object({ entity: z.literal('link'), tenantId: z.string(), from: IdentifierSchema, to: IdentifierSchema }),
  z.object({
    entity: z.literal('transaction'),
    tenantId: z.string(),
    transactionId: z.string(),
    kind: z.enum(TRANSACTION_KINDS),
    orderId: z.string().optional(),
    identifiers: z.array(IdentifierSchema),
  }),
]);

/** What a stored item means for the projection. */
export function triggerOf(item: Record<string, unknown>): { tenantId: string; trigger: ProjectionTrigger } {
  const parsed = ProjectedItemSchema.parse(item);
  const { tenantId } = parsed;
  switch (parsed.entity) {
    case 'link':
      return { tenantId, trigger: { kind: 'person', identifiers: [parsed.from, parsed.to] } };
    case 'transaction': {
      const { entity: _entity, tenantId: _tenantId, ...transaction } = parsed;
      return { tenantId, trigger: { kind: 'transaction', transaction } };
    }
    default:
      return { tenantId, trigger: { kind: 'person', identifiers: parsed.identifiers } };
  }
}

type Triggered = StreamItem<ReturnType<typeof triggerOf>>;

/**
 * The projector: the table's stream, in batches, straight to the person
 * projection. Each person a batch touches is projected once (one webhook's
 * transaction, landing visit and links make one projection); a person
 * whose projection fails fails the batch from their earliest record
 * (projections are idempotent).
 */
export function makeProjectHandler(deps: ProjectionDeps) {
  return streamBatchHandler({
    parse: (item) => triggerOf(item),
    process: async (items) => {
      const byTenant = new Map<string, Triggered[]>();
      for (const item of items) byTenant.set(item.input.tenantId, [...(byTenant.get(item.input.tenantId) ?? []), item]);
      const failed: Triggered[] = [];
      let failedPeople = 0;
      for (const [tenantId, tenantItems] of byTenant) {
        const tenant = await deps.tenants.getTenant(tenantId);
        if (!tenant) continue; // a tenant that no longer exists: nothing to project
        const triggers = tenantItems.map((item) => ({ record: item, trigger: item.input.trigger }));
        for (const group of await projectRecords(deps, tenant, triggers)) {
          if (!('error' in group)) continue;
          logger.error('Projecting a person failed; the batch will be retried from their first record', { tenantId, error: group.error as Error });
          failed.push(...group.records);
          failedPeople += 1;
        }
      }
      recordProjectionFailures(failedPeople);
      // How far behind the table the views were once this batch was projected.
      recordProjectionLag(items.flatMap((item) => item.record.dynamodb?.ApproximateCreationDateTime ?? []));
      return failed;
    },
  });
}

/** How often the stack runs the rollup sweep (`sweepRollupDeltas`): what the applier below left, added all the same. */
export const ROLLUP_SWEEP_INTERVAL_MINUTES = 15;

/** The rollup deltas projections save, on their INSERT (the applier's deletes never return to it). */
export const ROLLUP_DELTA_CHANGES = {
  [rollupDeltaEntity.name]: ['INSERT'],
} as const satisfies StreamChanges;

/**
 * The rollup applier: for each tenant a batch of new deltas names, every
 * pending delta of the tenant is added to its cells (many in one write per
 * cell, `ProjectionStore.applyRollupDeltas`). A tenant's deltas share a
 * partition, so its stream records come to one applier at a time, in order:
 * appliers of one tenant do not contend, and a batch that fails is simply
 * applied again (what was applied is gone).
 */
export function makeApplyRollupsHandler(deps: { projections: Pick<ProjectionStore, 'applyRollupDeltas'> }) {
  return streamBatchHandler({
    parse: (item) => tenantOfKey(z.object({ pk: z.string() }).parse(item).pk),
    process: async (items) => {
      const failed: Array<(typeof items)[number]> = [];
      for (const tenantId of new Set(items.map((item) => item.input))) {
        try {
          const { applied, conflicts } = await deps.projections.applyRollupDeltas(tenantId);
          recordRollupDeltas(applied, conflicts);
        } catch (error) {
          logger.error('Applying rollup deltas failed; the batch will be retried from the tenant’s first record', { tenantId, error: error as Error });
          failed.push(...items.filter((item) => item.input === tenantId));
        }
      }
      return failed;
    },
  });
}
