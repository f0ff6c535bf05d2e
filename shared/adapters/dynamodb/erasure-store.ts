import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import type { ErasedLeftover, ErasedRecords, ErasureStore, TransactionRef } from '../../recording/ports.ts';
import { checkoutEntity } from './entities/checkout.ts';
import type { Key } from './entities/entity.ts';
import { orderRefEntity } from './entities/order-ref.ts';
import { type Erasure, tombstoneEntity } from './entities/tombstone.ts';
import { transactionEntity } from './entities/transaction.ts';
import { txRefEntity } from './entities/tx-ref.ts';
import { keysOf, leftoverOf, type PersonItem, readPartition } from './person-partition.ts';
import { deleteKeys } from './query.ts';

/** Erasure (docs/contract.md#privacy-and-the-data-lifecycle): tombstones in the erased ids' partitions, their records deleted, their transactions handed to an anonymous heir. */
export class DynamoErasureStore implements ErasureStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async markErased(tenantId: string, identifiers: readonly Identifier[], erasure: Erasure): Promise<void> {
    await Promise.all(identifiers.map((identifier) => this.client.send(new PutCommand({ TableName: this.tableName, Item: tombstoneEntity.toItem(tenantId, identifier, erasure) }))));
  }

  async eraseRecords(tenantId: string, identifiers: readonly Identifier[], heir: Identifier): Promise<ErasedRecords> {
    const items = (await Promise.all(identifiers.map((identifier) => readPartition(this.client, this.tableName, tenantId, identifier)))).flat().map(({ item }) => item);
    const refs = items.flatMap((item) => (item.entity === 'tx_ref' ? [item.ref] : []));
    const { checkouts } = await this.handOverTransactions(tenantId, refs, heir);
    await deleteKeys(
      this.client,
      this.tableName,
      items.filter((item) => item.entity !== 'tombstone').flatMap((item) => keysOf(tenantId, item)),
    );
    const count = (entity: PersonItem['entity']) => items.filter((item) => item.entity === entity).length;
    return { touches: count('touch'), stages: count('stage'), links: count('link'), transactions: refs.length, checkouts };
  }

  async clearErasedLeftovers(tenantId: string, leftovers: readonly ErasedLeftover[]): Promise<Identifier[]> {
    const keys: Key[] = [];
    const byHeir = new Map<Identifier, TransactionRef[]>();
    for (const leftover of leftovers) {
      const { item, heir } = leftoverOf(leftover);
      if (!item) continue;
      keys.push(...keysOf(tenantId, item));
      if (item.entity === 'tx_ref') byHeir.set(heir, [...(byHeir.get(heir) ?? []), item.ref]);
    }
    for (const [heir, refs] of byHeir) await this.handOverTransactions(tenantId, refs, heir);
    await deleteKeys(this.client, this.tableName, keys);
    return [...byHeir.keys()];
  }

  /**
   * The person leaves their transactions (docs/contract.md#privacy-and-the-data-lifecycle): each keeps its amounts
   * and counts for finance, names `heir` instead of them, loses its landing
   * page and referrer; its ref moves to the heir's partition; an order's
   * provider reference names the heir, and a browser's checkout of it goes.
   */
  private async handOverTransactions(tenantId: string, refs: readonly TransactionRef[], heir: Identifier): Promise<{ checkouts: number }> {
    let checkouts = 0;
    for (const ref of refs) {
      const { Attributes: transaction } = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: transactionEntity.key(tenantId, ref.transactionId),
          UpdateExpression: 'SET identifiers = :heir REMOVE landingUrl, referrer',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':heir': [heir] },
          ReturnValues: 'ALL_NEW',
        }),
      );
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: txRefEntity.toItem(tenantId, heir, ref) }));
      if (!transaction) continue;
      const { kind, externalId } = transactionEntity.fromItem(transaction);
      if (kind !== 'order') continue;
      await this.client
        .send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: orderRefEntity.key(tenantId, externalId),
            UpdateExpression: 'SET buyer = :heir',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':heir': heir },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        });
      const { Attributes: checkout } = await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: checkoutEntity.key(tenantId, externalId), ReturnValues: 'ALL_OLD' }));
      if (checkout) checkouts += 1;
    }
    return { checkouts };
  }
}
