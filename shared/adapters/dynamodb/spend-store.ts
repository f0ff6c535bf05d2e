import { type AttributeValue, ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mapPooled } from '../../runtime/pool.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';
import { type ImportedSpendLine, importedLineKey, mergeImportedLines, type SpendImport, type SpendMappings } from '../../spend/imported.ts';
import type { PeriodSpend, SpendOutcome, SpendStore } from '../../spend/ports.ts';
import { restatedSpend, type SpendRestatement } from '../../spend/restatements.ts';
import { type SpendEntry, sameFigure, spendId } from '../../spend/spend.ts';
import { type ImportedSpendDay, importedSpendEntity } from './entities/imported-spend.ts';
import { spendImportEntity } from './entities/spend-import.ts';
import { spendLineEntity } from './entities/spend-line.ts';
import { spendMappingsEntity } from './entities/spend-mappings.ts';
import { spendRestatementEntity } from './entities/spend-restatement.ts';
import { queryAll } from './query.ts';

/** Writes in flight at once for one batch (each is its own conditional PutItem). */
const CONCURRENCY = 16;

/** Reads and merges of one item of imported spend before concurrent imports of its day count as a conflict. */
const MERGE_ATTEMPTS = 5;

export class DynamoSpendStore implements SpendStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]> {
    return mapPooled(entries, CONCURRENCY, (entry) => this.put(tenantId, entry));
  }

  /**
   * A later report replaces an earlier one, never the reverse. Either way the
   * item before the call comes back, and a report of the figure already
   * stored counts as a duplicate (a later one still moves `reportedAt` on).
   */
  private async put(tenantId: string, entry: SpendEntry): Promise<SpendOutcome> {
    try {
      const { Attributes: before } = await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: spendLineEntity.toItem(tenantId, entry),
          ConditionExpression: 'attribute_not_exists(pk) OR reportedAt < :reportedAt',
          ExpressionAttributeValues: { ':reportedAt': entry.reportedAt },
          ReturnValues: 'ALL_OLD',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return before && sameFigure(spendLineEntity.fromItem(before), entry) ? 'duplicate' : 'stored';
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? spendLineEntity.fromItem(unmarshall(error.Item as Record<string, AttributeValue>)) : undefined;
      return stored && sameFigure(stored, entry) ? 'duplicate' : 'stale';
    }
  }

  async spendBetween(tenantId: string, fromDay: string, toDay: string, options: { restated?: boolean } = {}): Promise<PeriodSpend> {
    const items = await this.spendItems(tenantId, fromDay, toDay);
    const counted = restatedSpend(options.restated === false ? [] : items.filter(spendRestatementEntity.isRestatement).map((item) => spendRestatementEntity.fromItem(item)));
    return {
      posted: [...items.filter((item) => !importedSpendEntity.isImported(item) && !spendRestatementEntity.isRestatement(item)).map((item) => spendLineEntity.fromItem(item)), ...counted.posted],
      imported: [...items.filter(importedSpendEntity.isImported).flatMap((item) => importedSpendEntity.fromItem(item).lines), ...counted.imported],
    };
  }

  async restatements(tenantId: string, fromDay: string, toDay: string): Promise<SpendRestatement[]> {
    // Only an import or report of a closed day and a reopening ask: a filtered range read of the days' spend.
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      FilterExpression: '#entity = :restatement',
      ExpressionAttributeNames: { '#entity': 'entity' },
      ExpressionAttributeValues: { ':pk': spendRestatementEntity.partition(tenantId), ':from': `${fromDay}#`, ':to': `${toDay}#~`, ':restatement': spendRestatementEntity.name },
    });
    return items.map((item) => spendRestatementEntity.fromItem(item));
  }

  async addRestatements(tenantId: string, restatements: readonly SpendRestatement[]): Promise<void> {
    await mapPooled(restatements, CONCURRENCY, (restatement) => this.client.send(new UpdateCommand({ TableName: this.tableName, ...spendRestatementEntity.toUpdate(tenantId, restatement) })));
  }

  async foldRestatements(tenantId: string, originalMonth: string, now: Date): Promise<number> {
    const restated = (await this.restatements(tenantId, `${originalMonth}-01`, '9999-12-31')).filter((one) => one.originalPeriod === originalMonth);
    const byLine = new Map<string, SpendRestatement[]>();
    for (const restatement of restated) byLine.set(restatement.key, [...(byLine.get(restatement.key) ?? []), restatement]);
    for (const restatements of byLine.values()) {
      const [first] = restatements as [SpendRestatement];
      const amount = restatements.reduce((sum, one) => sum + one.amount, 0);
      const deletes = restatements.map((one) => ({ Delete: { TableName: this.tableName, Key: spendRestatementEntity.key(tenantId, one) } }));
      if (first.posted) {
        const stored = (await this.spendItems(tenantId, first.originalDay, first.originalDay)).filter((item) => !importedSpendEntity.isImported(item)).map((item) => spendLineEntity.fromItem(item));
        const held = stored.find((entry) => spendId(entry) === spendId(first.posted!))?.amount ?? 0;
        const entry = { ...first.posted, amount: held + amount, reportedAt: now.toISOString() };
        await this.client.send(new TransactWriteCommand({ TransactItems: [{ Put: { TableName: this.tableName, Item: spendLineEntity.toItem(tenantId, entry) } }, ...deletes] }));
        continue;
      }
      const line = first.imported!;
      const key = importedSpendEntity.key(tenantId, line);
      await retrying(
        async () => {
          const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
          const stored = Item ? importedSpendEntity.fromItem(Item) : undefined;
          const held = stored?.lines.find((one) => importedLineKey(one) === importedLineKey(line))?.cost ?? 0;
          const { lines } = mergeImportedLines(stored?.lines ?? [], [{ ...line, cost: held + amount }]);
          try {
            await this.client.send(
              new TransactWriteCommand({
                TransactItems: [
                  {
                    Put: {
                      TableName: this.tableName,
                      Item: importedSpendEntity.toItem({ key, version: (stored?.version ?? 0) + 1, lines }),
                      ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(pk)',
                      ...(stored ? { ExpressionAttributeValues: { ':version': stored.version } } : {}),
                    },
                  },
                  ...deletes,
                ],
              }),
            );
            return undefined;
          } catch (error) {
            if (error instanceof TransactionCanceledException) return TRY_AGAIN;
            throw error;
          }
        },
        { what: 'Folding a restated spend line back into its month' },
      );
    }
    return byLine.size;
  }

  async firstDay(tenantId: string): Promise<string | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': spendLineEntity.key(tenantId, { day: '', currency: '', campaign: '' }).pk },
        Limit: 1,
      }),
    );
    return (Items?.[0]?.sk as string | undefined)?.slice(0, 10);
  }

  private spendItems(tenantId: string, fromDay: string, toDay: string) {
    const days = spendLineEntity.days(fromDay, toDay);
    return queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': spendLineEntity.partition(tenantId), ':from': days.from, ':to': days.to },
    });
  }

  /**
   * One range read of the import's days, then each item its lines go to
   * written once, merged with what it held: a line replaces the stored line
   * of its key and leaves the others. An item another import changed in the
   * meantime is read again and merged again (its version is the condition).
   * Then the import's record.
   */
  async saveImport(tenantId: string, record: Omit<SpendImport, 'replaced'>, lines: readonly ImportedSpendLine[]): Promise<{ replaced: number }> {
    const stored = new Map(
      (await this.spendItems(tenantId, record.days.from, record.days.to))
        .filter(importedSpendEntity.isImported)
        .map((item) => importedSpendEntity.fromItem(item))
        .map((day) => [day.key.sk, day]),
    );
    const incoming = new Map<string, ImportedSpendDay>();
    for (const line of lines) {
      const key = importedSpendEntity.key(tenantId, line);
      const day = incoming.get(key.sk) ?? { key, version: 0, lines: [] };
      day.lines.push(line);
      incoming.set(key.sk, day);
    }
    const replaced = await mapPooled([...incoming.values()], CONCURRENCY, (day) => this.mergeDay(day, stored.get(day.key.sk)));
    const answer = { replaced: replaced.reduce((sum, count) => sum + count, 0) };
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: spendImportEntity.toItem(tenantId, { ...record, ...answer }) }));
    return answer;
  }

  private async mergeDay(incoming: ImportedSpendDay, stored: ImportedSpendDay | undefined, attempt = 1): Promise<number> {
    const { lines, replaced } = mergeImportedLines(stored?.lines ?? [], incoming.lines);
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: importedSpendEntity.toItem({ key: incoming.key, version: (stored?.version ?? 0) + 1, lines }),
          ConditionExpression: stored ? 'version = :version' : 'attribute_not_exists(pk)',
          ...(stored ? { ExpressionAttributeValues: { ':version': stored.version } } : {}),
        }),
      );
      return replaced;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException) || attempt >= MERGE_ATTEMPTS) throw error;
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: incoming.key, ConsistentRead: true }));
      return this.mergeDay(incoming, Item ? importedSpendEntity.fromItem(Item) : undefined, attempt + 1);
    }
  }

  async recentImports(tenantId: string, limit: number): Promise<SpendImport[]> {
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': spendImportEntity.partition(tenantId) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return Items.map((item) => spendImportEntity.fromItem(item));
  }

  async getMappings(tenantId: string): Promise<SpendMappings | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: spendMappingsEntity.key(tenantId) }));
    return Item ? spendMappingsEntity.fromItem(Item) : undefined;
  }

  async putMappings(tenantId: string, mappings: SpendMappings): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: spendMappingsEntity.toItem(tenantId, mappings) }));
  }
}
