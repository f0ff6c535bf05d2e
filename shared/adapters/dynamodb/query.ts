import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import DataLoader from 'dataloader';
import { remainingMs } from '../../runtime/deadline.ts';
import { mapPooled } from '../../runtime/pool.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';

/** Every item a query matches, following DynamoDB's pages. */
export async function queryAll(client: DynamoDBDocumentClient, input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** BatchWriteItem takes at most 25 requests. */
const BATCH_WRITE_ITEMS = 25;

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: { pk: string; sk: string } } };

/** BatchWriteItem requests in flight at once. */
const WRITE_CONCURRENCY = 16;

/** Puts or deletes, 25 a request and 16 requests at a time, retrying what DynamoDB leaves unprocessed. */
export async function writeAll(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[], what: string): Promise<void> {
  const batches: WriteRequest[][] = [];
  for (let start = 0; start < requests.length; start += BATCH_WRITE_ITEMS) batches.push(requests.slice(start, start + BATCH_WRITE_ITEMS));
  await mapPooled(batches, WRITE_CONCURRENCY, (batch) => {
    let pending = batch;
    return retrying(
      async () => {
        const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
        return pending.length > 0 ? TRY_AGAIN : undefined;
      },
      { what },
    );
  });
}

/** Deletes items by key; the same key twice is deleted once. */
export async function deleteKeys(client: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<void> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  await writeAll(
    client,
    tableName,
    unique.map((Key) => ({ DeleteRequest: { Key } })),
    'Deleting items',
  );
}

type Key = { pk: string; sk: string };
type Item = Record<string, unknown>;

const keyId = (key: Item) => `${key.pk}\u0000${key.sk}`;
const keyOf = (id: string): Key => {
  const [pk, sk] = id.split('\u0000') as [string, string];
  return { pk, sk };
};

/** BatchGetItem takes at most 100 keys. */
const BATCH_GET_KEYS = 100;

/** Keys read together: the reads of one table that callers ask for in the same turn of the event loop. */
const readers = new WeakMap<DynamoDBDocumentClient, Map<string, DataLoader<string, Item | undefined>>>();

function readerOf(client: DynamoDBDocumentClient, tableName: string): DataLoader<string, Item | undefined> {
  let byTable = readers.get(client);
  if (!byTable) readers.set(client, (byTable = new Map()));
  let reader = byTable.get(tableName);
  if (!reader) {
    reader = new DataLoader(
      async (ids: readonly string[]) => {
        const keys = [...new Set(ids)].map(keyOf);
        const found = new Map((await readKeys(client, tableName, keys)).map((item) => [keyId(item), item]));
        return ids.map((id) => found.get(id));
      },
      // Never a cached answer: every call reads, after it was made. setImmediate gathers the calls of
      // everything that resumed in this turn (the people of a batch, each back from its own request).
      { cache: false, maxBatchSize: BATCH_GET_KEYS, batchScheduleFn: (read) => setImmediate(read) },
    );
    byTable.set(tableName, reader);
  }
  return reader;
}

/** One BatchGetItem of at most 100 distinct keys, consistently read, retrying what DynamoDB leaves unprocessed. */
async function readKeys(client: DynamoDBDocumentClient, tableName: string, keys: Key[]): Promise<Item[]> {
  const found: Item[] = [];
  let requested: Item[] = keys;
  await retrying(
    async () => {
      const { Responses, UnprocessedKeys } = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested, ConsistentRead: true } } }));
      found.push(...(Responses?.[tableName] ?? []));
      requested = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
      return requested.length > 0 ? TRY_AGAIN : undefined;
    },
    { what: 'Reading items by key' },
  );
  return found;
}

/**
 * Every item of `keys` that exists, once each, consistently read, 100 keys a request. Outside a
 * request's deadline, keys asked for by several callers of the process at once (a batch's people, each
 * reading its projections and its orders' settlements) go in the same requests, sent together: a
 * recompute sent two of them an order before.
 */
export async function batchGetAll(client: DynamoDBDocumentClient, tableName: string, keys: readonly Key[]): Promise<Item[]> {
  if (keys.length === 0) return [];
  const ids = [...new Set(keys.map(keyId))];
  // Within a request's deadline (runtime/deadline.ts), reads are its own: a request gathered with
  // another would be cut off by the other's deadline. Batches of people run outside one.
  if (remainingMs() !== Number.POSITIVE_INFINITY) return readOwn(client, tableName, ids);
  const items = await readerOf(client, tableName).loadMany(ids);
  // A gathered request that failed (throttled past the retry policy) is read again for this caller's keys alone, so
  // that one failing request fails only the callers whose own reads fail, as when each read its own.
  if (items.some((item) => item instanceof Error)) return readOwn(client, tableName, ids);
  return items.filter((item): item is Item => item !== undefined);
}

/** A caller's keys read on their own, 100 a request, one request after another. */
async function readOwn(client: DynamoDBDocumentClient, tableName: string, ids: readonly string[]): Promise<Item[]> {
  const found: Item[] = [];
  for (let start = 0; start < ids.length; start += BATCH_GET_KEYS) found.push(...(await readKeys(client, tableName, ids.slice(start, start + BATCH_GET_KEYS).map(keyOf))));
  return found;
}
