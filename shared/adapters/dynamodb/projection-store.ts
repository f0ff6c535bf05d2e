import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import { type CellFamily, type Contributions, cells, sum } from '../../projection/cells.ts';
import { type Listed, PERSONAL_LISTINGS, parseEntryId } from '../../projection/listings.ts';
import type { AttributionRecord, DroppedBatonView, ListingPage, ListingQuery, ProjectionStore, ProjectionWrite, RollupCell, StoredProjection } from '../../projection/ports.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';
import { attributionEntity } from './entities/attribution.ts';
import { droppedBatonEntity } from './entities/dropped-baton.ts';
import type { Key, TransactItem } from './entities/entity.ts';
import { listingEntryEntity } from './entities/listing-entry.ts';
import { periodAdjustmentEntity } from './entities/period-adjustment.ts';
import { periodsEntity } from './entities/periods.ts';
import { type ProjectionBody, projectionEntity } from './entities/projection.ts';
import { projectionStepEntity } from './entities/projection-step.ts';
import { rollupCellEntity } from './entities/rollup-cell.ts';
import { MAX_MEASURES_PER_CELL, type PendingDelta, rollupDeltaEntity } from './entities/rollup-delta.ts';
import { transactionEntity } from './entities/transaction.ts';
import { batchGetAll, deleteKeys, queryAll, writeAll } from './query.ts';

/**
 * Projections (`entities/projection.ts`, and their written-ahead steps),
 * attributions, rollup cells and dropped batons: what the projector
 * writes, and the views read.
 */

/** TransactWriteItems takes at most 100 items. */
const MAX_ITEMS = 100;

const keyOf = (item: TransactItem) => {
  const key = item.Put?.Item ?? item.Update?.Key ?? item.Delete?.Key ?? item.ConditionCheck?.Key ?? {};
  return `${String(key.pk)}\u0000${String(key.sk)}`;
};

/**
 * Operations in transactions, in order: the first with room for `firstBudget`,
 * the others for 98 (the projection's step counter and the step's own item
 * are the other two). A
 * transaction may not touch an item twice, so an operation on an item the
 * current one already holds starts the next.
 */
function steps(operations: readonly TransactItem[], firstBudget: number): TransactItem[][] {
  const result: TransactItem[][] = [[]];
  let keys = new Set<string>();
  for (const operation of operations) {
    const budget = result.length === 1 ? firstBudget : MAX_ITEMS - 2;
    const key = keyOf(operation);
    if (result[result.length - 1]!.length >= budget || keys.has(key)) {
      result.push([]);
      keys = new Set();
    }
    result[result.length - 1]!.push(operation);
    keys.add(key);
  }
  return result;
}

/** Deltas read at once by the applier. */
const DELTAS_PER_READ = 500;

/**
 * Pending deltas in groups that each fit one transaction: their summed
 * cells (at most MAX_MEASURES_PER_CELL measures each) and their own deletes
 * make at most 100 items. Cells whose sum is zero are left out.
 */
export function deltaChunks(pending: readonly PendingDelta[]): Array<{ cells: Contributions; keys: Key[] }> {
  const chunks: Array<{ cells: Contributions; keys: Key[] }> = [];
  let deltas: PendingDelta[] = [];
  let measures = new Map<string, Set<string>>();
  const close = () => {
    if (deltas.length > 0) chunks.push({ cells: sum(...deltas.map((delta) => delta.cells)), keys: deltas.map((delta) => delta.key) });
    deltas = [];
    measures = new Map();
  };
  for (const delta of pending) {
    const newCells = Object.keys(delta.cells).filter((id) => !measures.has(id)).length;
    const fits =
      measures.size + newCells + deltas.length + 1 <= MAX_ITEMS &&
      Object.entries(delta.cells).every(([id, changes]) => new Set([...(measures.get(id) ?? []), ...Object.keys(changes)]).size <= MAX_MEASURES_PER_CELL);
    if (!fits) close();
    deltas.push(delta);
    for (const [id, changes] of Object.entries(delta.cells)) measures.set(id, new Set([...(measures.get(id) ?? []), ...Object.keys(changes)]));
  }
  close();
  return chunks;
}

