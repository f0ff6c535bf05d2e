import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type Closing, type PeriodsState, takeBack, withClosing, withReopening } from '../../periods/periods.ts';
import type { BookedLine, FrozenLine, PeriodStore, PostedAdjustment } from '../../periods/ports.ts';
import { cells } from '../../projection/cells.ts';
import { addMonths } from '../../time/days.ts';
import { type ClosedLineRecord, closedLineEntity } from './entities/closed-line.ts';
import type { TransactItem } from './entities/entity.ts';
import { periodAdjustmentEntity } from './entities/period-adjustment.ts';
import { periodsEntity } from './entities/periods.ts';
import { rollupCellEntity } from './entities/rollup-cell.ts';
import { batchGetAll, queryAll, writeAll } from './query.ts';

/** Cell updates in one transaction of a take-back, beside the adjustment's own update. */
const CELLS_PER_CHUNK = 90;
/** An update expression holds at most 4 KB: a cell with many measures is moved in several updates. */
const MAX_ADDS_PER_UPDATE = 40;

/**
 * The tenant's periods (one item, changed over the version read) and the
 * adjustments posted in each month (a partition per posting month). The
 * projection posts adjustments in its own transaction (projection-store.ts),
 * conditioned on the periods' version, so no projection writes into a month
 * closed after it read the state.
 */
