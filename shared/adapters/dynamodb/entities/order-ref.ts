import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import { IdentifierSchema, type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `ORDERREF#<provider's order id>` / `ORDER`: an order by the id its
 * provider gives it (a browser's checkout names it so), with its
 * transaction id and buyer. The browser's checkout of it shares the
 * partition (`checkout.ts`).
 */
const ENTITY = 'order_ref' as const;

const OrderRefItem = itemSchema(ENTITY, { transactionId: z.string(), buyer: IdentifierSchema });

export interface OrderRef {
  transactionId: string;
  buyer: Identifier;
}

export const orderRefEntity = {
  name: ENTITY,
  partition: (tenantId: string, externalId: string): string => tenantKey(tenantId, 'ORDERREF', externalId),
  key: (tenantId: string, externalId: string): Key => ({ pk: orderRefEntity.partition(tenantId, externalId), sk: 'ORDER' }),
  toItem: (tenantId: string, externalId: string, ref: OrderRef) => ({ ...orderRefEntity.key(tenantId, externalId), ...stamp(ENTITY), ...ref }),
  fromItem(item: Item): OrderRef {
    const { transactionId, buyer } = OrderRefItem.parse(item);
    return { transactionId, buyer };
  },
};
