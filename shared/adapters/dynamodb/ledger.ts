import { type CancellationReason, ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import { type Checkout, type Ledger, type NewOrderWrite, type StoredSettlement, type StoredTransaction, type TransactionWrite, transactionRefOf, type WriteOutcome } from '../../recording/ports.ts';
import { aliasEntity } from './entities/alias.ts';
import { checkoutEntity } from './entities/checkout.ts';
import { deliveryEntity } from './entities/delivery.ts';
import type { Item, TransactItem } from './entities/entity.ts';
import { linkEntity } from './entities/link.ts';
import { orderRefEntity } from './entities/order-ref.ts';
import { settlementEntity } from './entities/settlement.ts';
import { transactionEntity } from './entities/transaction.ts';
import { txRefEntity } from './entities/tx-ref.ts';
import { linkRecord, touchRecord } from './journal.ts';
import { batchGetAll } from './query.ts';
import { contended, guard, guardOutcome, type OnceRecord, put, storedItem } from './write-once.ts';

/** TransactWriteItems takes at most 100 items. */
const MAX_TRANSACTION_ITEMS = 100;

/** The ledger: transactions with their settlements, aliases, order references and checkouts. */
export class DynamoLedger implements Ledger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** A Put of `item` (carrying its next version), only if the stored one is at `expectedVersion` (0: absent). */
  private versioned(item: Item, expectedVersion: number): TransactItem {
    return {
      Put: {
        TableName: this.tableName,
        Item: item,
        ...(expectedVersion === 0 ? { ConditionExpression: 'attribute_not_exists(pk)' } : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
      },
    };
  }

  /**
   * The transaction (guarded by its id), its settlement at the next version
   * (only if still at the version it was read at), its person's ref, its
   * aliases, and the recounted amounts of the order's other adjustments:
   * one transaction, so what Baton counts of an order can never drift from
   * what it stored.
   */
  async recordTransaction(tenantId: string, write: TransactionWrite): Promise<WriteOutcome | 'stale' | 'checkout'> {
    const { items, checkoutCheck } = this.transactionItems(tenantId, write);
    const cancelled = await this.transact(items);
    if (!cancelled) return 'stored';
    const reasons = cancelled.CancellationReasons;
    const seen = guardOutcome(reasons[0], write.transaction.contentHash);
    if (seen) return seen;
    if (checkoutCheck >= 0 && reasons[checkoutCheck]?.Code === 'ConditionalCheckFailed') return 'checkout';
    if (reasons.slice(1).some((reason) => reason.Code === 'ConditionalCheckFailed' || contended(reason))) return 'stale';
    throw cancelled;
  }

  /** Sends one transaction: undefined once it is written, or the cancellation it met (with its reasons, item by item); any other error is thrown. */
  private async transact(items: TransactItem[]): Promise<(TransactionCanceledException & { CancellationReasons: CancellationReason[] }) | undefined> {
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
      return undefined;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons) return error as TransactionCanceledException & { CancellationReasons: CancellationReason[] };
      throw error;
    }
  }

  /**
   * A new order, its links, its touches and its delivery in one transaction,
   * every record guarded: anything of it there already cancels it whole. A
   * returning customer's links (or a touch) stored before with the same
   * content are the one exception: the write is sent once more without them,
   * as `writeOnce` would have skipped them.
   */
  async recordNewOrder(tenantId: string, order: NewOrderWrite): Promise<'stored' | 'taken'> {
    const { items: transactionItems } = this.transactionItems(tenantId, order.write);
    const unique = <T>(values: readonly T[], key: (value: T) => string) => [...new Map(values.map((value) => [key(value), value])).values()];
    let journey: OnceRecord[] = [
      ...unique(order.links, (link) => linkEntity.contentHash(link)).map((link) => linkRecord(this.tableName, tenantId, link, order.retentionDays)),
      ...unique(order.touches, (touch) => touch.touchId).map((touch) => touchRecord(this.tableName, tenantId, touch, order.retentionDays)),
    ];
    const delivery = order.delivery ? [guard(this.tableName, deliveryEntity.toItem(tenantId, order.delivery.key, order.delivery.at))] : [];
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const items: TransactItem[] = [...journey.flatMap((record) => record.items), ...transactionItems, ...delivery];
      if (items.length > MAX_TRANSACTION_ITEMS) return 'taken';
      const cancelled = await this.transact(items);
      if (!cancelled) return 'stored';
      const reasons = cancelled.CancellationReasons;
      // Each journey record's guard is its first item: a duplicate is left out; any other refusal is the careful path's to sort out.
      const duplicateGuards = new Set<number>();
      let at = 0;
      const fresh = journey.filter((record) => {
        const duplicate = guardOutcome(reasons[at], record.contentHash) === 'duplicate';
        if (duplicate) duplicateGuards.add(at);
        at += record.items.length;
        return !duplicate;
      });
      const refused = reasons.some((reason, i) => reason.Code !== undefined && reason.Code !== 'None' && !duplicateGuards.has(i));
      if (refused || duplicateGuards.size === 0) return 'taken';
      journey = fresh;
    }
    return 'taken';
  }

  /** The items of `recordTransaction`'s one transaction, and where its checkout check is (-1: none). */
  private transactionItems(tenantId: string, write: TransactionWrite): { items: TransactItem[]; checkoutCheck: number } {
    const tx = write.transaction;
    const aliases = write.aliases ?? [];
    const items: TransactItem[] = [
      guard(
        this.tableName,
        transactionEntity.toItem(
          tenantId,
          tx,
          aliases.map(({ alias }) => alias),
        ),
      ),
      this.versioned(settlementEntity.toItem(tenantId, write.settlementKey, { ...write.settlement, version: write.expectedVersion + 1 }), write.expectedVersion),
    ];
    if (tx.identifiers[0]) items.push(put(this.tableName, txRefEntity.toItem(tenantId, tx.identifiers[0], transactionRefOf(tx))));
    for (const { alias, expectedVersion } of aliases) {
      items.push(put(this.tableName, aliasEntity.toItem(tenantId, alias, tx.transactionId)));
      items.push(this.versioned(settlementEntity.toItem(tenantId, alias, { version: expectedVersion + 1, adjustments: [], redirect: tx.transactionId }), expectedVersion));
    }
    let checkoutCheck = -1;
    if (write.orderRef) {
      const { externalId, buyer, checkoutSeen } = write.orderRef;
      items.push(put(this.tableName, orderRefEntity.toItem(tenantId, externalId, { transactionId: tx.transactionId, buyer })));
      if (!checkoutSeen) {
        checkoutCheck = items.length;
        items.push({ ConditionCheck: { TableName: this.tableName, Key: checkoutEntity.key(tenantId, externalId), ConditionExpression: 'attribute_not_exists(pk)' } });
      }
    }
    for (const { transactionId, status, counted, conflict } of write.recounted) {
      items.push({
        Update: {
          TableName: this.tableName,
          Key: transactionEntity.key(tenantId, transactionId),
          UpdateExpression: conflict ? 'SET #status = :status, counted = :counted, #conflict = :conflict' : 'SET #status = :status, counted = :counted REMOVE #conflict',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status', '#conflict': 'conflict' },
          ExpressionAttributeValues: { ':status': status, ':counted': counted, ...(conflict ? { ':conflict': conflict } : {}) },
        },
      });
    }
    return { items, checkoutCheck };
  }

  /**
   * The checkout and the order race on each other's items: the checkout is
   * written only while no order for that id is stored, and the order only
   * while no checkout is (see `recordTransaction`), so whichever comes
   * second sees the first and the two are linked exactly once.
   */
  async recordCheckout(tenantId: string, checkout: Checkout): Promise<{ outcome: WriteOutcome; orderBuyer?: Identifier }> {
    const item = checkoutEntity.toItem(tenantId, checkout);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            guard(this.tableName, item),
            {
              ConditionCheck: {
                TableName: this.tableName,
                Key: orderRefEntity.key(tenantId, checkout.externalId),
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
      if (own?.Code === 'ConditionalCheckFailed') {
        const stored = storedItem(own);
        return { outcome: stored && checkoutEntity.fromItem(stored).anonymousId === checkout.anonymousId ? 'duplicate' : 'conflict' };
      }
      if (order?.Code === 'ConditionalCheckFailed') {
        // The order came first: keep the checkout on record and hand back its buyer to link.
        await this.client.send(new PutCommand({ TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })).catch((put: unknown) => {
          if (!(put instanceof ConditionalCheckFailedException)) throw put;
        });
        const orderRef = storedItem(order);
        return { outcome: 'stored', ...(orderRef ? { orderBuyer: orderRefEntity.fromItem(orderRef).buyer } : {}) };
      }
      throw error;
    }
  }

  async getCheckout(tenantId: string, externalId: string): Promise<Checkout | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: checkoutEntity.key(tenantId, externalId), ConsistentRead: true }));
    return Item ? checkoutEntity.fromItem(Item) : undefined;
  }

  async getSettlement(tenantId: string, key: string): Promise<StoredSettlement> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: settlementEntity.key(tenantId, key), ConsistentRead: true }));
    return Item ? settlementEntity.fromItem(Item) : { version: 0, adjustments: [] };
  }

  async getSettlements(tenantId: string, keys: readonly string[]): Promise<Map<string, StoredSettlement>> {
    const byPartition = new Map([...new Set(keys)].map((key) => [settlementEntity.key(tenantId, key).pk, key]));
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...byPartition.values()].map((key) => settlementEntity.key(tenantId, key)),
    );
    const found = new Map<string, StoredSettlement>();
    for (const item of items) {
      const key = byPartition.get(String(item.pk));
      if (key !== undefined) found.set(key, settlementEntity.fromItem(item));
    }
    return found;
  }

  async getTransaction(tenantId: string, transactionId: string): Promise<StoredTransaction | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: transactionEntity.key(tenantId, transactionId), ConsistentRead: true }));
    return Item ? transactionEntity.fromItem(Item) : undefined;
  }

  async resolveAlias(tenantId: string, alias: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: aliasEntity.key(tenantId, alias), ConsistentRead: true }));
    return Item ? aliasEntity.fromItem(Item) : undefined;
  }
}
