import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { QuarantinedDelivery, QuarantineStore } from '../../webhooks/quarantine.ts';
import { quarantinedDeliveryEntity } from './entities/quarantined-delivery.ts';
import { queryAll } from './query.ts';

export class DynamoQuarantineStore implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(delivery: QuarantinedDelivery, retentionDays: number): Promise<void> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: quarantinedDeliveryEntity.toItem(delivery, retentionDays), ConditionExpression: 'attribute_not_exists(pk)' }));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async list(): Promise<QuarantinedDelivery[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': quarantinedDeliveryEntity.partition },
      ConsistentRead: true,
    });
    return items.map((item) => quarantinedDeliveryEntity.fromItem(item)).sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  }

  async remove(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: quarantinedDeliveryEntity.key(delivery) }));
  }

  async recordAttempt(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>, error: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: quarantinedDeliveryEntity.key(delivery),
          UpdateExpression: 'ADD attempts :one SET lastError = :error',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':one': 1, ':error': error.slice(0, 2000) },
        }),
      )
      .catch((failure: unknown) => {
        if (!(failure instanceof ConditionalCheckFailedException)) throw failure;
      });
  }
}
