import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ExportedTransaction, TransactionTimeline } from '../../exports/ports.ts';
import { recordKeys } from './record-store.ts';

const DAY_MS = 86_400_000;
/** Items per query page: small enough to start answering early, large enough to keep requests few. */
const PAGE = 500;

export class DynamoTimeline implements TransactionTimeline {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async *between(tenantId: string, from: string, to: string, after?: string): AsyncIterable<ExportedTransaction> {
    const lower = after && after > from ? after : from;
    // gsi1 is partitioned by UTC day: walk the days of the range, each in sort-key order.
    for (let day = Date.parse(lower.slice(0, 10)); day < Date.parse(to); day += DAY_MS) {
      const dayPk = recordKeys.transactionDay(tenantId, new Date(day).toISOString());
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: 'gsi1',
            KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk BETWEEN :low AND :high',
            ExpressionAttributeValues: { ':pk': dayPk, ':low': lower, ':high': to },
            Limit: PAGE,
            ExclusiveStartKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if ((item.gsi1sk as string) >= to) continue;
          if (after && (item.gsi1sk as string) <= after) continue;
          const { pk: _pk, sk: _sk, gsi1pk: _g, gsi1sk: _gs, entity: _e, tenantId: _t, aliases: _a, ...transaction } = item;
          yield transaction as unknown as ExportedTransaction;
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }
  }
}
