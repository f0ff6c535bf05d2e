import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Identifier } from '../../identity/identity.ts';
import type { ErasedLeftover, TransactionRef } from '../../recording/ports.ts';
import type { Link, Stage } from '../../recording/stages.ts';
import type { Touch } from '../../recording/touches.ts';
import { activityEntity } from './entities/activity.ts';
import { IdentifierSchema, type Item, type Key } from './entities/entity.ts';
import { linkEntity } from './entities/link.ts';
import { linkMirrorEntity } from './entities/link-mirror.ts';
import { personPartition } from './entities/person.ts';
import { stageEntity } from './entities/stage.ts';
import { type Erasure, tombstoneEntity } from './entities/tombstone.ts';
import { touchEntity } from './entities/touch.ts';
import { touchGuardEntity } from './entities/touch-guard.ts';
import { txRefEntity } from './entities/tx-ref.ts';
import { queryAll } from './query.ts';

/** An item of a person's partition, read, with the key it is stored under. */
export type PersonItem = { key: Key } & (
  | { entity: 'touch'; touch: Touch }
  | { entity: 'stage'; stage: Stage }
  | { entity: 'link' | 'link_mirror'; link: Link }
  | { entity: 'tx_ref'; ref: TransactionRef }
  | { entity: 'tombstone'; erasure: Erasure }
);

const Stored = z.object({ pk: z.string(), sk: z.string(), entity: z.string() });

function personItem(item: Item): PersonItem | undefined {
  const { pk, sk, entity } = Stored.parse(item);
  const key = { pk, sk };
  switch (entity) {
    case touchEntity.name:
      return { key, entity, touch: touchEntity.fromItem(item) };
    case stageEntity.name:
      return { key, entity, stage: stageEntity.fromItem(item) };
    case linkEntity.name:
      return { key, entity, link: linkEntity.fromItem(item) };
    case linkMirrorEntity.name:
      return { key, entity, link: linkMirrorEntity.fromItem(item) };
    case txRefEntity.name:
      return { key, entity, ref: txRefEntity.fromItem(item) };
    case tombstoneEntity.name:
      return { key, entity, erasure: tombstoneEntity.fromItem(item) };
    default:
      return undefined;
  }
}

/** A person partition's items with the raw form of each (a leftover of an erased past is kept in that form until cleared). */
export async function readPartition(client: DynamoDBDocumentClient, tableName: string, tenantId: string, identifier: Identifier): Promise<Array<{ raw: Item; item: PersonItem }>> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': personPartition(tenantId, identifier) },
    ConsistentRead: true,
  });
  return items.flatMap((raw) => {
    const item = personItem(raw);
    return item ? [{ raw, item }] : [];
  });
}

const LinkKeys = z.object({ sk: z.string(), occurredAt: z.string().optional(), erasedAt: z.string().optional() });

/**
 * The other ends of a partition's links, reading the links' keys only (and
 * the erasure tombstone that sorts just before them): links of an erased
 * past are left out.
 */
export async function readLinks(client: DynamoDBDocumentClient, tableName: string, tenantId: string, identifier: Identifier): Promise<Identifier[]> {
  const items = await queryAll(client, {
    TableName: tableName,
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :tombstone AND :links',
    ExpressionAttributeValues: { ':pk': personPartition(tenantId, identifier), ':tombstone': tombstoneEntity.sortKey, ':links': linkEntity.lastSortKey },
    ProjectionExpression: 'sk, occurredAt, erasedAt',
    ConsistentRead: true,
  });
  const read = items.map((item) => LinkKeys.parse(item));
  const erasedAt = read.find((item) => tombstoneEntity.isKey(item.sk))?.erasedAt;
  return read.flatMap(({ sk, occurredAt }) => {
    const other = linkEntity.otherEnd(sk);
    return other && !(erasedAt && occurredAt && occurredAt <= erasedAt) ? [other] : [];
  });
}

const occurredAtOf = (item: PersonItem): string | undefined => {
  switch (item.entity) {
    case 'touch':
      return item.touch.occurredAt;
    case 'stage':
      return item.stage.occurredAt;
    case 'link':
    case 'link_mirror':
      return item.link.occurredAt;
    case 'tx_ref':
      return item.ref.occurredAt;
    case 'tombstone':
      return undefined;
  }
};

/**
 * Within one partition's items: does this item belong to the erased
 * person's past? A touch, stage, link or transaction ref dated no later
 * than the partition's tombstone arrived after the erasure (or raced it):
 * it is left out, and cleared with `clearErasedLeftovers`.
 */
export function erasedBefore(items: ReadonlyArray<{ raw: Item; item: PersonItem }>): (entry: { raw: Item; item: PersonItem }) => ErasedLeftover | undefined {
  const tombstone = items.find(({ item }) => item.entity === 'tombstone')?.item;
  if (tombstone?.entity !== 'tombstone') return () => undefined;
  const { erasedAt, heir } = tombstone.erasure;
  return ({ raw, item }) => {
    const at = occurredAtOf(item);
    return at !== undefined && at <= erasedAt ? { ref: JSON.stringify({ item: raw, heir }) } : undefined;
  };
}

const LeftoverRef = z.object({ item: z.record(z.string(), z.unknown()), heir: IdentifierSchema });

/** A leftover's item and the heir of the erasure that left it. */
export function leftoverOf(leftover: ErasedLeftover): { item: PersonItem | undefined; heir: Identifier } {
  const { item, heir } = LeftoverRef.parse(JSON.parse(leftover.ref));
  return { item: personItem(item), heir };
}

/** An item of a person's partition and what only exists because of it: a touch's id guard, a stage's activity marker, a link's other half. */
export function keysOf(tenantId: string, item: PersonItem): Key[] {
  switch (item.entity) {
    case 'touch':
      return [item.key, touchGuardEntity.key(tenantId, item.touch.touchId)];
    case 'stage':
      return [item.key, activityEntity.key(tenantId, item.stage.occurredAt, item.stage.identifiers[0]!)];
    case 'link':
    case 'link_mirror':
      return [linkEntity.key(tenantId, item.link), linkMirrorEntity.key(tenantId, item.link)];
    default:
      return [item.key];
  }
}
