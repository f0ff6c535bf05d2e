import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ErasureLog, ErasureLogEntry } from '../../privacy/erasure.ts';
import { erasureLogEntryEntity } from './entities/erasure-log-entry.ts';

export class DynamoErasureLog implements ErasureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(tenantId: string, entry: ErasureLogEntry): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: erasureLogEntryEntity.toItem(tenantId, entry) }));
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<{ entries: ErasureLogEntry[]; nextCursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': erasureLogEntryEntity.partition(tenantId) },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: erasureLogEntryEntity.keyAt(tenantId, cursor) } : {}),
      }),
    );
    const entries = Items.map((item) => erasureLogEntryEntity.fromItem(item));
    return { entries, ...(LastEvaluatedKey ? { nextCursor: erasureLogEntryEntity.cursorOf(LastEvaluatedKey) } : {}) };
  }
}
