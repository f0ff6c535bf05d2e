import * as z from 'zod';
import { DISQUALIFICATION_REASONS, STAGES, type Stage } from '../../../recording/stages.ts';
import { expiresAt, IdentifierSchema, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { personPartition } from './person.ts';

/** A funnel stage in its person's partition: `STAGE#<occurredAt>#<stageId>`; its own write-once guard (its id is its content). */
const ENTITY = 'stage' as const;

const StageSchema = z.object({
  stageId: z.string(),
  identifiers: z.array(IdentifierSchema),
  stage: z.enum(STAGES),
  occurredAt: z.string(),
  reason: z.enum(DISQUALIFICATION_REASONS).optional(),
  contentHash: z.string(),
}) satisfies z.ZodType<Stage>;

const StageItem = itemSchema(ENTITY, { ...StageSchema.shape, tenantId: z.string(), expiresAt: z.number().optional() });

export const stageEntity = {
  name: ENTITY,
  key: (tenantId: string, stage: Pick<Stage, 'identifiers' | 'occurredAt' | 'stageId'>): Key => ({
    pk: personPartition(tenantId, stage.identifiers[0]!),
    sk: `STAGE#${stage.occurredAt}#${stage.stageId}`,
  }),
  toItem: (tenantId: string, stage: Stage, retentionDays: number) => ({
    ...stageEntity.key(tenantId, stage),
    ...stamp(ENTITY),
    tenantId,
    ...stage,
    expiresAt: expiresAt(stage.occurredAt, retentionDays),
  }),
  fromItem(item: Item): Stage {
    const { entity: _entity, v: _v, tenantId: _tenantId, expiresAt: _expiresAt, ...stage } = StageItem.parse(item);
    return stage;
  },
};
