import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { batchGetAll } from '../../shared/adapters/dynamodb/query.ts';
import { config } from '../../shared/config.ts';
import { withDeadline } from '../../shared/runtime/deadline.ts';
import { recordRequests } from '../support/requests.ts';

// Reads by key that callers make at once go to DynamoDB together (shared/adapters/dynamodb/query.ts):
// what each caller gets back is what it asked for, read after it asked, whoever else asked beside it.

const key = (n: number) => ({ pk: 'BATCH-READS', sk: `item#${String(n).padStart(4, '0')}` });
const STORED = 250;

beforeAll(async () => {
  for (let start = 0; start < STORED; start += 25) {
    const items = Array.from({ length: 25 }, (_, index) => ({ ...key(start + index), n: start + index }));
    await documentClient().send(new BatchWriteCommand({ RequestItems: { [config().TABLE_NAME]: items.map((Item) => ({ PutRequest: { Item } })) } }));
  }
});

const read = (keys: Array<{ pk: string; sk: string }>) => batchGetAll(documentClient(), config().TABLE_NAME, keys);
const numbers = (items: Array<Record<string, unknown>>) => items.map((item) => item.n as number).sort((a, b) => a - b);

describe('reads by key', () => {
  it('of 16 callers at once, 3 keys each, go in one BatchGetItem, and each caller gets its own items', async () => {
    let answers: number[][] = [];
    const requests = await recordRequests(async () => {
      answers = await Promise.all(Array.from({ length: 16 }, (_, caller) => read([key(caller * 3), key(caller * 3 + 1), key(caller * 3 + 2)]).then(numbers)));
    });
    expect(requests.map((request) => request.command)).toEqual(['BatchGetItemCommand']);
    expect(answers).toEqual(Array.from({ length: 16 }, (_, caller) => [caller * 3, caller * 3 + 1, caller * 3 + 2]));
  });

  it('of callers asking for the same keys (one of them twice) are asked for once, and each caller gets each of its items once', async () => {
    let answers: number[][] = [];
    const requests = await recordRequests(async () => {
      answers = await Promise.all([read([key(1), key(2)]), read([key(2), key(1), key(2)]), read([key(2)])].map((answer) => answer.then(numbers)));
    });
    expect(requests).toHaveLength(1);
    expect(answers).toEqual([[1, 2], [1, 2], [2]]);
  });

  it('leave out keys that hold nothing, and take 100 keys a request', async () => {
    const keys = Array.from({ length: STORED + 50 }, (_, n) => key(n));
    let items: Array<Record<string, unknown>> = [];
    const requests = await recordRequests(async () => {
      items = await read(keys);
    });
    expect(numbers(items)).toEqual(Array.from({ length: STORED }, (_, n) => n));
    expect(requests).toHaveLength(3);
  });

  it('read what was written before they were asked for, never an earlier answer', async () => {
    expect(numbers(await read([key(7)]))).toEqual([7]);
    await documentClient().send(new BatchWriteCommand({ RequestItems: { [config().TABLE_NAME]: [{ PutRequest: { Item: { ...key(7), n: 7_000 } } }] } }));
    expect(numbers(await read([key(7)]))).toEqual([7_000]);
  });

  it('within a request’s deadline are the request’s own, never gathered with another’s', async () => {
    const requests = await recordRequests(() => Promise.all(Array.from({ length: 3 }, (_, caller) => withDeadline(5_000, () => read([key(caller)])))));
    expect(requests).toHaveLength(3);
  });

  it('of no keys send nothing', async () => {
    expect(await recordRequests(() => read([]))).toEqual([]);
  });
});
