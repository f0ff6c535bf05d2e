import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import type {
  Checkout,
  ErasedLeftover,
  ErasedRecords,
  PersonRecords,
  RecordStore,
  StoredSettlement,
  StoredTransaction,
  TransactionRef,
  TransactionWrite,
  WriteOutcome,
} from '../../recording/ports.ts';
import type { Link, Stage } from '../../recording/stages.ts';
import type { Touch } from '../../recording/touches.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';
import { batchGetAll, deleteKeys, queryAll, writeAll } from './query.ts';

type Item = Record<string, unknown>;
type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Key builders. Everything of a tenant starts with `T#<tenantId>#`, so no
 * id a client sends can reach another tenant's items.
 *
 * - `P#<identifier>`: a person's partition: touches (`TOUCH#<at>#<id>`),
 *   stages (`STAGE#<at>#<id>`), links (`LINK#<other>`), transaction refs
 *   (`TX#<at>#<id>`). Read with consistent queries, so a record is seen as
 *   soon as it is written (indexes would lag).
 * - `TOUCH#<touchId>`: the guard that makes a touch id unique per tenant.
 * - `TX#<transactionId>`: the transaction (`TX`), an order's settlement
 *   with its refunds and cancellations (`SETTLEMENT`), and aliases (`ALIAS`;
 *   an alias's settlement points at its order once the order is known).
 * - gsi1 `TXDAY#<utc day>` / `<at>#<id>`: transactions in time order.
 * - `ACT#<utc day>#<shard>` / `<identifier>`: who reached a funnel stage that
 *   day (written before the stage, idempotent), so a recompute finds every
 *   person whose figures a setting can move (a stage, or a transaction on
 *   gsi1) without a Scan; sharded so a busy day spreads over partitions.
 *   Touches and links carry no marker: a person with nothing else has no
 *   figure a setting moves (channels are fixed when a touch is recorded),
 *   and marking them would add a request to every collect batch and webhook.
 */
export const recordKeys = {
  person: (tenantId: string, identifier: string) => `T#${tenantId}#P#${identifier}`,
  touchGuard: (tenantId: string, touchId: string) => ({ pk: `T#${tenantId}#TOUCH#${touchId}`, sk: 'TOUCH' }),
  transaction: (tenantId: string, transactionId: string) => ({ pk: `T#${tenantId}#TX#${transactionId}`, sk: 'TX' }),
  transactionDay: (tenantId: string, occurredAt: string) => `T#${tenantId}#TXDAY#${occurredAt.slice(0, 10)}`,
  delivery: (tenantId: string, key: string) => ({ pk: `T#${tenantId}#DELIVERY#${key}`, sk: 'DELIVERY' }),
  settlement: (tenantId: string, key: string) => ({ pk: `T#${tenantId}#TX#${key}`, sk: 'SETTLEMENT' }),
  /** An order by the provider's own id (`ORDER`: its transactionId and buyer), and a browser's checkout of it (`CHECKOUT`). */
  orderRef: (tenantId: string, externalId: string, sk: 'ORDER' | 'CHECKOUT') => ({ pk: `T#${tenantId}#ORDERREF#${externalId}`, sk }),
  activity: (tenantId: string, occurredAt: string, identifier: string) => ({ pk: activityPartition(tenantId, occurredAt.slice(0, 10), activityShard(identifier)), sk: identifier }),
};

/** How many partitions one day's activity markers spread over. */
export const ACTIVITY_SHARDS = 4;
export const activityPartition = (tenantId: string, utcDay: string, shard: number) => `T#${tenantId}#ACT#${utcDay}#${shard}`;
function activityShard(identifier: string): number {
  let hash = 0;
  for (let index = 0; index < identifier.length; index += 1) hash = (hash * 31 + identifier.charCodeAt(index)) >>> 0;
  return hash % ACTIVITY_SHARDS;
}

/** How many linked identifiers one person may have before reads stop following links. */
export const MAX_PERSON_IDENTIFIERS = 50;
const DELIVERY_TTL_DAYS = 30;
const MAX_ITEMS_PER_TRANSACTION = 100;
const PARALLEL_TRANSACTIONS = 4;

interface OnceRecord {
  /** items[0] is the guard: written only if absent; its old `contentHash` tells duplicate from conflict. */
  items: TransactItem[];
  contentHash: string;
}

const strip = ({ pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g1s, entity: _e, tenantId: _t, expiresAt: _x, ...rest }: Item) => rest;

/** The sort key of an erased identifier's tombstone in its partition (before `LINK#`, `STAGE#`, `TOUCH#`, `TX#`). */
export const TOMBSTONE_SK = 'ERASED';

/**
 * Within one partition's items: does this item belong to the erased
 * person's past? A touch, stage or link dated no later than the partition's
 * tombstone arrived after the erasure (or raced it): it is left out and
 * deleted. Transactions stay: finance keeps them.
 */
function erasedBefore(items: readonly Item[]): (item: Item) => ErasedLeftover | undefined {
  const tombstone = items.find((item) => item.sk === TOMBSTONE_SK);
  if (!tombstone) return () => undefined;
  const erasedAt = tombstone.erasedAt as string;
  return (item) => {
    const sk = item.sk as string;
    const personal = sk.startsWith('TOUCH#') || sk.startsWith('STAGE#') || sk.startsWith('LINK#') || sk.startsWith('TX#');
    return personal && (item.occurredAt as string) <= erasedAt ? { ref: JSON.stringify({ item, heir: tombstone.heir }) } : undefined;
  };
}

/** How long an erased id's tombstone keeps its past from coming back (late webhooks and batches arrive within days). */
const TOMBSTONE_DAYS = 90;

/** DynamoDB's TTL attribute (epoch seconds): a personal record goes `retentionDays` after it happened (SPEC §10). */
export function expiresAt(occurredAt: string, retentionDays: number): number {
  return Math.floor(Date.parse(occurredAt) / 1000) + retentionDays * 86_400;
}

export class DynamoRecordStore implements RecordStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private put(item: Item, guard = false): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: item,
        ...(guard ? { ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const } : {}),
      },
    };
  }

  /**
   * Writes each record exactly once, many per TransactWriteItems call. A
   * record whose guard exists is a duplicate (same content hash) or a
   * conflict; the rest of its transaction is retried without it. Concurrent
   * writers of the same record race on the guard's condition, so exactly one
   * stores it and the others see a duplicate.
   */
  private async writeOnce(records: OnceRecord[]): Promise<WriteOutcome[]> {
    const outcomes: WriteOutcome[] = new Array(records.length);
    let chunk: number[] = [];
    let size = 0;
    const chunks: number[][] = [];
    records.forEach((record, index) => {
      if (size + record.items.length > MAX_ITEMS_PER_TRANSACTION && chunk.length > 0) {
        chunks.push(chunk);
        chunk = [];
        size = 0;
      }
      chunk.push(index);
      size += record.items.length;
    });
    if (chunk.length > 0) chunks.push(chunk);

    const writeChunk = (initial: number[]) => {
      let pending = initial;
      return retrying(
        async () => {
          const items = pending.flatMap((index) => records[index]!.items);
          try {
            await this.client.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
            for (const index of pending) outcomes[index] = 'stored';
            return undefined;
          } catch (error) {
            if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
            const reasons = error.CancellationReasons;
            const retry: number[] = [];
            let offset = 0;
            for (const index of pending) {
              const record = records[index]!;
              const guard = reasons[offset];
              if (guard?.Code === 'ConditionalCheckFailed') {
                outcomes[index] = (guard.Item?.contentHash as { S?: string } | undefined)?.S === record.contentHash ? 'duplicate' : 'conflict';
              } else {
                retry.push(index);
              }
              offset += record.items.length;
            }
            const contended = reasons.some((reason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError');
            if (!contended && retry.length === pending.length) throw error; // cancelled for a reason no record explains
            pending = retry;
            return pending.length > 0 ? TRY_AGAIN : undefined;
          }
        },
        { what: 'Recording' },
      );
    };
    // A few transactions at a time: a batch of 500 touches is 10 of them.
    for (let start = 0; start < chunks.length; start += PARALLEL_TRANSACTIONS) {
      await Promise.all(chunks.slice(start, start + PARALLEL_TRANSACTIONS).map(writeChunk));
    }
    return outcomes;
  }

  /**
   * The day markers of these records' people (see `recordKeys.activity`),
   * written before the records so a recompute can never miss a stored one;
   * a marker without its record (the record's write failed) only costs a
   * projection that finds nothing new.
   */
  private async markActive(tenantId: string, records: ReadonlyArray<{ occurredAt: string; identifier: string }>, retentionDays: number): Promise<void> {
    const markers = new Map<string, Item>();
    for (const { occurredAt, identifier } of records) {
      const key = recordKeys.activity(tenantId, occurredAt, identifier);
      markers.set(`${key.pk} ${key.sk}`, { ...key, entity: 'activity', expiresAt: expiresAt(occurredAt, retentionDays) });
    }
    await writeAll(
      this.client,
      this.tableName,
      [...markers.values()].map((Item) => ({ PutRequest: { Item } })),
      'Marking activity',
    );
  }

  async activePeople(tenantId: string, utcDay: string): Promise<Identifier[]> {
    const shards = await Promise.all(
      Array.from({ length: ACTIVITY_SHARDS }, (_, shard) =>
        queryAll(this.client, {
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': activityPartition(tenantId, utcDay, shard) },
          ProjectionExpression: 'sk',
        }),
      ),
    );
    return shards.flat().map((item) => item.sk as Identifier);
  }

  async recordTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<WriteOutcome[]> {
    return this.writeOnce(
      touches.map((touch) => ({
        contentHash: touch.contentHash,
        items: [
          this.put(
            {
              ...recordKeys.touchGuard(tenantId, touch.touchId),
              entity: 'touch_id',
              contentHash: touch.contentHash,
              identifier: touch.identifiers[0],
              expiresAt: expiresAt(touch.occurredAt, retentionDays),
            },
            true,
          ),
          this.put(this.touchItem(tenantId, touch, retentionDays)),
        ],
      })),
    );
  }

  private touchItem(tenantId: string, touch: Touch, retentionDays: number): Item {
    return {
      pk: recordKeys.person(tenantId, touch.identifiers[0]!),
      sk: `TOUCH#${touch.occurredAt}#${touch.touchId}`,
      entity: 'touch',
      tenantId,
      ...touch,
      expiresAt: expiresAt(touch.occurredAt, retentionDays),
    };
  }

  async recordReplayableTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<void> {
    const unique = [...new Map(touches.map((touch) => [touch.touchId, touch])).values()];
    await writeAll(
      this.client,
      this.tableName,
      unique.map((touch) => ({ PutRequest: { Item: this.touchItem(tenantId, touch, retentionDays) } })),
      'Recording collected touches',
    );
  }

  async recordStages(tenantId: string, stages: Stage[], retentionDays: number): Promise<WriteOutcome[]> {
    await this.markActive(
      tenantId,
      stages.map((stage) => ({ occurredAt: stage.occurredAt, identifier: stage.identifiers[0]! })),
      retentionDays,
    );
    return this.writeOnce(
      stages.map((stage) => ({
        contentHash: stage.contentHash,
        items: [
          this.put(
            {
              pk: recordKeys.person(tenantId, stage.identifiers[0]!),
              sk: `STAGE#${stage.occurredAt}#${stage.stageId}`,
              entity: 'stage',
              tenantId,
              ...stage,
              expiresAt: expiresAt(stage.occurredAt, retentionDays),
            },
            true,
          ),
        ],
      })),
    );
  }

  async recordLinks(tenantId: string, links: Link[], retentionDays: number): Promise<WriteOutcome[]> {
    const unique = [...new Map(links.map((link) => [`${link.from} ${link.to}`, link])).values()];
    const outcomes = await this.writeOnce(
      unique.map((link) => {
        const contentHash = `${link.from} ${link.to}`;
        const expiry = expiresAt(link.occurredAt, retentionDays);
        return {
          contentHash,
          items: [
            this.put({ pk: recordKeys.person(tenantId, link.from), sk: `LINK#${link.to}`, entity: 'link', tenantId, ...link, primary: true, contentHash, expiresAt: expiry }, true),
            this.put({ pk: recordKeys.person(tenantId, link.to), sk: `LINK#${link.from}`, entity: 'link_mirror', tenantId, ...link, contentHash, expiresAt: expiry }),
          ],
        };
      }),
    );
    // A link's content is its two ends, so a link seen before is always a duplicate, never a conflict.
    const byKey = new Map(unique.map((link, index) => [`${link.from} ${link.to}`, outcomes[index]!]));
    return links.map((link) => byKey.get(`${link.from} ${link.to}`)!);
  }

  /**
   * The transaction (guarded by its id), its settlement at the next version
   * (only if still at the version it was read at), its person's ref, its
   * aliases, and the recounted amounts of the order's other adjustments:
   * one transaction, so what Baton counts of an order can never drift from
   * what it stored.
   */
  async recordTransaction(tenantId: string, write: TransactionWrite): Promise<WriteOutcome | 'stale' | 'checkout'> {
    const tx = write.transaction;
    const ref: TransactionRef = {
      transactionId: tx.transactionId,
      kind: tx.kind,
      occurredAt: tx.occurredAt,
      currency: tx.currency,
      net: tx.net,
      total: tx.total,
      ...(tx.orderId ? { orderId: tx.orderId } : {}),
      ...(tx.kind === 'order' ? { salesChannel: tx.salesChannel, ...(tx.rep ? { rep: tx.rep } : {}) } : {}),
    };
    const items: TransactItem[] = [
      this.put(
        {
          ...recordKeys.transaction(tenantId, tx.transactionId),
          gsi1pk: recordKeys.transactionDay(tenantId, tx.occurredAt),
          gsi1sk: `${tx.occurredAt}#${tx.transactionId}`,
          entity: 'transaction',
          tenantId,
          ...tx,
          ...(write.aliases?.length ? { aliases: write.aliases.map(({ alias }) => alias) } : {}),
        },
        true,
      ),
      this.versioned({ ...recordKeys.settlement(tenantId, write.settlementKey), entity: 'settlement', ...write.settlement }, write.expectedVersion),
    ];
    if (tx.identifiers[0]) {
      items.push(this.put({ pk: recordKeys.person(tenantId, tx.identifiers[0]), sk: `TX#${tx.occurredAt}#${tx.transactionId}`, entity: 'tx_ref', ...ref }));
    }
    for (const { alias, expectedVersion } of write.aliases ?? []) {
      items.push(this.put({ pk: recordKeys.transaction(tenantId, alias).pk, sk: 'ALIAS', entity: 'alias', transactionId: tx.transactionId }));
      items.push(this.versioned({ ...recordKeys.settlement(tenantId, alias), entity: 'settlement', version: expectedVersion + 1, adjustments: [], redirect: tx.transactionId }, expectedVersion));
    }
    if (write.orderRef) {
      items.push(this.put({ ...recordKeys.orderRef(tenantId, write.orderRef.externalId, 'ORDER'), entity: 'order_ref', transactionId: tx.transactionId, buyer: write.orderRef.buyer }));
      if (!write.orderRef.checkoutSeen) {
        items.push({ ConditionCheck: { TableName: this.tableName, Key: recordKeys.orderRef(tenantId, write.orderRef.externalId, 'CHECKOUT'), ConditionExpression: 'attribute_not_exists(pk)' } });
      }
    }
    const checkoutCheck = write.orderRef && !write.orderRef.checkoutSeen ? items.length - 1 : -1;
    for (const { transactionId, status, counted, conflict } of write.recounted) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: recordKeys.transaction(tenantId, transactionId),
          UpdateExpression: conflict ? 'SET #status = :status, counted = :counted, #conflict = :conflict' : 'SET #status = :status, counted = :counted REMOVE #conflict',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#conflict': 'conflict' },
          ExpressionAttributeValues: { ':status': status, ':counted': counted, ...(conflict ? { ':conflict': conflict } : {}) },
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      return 'stored';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
      const reasons = error.CancellationReasons;
      const [guard] = reasons;
      if (guard?.Code === 'ConditionalCheckFailed') return (guard.Item?.contentHash as { S?: string } | undefined)?.S === tx.contentHash ? 'duplicate' : 'conflict';
      if (checkoutCheck >= 0 && reasons[checkoutCheck]?.Code === 'ConditionalCheckFailed') return 'checkout';
      if (reasons.slice(1).some((reason) => ['ConditionalCheckFailed', 'TransactionConflict', 'ThrottlingError'].includes(reason.Code ?? ''))) return 'stale';
      throw error;
    }
  }

  /** A Put of `item` at `expectedVersion + 1`, only if the stored one is at `expectedVersion` (0: absent). */
  private versioned(item: Item, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: { ...item, version: expectedVersion + 1 },
        ...(expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      },
    };
  }

  /**
   * The checkout and the order race on each other's items: the checkout is
   * written only while no order for that id is stored, and the order only
   * while no checkout is (see `recordTransaction`), so whichever comes
   * second sees the first and the two are linked exactly once.
   */
  async recordCheckout(tenantId: string, checkout: Checkout): Promise<{ outcome: WriteOutcome; orderBuyer?: Identifier }> {
    const item = { ...recordKeys.orderRef(tenantId, checkout.externalId, 'CHECKOUT'), entity: 'checkout', ...checkout };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            this.put(item, true),
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: recordKeys.orderRef(tenantId, checkout.externalId, 'ORDER'),
                ConditionExpression: 'attribute_not_exists(pk)',
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
          ],
        }),
      );
      return { outcome: 'stored' };
    } catch (error) {
      if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
      const [own, order] = error.CancellationReasons;
      if (own?.Code === 'ConditionalCheckFailed') return { outcome: (own.Item?.anonymousId as { S?: string } | undefined)?.S === checkout.anonymousId ? 'duplicate' : 'conflict' };
      if (order?.Code === 'ConditionalCheckFailed') {
        // The order came first: keep the checkout on record and hand back its buyer to link.
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })).catch((put: unknown) => {
          if (!(put instanceof ConditionalCheckFailedException)) throw put;
        });
        return { outcome: 'stored', orderBuyer: (order.Item?.buyer as { S?: string } | undefined)?.S as Identifier };
      }
      throw error;
    }
  }

  async getCheckout(tenantId: string, externalId: string): Promise<Checkout | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: recordKeys.orderRef(tenantId, externalId, 'CHECKOUT'), ConsistentRead: true }));
    return Item ? { externalId, anonymousId: Item.anonymousId as string, occurredAt: Item.occurredAt as string } : undefined;
  }

  async getSettlements(tenantId: string, keys: readonly string[]): Promise<Map<string, StoredSettlement>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(keys)].map((key) => recordKeys.settlement(tenantId, key)),
      'Reading settlements',
    );
    const found = new Map<string, StoredSettlement>();
    for (const { pk, sk: _sk, entity: _entity, ...settlement } of items) found.set((pk as string).slice(`T#${tenantId}#TX#`.length), settlement as unknown as StoredSettlement);
    return found;
  }

  /** Breadth-first over link items only (a small read per id, with the erasure tombstone that sorts just before them): who the person is, before anything of theirs is read. */
  async linkedIdentifiers(tenantId: string, seeds: readonly Identifier[]): Promise<Identifier[]> {
    const seen = new Set<Identifier>(seeds);
    let frontier = [...seen];
    while (frontier.length > 0) {
      const pages = await Promise.all(
        frontier.map((identifier) =>
          queryAll(this.client, {
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :tombstone AND :links',
            ExpressionAttributeValues: { ':pk': recordKeys.person(tenantId, identifier), ':tombstone': TOMBSTONE_SK, ':links': 'LINK#\uffff' },
            ProjectionExpression: 'sk, occurredAt, erasedAt',
            ConsistentRead: true,
          }),
        ),
      );
      const next: Identifier[] = [];
      for (const items of pages) {
        const erased = erasedBefore(items);
        for (const item of items) {
          if (!(item.sk as string).startsWith('LINK#') || erased(item)) continue;
          const other = (item.sk as string).slice('LINK#'.length) as Identifier;
          if (!seen.has(other) && seen.size < MAX_PERSON_IDENTIFIERS) {
            seen.add(other);
            next.push(other);
          }
        }
      }
      frontier = next;
    }
    return [...seen].sort();
  }

  async getSettlement(tenantId: string, key: string): Promise<StoredSettlement> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: recordKeys.settlement(tenantId, key), ConsistentRead: true }));
    if (!Item) return { version: 0, adjustments: [] };
    const { pk: _pk, sk: _sk, entity: _entity, ...settlement } = Item;
    return settlement as StoredSettlement;
  }

  async getTransaction(tenantId: string, transactionId: string): Promise<StoredTransaction | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: recordKeys.transaction(tenantId, transactionId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as StoredTransaction) : undefined;
  }

  async resolveAlias(tenantId: string, alias: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: recordKeys.transaction(tenantId, alias).pk, sk: 'ALIAS' }, ConsistentRead: true }));
    return Item?.transactionId as string | undefined;
  }

  private partition(tenantId: string, identifier: string): Promise<Item[]> {
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': recordKeys.person(tenantId, identifier) },
      ConsistentRead: true,
    });
  }

  /** Follows links breadth-first from the given identifiers; one query per identifier. */
  async personRecords(tenantId: string, seeds: Identifier[]): Promise<PersonRecords> {
    const seen = new Set<Identifier>(seeds);
    let frontier = [...seen];
    const records: PersonRecords = { identifiers: [], touches: [], stages: [], transactions: [], truncated: false, erasedLeftovers: [], erasedIdentifiers: [] };
    while (frontier.length > 0) {
      const pages = await Promise.all(frontier.map((identifier) => this.partition(tenantId, identifier)));
      const next: Identifier[] = [];
      for (const [index, items] of pages.entries()) {
        if (items.some((item) => item.sk === TOMBSTONE_SK)) records.erasedIdentifiers.push(frontier[index]!);
        const erased = erasedBefore(items);
        for (const item of items) {
          const leftover = erased(item);
          if (leftover) {
            records.erasedLeftovers.push(leftover);
            continue;
          }
          if (item.entity === 'touch') records.touches.push(strip(item) as unknown as Touch);
          else if (item.entity === 'stage') records.stages.push(strip(item) as unknown as Stage);
          else if (item.entity === 'tx_ref') records.transactions.push(strip(item) as unknown as TransactionRef);
          else if (item.entity === 'link' || item.entity === 'link_mirror') {
            const other = (item.sk as string).slice('LINK#'.length) as Identifier;
            if (!seen.has(other)) {
              if (seen.size >= MAX_PERSON_IDENTIFIERS) records.truncated = true;
              else {
                seen.add(other);
                next.push(other);
              }
            }
          }
        }
      }
      frontier = next;
    }
    records.identifiers = [...seen].sort();
    const byTime = <T extends { occurredAt: string }>(a: T, b: T, idA: string, idB: string) =>
      a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : idA < idB ? -1 : idA > idB ? 1 : 0;
    records.touches.sort((a, b) => byTime(a, b, a.touchId, b.touchId));
    records.stages.sort((a, b) => byTime(a, b, a.stageId, b.stageId));
    records.transactions.sort((a, b) => byTime(a, b, a.transactionId, b.transactionId));
    return records;
  }

  async clearErasedLeftovers(tenantId: string, leftovers: readonly ErasedLeftover[]): Promise<Identifier[]> {
    const keys: Array<{ pk: string; sk: string }> = [];
    const byHeir = new Map<Identifier, Item[]>();
    for (const { ref } of leftovers) {
      const { item, heir } = JSON.parse(ref) as { item: Item; heir: Identifier };
      keys.push(...this.keysOf(tenantId, item));
      if (item.entity === 'tx_ref') byHeir.set(heir, [...(byHeir.get(heir) ?? []), item]);
    }
    for (const [heir, refs] of byHeir) await this.handOverTransactions(tenantId, refs, heir);
    await deleteKeys(this.client, this.tableName, keys);
    return [...byHeir.keys()];
  }

  async markErased(tenantId: string, identifiers: readonly Identifier[], erasure: { erasureId: string; erasedAt: string; heir: Identifier }): Promise<void> {
    const expires = Math.floor(Date.parse(erasure.erasedAt) / 1000) + TOMBSTONE_DAYS * 86_400;
    await Promise.all(
      identifiers.map((identifier) =>
        this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: recordKeys.person(tenantId, identifier), sk: TOMBSTONE_SK, entity: 'tombstone', ...erasure, expiresAt: expires } })),
      ),
    );
  }

  async eraseRecords(tenantId: string, identifiers: readonly Identifier[], heir: Identifier): Promise<ErasedRecords> {
    const items = (await Promise.all(identifiers.map((identifier) => this.partition(tenantId, identifier)))).flat().filter((item) => item.sk !== TOMBSTONE_SK);
    const refs = items.filter((item) => item.entity === 'tx_ref');
    const { checkouts } = await this.handOverTransactions(tenantId, refs, heir);
    await deleteKeys(
      this.client,
      this.tableName,
      items.flatMap((item) => this.keysOf(tenantId, item)),
    );
    const count = (entity: string) => items.filter((item) => item.entity === entity).length;
    return { touches: count('touch'), stages: count('stage'), links: count('link'), transactions: refs.length, checkouts };
  }

  /** An item of a person's partition and what only exists because of it: a touch's id guard, a link's mirror. */
  private keysOf(tenantId: string, item: Item): Array<{ pk: string; sk: string }> {
    const own = { pk: item.pk as string, sk: item.sk as string };
    const self = own.pk.slice(recordKeys.person(tenantId, '').length);
    if (item.entity === 'touch') return [own, recordKeys.touchGuard(tenantId, item.touchId as string)];
    if (item.entity === 'stage') return [own, recordKeys.activity(tenantId, item.occurredAt as string, self)];
    if (item.entity === 'link' || item.entity === 'link_mirror') {
      const other = own.sk.slice('LINK#'.length);
      return [own, { pk: recordKeys.person(tenantId, other), sk: `LINK#${self}` }];
    }
    return [own];
  }

  /**
   * The person leaves their transactions (SPEC §10): each keeps its amounts
   * and counts for finance, names `heir` instead of them, loses its landing
   * page and referrer; its ref moves to the heir's partition; an order's
   * provider reference names the heir, and a browser's checkout of it goes.
   */
  private async handOverTransactions(tenantId: string, refs: readonly Item[], heir: Identifier): Promise<{ checkouts: number }> {
    let checkouts = 0;
    for (const ref of refs) {
      const { Attributes: transaction } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: recordKeys.transaction(tenantId, ref.transactionId as string),
          UpdateExpression: 'SET identifiers = :heir REMOVE landingUrl, referrer',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':heir': [heir] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { ...ref, pk: recordKeys.person(tenantId, heir) } }));
      if (transaction?.kind !== 'order') continue;
      const externalId = transaction.externalId as string;
      await this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: recordKeys.orderRef(tenantId, externalId, 'ORDER'),
            UpdateExpression: 'SET buyer = :heir',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':heir': heir },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
      const { Attributes: checkout } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: recordKeys.orderRef(tenantId, externalId, 'CHECKOUT'), ReturnValues: 'ALL_OLD' }));
      if (checkout) checkouts += 1;
    }
    return { checkouts };
  }

  async hasDelivery(tenantId: string, deliveryKey: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: recordKeys.delivery(tenantId, deliveryKey), ConsistentRead: true }));
    return Item !== undefined;
  }

  async recordDelivery(tenantId: string, deliveryKey: string, at: string): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...recordKeys.delivery(tenantId, deliveryKey), entity: 'delivery', at, expiresAt: Math.floor(Date.parse(at) / 1000) + DELIVERY_TTL_DAYS * 86_400 },
      }),
    );
  }
}
