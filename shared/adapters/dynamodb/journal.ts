import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import { emptyPartition, walkPerson } from '../../recording/person-walk.ts';
import { type Journal, MAX_PERSON_IDENTIFIERS, type PersonRecords, type WriteOutcome } from '../../recording/ports.ts';
import type { Link, Stage } from '../../recording/stages.ts';
import type { Touch } from '../../recording/touches.ts';
import { activityEntity } from './entities/activity.ts';
import type { Item } from './entities/entity.ts';
import { linkEntity } from './entities/link.ts';
import { linkMirrorEntity } from './entities/link-mirror.ts';
import { stageEntity } from './entities/stage.ts';
import { touchEntity } from './entities/touch.ts';
import { touchGuardEntity } from './entities/touch-guard.ts';
import { erasedBefore, readLinks, readPartition } from './person-partition.ts';
import { queryAll, writeAll } from './query.ts';
import { guard, type OnceRecord, put, writeOnce } from './write-once.ts';

/** A touch as written once: its guard (by touch id), then the touch in its person's partition. */
export function touchRecord(tableName: string, tenantId: string, touch: Touch, retentionDays: number): OnceRecord {
  return { contentHash: touch.contentHash, items: [guard(tableName, touchGuardEntity.toItem(tenantId, touch, retentionDays)), put(tableName, touchEntity.toItem(tenantId, touch, retentionDays))] };
}

/** An identity link as written once: guarded in one end's partition, mirrored in the other's. */
export function linkRecord(tableName: string, tenantId: string, link: Link, retentionDays: number): OnceRecord {
  return {
    contentHash: linkEntity.contentHash(link),
    items: [guard(tableName, linkEntity.toItem(tenantId, link, retentionDays)), put(tableName, linkMirrorEntity.toItem(tenantId, link, retentionDays))],
  };
}

/** The journal: touches, stages and identity links in their people's partitions, each exactly once, and the day markers of funnel stages. */
export class DynamoJournal implements Journal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<WriteOutcome[]> {
    return writeOnce(
      this.client,
      touches.map((touch) => touchRecord(this.tableName, tenantId, touch, retentionDays)),
    );
  }

  async recordReplayableTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<void> {
    const unique = [...new Map(touches.map((touch) => [touch.touchId, touch])).values()];
    await writeAll(
      this.client,
      this.tableName,
      unique.map((touch) => ({ PutRequest: { Item: touchEntity.toItem(tenantId, touch, retentionDays) } })),
      'Recording collected touches',
    );
  }

  async recordStages(tenantId: string, stages: Stage[], retentionDays: number): Promise<WriteOutcome[]> {
    await this.markActive(tenantId, stages, retentionDays);
    return writeOnce(
      this.client,
      stages.map((stage) => ({ contentHash: stage.contentHash, items: [guard(this.tableName, stageEntity.toItem(tenantId, stage, retentionDays))] })),
    );
  }

  /**
   * The day markers of these stages' people (`activity.ts`), written before
   * the stages so a recompute can never miss a stored one; a marker without
   * its stage (the stage's write failed) only costs a projection that finds
   * nothing new.
   */
  private async markActive(tenantId: string, stages: readonly Stage[], retentionDays: number): Promise<void> {
    const markers = new Map<string, Item>();
    for (const { occurredAt, identifiers } of stages) {
      const marker = activityEntity.toItem(tenantId, occurredAt, identifiers[0]!, retentionDays);
      markers.set(`${marker.pk} ${marker.sk}`, marker);
    }
    await writeAll(
      this.client,
      this.tableName,
      [...markers.values()].map((Item) => ({ PutRequest: { Item } })),
      'Marking activity',
    );
  }

  async recordLinks(tenantId: string, links: Link[], retentionDays: number): Promise<WriteOutcome[]> {
    const unique = [...new Map(links.map((link) => [linkEntity.contentHash(link), link])).values()];
    const outcomes = await writeOnce(
      this.client,
      unique.map((link) => linkRecord(this.tableName, tenantId, link, retentionDays)),
    );
    // A link's content is its two ends, so a link seen before is always a duplicate, never a conflict.
    const byContent = new Map(unique.map((link, index) => [linkEntity.contentHash(link), outcomes[index]!]));
    return links.map((link) => byContent.get(linkEntity.contentHash(link))!);
  }

  async activePeople(tenantId: string, utcDay: string): Promise<Identifier[]> {
    const shards = await Promise.all(
      activityEntity
        .partitions(tenantId, utcDay)
        .map((pk) => queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'sk' })),
    );
    return shards.flat().map((item) => activityEntity.identifierOf(item));
  }

  /** Breadth-first over link items only (a small read per id): who the person is, before anything of theirs is read. */
  async linkedIdentifiers(tenantId: string, seeds: readonly Identifier[]): Promise<Identifier[]> {
    const seen = new Set<Identifier>(seeds);
    let frontier = [...seen];
    while (frontier.length > 0) {
      const others = await Promise.all(frontier.map((identifier) => readLinks(this.client, this.tableName, tenantId, identifier)));
      const next: Identifier[] = [];
      for (const other of others.flat()) {
        if (!seen.has(other) && seen.size < MAX_PERSON_IDENTIFIERS) {
          seen.add(other);
          next.push(other);
        }
      }
      frontier = next;
    }
    return [...seen].sort();
  }

  /** Follows links breadth-first from the given identifiers; one query per identifier. */
  personRecords(tenantId: string, seeds: Identifier[]): Promise<PersonRecords> {
    return walkPerson(seeds, (frontier) =>
      Promise.all(
        frontier.map(async (self) => {
          const entries = await readPartition(this.client, this.tableName, tenantId, self);
          const contents = emptyPartition();
          contents.erased = entries.some(({ item }) => item.entity === 'tombstone');
          const erased = erasedBefore(entries);
          for (const entry of entries) {
            const leftover = erased(entry);
            if (leftover) {
              contents.erasedLeftovers.push(leftover);
              continue;
            }
            const { item } = entry;
            if (item.entity === 'touch') contents.touches.push(item.touch);
            else if (item.entity === 'stage') contents.stages.push(item.stage);
            else if (item.entity === 'tx_ref') contents.transactions.push(item.ref);
            else if (item.entity === 'link' || item.entity === 'link_mirror') contents.linked.push(item.link.from === self ? item.link.to : item.link.from);
          }
          return contents;
        }),
      ),
    );
  }
}
