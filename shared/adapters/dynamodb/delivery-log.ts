import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryLog } from '../../recording/ports.ts';
import { deliveryEntity } from './entities/delivery.ts';

/** Webhook deliveries already processed, by the key their provider gives them. */
export class DynamoDeliveryLog implements DeliveryLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async hasDelivery(tenantId: string, deliveryKey: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: deliveryEntity.key(tenantId, deliveryKey), ConsistentRead: true }));
    return Item !== undefined;
  }

  async recordDelivery(tenantId: string, deliveryKey: string, at: string): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: deliveryEntity.toItem(tenantId, deliveryKey, at) }));
  }
}
