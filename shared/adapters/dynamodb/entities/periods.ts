import * as z from 'zod';
import { NO_PERIODS, type PeriodsState } from '../../../periods/periods.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/** `PERIODS` / `PERIODS`: the tenant's closed months, one item, changed only over the version read. */
const ENTITY = 'periods' as const;

const ClosingSchema = z.object({
  month: z.string(),
  version: z.number().int(),
  closedAt: z.string(),
  closedBy: z.string(),
  reopenedAt: z.string().optional(),
  reopenedBy: z.string().optional(),
  reason: z.string().optional(),
  reporting: z.boolean().optional(),
});

const PeriodsItem = itemSchema(ENTITY, {
  closedThrough: z.string().nullable(),
  version: z.number().int(),
  closings: z.array(ClosingSchema),
  takingBack: z.string().optional(),
});

export const periodsEntity = {
  name: ENTITY,
  key: (tenantId: string): Key => ({ pk: tenantKey(tenantId, 'PERIODS'), sk: 'PERIODS' }),
  toItem: (tenantId: string, state: PeriodsState) => ({ ...periodsEntity.key(tenantId), ...stamp(ENTITY), ...state }),
  fromItem(item: Item | undefined): PeriodsState {
    if (!item) return NO_PERIODS;
    const { entity: _entity, v: _v, ...state } = PeriodsItem.parse(item);
    return state;
  },
};
