import * as z from 'zod';
import type { Touch } from '../../../recording/touches.ts';
import { TOUCH_KINDS } from '../../../recording/touches.ts';
import { expiresAt, IdentifierSchema, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { personPartition } from './person.ts';

/** A touch in its person's partition (the first of its identifiers): `TOUCH#<occurredAt>#<touchId>`. */
const ENTITY = 'touch' as const;

const TouchSchema = z.object({
  touchId: z.string(),
  occurredAt: z.string(),
  identifiers: z.array(IdentifierSchema),
  kind: z.enum(TOUCH_KINDS),
  side: z.enum(['marketing', 'sales']),
  channel: z.string(),
  source: z.string().optional(),
  medium: z.string().optional(),
  campaign: z.string().optional(),
  campaignId: z.string().optional(),
  term: z.string().optional(),
  content: z.string().optional(),
  clickIds: z.array(z.string()).optional(),
  url: z.string().optional(),
  referrer: z.string().optional(),
  rep: z.string().optional(),
  cost: z.object({ amount: z.number(), currency: z.string() }).optional(),
  landingOf: z.string().optional(),
  consent: z.enum(['granted', 'not_required']).optional(),
  contentHash: z.string(),
}) satisfies z.ZodType<Touch>;

const TouchItem = itemSchema(ENTITY, { ...TouchSchema.shape, tenantId: z.string(), expiresAt: z.number().optional() });

export const touchEntity = {
  name: ENTITY,
  key: (tenantId: string, touch: Pick<Touch, 'identifiers' | 'occurredAt' | 'touchId'>): Key => ({
    pk: personPartition(tenantId, touch.identifiers[0]!),
    sk: `TOUCH#${touch.occurredAt}#${touch.touchId}`,
  }),
  /** `retentionDays`: the touch expires that long after it happened. */
  toItem: (tenantId: string, touch: Touch, retentionDays: number) => ({
    ...touchEntity.key(tenantId, touch),
    ...stamp(ENTITY),
    tenantId,
    ...touch,
    expiresAt: expiresAt(touch.occurredAt, retentionDays),
  }),
  fromItem(item: Item): Touch {
    const { entity: _entity, v: _v, tenantId: _tenantId, expiresAt: _expiresAt, ...touch } = TouchItem.parse(item);
    return touch;
  },
};
