import { gunzipSync, gzipSync } from 'node:zlib';
import * as z from 'zod';
import { ValidationError } from '../../../errors.ts';
import { WEBHOOK_PROVIDERS } from '../../../tenants/tenant.ts';
import type { QuarantinedDelivery } from '../../../webhooks/quarantine.ts';
import { expiresAt, type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `QUARANTINE` / `T#<tenantId>#<id>`: one operator's partition for every
 * tenant's quarantined webhook deliveries (few by nature; listed by one
 * Query, never a Scan). The raw body is kept gzipped, so a delivery up to
 * the 1 MB request limit fits DynamoDB's 400 KB item in practice; one that
 * does not is refused as before (400), which the log says.
 */
const ENTITY = 'quarantined_delivery' as const;
const PARTITION = 'QUARANTINE';
const MAX_STORED_BODY = 350_000;

const QuarantinedItem = itemSchema(ENTITY, {
  id: z.string(),
  tenantId: z.string(),
  provider: z.enum(WEBHOOK_PROVIDERS),
  receivedAt: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.instanceof(Uint8Array),
  reason: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }).loose()),
  attempts: z.number().int(),
  lastError: z.string().optional(),
});

export const quarantinedDeliveryEntity = {
  name: ENTITY,
  partition: PARTITION,
  key: (delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>): Key => ({ pk: PARTITION, sk: tenantKey(delivery.tenantId, delivery.id) }),
  /** `retentionDays`: kept that long after it was received (it may hold personal data). */
  toItem(delivery: QuarantinedDelivery, retentionDays: number) {
    const body = gzipSync(delivery.rawBody);
    if (body.length > MAX_STORED_BODY)
      throw new ValidationError(`The ${delivery.provider} payload is not what Baton expects, and too large to keep for redrive (${body.length} bytes gzipped).`, delivery.errors);
    const { rawBody: _raw, ...rest } = delivery;
    return { ...quarantinedDeliveryEntity.key(delivery), ...stamp(ENTITY), ...rest, body, expiresAt: expiresAt(delivery.receivedAt, retentionDays) };
  },
  fromItem(item: Item): QuarantinedDelivery {
    const { body, entity: _entity, v: _v, ...delivery } = QuarantinedItem.parse(item);
    return { ...delivery, rawBody: gunzipSync(body) };
  },
};
