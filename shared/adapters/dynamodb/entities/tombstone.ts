import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import { expiresAt, IdentifierSchema, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { personPartition } from './person.ts';

/**
 * `ERASED` in an erased identifier's partition (sorting before its links,
 * stages, touches and transaction refs): records of the person's past
 * (dated up to `erasedAt`) that arrive later are left out of every read.
 * Kept 90 days: late webhooks and batches arrive within days.
 */
const ENTITY = 'tombstone' as const;
const SORT_KEY = 'ERASED';
const TTL_DAYS = 90;

export interface Erasure {
  erasureId: string;
  erasedAt: string;
  /** The anonymous id that receives the person's transactions. */
  heir: Identifier;
}

const TombstoneItem = itemSchema(ENTITY, { erasureId: z.string(), erasedAt: z.string(), heir: IdentifierSchema });

export const tombstoneEntity = {
  name: ENTITY,
  /** Its sort key: the first of a person partition's items. */
  sortKey: SORT_KEY,
  key: (tenantId: string, identifier: Identifier): Key => ({ pk: personPartition(tenantId, identifier), sk: SORT_KEY }),
  isKey: (sk: string): boolean => sk === SORT_KEY,
  toItem: (tenantId: string, identifier: Identifier, erasure: Erasure) => ({
    ...tombstoneEntity.key(tenantId, identifier),
    ...stamp(ENTITY),
    ...erasure,
    expiresAt: expiresAt(erasure.erasedAt, TTL_DAYS),
  }),
  fromItem(item: Item): Erasure {
    const { erasureId, erasedAt, heir } = TombstoneItem.parse(item);
    return { erasureId, erasedAt, heir };
  },
};