export class DynamoPeriodStore implements PeriodStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async state(tenantId: string): Promise<PeriodsState> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: periodsEntity.key(tenantId), ConsistentRead: true }));
    return periodsEntity.fromItem(Item);
  }

  private async write(tenantId: string, next: PeriodsState, expectedVersion: number): Promise<'saved' | 'stale'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: periodsEntity.toItem(tenantId, next),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'stale';
      throw error;
    }
  }

  async close(tenantId: string, closing: Closing, expectedVersion: number): Promise<'saved' | 'stale'> {
    const state = await this.state(tenantId);
    if (state.version !== expectedVersion) return 'stale';
    return this.write(tenantId, withClosing(state, closing), expectedVersion);
  }

  async reopen(tenantId: string, reopening: { month: string; at: string; by: string; reason: string }, expectedVersion: number): Promise<'saved' | 'stale'> {
    const state = await this.state(tenantId);
    if (state.version !== expectedVersion) return 'stale';
    return this.write(tenantId, withReopening(state, reopening), expectedVersion);
  }

  async freeze(tenantId: string, month: string, version: number, lines: readonly FrozenLine[]): Promise<void> {
    await writeAll(
      this.client,
      this.tableName,
      lines.map(({ key, line }) => ({ PutRequest: { Item: closedLineEntity.toItem(tenantId, month, version, key, line) } })),
      'Freezing a closed month’s export',
    );
  }

  async *frozenLines(tenantId: string, month: string, version: number, range: { from: string; to: string; after?: string | undefined }): AsyncIterable<FrozenLine> {
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    const from = range.after && range.after >= range.from ? `${range.after}\u0000` : range.from;
    if (from >= range.to) return;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': closedLineEntity.partition(tenantId, month, version), ':from': from, ':to': range.to },
          ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        }),
      );
      for (const item of page.Items ?? []) {
        const record = closedLineEntity.fromItem(item);
        if (record.line !== undefined && record.key < range.to) yield { key: record.key, line: record.line };
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  async bookedLines(tenantId: string, refs: ReadonlyArray<{ month: string; version: number; key: string }>): Promise<Map<string, BookedLine>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      refs.map((ref) => closedLineEntity.key(tenantId, ref.month, ref.version, ref.key)),
    );
    const found = new Map<string, BookedLine>();
    for (const item of items) {
      const record: ClosedLineRecord = closedLineEntity.fromItem(item);
      const [, month, version] = String(item.pk).match(/#CLOSED#(\d{4}-\d{2})#v(\d+)$/) ?? [];
      found.set(`${month}|${version}|${record.key}`, { ...(record.line === undefined ? {} : { line: record.line }), booked: record.booked });
    }
    return found;
  }

  async book(tenantId: string, bookings: ReadonlyArray<{ month: string; version: number; key: string; in: string; line: string | null }>): Promise<void> {
    for (const booking of bookings) {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: closedLineEntity.key(tenantId, booking.month, booking.version, booking.key),
          UpdateExpression: 'SET #entity = :entity, #v = if_not_exists(#v, :one), #key = :key, booked = list_append(if_not_exists(booked, :none), :booking)',
          ExpressionAttributeNames: { '#entity': 'entity', '#v': 'v', '#key': 'key' },
          ExpressionAttributeValues: { ':entity': closedLineEntity.name, ':one': 1, ':key': booking.key, ':none': [], ':booking': [{ in: booking.in, line: booking.line }] },
        }),
      );
    }
  }

  async adjustments(tenantId: string, postedMonth: string): Promise<PostedAdjustment[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': periodAdjustmentEntity.partition(tenantId, postedMonth) },
      ConsistentRead: true,
    });
    return items.map((item) => periodAdjustmentEntity.fromItem(item)).sort((a, b) => (a.postedAt < b.postedAt ? -1 : a.postedAt > b.postedAt ? 1 : 0));
  }

  async finishTakingBack(tenantId: string, throughMonth: string): Promise<number> {
    const state = await this.state(tenantId);
    const month = state.takingBack;
    if (!month) return 0;
    let moved = 0;
    // The months after it are open (only the latest closed month reopens): its adjustments are in them.
    for (let posted = addMonths(month, 1); posted <= throughMonth; posted = addMonths(posted, 1)) {
      const items = await queryAll(this.client, {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :original)',
        ExpressionAttributeValues: { ':pk': periodAdjustmentEntity.partition(tenantId, posted), ':original': `${month}#` },
        ConsistentRead: true,
      });
      for (const item of items) {
        await this.takeBackOne(tenantId, periodAdjustmentEntity.fromItem(item));
        moved += 1;
      }
    }
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: periodsEntity.key(tenantId),
          UpdateExpression: 'REMOVE takingBack',
          ConditionExpression: 'takingBack = :month',
          ExpressionAttributeValues: { ':month': month },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
    return moved;
  }

  /** One adjustment back into its own days: a chunk of cells per transaction, counted on the adjustment, which the last one deletes. */
  private async takeBackOne(tenantId: string, adjustment: PostedAdjustment & { chunksDone: number }): Promise<void> {
    const updates = Object.entries(takeBack(adjustment)).flatMap(([id, changes]) => {
      const entries = Object.entries(changes).filter(([, value]) => value !== 0);
      const out: TransactItem[] = [];
      for (let start = 0; start < entries.length; start += MAX_ADDS_PER_UPDATE)
        out.push({ Update: { TableName: this.tableName, ...rollupCellEntity.toUpdate(tenantId, cells.parse(id), entries.slice(start, start + MAX_ADDS_PER_UPDATE)) } });
      return out;
    });
    // A transaction may not touch one item twice: a cell moved in several updates has them in different chunks.
    const planned: TransactItem[][] = [];
    for (const update of updates) {
      const sk = JSON.stringify(update.Update!.Key);
      let chunk = planned.find((candidate) => candidate.length < CELLS_PER_CHUNK && !candidate.some((other) => JSON.stringify(other.Update!.Key) === sk));
      if (!chunk) planned.push((chunk = []));
      chunk.push(update);
    }
    const chunks = Math.max(1, planned.length);
    const key = periodAdjustmentEntity.key(tenantId, adjustment);
    let chunk = adjustment.chunksDone;
    while (chunk < chunks) {
      const last = chunk === chunks - 1;
      const condition = { ConditionExpression: chunk === 0 ? 'attribute_not_exists(chunksDone) OR chunksDone = :chunk' : 'chunksDone = :chunk' };
      const guard: TransactItem = last
        ? { Delete: { TableName: this.tableName, Key: key, ...condition, ExpressionAttributeValues: { ':chunk': chunk } } }
        : { Update: { TableName: this.tableName, Key: key, UpdateExpression: 'SET chunksDone = :next', ...condition, ExpressionAttributeValues: { ':chunk': chunk, ':next': chunk + 1 } } };
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: [guard, ...(planned[chunk] ?? [])] }));
        chunk += 1;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException && error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed')) throw error;
        // Another taker moved this chunk: go on from where it got to (gone: it finished).
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        if (!Item) return;
        chunk = periodAdjustmentEntity.fromItem(Item).chunksDone;
      }
    }
  }
}
