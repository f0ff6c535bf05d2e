import { type AttributeValue, ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { SpendOutcome, SpendStore } from '../../spend/ports.ts';
import { type SpendEntry, sameFigure } from '../../spend/spend.ts';
import { spendLineEntity } from './entities/spend-line.ts';
import { queryAll } from './query.ts';

/** Writes in flight at once for one batch (each is its own conditional PutItem). */
const CONCURRENCY = 16;

export class DynamoSpendStore implements SpendStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]> {
    const outcomes = new Array<SpendOutcome>(entries.length);
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < entries.length; i = next++) outcomes[i] = await this.put(tenantId, entries[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, entries.length) }, worker));
    return outcomes;
  }

  /**
   * A later report replaces an earlier one, never the reverse. Either way the
   * item before the call comes back, and a report of the figure already
   * stored counts as a duplicate (a later one still moves `reportedAt` on).
   */
  private async put(tenantId: string, entry: SpendEntry): Promise<SpendOutcome> {
    try {
      const { Attributes: before } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: spendLineEntity.toItem(tenantId, entry),
          ConditionExpression: 'attribute_not_exists(pk) OR reportedAt < :reportedAt',
          ExpressionAttributeValues: { ':reportedAt': entry.reportedAt },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return before && sameFigure(spendLineEntity.fromItem(before), entry) ? 'duplicate' : 'stored';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? spendLineEntity.fromItem(unmarshall(error.Item as Record<string, AttributeValue>)) : undefined;
      return stored && sameFigure(stored, entry) ? 'duplicate' : 'stale';
    }
  }

  async spendBetween(tenantId: string, fromDay: string, toDay: string): Promise<SpendEntry[]> {
    const days = spendLineEntity.days(fromDay, toDay);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': spendLineEntity.partition(tenantId), ':from': days.from, ':to': days.to },
    });
    return items.map((item) => spendLineEntity.fromItem(item));
  }
}
