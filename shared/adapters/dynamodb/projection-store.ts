import { gunzipSync, gzipSync } from 'node:zlib';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Identifier } from '../../identity/identity.ts';
import { type CellFamily, cells, sum } from '../../projection/cells.ts';
import type { DroppedBaton } from '../../projection/person.ts';
import type { AttributionRecord, DroppedBatonView, ProjectionStore, ProjectionWrite, RollupCell, StoredProjection } from '../../projection/ports.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';
import { batchGetAll, deleteKeys, queryAll, writeAll } from './query.ts';
import { recordKeys } from './record-store.ts';

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * - `PROJ#<person key>` / `PROJ`: a person's last projection (gzipped), its
 *   version, and how many steps of a large change are still to apply.
 * - `PROJ#<person key>` / `STEP#<version>#<n>`: step n of the change that
 *   made that version (written ahead; deleted as it is applied).
 * - `TX#<id>` / `ATTR`: one transaction's attribution, for reading it by id.
 * - `ROLLUP#<family>` / `<day>#<part>`: a rollup cell, added to with ADD.
 * - `HANDOFF` / `<qualifiedAt>#<person key>`: a dropped baton.
 */
export const projectionKeys = {
  projection: (tenantId: string, personKey: string) => ({ pk: `T#${tenantId}#PROJ#${personKey}`, sk: 'PROJ' }),
  step: (tenantId: string, personKey: string, version: number, step: number) => ({ pk: `T#${tenantId}#PROJ#${personKey}`, sk: `STEP#${version}#${step}` }),
  attribution: (tenantId: string, transactionId: string) => ({ pk: recordKeys.transaction(tenantId, transactionId).pk, sk: 'ATTR' }),
  rollupPartition: (tenantId: string, family: CellFamily) => `T#${tenantId}#ROLLUP#${family}`,
  dropped: (tenantId: string, baton: Pick<DroppedBaton, 'qualifiedAt'>, personKey: string) => ({ pk: `T#${tenantId}#HANDOFF`, sk: `${baton.qualifiedAt}#${personKey}` }),
};

/** TransactWriteItems takes at most 100 items. */
const MAX_ITEMS = 100;
/** Attributes one rollup update adds to: its expression stays well under DynamoDB's 4 KB. */
const MAX_ADDS_PER_UPDATE = 100;

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

// Binary values (a gzipped attribution inside a written-ahead step) travel as base64: JSON would make them arrays of numbers, and read them back as such.
const BINARY = '$binary';
const pack = (value: unknown) =>
  gzipSync(
    JSON.stringify(value, function (this: Record<string, unknown>, name, plain) {
      const raw = this[name];
      return raw instanceof Uint8Array ? { [BINARY]: Buffer.from(raw).toString('base64') } : plain;
    }),
  );
const unpack = <T>(value: Uint8Array) =>
  JSON.parse(gunzipSync(value).toString('utf8'), (_name, parsed) => (parsed && typeof parsed === 'object' && typeof parsed[BINARY] === 'string' ? Buffer.from(parsed[BINARY], 'base64') : parsed)) as T;
/** Written-ahead steps are deleted as they are applied; one left by a save that lost its race goes by itself after a week. */
const STEP_LIFETIME_SECONDS = 7 * 24 * 3600;

