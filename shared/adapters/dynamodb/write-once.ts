import { type AttributeValue, type CancellationReason, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from 'zod';
import type { WriteOutcome } from '../../recording/ports.ts';
import { retrying, TRY_AGAIN } from '../../runtime/retry.ts';
import type { Item, TransactItem } from './entities/entity.ts';

/** A record written exactly once: `items[0]` is its guard, written only if absent; the guard carries the record's `contentHash`. */
export interface OnceRecord {
  items: TransactItem[];
  contentHash: string;
}

const MAX_ITEMS_PER_TRANSACTION = 100;
const PARALLEL_TRANSACTIONS = 4;

export function put(tableName: string, item: Item): TransactItem {
  return { Put: { TableName: tableName, Item: item } };
}

/** A Put only if the item is absent; when it is there, the cancellation reason carries the stored item. */
export function guard(tableName: string, item: Item): TransactItem {
  return { Put: { TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } };
}

/** The stored item a failed condition returned (`ALL_OLD`), as the document client would read it. */
export function storedItem(reason: CancellationReason | undefined): Item | undefined {
  return reason?.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined;
}

const Guard = z.object({ contentHash: z.string().optional() });

/** A guard's condition failed: the record is stored already, with this content (`duplicate`) or other content (`conflict`). */
export function guardOutcome(reason: CancellationReason | undefined, contentHash: string): 'duplicate' | 'conflict' | undefined {
  if (reason?.Code !== 'ConditionalCheckFailed') return undefined;
  return Guard.parse(storedItem(reason) ?? {}).contentHash === contentHash ? 'duplicate' : 'conflict';
}

export const contended = (reason: CancellationReason) => reason.Code === 'TransactionConflict' || reason.Code === 'ThrottlingError';

/** Records in transactions of at most 100 items, in order, a record never split. */
function chunks(records: readonly OnceRecord[]): number[][] {
  const result: number[][] = [];
  let chunk: number[] = [];
  let size = 0;
  records.forEach((record, index) => {
    if (size + record.items.length > MAX_ITEMS_PER_TRANSACTION && chunk.length > 0) {
      result.push(chunk);
      chunk = [];
      size = 0;
    }
    chunk.push(index);
    size += record.items.length;
  });
  if (chunk.length > 0) result.push(chunk);
  return result;
}

/**
 * Writes each record exactly once, many per TransactWriteItems call. A
 * record whose guard exists is a duplicate (same content hash) or a
 * conflict; the rest of its transaction is retried without it. Concurrent
 * writers of the same record race on the guard's condition, so exactly one
 * stores it and the others see a duplicate.
 */
export async function writeOnce(client: DynamoDBDocumentClient, records: readonly OnceRecord[]): Promise<WriteOutcome[]> {
  const outcomes: WriteOutcome[] = new Array(records.length);
  const writeChunk = (initial: number[]) => {
    let pending = initial;
    return retrying(
      async () => {
        const items = pending.flatMap((index) => records[index]!.items);
        try {
          await client.send(new TransactWriteCommand({ TransactItems: items, ReturnConsumedCapacity: 'TOTAL' }));
          for (const index of pending) outcomes[index] = 'stored';
          return undefined;
        } catch (error) {
          if (!(error instanceof TransactionCanceledException) || !error.CancellationReasons) throw error;
          const reasons = error.CancellationReasons;
          const retry: number[] = [];
          let offset = 0;
          for (const index of pending) {
            const record = records[index]!;
            const seen = guardOutcome(reasons[offset], record.contentHash);
            if (seen) outcomes[index] = seen;
            else retry.push(index);
            offset += record.items.length;
          }
          if (!reasons.some(contended) && retry.length === pending.length) throw error; // cancelled for a reason no record explains
          pending = retry;
          return pending.length > 0 ? TRY_AGAIN : undefined;
        }
      },
      { what: 'Recording' },
    );
  };
  // A few transactions at a time: a batch of 500 touches is 10 of them.
  const all = chunks(records);
  for (let start = 0; start < all.length; start += PARALLEL_TRANSACTIONS) {
    await Promise.all(all.slice(start, start + PARALLEL_TRANSACTIONS).map(writeChunk));
  }
  return outcomes;
}
