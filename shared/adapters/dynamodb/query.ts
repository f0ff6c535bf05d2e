import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
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

/** Every item of `keys` that exists, consistently read, 100 keys a request, retrying what DynamoDB leaves unprocessed. */
export async function batchGetAll(client: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<{ pk: string; sk: string }>, what: string): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let start = 0; start < keys.length; start += 100) {
    let requested: Array<Record<string, unknown>> = keys.slice(start, start + 100);
    await retrying(
      async () => {
        const { Responses, UnprocessedKeys } = await client.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested, ConsistentRead: true } } }));
        found.push(...(Responses?.[tableName] ?? []));
        requested = (UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
        return requested.length > 0 ? TRY_AGAIN : undefined;
      },
      { what },
    );
  }
  return found;
}
