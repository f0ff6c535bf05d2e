import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
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
import { guard, put, writeOnce } from './write-once.ts';

const byTime = <T extends { occurredAt: string }>(a: T, b: T, idA: string, idB: string) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0);

/** The journal: touches, stages and identity links in their people's partitions, each exactly once, and the day markers of funnel stages. */
export class DynamoJournal implements Journal {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async recordTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<WriteOutcome[]> {
    return writeOnce(
      this.client,
      touches.map((touch) => ({
        contentHash: touch.contentHash,
        items: [guard(this.tableName, touchGuardEntity.toItem(tenantId, touch, retentionDays)), put(this.tableName, touchEntity.toItem(tenantId, touch, retentionDays))],
      })),
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
      unique.map((link) => ({
        contentHash: linkEntity.contentHash(link),
        items: [guard(this.tableName, linkEntity.toItem(tenantId, link, retentionDays)), put(this.tableName, linkMirrorEntity.toItem(tenantId, link, retentionDays))],
      })),
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
  async personRecords(tenantId: string, seeds: Identifier[]): Promise<PersonRecords> {
    const seen = new Set<Identifier>(seeds);
    let frontier = [...seen];
    const records: PersonRecords = { identifiers: [], touches: [], stages: [], transactions: [], truncated: false, erasedLeftovers: [], erasedIdentifiers: [] };
    while (frontier.length > 0) {
      const pages = await Promise.all(frontier.map((identifier) => readPartition(this.client, this.tableName, tenantId, identifier)));
      const next: Identifier[] = [];
      for (const [index, entries] of pages.entries()) {
        const self = frontier[index]!;
        if (entries.some(({ item }) => item.entity === 'tombstone')) records.erasedIdentifiers.push(self);
        const erased = erasedBefore(entries);
        for (const entry of entries) {
          const leftover = erased(entry);
          if (leftover) {
            records.erasedLeftovers.push(leftover);
            continue;
          }
          const { item } = entry;
          if (item.entity === 'touch') records.touches.push(item.touch);
          else if (item.entity === 'stage') records.stages.push(item.stage);
          else if (item.entity === 'tx_ref') records.transactions.push(item.ref);
          else if (item.entity === 'link' || item.entity === 'link_mirror') {
            const other = item.link.from === self ? item.link.to : item.link.from;
            if (seen.has(other)) continue;
            if (seen.size >= MAX_PERSON_IDENTIFIERS) records.truncated = true;
            else {
              seen.add(other);
              next.push(other);
            }
          }
        }
      }
      frontier = next;
    }
    records.identifiers = [...seen].sort();
    records.touches.sort((a, b) => byTime(a, b, a.touchId, b.touchId));
    records.stages.sort((a, b) => byTime(a, b, a.stageId, b.stageId));
    records.transactions.sort((a, b) => byTime(a, b, a.transactionId, b.transactionId));
    return records;
  }
}
