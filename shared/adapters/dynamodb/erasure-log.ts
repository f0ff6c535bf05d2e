import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { ErasureLog, ErasureLogEntry } from '../../privacy/erasure.ts';
import { erasureLogEntryEntity } from './entities/erasure-log-entry.ts';
import { queryAll } from './query.ts';

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

  async all(tenantId: string): Promise<ErasureLogEntry[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': erasureLogEntryEntity.partition(tenantId) },
      ConsistentRead: true,
    });
    return items.map((item) => erasureLogEntryEntity.fromItem(item));
  }

  async recordWarehouse(tenantId: string, entry: Pick<ErasureLogEntry, 'erasedAt' | 'erasureId'>, warehouse: NonNullable<ErasureLogEntry['warehouse']>): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: erasureLogEntryEntity.key(tenantId, entry),
        UpdateExpression: 'SET warehouse = :warehouse',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':warehouse': warehouse },
      }),
    );
  }
}
