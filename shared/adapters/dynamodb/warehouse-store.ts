import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { ChangeLog, ErasurePass, ErasurePasses, ExportWatermarks, LoggedRows, LoggedTableName } from '../../warehouse/ports.ts';
import type { WarehouseRow } from '../../warehouse/tables.ts';
import { warehouseChangeEntity, warehouseErasurePassEntity, warehouseWatermarkEntity } from './entities/warehouse-change.ts';
import { writeAll } from './query.ts';

/** Rows an item of the change log holds at most (packed, they stay far below DynamoDB's 400 KB). */
const ROWS_PER_ITEM = 500;

/** The warehouse export's change log, watermarks and erasure passes (entities/warehouse-change.ts). */
export class DynamoWarehouseStore implements ChangeLog, ExportWatermarks, ErasurePasses {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async append(tenantId: string, entries: readonly LoggedRows[]): Promise<void> {
    const batch = randomUUID().slice(0, 8);
    const chunks = entries.flatMap((entry) => {
      const parts: LoggedRows[] = [];
      for (let start = 0; start < entry.rows.length; start += ROWS_PER_ITEM) parts.push({ ...entry, rows: entry.rows.slice(start, start + ROWS_PER_ITEM) });
      return parts;
    });
    await writeAll(
      this.client,
      this.tableName,
      chunks.map((entry, sequence) => ({ PutRequest: { Item: warehouseChangeEntity.toItem(tenantId, entry, batch, sequence) } })),
      'Recording changes for the warehouse',
    );
  }

  async *between(tenantId: string, table: LoggedTableName, from: string, to: string): AsyncIterable<WarehouseRow[]> {
    for (const pk of warehouseChangeEntity.partitions(tenantId, table, from, to)) {
      const query = (ExclusiveStartKey: Record<string, unknown> | undefined) =>
        this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            // `~` sorts after every character of a sort key: the whole of `from`'s millisecond is in, `to`'s is out.
            ExpressionAttributeValues: { ':pk': pk, ':from': from, ':to': `${new Date(Date.parse(to) - 1).toISOString()}~` },
            ConsistentRead: true,
            ExclusiveStartKey,
          }),
        );
      // The next page is asked for while this one is written: DynamoDB and the Parquet writer work at once.
      let next: Promise<QueryCommandOutput> | undefined = query(undefined);
      while (next) {
        const page: QueryCommandOutput = await next;
        next = page.LastEvaluatedKey ? query(page.LastEvaluatedKey) : undefined;
        const rows = (page.Items ?? []).flatMap((item) => warehouseChangeEntity.fromItem(item).rows);
        if (rows.length > 0) yield rows;
      }
    }
  }

  async erasurePass(tenantId: string): Promise<ErasurePass | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: warehouseErasurePassEntity.key(tenantId), ConsistentRead: true }));
    return Item ? warehouseErasurePassEntity.fromItem(Item) : undefined;
  }

  async saveErasurePass(tenantId: string, pass: ErasurePass | undefined): Promise<void> {
    if (pass) await this.client.send(new PutCommand({ TableName: this.tableName, Item: warehouseErasurePassEntity.toItem(tenantId, pass) }));
    else await this.client.send(new DeleteCommand({ TableName: this.tableName, Key: warehouseErasurePassEntity.key(tenantId) }));
  }

  async get(tenantId: string): Promise<string | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: warehouseWatermarkEntity.key(tenantId), ConsistentRead: true }));
    return Item ? warehouseWatermarkEntity.fromItem(Item) : undefined;
  }

  async move(tenantId: string, expected: string | undefined, to: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: warehouseWatermarkEntity.toItem(tenantId, to),
          ConditionExpression: expected === undefined ? 'attribute_not_exists(pk)' : 'through = :expected',
          ...(expected === undefined ? {} : { ExpressionAttributeValues: { ':expected': expected } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
