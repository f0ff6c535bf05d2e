import * as z from 'zod';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';
import { transactionEntity } from './transaction.ts';

/** `TX#<alias>` / `ALIAS`: another name of an order (Stripe's payment intent), pointing at its transaction id. */
const ENTITY = 'alias' as const;

const AliasItem = itemSchema(ENTITY, { transactionId: z.string() });

export const aliasEntity = {
  name: ENTITY,
  key: (tenantId: string, alias: string): Key => ({ pk: transactionEntity.partition(tenantId, alias), sk: 'ALIAS' }),
  toItem: (tenantId: string, alias: string, transactionId: string) => ({ ...aliasEntity.key(tenantId, alias), ...stamp(ENTITY), transactionId }),
  /** The transaction id the alias names. */
  fromItem: (item: Item): string => AliasItem.parse(item).transactionId,
};
