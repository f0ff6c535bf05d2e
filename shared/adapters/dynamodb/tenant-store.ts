import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateWebhookSecret } from '../../auth/keys.ts';
import { ConflictError } from '../../errors.ts';
import type { AttributionConfig } from '../../tenants/attribution-config.ts';
import type { ApiKeyRecord, RecomputeAdvice, TenantRecord, TenantStore, WebhookSecret } from '../../tenants/ports.ts';
import type { WebhookProvider } from '../../tenants/tenant.ts';
import type { CalendarEntry } from '../../time/calendar.ts';
import { apiKeyEntity } from './entities/api-key.ts';
import { tenantEntity } from './entities/tenant.ts';
import { tenantRegistryEntity } from './entities/tenant-registry.ts';
import { queryAll } from './query.ts';

/** Tenants, their registry and their API keys, each in its own partitions. */

export class DynamoTenantStore implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createTenant(tenant: TenantRecord, keys: ApiKeyRecord[]): Promise<void> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: tenantEntity.toItem(tenant),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.tableName, Item: tenantRegistryEntity.toItem(tenant) } },
            ...keys.map((key) => ({
              Put: {
                TableName: this.tableName,
                Item: apiKeyEntity.toItem(key, tenant.createdAt),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          ],
        }),
      );
    } catch (error) {
      const taken = error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed');
      if (taken) {
        throw new ConflictError(`Tenant ${tenant.tenantId} already exists.`, [], { cause: error });
      }
      throw error;
    }
  }

  async getTenant(tenantId: string): Promise<TenantRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantEntity.key(tenantId), ConsistentRead: true }));
    return Item ? tenantEntity.fromItem(Item) : undefined;
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    // Consistent: a rotated-out or revoked key stops at once.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: apiKeyEntity.key(keyHash), ConsistentRead: true }));
    return Item ? apiKeyEntity.fromItem(Item) : undefined;
  }

  async rotateApiKey(tenantId: string, next: ApiKeyRecord & { createdAt: string }, previousHash: string | undefined, previousValidUntil: string): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: apiKeyEntity.toItem(next, next.createdAt), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: this.tableName,
              Key: tenantEntity.key(tenantId),
              UpdateExpression: 'SET #keys.#scope = :key',
              ConditionExpression: 'attribute_exists(pk) AND attribute_exists(#keys)',
              ExpressionAttributeNames: { '#keys': 'keys', '#scope': next.scope },
              ExpressionAttributeValues: { ':key': { keyHash: next.keyHash, createdAt: next.createdAt } },
            },
          },
          ...(previousHash
            ? [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: apiKeyEntity.key(previousHash),
                    // The overlap: the old key works until then, and DynamoDB's TTL removes it after.
                    UpdateExpression: 'SET validUntil = :until, expiresAt = :ttl',
                    ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
                    ExpressionAttributeValues: { ':until': previousValidUntil, ':ttl': apiKeyEntity.expiresAt(previousValidUntil), ':tenant': tenantId },
                  },
                },
              ]
            : []),
        ],
      }),
    );
  }

  async replaceConfig(
    tenantId: string,
    { config, calendar, recomputeAdvised }: { config: AttributionConfig; calendar: CalendarEntry[]; recomputeAdvised?: RecomputeAdvice },
    expectedVersion: number,
    at: string,
  ): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tenantEntity.key(tenantId),
          UpdateExpression: `SET config = :config, calendar = :calendar, configVersion = :next, configUpdatedAt = :at${recomputeAdvised ? ', recomputeAdvised = :advice' : ''}`,
          ConditionExpression: 'configVersion = :expected',
          ExpressionAttributeValues: {
            ':config': config,
            ':calendar': calendar,
            ':next': expectedVersion + 1,
            ':at': at,
            ':expected': expectedVersion,
            ...(recomputeAdvised ? { ':advice': recomputeAdvised } : {}),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async clearRecomputeAdvice(tenantId: string, startedAt: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tenantEntity.key(tenantId),
          UpdateExpression: 'REMOVE recomputeAdvised',
          ConditionExpression: 'recomputeAdvised.since <= :startedAt',
          ExpressionAttributeValues: { ':startedAt': startedAt },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /** Gives a tenant created before export cursors were signed its cursor key (a one-off migration: `npm run tenant -- migrate`). */
  async addMissingCursorKey(tenantId: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tenantEntity.key(tenantId),
          UpdateExpression: 'SET cursorKey = :key',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(cursorKey)',
          ExpressionAttributeValues: { ':key': generateWebhookSecret() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addMissingRegistryEntry(tenant: TenantRecord): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: tenantRegistryEntity.toItem(tenant), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listTenantIds(): Promise<string[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': tenantRegistryEntity.partition },
      ProjectionExpression: 'sk',
    });
    return items.map((item) => tenantRegistryEntity.tenantIdOf(item));
  }

  async replaceWebhookSecret(tenantId: string, provider: WebhookProvider, secret: WebhookSecret): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: tenantEntity.key(tenantId),
        UpdateExpression: 'SET webhookSecrets.#provider = :secret',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#provider': provider },
        ExpressionAttributeValues: { ':secret': secret },
      }),
    );
  }
}
