import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { generateWebhookSecret } from '../../auth/keys.ts';
import { ConflictError } from '../../errors.ts';
import { type AttributionConfig, defaultAttributionConfig } from '../../tenants/attribution-config.ts';
import type { ApiKeyRecord, RecomputeAdvice, TenantRecord, TenantStore, WebhookSecret } from '../../tenants/ports.ts';
import type { WebhookProvider } from '../../tenants/tenant.ts';
import type { CalendarEntry } from '../../time/calendar.ts';
import { queryAll } from './query.ts';

/** Key builders: tenants and API keys live in their own partitions. */
export const tenantKeys = {
  tenant: (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: 'TENANT' }),
  /** The registry of tenants: one small item each (no secrets), so listing them is one query. */
  registry: (tenantId: string) => ({ pk: 'TENANTS', sk: tenantId }),
  apiKey: (keyHash: string) => ({ pk: `APIKEY#${keyHash}`, sk: 'APIKEY' }),
};

function registryEntry(tenant: TenantRecord) {
  return { ...tenantKeys.registry(tenant.tenantId), entity: 'tenant_entry', createdAt: tenant.createdAt };
}

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
                Item: { ...tenantKeys.tenant(tenant.tenantId), entity: 'tenant', ...tenant },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: this.tableName, Item: registryEntry(tenant) } },
            ...keys.map((key) => ({
              Put: {
                TableName: this.tableName,
                Item: { ...tenantKeys.apiKey(key.keyHash), entity: 'api_key', ...key, createdAt: tenant.createdAt },
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
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantKeys.tenant(tenantId), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...record } = Item;
    // Tenants created before a config field existed read its default (reads never write).
    const stored = record as TenantRecord;
    return { ...stored, config: { ...defaultAttributionConfig(stored.config.timezone), ...stored.config } };
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    // Consistent: a rotated-out or revoked key stops at once.
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: tenantKeys.apiKey(keyHash), ConsistentRead: true }));
    if (!Item) return undefined;
    return { keyHash, tenantId: Item.tenantId as string, scope: Item.scope as ApiKeyRecord['scope'], ...(Item.validUntil ? { validUntil: Item.validUntil as string } : {}) };
  }

  async rotateApiKey(tenantId: string, next: ApiKeyRecord & { createdAt: string }, previousHash: string | undefined, previousValidUntil: string): Promise<void> {
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...tenantKeys.apiKey(next.keyHash), entity: 'api_key', ...next }, ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Update: {
              TableName: this.tableName,
              Key: tenantKeys.tenant(tenantId),
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
                    Key: tenantKeys.apiKey(previousHash),
                    // The overlap: the old key works until then, and DynamoDB's TTL removes it after.
                    UpdateExpression: 'SET validUntil = :until, expiresAt = :ttl',
                    ConditionExpression: 'attribute_exists(pk) AND tenantId = :tenant',
                    ExpressionAttributeValues: { ':until': previousValidUntil, ':ttl': Math.floor(Date.parse(previousValidUntil) / 1000) + 86_400, ':tenant': tenantId },
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
          Key: tenantKeys.tenant(tenantId),
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
          Key: tenantKeys.tenant(tenantId),
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
          Key: tenantKeys.tenant(tenantId),
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
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: registryEntry(tenant), ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async listTenantIds(): Promise<string[]> {
    const items = await queryAll(this.client, { TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'TENANTS' }, ProjectionExpression: 'sk' });
    return items.map((item) => item.sk as string);
  }

  async replaceWebhookSecret(tenantId: string, provider: WebhookProvider, secret: WebhookSecret): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: tenantKeys.tenant(tenantId),
        UpdateExpression: 'SET webhookSecrets.#provider = :secret',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#provider': provider },
        ExpressionAttributeValues: { ':secret': secret },
      }),
    );
  }
}
