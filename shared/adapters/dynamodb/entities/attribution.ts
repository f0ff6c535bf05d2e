import * as z from 'zod';
import type { AttributionResult } from '../../../attribution/engine.ts';
import type { AttributionRecord } from '../../../projection/ports.ts';
import { IdentifierSchema, type Item, itemSchema, type Key, stamp } from './entity.ts';
import { pack, packed } from './packed.ts';
import { transactionEntity } from './transaction.ts';

/** `TX#<transactionId>` / `ATTR`: one transaction's attribution (gzipped), for reading it by id. */
const ENTITY = 'attribution' as const;

const AttributionItem = itemSchema(ENTITY, { transactionId: z.string(), personKey: IdentifierSchema, version: z.number(), body: packed<AttributionResult>() });

export const attributionEntity = {
  name: ENTITY,
  key: (tenantId: string, transactionId: string): Key => ({ pk: transactionEntity.partition(tenantId, transactionId), sk: 'ATTR' }),
  toItem: (tenantId: string, attribution: AttributionRecord) => ({
    ...attributionEntity.key(tenantId, attribution.transactionId),
    ...stamp(ENTITY),
    tenantId,
    transactionId: attribution.transactionId,
    personKey: attribution.personKey,
    version: attribution.version,
    body: pack(attribution.result),
  }),
  fromItem(item: Item): AttributionRecord {
    const { transactionId, personKey, version, body } = AttributionItem.parse(item);
    return { transactionId, personKey, version, result: body };
  },
};
