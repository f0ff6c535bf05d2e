import * as z from 'zod';
import { ADJUSTMENT_REASONS } from '../../../periods/periods.ts';
import type { PostedAdjustment } from '../../../periods/ports.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `ADJUSTMENTS#<postedMonth>` / `<originalPeriod>#<adjustmentId>`: a change
 * of a closed month posted in an open one, its cells as JSON (their names
 * hold any character). `chunksDone` counts the parts of it already taken
 * back when its month was reopened (`period-store.ts`).
 */
const ENTITY = 'periodAdjustment' as const;

const AdjustmentItem = itemSchema(ENTITY, {
  adjustmentId: z.string(),
  postedMonth: z.string(),
  postedDay: z.string(),
  originalPeriod: z.string(),
  reason: z.enum(ADJUSTMENT_REASONS),
  postedAt: z.string(),
  personKey: z.string(),
  cells: z.string(),
  chunksDone: z.number().int().optional(),
});

const partition = (tenantId: string, postedMonth: string) => tenantKey(tenantId, 'ADJUSTMENTS', postedMonth);

export const periodAdjustmentEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, adjustment: Pick<PostedAdjustment, 'postedMonth' | 'originalPeriod' | 'adjustmentId'>): Key => ({
    pk: partition(tenantId, adjustment.postedMonth),
    sk: `${adjustment.originalPeriod}#${adjustment.adjustmentId}`,
  }),
  toItem: (tenantId: string, adjustment: PostedAdjustment) => ({
    ...periodAdjustmentEntity.key(tenantId, adjustment),
    ...stamp(ENTITY),
    ...adjustment,
    cells: JSON.stringify(adjustment.cells),
  }),
  fromItem(item: Item): PostedAdjustment & { chunksDone: number } {
    const { entity: _entity, v: _v, cells, chunksDone, ...adjustment } = AdjustmentItem.parse(item);
    return { ...adjustment, cells: JSON.parse(cells) as PostedAdjustment['cells'], chunksDone: chunksDone ?? 0 };
  },
};
