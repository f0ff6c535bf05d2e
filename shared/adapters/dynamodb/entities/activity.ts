import * as z from 'zod';
import type { Identifier } from '../../../identity/identity.ts';
import { expiresAt, IdentifierSchema, type Item, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `ACT#<utc day>#<shard>` / `<identifier>`: who reached a funnel stage that
 * day (written before the stage, idempotent), so a recompute finds every
 * person whose figures a setting can move (a stage, or a transaction on
 * gsi1) without a Scan; sharded so a busy day spreads over partitions.
 * Touches and links carry no marker: a person with nothing else has no
 * figure a setting moves (channels are fixed when a touch is recorded),
 * and marking them would add a request to every collect batch and webhook.
 */
const ENTITY = 'activity' as const;

/** How many partitions one day's markers spread over. */
const SHARDS = 4;

function shardOf(identifier: string): number {
  let hash = 0;
  for (let index = 0; index < identifier.length; index += 1) hash = (hash * 31 + identifier.charCodeAt(index)) >>> 0;
  return hash % SHARDS;
}

const SortKey = z.object({ sk: IdentifierSchema });

const partition = (tenantId: string, utcDay: string, shard: number) => tenantKey(tenantId, 'ACT', utcDay, String(shard));

export const activityEntity = {
  name: ENTITY,
  key: (tenantId: string, occurredAt: string, identifier: Identifier): Key => ({ pk: partition(tenantId, occurredAt.slice(0, 10), shardOf(identifier)), sk: identifier }),
  /** Every partition of one UTC day's markers. */
  partitions: (tenantId: string, utcDay: string): string[] => Array.from({ length: SHARDS }, (_, shard) => partition(tenantId, utcDay, shard)),
  /** Markers expire with the records they stand for. */
  toItem: (tenantId: string, occurredAt: string, identifier: Identifier, retentionDays: number) => ({
    ...activityEntity.key(tenantId, occurredAt, identifier),
    ...stamp(ENTITY),
    expiresAt: expiresAt(occurredAt, retentionDays),
  }),
  /** The person a marker names, from its sort key (markers are read by key only). */
  identifierOf: (item: Item): Identifier => SortKey.parse(item).sk,
};
