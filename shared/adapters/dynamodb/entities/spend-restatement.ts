import * as z from 'zod';
import { contentHash } from '../../../recording/hash.ts';
import type { ImportedSpendLine } from '../../../spend/imported.ts';
import type { SpendRestatement } from '../../../spend/restatements.ts';
import type { SpendEntry } from '../../../spend/spend.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `SPEND` / `<postedDay>#r#<hash of the line's key>`: what a closed
 * month's spend line was restated by, counted on a posting day
 * (spend/restatements.ts): its difference added up (ADD), and the line as
 * last given (JSON), which reports join and show. It sits among the
 * posting day's spend, so a period's one range read of spend has it.
 */
const ENTITY = 'spendRestatement' as const;

const RestatementItem = itemSchema(ENTITY, {
  postedDay: z.string(),
  originalDay: z.string(),
  originalPeriod: z.string(),
  key: z.string(),
  line: z.string(),
  amount: z.number().int(),
});

const partition = (tenantId: string) => tenantKey(tenantId, 'SPEND');

export const spendRestatementEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, restatement: Pick<SpendRestatement, 'postedDay' | 'key'>): Key => ({
    pk: partition(tenantId),
    sk: `${restatement.postedDay}#r#${contentHash(restatement.key).slice(0, 24)}`,
  }),
  isRestatement: (item: Item) => item.entity === ENTITY,
  /** An update adding the restatement's difference (creating it with its line if absent). */
  toUpdate(tenantId: string, restatement: SpendRestatement) {
    return {
      Key: spendRestatementEntity.key(tenantId, restatement),
      UpdateExpression: 'SET #entity = :entity, #v = :v, postedDay = :postedDay, originalDay = :originalDay, originalPeriod = :originalPeriod, #key = :key, line = :line ADD amount :amount',
      ExpressionAttributeNames: { '#entity': 'entity', '#v': 'v', '#key': 'key' },
      ExpressionAttributeValues: {
        ':entity': ENTITY,
        ':v': stamp(ENTITY).v,
        ':postedDay': restatement.postedDay,
        ':originalDay': restatement.originalDay,
        ':originalPeriod': restatement.originalPeriod,
        ':key': restatement.key,
        ':line': JSON.stringify(restatement.imported ? { imported: restatement.imported } : { posted: restatement.posted }),
        ':amount': restatement.amount,
      },
    };
  },
  fromItem(item: Item): SpendRestatement {
    const { entity: _entity, v: _v, line, ...rest } = RestatementItem.parse(item);
    const parsed = JSON.parse(line) as { imported?: ImportedSpendLine; posted?: SpendEntry };
    return { ...rest, ...parsed };
  },
};
