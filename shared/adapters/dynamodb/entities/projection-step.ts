import type { Identifier } from '../../../identity/identity.ts';
import { type Item, itemSchema, type Key, stamp, type TransactItem } from './entity.ts';
import { pack, packed } from './packed.ts';
import { projectionEntity } from './projection.ts';

/**
 * `PROJ#<person key>` / `STEP#<version>#<n>`: step n of the change that made
 * that version, written ahead (each well under DynamoDB's 400 KB) and
 * deleted as it is applied; one left by a save that lost its race goes by
 * itself after a week.
 */
const ENTITY = 'projection_step' as const;
const LIFETIME_SECONDS = 7 * 24 * 3600;

const StepItem = itemSchema(ENTITY, { operations: packed<TransactItem[]>() });

export const projectionStepEntity = {
  name: ENTITY,
  key: (tenantId: string, personKey: Identifier, version: number, step: number): Key => ({ pk: projectionEntity.partition(tenantId, personKey), sk: `STEP#${version}#${step}` }),
  toItem: (tenantId: string, personKey: Identifier, version: number, step: number, operations: readonly TransactItem[], now: Date = new Date()) => ({
    ...projectionStepEntity.key(tenantId, personKey, version, step),
    ...stamp(ENTITY),
    operations: pack(operations),
    expiresAt: Math.floor(now.getTime() / 1000) + LIFETIME_SECONDS,
  }),
  /** The step's operations, to run in one transaction with the projection's step counter. */
  fromItem: (item: Item): TransactItem[] => StepItem.parse(item).operations,
};
