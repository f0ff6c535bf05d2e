import { BatchWriteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
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

/** Deletes items by key, 25 a request, retrying what DynamoDB leaves unprocessed; the same key twice is deleted once. */
export async function deleteKeys(client: DynamoDBDocumentClient, tableName: string, keys: ReadonlyArray<{ pk: string; sk: string }>): Promise<void> {
  const unique = [...new Map(keys.map((key) => [`${key.pk}\u0000${key.sk}`, key])).values()];
  const batches: Array<Array<{ DeleteRequest: { Key: { pk: string; sk: string } } }>> = [];
  for (let start = 0; start < unique.length; start += BATCH_WRITE_ITEMS) batches.push(unique.slice(start, start + BATCH_WRITE_ITEMS).map((Key) => ({ DeleteRequest: { Key } })));
  await Promise.all(
    batches.map((batch) => {
      let pending = batch;
      return retrying(
        async () => {
          const { UnprocessedItems } = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = (UnprocessedItems?.[tableName] ?? []) as typeof pending;
          return pending.length > 0 ? TRY_AGAIN : undefined;
        },
        { what: 'Deleting items' },
      );
    }),
  );
}
