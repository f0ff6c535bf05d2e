import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './query.ts';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AttributionStore, RollupCell, StoredAttribution, StoredOpenJourney } from '../../attribution/ports.ts';
import type { Contributions } from '../../attribution/rollups.ts';
import type { HeuristicModel } from '../../attribution/models.ts';
import { summarise } from '../../attribution/engine.ts';
import { recordKeys } from './record-store.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * - `TX#<id>` / `ATTR`: a transaction's attribution (result and
 *   contributions gzipped: a long journey stays far below 400 KB).
 * - `ROLLUP#<model|totals>` / `<day>#<currency>`: one cell per day and
 *   currency, its attributes added to with ADD, read by one query per model
 *   over a range of days, whatever the number of transactions.
 */
export const attributionKeys = {
  attribution: (tenantId: string, transactionId: string) => ({ pk: recordKeys.transaction(tenantId, transactionId).pk, sk: 'ATTR' }),
  rollupPartition: (tenantId: string, model: string) => `T#${tenantId}#ROLLUP#${model}`,
  rollup: (tenantId: string, model: string, day: string, currency: string) => ({ pk: attributionKeys.rollupPartition(tenantId, model), sk: `${day}#${currency}` }),
  openJourney: (tenantId: string, personKey: string) => ({ pk: `T#${tenantId}#P#${personKey}`, sk: 'OPEN' }),
};

const pack = (value: unknown) => gzipSync(JSON.stringify(value));
const unpack = <T>(value: Uint8Array) => JSON.parse(gunzipSync(value).toString('utf8')) as T;

export class DynamoAttributionStore implements AttributionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, transactionId: string): Promise<StoredAttribution | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: attributionKeys.attribution(tenantId, transactionId), ConsistentRead: true }));
    if (!Item) return undefined;
    return {
      transactionId,
      version: Item.version as number,
      resultHash: Item.resultHash as string,
      ...unpack<Pick<StoredAttribution, 'result' | 'contributions' | 'config'>>(Item.body as Uint8Array),
    };
  }

  async save(tenantId: string, next: Omit<StoredAttribution, 'version'>, expectedVersion: number, delta: Contributions): Promise<boolean> {
    // The export reads transactions from their time index alone: the summary rides on the transaction item.
    const summary: TransactItem = {
      Update: {
        TableName: this.tableName,
        Key: recordKeys.transaction(tenantId, next.transactionId),
        UpdateExpression: 'SET attributionSummary = :summary',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':summary': summarise(next.result) },
      },
    };
    return this.saveVersioned(
      tenantId,
      {
        ...attributionKeys.attribution(tenantId, next.transactionId),
        entity: 'attribution',
        tenantId,
        transactionId: next.transactionId,
        resultHash: next.resultHash,
        body: pack({ result: next.result, contributions: next.contributions, config: next.config }),
      },
      expectedVersion,
      delta,
      [summary],
    );
  }

  async getOpenJourney(tenantId: string, personKey: string): Promise<StoredOpenJourney | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: attributionKeys.openJourney(tenantId, personKey), ConsistentRead: true }));
    if (!Item) return undefined;
    return { personKey, version: Item.version as number, hash: Item.hash as string, contributions: unpack<Contributions>(Item.body as Uint8Array) };
  }

  async saveOpenJourney(tenantId: string, next: Omit<StoredOpenJourney, 'version'>, expectedVersion: number, delta: Contributions): Promise<boolean> {
    // entity `open_journey` carries no tenantId: it is no event.
    return this.saveVersioned(tenantId, { ...attributionKeys.openJourney(tenantId, next.personKey), entity: 'open_journey', hash: next.hash, body: pack(next.contributions) }, expectedVersion, delta);
  }

  /** The item at `expectedVersion + 1` if it is still at `expectedVersion`, and the rollup delta, in one transaction. */
  private async saveVersioned(tenantId: string, item: Record<string, unknown>, expectedVersion: number, delta: Contributions, extra: TransactItem[] = []): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...item, version: expectedVersion + 1 },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        },
      },
    ];
    items.push(...extra);
    for (const [cell, changes] of Object.entries(delta)) {
      const [model, day, currency] = cell.split('|') as [string, string, string];
      const names: Record<string, string> = { '#entity': 'entity' };
      const values: Record<string, unknown> = { ':entity': 'rollup' };
      const adds = Object.entries(changes).map(([attribute, change], i) => {
        names[`#a${i}`] = attribute;
        values[`:v${i}`] = change;
        return `#a${i} :v${i}`;
      });
      items.push({
        Update: {
          TableName: this.tableName,
          Key: attributionKeys.rollup(tenantId, model, day, currency),
          UpdateExpression: `SET #entity = :entity ADD ${adds.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      });
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict')) {
        return false;
      }
      throw error;
    }
  }

  async rollupCells(tenantId: string, model: HeuristicModel | 'totals' | 'paths', fromDay: string, toDay: string): Promise<RollupCell[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': attributionKeys.rollupPartition(tenantId, model), ':from': `${fromDay}#`, ':to': `${toDay}#~` },
    });
    return items.map(({ pk: _pk, sk, entity: _entity, ...attributes }) => {
      const [day, currency] = (sk as string).split('#') as [string, string];
      return { day, currency, attributes: attributes as Record<string, number> };
    });
  }
}
