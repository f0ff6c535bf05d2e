import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { byMonth, compareRates, type MonthRates, mergeMonth, monthOf, ratesOfMonth } from '../../fx/months.ts';
import type { FxRateStore } from '../../fx/ports.ts';
import type { FxRate } from '../../fx/rates.ts';
import { mapPooled } from '../../runtime/pool.ts';
import { retrying } from '../../runtime/retry.ts';
import { type FxRatesMonth, fxRatesEntity } from './entities/fx-rates.ts';
import { batchGetAll, queryAll } from './query.ts';

/** Months written at once by one request. */
const CONCURRENCY = 8;

/**
 * Exchange rates, one item per tenant and month (entities/fx-rates.ts).
 *
 * A PUT reads the months it touches (one consistent BatchGetItem), merges
 * its rates into each and checks every month's size before it writes any,
 * so a request that would overfill a month stores nothing. Each month is
 * then written on the condition that its version is still the one read; a
 * month another request wrote in the meantime is read again and merged
 * again, waiting as the retry policy says. Months are written one item
 * each, not in one transaction (a request may touch more months than a
 * transaction holds): a month filled by a concurrent request between the
 * check and the write is refused alone.
 */
export class DynamoFxRateStore implements FxRateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async put(tenantId: string, rates: readonly FxRate[]): Promise<{ changed: number; changedDays: string[] }> {
    const months = byMonth(rates);
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...months.keys()].map((month) => fxRatesEntity.key(tenantId, month)),
    );
    const stored = new Map(items.map((item) => fxRatesEntity.fromItem(item)).map((month) => [month.month, month]));
    // Every month checked before anything is written.
    const planned = [...months].map(([month, incoming]) => ({ month, incoming, stored: stored.get(month), merged: mergeMonth(month, stored.get(month)?.rates ?? {}, incoming) }));
    const written = await mapPooled(planned, CONCURRENCY, (plan) => this.writeMonth(tenantId, plan));
    const days = new Set(written.flatMap((month) => month.changedDays));
    return { changed: written.reduce((sum, month) => sum + month.changed, 0), changedDays: [...days].sort() };
  }

  private writeMonth(
    tenantId: string,
    plan: { month: string; incoming: FxRate[]; stored: FxRatesMonth | undefined; merged: { rates: MonthRates; changed: number; changedDays: string[] } },
  ): Promise<{ changed: number; changedDays: string[] }> {
    let { stored, merged } = plan;
    return retrying(
      async (attempt) => {
        if (attempt > 0) {
          const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: fxRatesEntity.key(tenantId, plan.month), ConsistentRead: true }));
          stored = Item ? fxRatesEntity.fromItem(Item) : undefined;
          merged = mergeMonth(plan.month, stored?.rates ?? {}, plan.incoming);
        }
        if (merged.changed === 0) return merged;
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: fxRatesEntity.toItem(tenantId, { month: plan.month, version: (stored?.version ?? 0) + 1, rates: merged.rates }),
            ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(pk)',
            ...(stored ? { ExpressionAttributeValues: { ':version': stored.version } } : {}),
          }),
        );
        return merged;
      },
      { what: `Merging the exchange rates of ${plan.month}`, retryOn: (error) => error instanceof ConditionalCheckFailedException },
    );
  }

  async between(tenantId: string, from: string, to: string): Promise<FxRate[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': fxRatesEntity.partition(tenantId), ':from': monthOf(from), ':to': monthOf(to) },
    });
    return items
      .map((item) => fxRatesEntity.fromItem(item))
      .flatMap((month) => ratesOfMonth(month.month, month.rates))
      .filter((rate) => rate.day >= from && rate.day <= to)
      .sort(compareRates);
  }
}
