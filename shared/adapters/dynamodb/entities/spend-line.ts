import * as z from 'zod';
import type { SpendEntry } from '../../../spend/spend.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/** `SPEND` / `<day>#<currency>#<campaign>`: a tenant's spend, one item per day, currency and campaign; a period is one range query. */
const ENTITY = 'spend' as const;

const SpendItem = itemSchema(ENTITY, {
  day: z.string(),
  campaign: z.string(),
  currency: z.string(),
  amount: z.number(),
  channel: z.string().optional(),
  sourceMedium: z.string().optional(),
  reportedAt: z.string(),
});

const partition = (tenantId: string) => tenantKey(tenantId, 'SPEND');

export const spendLineEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, entry: Pick<SpendEntry, 'day' | 'currency' | 'campaign'>): Key => ({ pk: partition(tenantId), sk: `${entry.day}#${entry.currency}#${entry.campaign}` }),
  /** The day a stored line is of, from its sort key. */
  dayOf: (item: Item): string => String(item.sk).split('#')[0]!,
  /** The sort keys of the days `fromDay`..`toDay` (inclusive). */
  days: (fromDay: string, toDay: string): { from: string; to: string } => ({ from: `${fromDay}#`, to: `${toDay}#~` }),
  toItem: (tenantId: string, entry: SpendEntry) => ({ ...spendLineEntity.key(tenantId, entry), ...stamp(ENTITY), ...entry }),
  fromItem(item: Item): SpendEntry {
    const { entity: _entity, v: _v, ...entry } = SpendItem.parse(item);
    return entry;
  },
};
