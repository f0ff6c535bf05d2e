import * as z from 'zod';
import type { Checkout } from '../../../recording/ports.ts';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';
import { orderRefEntity } from './order-ref.ts';

/** `ORDERREF#<provider's order id>` / `CHECKOUT`: a browser's checkout of that order (its anonymous id bought it). */
const ENTITY = 'checkout' as const;

const CheckoutItem = itemSchema(ENTITY, { externalId: z.string(), anonymousId: z.string(), occurredAt: z.string() });

export const checkoutEntity = {
  name: ENTITY,
  key: (tenantId: string, externalId: string): Key => ({ pk: orderRefEntity.partition(tenantId, externalId), sk: 'CHECKOUT' }),
  toItem: (tenantId: string, checkout: Checkout) => ({ ...checkoutEntity.key(tenantId, checkout.externalId), ...stamp(ENTITY), ...checkout }),
  fromItem(item: Item): Checkout {
    const { externalId, anonymousId, occurredAt } = CheckoutItem.parse(item);
    return { externalId, anonymousId, occurredAt };
  },
};
