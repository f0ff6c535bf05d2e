import type { Touch } from '../../../recording/touches.ts';
import { expiresAt, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `TOUCH#<touchId>` / `TOUCH`: what makes a touch id unique per tenant. The
 * touch's write-once guard: written only if absent, and its `contentHash`
 * tells a duplicate from a conflict. Never read on its own.
 */
const ENTITY = 'touch_id' as const;

export const touchGuardEntity = {
  name: ENTITY,
  key: (tenantId: string, touchId: string): Key => ({ pk: tenantKey(tenantId, 'TOUCH', touchId), sk: 'TOUCH' }),
  /** What every guard's partition key starts with (a migration's scan filter). */
  prefix: (tenantId: string): string => tenantKey(tenantId, 'TOUCH', ''),
  toItem: (tenantId: string, touch: Touch, retentionDays: number) => ({
    ...touchGuardEntity.key(tenantId, touch.touchId),
    ...stamp(ENTITY),
    contentHash: touch.contentHash,
    identifier: touch.identifiers[0],
    expiresAt: expiresAt(touch.occurredAt, retentionDays),
  }),
};
