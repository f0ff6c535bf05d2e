import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import type { TransactionRef } from '../../../recording/ports.ts';
import { SALES_CHANNELS, TRANSACTION_KINDS } from '../../../recording/transactions.ts';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';
import { personPartition } from './person.ts';

/** The slice of a transaction kept in its person's partition, `TX#<occurredAt>#<transactionId>`, for journeys and windows. */
const ENTITY = 'tx_ref' as const;

const TransactionRefItem = itemSchema(ENTITY, {
  transactionId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  occurredAt: z.string(),
  currency: z.string(),
  net: z.number(),
  total: z.number(),
  orderId: z.string().optional(),
  salesChannel: z.enum(SALES_CHANNELS).optional(),
  rep: z.string().optional(),
});

export const txRefEntity = {
  name: ENTITY,
  key: (tenantId: string, identifier: Identifier, ref: Pick<TransactionRef, 'occurredAt' | 'transactionId'>): Key => ({
    pk: personPartition(tenantId, identifier),
    sk: `TX#${ref.occurredAt}#${ref.transactionId}`,
  }),
  /** `identifier`: whose partition it is in (the buyer, or the heir of an erased one). */
  toItem: (tenantId: string, identifier: Identifier, ref: TransactionRef) => ({ ...txRefEntity.key(tenantId, identifier, ref), ...stamp(ENTITY), ...ref }),
  fromItem(item: Item): TransactionRef {
    const { entity: _entity, v: _v, ...ref } = TransactionRefItem.parse(item);
    return ref;
  },
};