export class DynamoProjectionStore implements ProjectionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getProjections(tenantId: string, keys: readonly Identifier[]): Promise<Map<Identifier, StoredProjection>> {
    const items = await batchGetAll(
      this.client,
      this.tableName,
      [...new Set(keys)].map((key) => projectionKeys.projection(tenantId, key)),
      'Reading projections',
    );
    const found = new Map<Identifier, StoredProjection>();
    for (const item of items) {
      const projection = { ...unpack<Omit<StoredProjection, 'version' | 'pending'>>(item.body as Uint8Array), version: item.version as number, ...(item.pendingSteps ? { pending: true } : {}) };
      found.set(projection.personKey, projection);
    }
    return found;
  }

  async save(tenantId: string, write: ProjectionWrite): Promise<'saved' | 'stale'> {
    const { projection, expectedVersion } = write;
    const head: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: { ...projectionKeys.projection(tenantId, projection.personKey), entity: 'projection', version: expectedVersion + 1, body: pack(projection) },
          ...(expectedVersion === 0
            ? { ConditionExpression: 'attribute_not_exists(pk)' }
            : { ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)', ExpressionAttributeValues: { ':expected': expectedVersion } }),
        },
      },
      ...write.retired.map(
        ({ personKey, expectedVersion: version }): TransactItem => ({
          Delete: {
            TableName: this.tableName,
            Key: projectionKeys.projection(tenantId, personKey),
            ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)',
            ExpressionAttributeValues: { ':expected': version },
          },
        }),
      ),
    ];
    const [now = [], ...later] = steps(this.operations(tenantId, write), MAX_ITEMS - head.length);
    if (later.length > 0) {
      // Too large for one transaction: the rest is written ahead, a step per item (each well under DynamoDB's 400 KB,
      // however many steps), and the projection says how many there are; they are applied step by step. If this save
      // loses its race, its steps are never read (they name a version that was not saved).
      const version = expectedVersion + 1;
      const expiresAt = Math.floor(Date.now() / 1000) + STEP_LIFETIME_SECONDS;
      await writeAll(
        this.client,
        this.tableName,
        later.map((operations, step) => ({
          PutRequest: { Item: { ...projectionKeys.step(tenantId, projection.personKey, version, step), entity: 'projection_step', operations: pack(operations), expiresAt } },
        })),
        'Writing a projection’s steps ahead',
      );
      const put = head[0]!.Put!;
      put.Item = { ...put.Item, pendingSteps: later.length, pendingStep: 0 };
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
    const key = projectionKeys.projection(tenantId, personKey);
    await retrying(
      async () => {
        const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
        if (!Item?.pendingSteps) return undefined;
        const step = Item.pendingStep as number;
        const last = step === (Item.pendingSteps as number) - 1;
        const stepKey = projectionKeys.step(tenantId, personKey, Item.version as number, step);
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
                    ExpressionAttributeValues: { ':version': Item.version, ':step': step, ...(last ? {} : { ':next': step + 1 }) },
                  },
                },
                { Delete: { TableName: this.tableName, Key: stepKey } },
                ...unpack<TransactItem[]>(written.Item.operations as Uint8Array),
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
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            ...projectionKeys.attribution(tenantId, attribution.transactionId),
            entity: 'attribution',
            tenantId,
            transactionId: attribution.transactionId,
            personKey: attribution.personKey,
            version: attribution.version,
            body: pack(attribution.result),
          },
        },
      });
      // The export reads transactions from their time index alone: the summary rides on the transaction item.
      items.push({
        Update: {
          TableName: this.tableName,
          Key: recordKeys.transaction(tenantId, attribution.transactionId),
          UpdateExpression: 'SET attributionSummary = :summary',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':summary': attribution.summary },
        },
      });
    }
    for (const [id, changes] of Object.entries(write.delta)) {
      const { family, day, part } = cells.parse(id);
      const entries = Object.entries(changes);
      // An update expression holds at most 4 KB: a cell with many changes is moved in several updates (in separate steps, see `steps`).
      for (let start = 0; start < entries.length; start += MAX_ADDS_PER_UPDATE) {
        const names: Record<string, string> = { '#entity': 'entity' };
        const values: Record<string, unknown> = { ':entity': 'rollup' };
        const adds = entries.slice(start, start + MAX_ADDS_PER_UPDATE).map(([name, change], i) => {
          names[`#a${i}`] = name;
          values[`:v${i}`] = change;
          return `#a${i} :v${i}`;
        });
        items.push({
          Update: {
            TableName: this.tableName,
            Key: { pk: projectionKeys.rollupPartition(tenantId, family), sk: `${day}#${part}` },
            UpdateExpression: `SET #entity = :entity ADD ${adds.join(', ')}`,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        });
      }
    }
    const personKey = write.projection.personKey;
    for (const baton of write.dropped.remove) items.push({ Delete: { TableName: this.tableName, Key: projectionKeys.dropped(tenantId, baton, baton.personKey) } });
    for (const baton of write.dropped.add)
      items.push({ Put: { TableName: this.tableName, Item: { ...projectionKeys.dropped(tenantId, baton, personKey), entity: 'dropped_baton', personKey, ...baton } } });
    return items;
  }

  async handOver(tenantId: string, from: readonly StoredProjection[], to: Identifier): Promise<{ outcome: 'saved' | 'stale'; attributions: number; droppedBatons: number }> {
    if (from.length === 0) return { outcome: 'saved', attributions: 0, droppedBatons: 0 };
    const successor: Omit<StoredProjection, 'version' | 'pending'> = {
      personKey: to,
      identifiers: [to],
      orders: Object.assign({}, ...from.map((projection) => projection.orders)),
      configs: Object.assign({}, ...from.map((projection) => projection.configs)),
      contributions: sum(...from.map((projection) => projection.contributions)),
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
                  Key: projectionKeys.projection(tenantId, projection.personKey),
                  ConditionExpression: 'version = :expected AND attribute_not_exists(pendingSteps)',
                  ExpressionAttributeValues: { ':expected': projection.version },
                },
              }),
            ),
            {
              Put: {
                TableName: this.tableName,
                Item: { ...projectionKeys.projection(tenantId, to), entity: 'projection', version: 1, body: pack(successor) },
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
    const batons = from.flatMap((projection) => projection.dropped.map((baton) => projectionKeys.dropped(tenantId, baton, projection.personKey)));
    await deleteKeys(this.client, this.tableName, [...transactionIds.map((transactionId) => projectionKeys.attribution(tenantId, transactionId)), ...batons]);
    return { outcome: 'saved', attributions: transactionIds.length, droppedBatons: batons.length };
  }

  async getAttribution(tenantId: string, transactionId: string): Promise<AttributionRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: projectionKeys.attribution(tenantId, transactionId), ConsistentRead: true }));
    if (!Item) return undefined;
    return { transactionId, personKey: Item.personKey as Identifier, version: Item.version as number, result: unpack(Item.body as Uint8Array) };
  }

  async rollupCells(tenantId: string, family: CellFamily, fromDay: string, toDay: string): Promise<RollupCell[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': projectionKeys.rollupPartition(tenantId, family), ':from': `${fromDay}#`, ':to': `${toDay}#~` },
    });
    return items.map(({ pk: _pk, sk, entity: _entity, ...attributes }) => {
      const [day, ...part] = (sk as string).split('#');
      return { day: day!, part: part.join('#'), attributes: attributes as Record<string, number> };
    });
  }

  async droppedBatons(tenantId: string, range: { from: string; to: string; now: string }, limit: number, after?: string): Promise<{ batons: DroppedBatonView[]; next?: string }> {
    const batons: DroppedBatonView[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined = after ? { pk: `T#${tenantId}#HANDOFF`, sk: after } : undefined;
    let last: string | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          FilterExpression: 'deadline < :now',
          ExpressionAttributeValues: { ':pk': `T#${tenantId}#HANDOFF`, ':from': range.from, ':to': `${range.to}`, ':now': range.now },
          ExclusiveStartKey,
          Limit: 200,
        }),
      );
      for (const item of page.Items ?? []) {
        if (batons.length === limit) return { batons, ...(last ? { next: last } : {}) };
        const { pk: _pk, sk, entity: _entity, ...baton } = item;
        batons.push(baton as unknown as DroppedBatonView);
        last = sk as string;
      }
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return { batons };
  }
}
