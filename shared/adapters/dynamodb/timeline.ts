import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportedTransaction, TransactionTimeline } from '../../exports/ports.ts';
import { transactionEntity } from './entities/transaction.ts';

/** Items per query page: small enough to start answering early, large enough to keep requests few. */
const PAGE = 500;

/** Transactions in time order from index gsi1 (`entities/transaction.ts`): a partition per UTC day, each in position order. */
export class DynamoTimeline implements TransactionTimeline {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  position(transaction: Pick<ExportedTransaction, 'occurredAt' | 'transactionId'>): string {
    return transactionEntity.position(transaction);
  }

  async *between(tenantId: string, from: string, to: string, after?: string): AsyncIterable<ExportedTransaction> {
    const { partitions, low, high } = transactionEntity.span(tenantId, from, to, after);
    for (const partition of partitions) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :low AND :high',
            ExpressionAttributeValues: { ':pk': partition, ':low': low, ':high': high },
            Limit: PAGE,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const transaction = transactionEntity.fromIndex(item);
          const position = transactionEntity.position(transaction);
          if (position >= to || (after && position <= after)) continue;
          yield transaction;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }
}
