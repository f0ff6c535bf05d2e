import { gunzipSync, gzipSync } from 'node:zlib';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ValidationError } from '../../errors.ts';
import { WEBHOOK_PROVIDERS } from '../../tenants/tenant.ts';
import type { QuarantinedDelivery, QuarantineStore } from '../../webhooks/quarantine.ts';
import { queryAll } from './query.ts';
import { expiresAt } from './record-store.ts';

/**
 * `QUARANTINE` / `T#<tenantId>#<id>`: one operator's partition for every
 * tenant's quarantined webhook deliveries (few by nature; listed by one
 * Query, never a Scan). The raw body is kept gzipped, so a delivery up to
 * the 1 MB request limit fits DynamoDB's 400 KB item in practice; one that
 * does not is refused as before (400), which the log says.
 */
export const quarantineKeys = {
  partition: 'QUARANTINE',
  item: (tenantId: string, id: string) => ({ pk: 'QUARANTINE', sk: `T#${tenantId}#${id}` }),
};

const ENTITY = 'quarantined_delivery';
const MAX_STORED_BODY = 350_000;

const Item = z.object({
  entity: z.literal(ENTITY),
  id: z.string(),
  tenantId: z.string(),
  provider: z.enum(WEBHOOK_PROVIDERS),
  receivedAt: z.string(),
  headers: z.record(z.string(), z.string()),
  body: z.instanceof(Uint8Array),
  reason: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string(), code: z.string().optional() }).loose()),
  attempts: z.number().int(),
  lastError: z.string().optional(),
});

export class DynamoQuarantineStore implements QuarantineStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(delivery: QuarantinedDelivery, retentionDays: number): Promise<void> {
    const body = gzipSync(delivery.rawBody);
    if (body.length > MAX_STORED_BODY)
      throw new ValidationError(`The ${delivery.provider} payload is not what Baton expects, and too large to keep for redrive (${body.length} bytes gzipped).`, delivery.errors);
    const { rawBody: _raw, ...rest } = delivery;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...quarantineKeys.item(delivery.tenantId, delivery.id), entity: ENTITY, ...rest, body, expiresAt: expiresAt(delivery.receivedAt, retentionDays) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async list(): Promise<QuarantinedDelivery[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': quarantineKeys.partition }, ConsistentRead: true });
    return items
      .map((raw) => {
        const { body, entity: _entity, ...item } = Item.parse(raw);
        return { ...item, rawBody: gunzipSync(body) };
      })
      .sort((a, b) => (a.receivedAt < b.receivedAt ? -1 : a.receivedAt > b.receivedAt ? 1 : 0));
  }

  async remove(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: quarantineKeys.item(delivery.tenantId, delivery.id) }));
  }

  async recordAttempt(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>, error: string): Promise<void> {
    await this.client
      .send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: quarantineKeys.item(delivery.tenantId, delivery.id),
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
