import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { ErasureLog, ErasureLogEntry } from '../../privacy/erasure.ts';

/** `ERASURES` / `<erasedAt>#<erasureId>`: the tenant's erasure log, kept for good (it holds no personal data). */
const logKey = (tenantId: string) => `T#${tenantId}#ERASURES`;

export class DynamoErasureLog implements ErasureLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(tenantId: string, entry: ErasureLogEntry): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: logKey(tenantId), sk: `${entry.erasedAt}#${entry.erasureId}`, entity: 'erasure', ...entry } }));
  }

  async list(tenantId: string, limit: number, cursor?: string): Promise<{ entries: ErasureLogEntry[]; nextCursor?: string }> {
    const { Items = [], LastEvaluatedKey } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': logKey(tenantId) },
        ScanIndexForward: false,
        Limit: limit,
        ...(cursor ? { ExclusiveStartKey: { pk: logKey(tenantId), sk: Buffer.from(cursor, 'base64url').toString('utf8') } } : {}),
      }),
    );
    const entries = Items.map(({ pk: _pk, sk: _sk, entity: _entity, ...entry }) => entry as ErasureLogEntry);
    return { entries, ...(LastEvaluatedKey ? { nextCursor: Buffer.from(String(LastEvaluatedKey.sk), 'utf8').toString('base64url') } : {}) };
  }
}
