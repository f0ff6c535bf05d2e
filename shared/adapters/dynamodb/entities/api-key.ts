import * as z from 'zod';
import { SCOPES } from '../../../auth/scopes.ts';
import type { ApiKeyRecord } from '../../../tenants/ports.ts';
import { type Item, itemSchema, type Key, stamp } from './entity.ts';

/**
 * `APIKEY#<sha-256 of the key>` / `APIKEY`: what a key may do and for which
 * tenant. A rotated-out key carries `validUntil` and DynamoDB's TTL removes
 * it a day later.
 */
const ENTITY = 'api_key' as const;

const ApiKeyItem = itemSchema(ENTITY, { keyHash: z.string(), tenantId: z.string(), scope: z.enum(SCOPES), validUntil: z.string().optional() });

export const apiKeyEntity = {
  name: ENTITY,
  key: (keyHash: string): Key => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
  toItem: (key: ApiKeyRecord, createdAt: string) => ({ ...apiKeyEntity.key(key.keyHash), ...stamp(ENTITY), ...key, createdAt }),
  /** The expiry of a rotated-out key: a day after it stops working. */
  expiresAt: (validUntil: string): number => Math.floor(Date.parse(validUntil) / 1000) + 86_400,
  fromItem(item: Item): ApiKeyRecord {
    const { keyHash, tenantId, scope, validUntil } = ApiKeyItem.parse(item);
    return { keyHash, tenantId, scope, ...(validUntil ? { validUntil } : {}) };
  },
};
