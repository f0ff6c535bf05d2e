import * as z from 'zod';
import type { StoredSettlement } from '../../../recording/ports.ts';
import type { SettlementEntry } from '../../../recording/settlement.ts';
import { TRANSACTION_KINDS } from '../../../recording/transactions.ts';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';
import { AmountsSchema, transactionEntity } from './transaction.ts';

/**
 * `TX#<order id or alias>` / `SETTLEMENT`: an order's settlement with its
 * refunds and cancellations, changed only by conditional writes at the
 * next `version`. An alias's settlement points at its order (`redirect`)
 * once the order is known.
 */
const ENTITY = 'settlement' as const;

const EntrySchema = z.object({
  transactionId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  occurredAt: z.string(),
  currency: z.string(),
  amounts: AmountsSchema,
  recordedAt: z.string(),
  contentHash: z.string(),
}) satisfies z.ZodType<SettlementEntry>;

const SettlementItem = itemSchema(ENTITY, { version: z.number(), order: EntrySchema.optional(), adjustments: z.array(EntrySchema), redirect: z.string().optional() });

export const settlementEntity = {
  name: ENTITY,
  key: (tenantId: string, settlementKey: string): Key => ({ pk: transactionEntity.partition(tenantId, settlementKey), sk: 'SETTLEMENT' }),
  toItem: (tenantId: string, settlementKey: string, settlement: StoredSettlement) => ({ ...settlementEntity.key(tenantId, settlementKey), ...stamp(ENTITY), ...settlement }),
  fromItem(item: Item): StoredSettlement {
    const { entity: _entity, v: _v, ...settlement } = SettlementItem.parse(item);
    return settlement;
  },
};