export class DynamoProjectionStore implements ProjectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProjections(tenantId: string, keys: readonly Identifier[]): Promise<Map<Identifier, StoredProjection>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(keys)].map((key) => projectionEntity.key(tenantId, key)),
    );
    const found = new Map<Identifier, StoredProjection>();
    for (const item of items) {
      const projection = projectionEntity.fromItem(item);
      found.set(projection.personKey, projection);
    }
    return found;
  }

  async save(tenantId: string, write: ProjectionWrite): Promise<'saved' | 'stale'> {
    const { projection, expectedVersion } = write;
    const version = expectedVersion + 1;
    const periodsCheck: TransactItem[] = write.periods
      ? [
          {
            ConditionCheck: {
              TableName: this.tableName,
              Key: periodsEntity.key(tenantId),
              ...('openFrom' in write.periods
                ? {
                    ConditionExpression: 'attribute_not_exists(closedThrough) OR attribute_type(closedThrough, :null) OR closedThrough < :openFrom',
                    ExpressionAttributeValues: { ':null': 'NULL', ':openFrom': write.periods.openFrom },
                  }
                : write.periods.version === 0
                  ? { ConditionExpression: 'attribute_not_exists(pk)' }
                  : { ConditionExpression: 'version = :periods', ExpressionAttributeValues: { ':periods': write.periods.version } }),
            },
          },
        ]
      : [];
    const [now = [], ...later] = steps(this.operations(tenantId, write), MAX_ITEMS - 1 - periodsCheck.length - write.retired.length);
    const head: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: projectionEntity.toItem(tenantId, projection, version, later.length),
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        },
      },
      ...write.retired.map(
        ({ personKey, expectedVersion: retiredVersion }): TransactItem => ({
          Delete: {
            TableName: this.tableName,
            Key: projectionEntity.key(tenantId, personKey),
            ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)',
            ExpressionAttributeValues: { ':expected': retiredVersion },
          },
        }),
      ),
      ...periodsCheck,
    ];
    if (later.length > 0) {
      // Too large for one transaction: the rest is written ahead, a step per item (each well under DynamoDB's 400 KB,
      // however many steps), and the projection says how many there are; they are applied step by step. If this save
      // loses its race, its steps are never read (they name a version that was not saved).
      await writeAll(
        this.client,
        this.tableName,
        later.map((operations, step) => ({ PutRequest: { Item: projectionStepEntity.toItem(tenantId, projection.personKey, version, step, operations) } })),
        'Writing a projection’s steps ahead',
      );
    }
    try {
      await this.client.send(new TransactWriteCommand({ TransactItems: [...head, ...now] }));
    } catch (error) {
      if (error instanceof TransactionCanceledException && error.CancellationReasons?.some((reason) => reason.Code === 'ConditionalCheckFailed' || reason.Code === 'TransactionConflict'))
        return 'stale';
      throw error;
    }
    if (later.length > 0) await this.finishPending(tenantId, projection.personKey);
    return 'saved';
  }

  /**
   * Applies the steps a large change left, each in one transaction with the
   * projection's step counter: a step is applied once, by whoever gets there
   * first, and the projection is free for its next change only after the last.
   */
  async finishPending(tenantId: string, personKey: Identifier): Promise<void> {
    const key = projectionEntity.key(tenantId, personKey);
    await retrying(
      async () => {
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        if (!Item) return undefined;
        const { version, pending } = projectionEntity.stepsOf(Item);
        if (!pending) return undefined;
        const { step } = pending;
        const last = step === pending.steps - 1;
        const stepKey = projectionStepEntity.key(tenantId, personKey, version, step);
        const written = await this.client.send(new GetCommand({ TableName: this.tableName, Key: stepKey, ConsistentRead: true }));
        // Gone: whoever applied it has moved the counter on meanwhile; read again.
        if (!written.Item) return TRY_AGAIN;
        try {
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: [
                {
                  Update: {
                    TableName: this.tableName,
                    Key: key,
                    UpdateExpression: last ? 'REMOVE pendingSteps, pendingStep' : 'SET pendingStep = :next',
                    ConditionExpression: 'version = :version AND pendingStep = :step',
                    ExpressionAttributeValues: { ':version': version, ':step': step, ...(last ? {} : { ':next': step + 1 }) },
                  },
                },
                { Delete: { TableName: this.tableName, Key: stepKey } },
                ...projectionStepEntity.fromItem(written.Item),
              ],
            }),
          );
        } catch (error) {
          if (!(error instanceof TransactionCanceledException)) throw error;
        }
        return TRY_AGAIN;
      },
      { what: 'Applying a projection’s pending steps', policy: { attempts: 1_000, baseDelayMs: 0, maxDelayMs: 20 } },
    );
  }

  /** Everything a save writes besides the projections: attributions, summaries on the transactions, rollup deltas, dropped batons. */
  private operations(tenantId: string, write: ProjectionWrite): TransactItem[] {
    const items: TransactItem[] = [];
    for (const attribution of write.attributions) {
      items.push({ Put: { TableName: this.tableName, Item: attributionEntity.toItem(tenantId, attribution) } });
      // The export reads transactions from their time index alone: the summary rides on the transaction item.
      items.push({
        Update: {
          TableName: this.tableName,
          Key: transactionEntity.key(tenantId, attribution.transactionId),
          UpdateExpression: 'SET attributionSummary = :summary',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':summary': attribution.summary },
        },
      });
    }
    // The cells' differences wait in delta items of this save's own (applied by `applyRollupDeltas`): no two projections share an item.
    for (const item of rollupDeltaEntity.toItems(tenantId, write.projection.personKey, write.expectedVersion + 1, write.delta)) {
      items.push({ Put: { TableName: this.tableName, Item: item } });
    }
    for (const adjustment of write.adjustments ?? []) items.push({ Put: { TableName: this.tableName, Item: periodAdjustmentEntity.toItem(tenantId, adjustment) } });
    for (const address of write.listings.remove) items.push({ Delete: { TableName: this.tableName, Key: listingEntryEntity.key(tenantId, address) } });
    for (const entry of write.listings.put) items.push({ Put: { TableName: this.tableName, Item: listingEntryEntity.toItem(tenantId, entry) } });
    const personKey = write.projection.personKey;
    for (const baton of write.dropped.remove) items.push({ Delete: { TableName: this.tableName, Key: droppedBatonEntity.key(tenantId, baton, baton.personKey) } });
    for (const baton of write.dropped.add) items.push({ Put: { TableName: this.tableName, Item: droppedBatonEntity.toItem(tenantId, baton, personKey) } });
    return items;
  }

  /**
   * Adds every pending delta of the tenant to its cells, many deltas a
   * transaction (their sum, one update per cell) with each delta deleted on
   * the condition that it is still there: a delta is added once, whoever
   * applies it and however often. Losing to another applier (a delta gone,
   * a cell contended) reads what is left and goes on; it gives up only when
   * it keeps losing while no applier makes progress.
   */
  async applyRollupDeltas(tenantId: string): Promise<{ applied: number; writes: number; conflicts: number }> {
    let applied = 0;
    let writes = 0;
    let conflicts = 0;
    let more = true;
    // Deltas read before and not applied by this applier: one of them gone since means another applier is making progress.
    let unapplied = new Set<string>();
    while (more) {
      more = await retrying(
        async () => {
          const { Items = [], LastEvaluatedKey } = await this.client.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: 'pk = :pk',
              ExpressionAttributeValues: { ':pk': rollupDeltaEntity.partition(tenantId) },
              ConsistentRead: true,
              Limit: DELTAS_PER_READ,
            }),
          );
          if (Items.length === 0) return false;
          const pending = Items.map((item) => rollupDeltaEntity.fromItem(item));
          const present = new Set(pending.map(({ key }) => key.sk));
          const othersProgressed = [...unapplied].some((sk) => !present.has(sk));
          unapplied = present;
          for (const chunk of deltaChunks(pending)) {
            const updates = Object.entries(chunk.cells).map(
              ([id, changes]): TransactItem => ({ Update: { TableName: this.tableName, ...rollupCellEntity.toUpdate(tenantId, cells.parse(id), Object.entries(changes)) } }),
            );
            const deletes = chunk.keys.map((Key): TransactItem => ({ Delete: { TableName: this.tableName, Key, ConditionExpression: 'attribute_exists(pk)' } }));
            try {
              await this.client.send(new TransactWriteCommand({ TransactItems: [...updates, ...deletes] }));
            } catch (error) {
              if (!(error instanceof TransactionCanceledException)) throw error;
              const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None').filter((code) => code !== 'None');
              // Lost to another writer (a delta another applier took, a cell contended) or throttled: read again; anything else is a fault.
              if (!codes.every((code) => code === 'ConditionalCheckFailed' || code === 'TransactionConflict' || code === 'ThrottlingError')) throw error;
              conflicts += 1;
              // At once (a fresh round of the policy) while another applier is taking deltas, after the policy's wait otherwise.
              return othersProgressed && !codes.includes('ThrottlingError') ? true : TRY_AGAIN;
            }
            applied += chunk.keys.length;
            writes += 1;
            for (const key of chunk.keys) unapplied.delete(key.sk);
          }
          return LastEvaluatedKey !== undefined;
        },
        { what: 'Applying rollup deltas' },
      );
    }
    return { applied, writes, conflicts };
  }

  async handOver(tenantId: string, from: readonly StoredProjection[], to: Identifier): Promise<{ outcome: 'saved' | 'stale'; attributions: number; droppedBatons: number }> {
    if (from.length === 0) return { outcome: 'saved', attributions: 0, droppedBatons: 0 };
    // The orders' lines name no one and stay, as their rollups do; the person's lines in the funnel's listings go.
    const listed: Listed = Object.assign({}, ...from.map((projection) => projection.listed ?? {}));
    const people = Object.keys(listed).filter((id) => PERSONAL_LISTINGS.has(parseEntryId(id).listing));
    for (const id of people) delete listed[id];
    const successor: ProjectionBody = {
      personKey: to,
      identifiers: [to],
      orders: Object.assign({}, ...from.map((projection) => projection.orders)),
      configs: Object.assign({}, ...from.map((projection) => projection.configs)),
      contributions: sum(...from.map((projection) => projection.contributions)),
      listed,
      dropped: [],
    };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            ...from.map(
              (projection): TransactItem => ({
                Delete: {
                  TableName: this.tableName,
                  Key: projectionEntity.key(tenantId, projection.personKey),
                  ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)',
                  ExpressionAttributeValues: { ':expected': projection.version },
                },
              }),
            ),
            {
              Put: {
                TableName: this.tableName,
                Item: projectionEntity.toItem(tenantId, successor, 1),
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (error instanceof TransactionCanceledException) return { outcome: 'stale', attributions: 0, droppedBatons: 0 };
      throw error;
    }
    const transactionIds = Object.entries(successor.orders).flatMap(([orderId, order]) => [orderId, ...Object.keys(order.adjustments)]);
    const batons = from.flatMap((projection) => projection.dropped.map((baton) => droppedBatonEntity.key(tenantId, baton, projection.personKey)));
    const lines = people.map((id) => listingEntryEntity.key(tenantId, parseEntryId(id)));
    await deleteKeys(this.client, this.tableName, [...transactionIds.map((transactionId) => attributionEntity.key(tenantId, transactionId)), ...batons, ...lines]);
    return { outcome: 'saved', attributions: transactionIds.length, droppedBatons: batons.length };
  }

  async getAttribution(tenantId: string, transactionId: string): Promise<AttributionRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: attributionEntity.key(tenantId, transactionId), ConsistentRead: true }));
    return Item ? attributionEntity.fromItem(Item) : undefined;
  }

  async rollupCells(tenantId: string, family: CellFamily, fromDay: string, toDay: string, slice?: string): Promise<RollupCell[]> {
    const days = rollupCellEntity.days(fromDay, toDay);
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': rollupCellEntity.partition(tenantId, family, slice), ':from': days.from, ':to': days.to },
    });
    return items.map((item) => rollupCellEntity.fromItem(item));
  }

  async firstCountedDay(tenantId: string): Promise<string | undefined> {
    const { Items } = await this.client.send(
      new QueryCommand({ TableName: this.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': rollupCellEntity.partition(tenantId, 'totals') }, Limit: 1 }),
    );
    return Items?.[0] ? rollupCellEntity.fromItem(Items[0]).day : undefined;
  }

  async listingPage(tenantId: string, query: ListingQuery, limit: number, before?: string): Promise<ListingPage<never>> {
    const positions = listingEntryEntity.positions(query);
    const pk = listingEntryEntity.partition(tenantId, query);
    // One more than the page: whether another follows is known without a second request.
    const { Items = [] } = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':from': positions.from, ':to': positions.to },
        ScanIndexForward: false,
        Limit: limit + 1,
        ...(before ? { ExclusiveStartKey: { pk, sk: before } } : {}),
      }),
    );
    const page = Items.slice(0, limit).map((item) => listingEntryEntity.fromItem(item));
    return { lines: page.map((entry) => entry.line as never), ...(Items.length > limit ? { next: page[page.length - 1]!.position } : {}) };
  }

  async droppedBatons(tenantId: string, range: { from: string; to: string; now: string }, limit: number, after?: string): Promise<{ batons: DroppedBatonView[]; next?: string }> {
    const batons: DroppedBatonView[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined = after ? droppedBatonEntity.keyAt(tenantId, after) : undefined;
    const qualified = droppedBatonEntity.qualifiedBetween(range.from, range.to);
    let last: string | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: 'deadline < :now',
          ExpressionAttributeValues: { ':pk': droppedBatonEntity.partition(tenantId), ':from': qualified.from, ':to': qualified.to, ':now': range.now },
          ExclusiveStartKey,
          Limit: 200,
        }),
      );
      for (const item of page.Items ?? []) {
        if (batons.length === limit) return { batons, ...(last ? { next: last } : {}) };
        const baton = droppedBatonEntity.fromItem(item);
        batons.push(baton);
        last = droppedBatonEntity.position(baton);
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { batons };
  }
}
