import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import type { StoredProjection } from '../../../projection/ports.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';
import { pack, packed } from './packed.ts';

/**
 * `PROJ#<person key>` / `PROJ`: a person's last projection (gzipped), its
 * version, and, while a change too large for one transaction is applied,
 * how many of its steps there are and which is next (`projection-step.ts`).
 */
const ENTITY = 'projection' as const;

export type ProjectionBody = Omit<StoredProjection, 'version' | 'pending'>;

const ProjectionItem = itemSchema(ENTITY, {
  version: z.number(),
  body: packed<ProjectionBody>(),
  pendingSteps: z.number().optional(),
  pendingStep: z.number().optional(),
});

export const projectionEntity = {
  name: ENTITY,
  partition: (tenantId: string, personKey: Identifier): string => tenantKey(tenantId, 'PROJ', personKey),
  key: (tenantId: string, personKey: Identifier): Key => ({ pk: projectionEntity.partition(tenantId, personKey), sk: 'PROJ' }),
  /** `pendingSteps`: the steps written ahead for this version, applied from the first. */
  toItem: (tenantId: string, projection: ProjectionBody, version: number, pendingSteps = 0) => ({
    ...projectionEntity.key(tenantId, projection.personKey),
    ...stamp(ENTITY),
    version,
    body: pack(projection),
    ...(pendingSteps > 0 ? { pendingSteps, pendingStep: 0 } : {}),
  }),
  fromItem(item: Item): StoredProjection {
    const { body, version, pendingSteps } = ProjectionItem.parse(item);
    return { ...body, version, ...(pendingSteps ? { pending: true } : {}) };
  },
  /** Where the steps of its version stand: none left, or the next to apply of how many. */
  stepsOf(item: Item): { version: number; pending?: { step: number; steps: number } } {
    const { version, pendingSteps, pendingStep } = ProjectionItem.parse(item);
    return { version, ...(pendingSteps ? { pending: { step: pendingStep ?? 0, steps: pendingSteps } } : {}) };
  },
};
