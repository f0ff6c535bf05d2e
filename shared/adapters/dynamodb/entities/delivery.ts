import { expiresAt, type Key, stamp, tenantKey } from './entity.ts';

/** `DELIVERY#<delivery key>` / `DELIVERY`: a webhook delivery already processed; a provider's retry is answered from it for 30 days. */
const ENTITY = 'delivery' as const;
const TTL_DAYS = 30;

export const deliveryEntity = {
  name: ENTITY,
  key: (tenantId: string, deliveryKey: string): Key => ({ pk: tenantKey(tenantId, 'DELIVERY', deliveryKey), sk: 'DELIVERY' }),
  toItem: (tenantId: string, deliveryKey: string, at: string) => ({ ...deliveryEntity.key(tenantId, deliveryKey), ...stamp(ENTITY), at, expiresAt: expiresAt(at, TTL_DAYS) }),
};
