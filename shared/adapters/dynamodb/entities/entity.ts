import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';

/**
 * What every single-table entity shares (one file per item beside this one,
 * each with its key builders, `toItem` and `fromItem`):
 *
 * - keys are generic (`pk`/`sk`, `gsi1pk`/`gsi1sk`), built and parsed only
 *   in the item's own module;
 * - everything of a tenant starts with `T#<tenantId>#`, so no id a client
 *   sends can reach another tenant's items;
 * - each item says what it is (`entity`, which stream filters read) and the
 *   version of its shape (`v`); items written before versions read as 1.
 */

/** An item as the document client writes and reads it. */
export type Item = Record<string, unknown>;

/** One operation of a TransactWriteItems call. */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** A primary key. */
export type Key = { pk: string; sk: string };

export function tenantKey(tenantId: string, ...parts: readonly string[]): string {
  return `T#${tenantId}#${parts.join('#')}`;
}

/** The tenant a `tenantKey` names (tenant ids hold no `#`). */
export function tenantOfKey(key: string): string {
  return key.slice(2, key.indexOf('#', 2));
}

/** The shape version items are written at. */
export const ITEM_VERSION = 1;

/** The attributes naming an item's entity and shape version, as written. */
export function stamp<const Entity extends string>(entity: Entity): { entity: Entity; v: typeof ITEM_VERSION } {
  return { entity, v: ITEM_VERSION };
}

/** An entity's item as read: its own attributes, its entity and version (keys and any other attribute are dropped). */
export function itemSchema<const Entity extends string, Shape extends z.ZodRawShape>(entity: Entity, shape: Shape) {
  return z.object({ ...shape, entity: z.literal(entity), v: z.literal(ITEM_VERSION).default(ITEM_VERSION) });
}

/** An identifier as stored: a non-empty string (what its prefix means is the identity module's, not the table's). */
export { IdentifierSchema } from '../../../identity/identity.ts';

/** DynamoDB's TTL attribute (epoch seconds): `days` after `at`. */
export function expiresAt(at: string, days: number): number {
  return Math.floor(Date.parse(at) / 1000) + days * 86_400;
}

/** A key no item ever has: reading it proves the table answers. */
export const PROBE_KEY: Key = { pk: 'HEALTH', sk: 'HEALTH' };
