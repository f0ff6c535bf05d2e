import { BatchGetCommand, type BatchGetCommandInput, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.ts';
import { batchGetAll } from '../../shared/adapters/dynamodb/query.ts';

// The failure a gathered read can meet and DynamoDB Local cannot be made to give on one request of
// several (a throttled BatchGetItem), on a mocked client: each caller's keys are read again on their
// own, so a failure fails only the callers whose own read fails.

describe('reads by key gathered from several callers', () => {
  const client = createDocumentClient({ endpoint: 'http://127.0.0.1:1', maxAttempts: 1 });
  const mock = mockClient(DynamoDBDocumentClient);
  afterAll(() => mock.restore());
  let requested: string[][] = [];
  const throttled = () => Object.assign(new Error('Throughput exceeds the current capacity'), { name: 'ProvisionedThroughputExceededException' });
  /** A store that answers every key it is asked for (n: its sort key), or fails the requests `failing` picks. */
  const answering = (failing: (keys: string[], request: number) => boolean) =>
    mock.on(BatchGetCommand).callsFake((input: BatchGetCommandInput) => {
      const keys = (input.RequestItems?.table?.Keys ?? []) as Array<{ pk: string; sk: string }>;
      requested.push(keys.map((key) => key.sk));
      if (failing(requested.at(-1)!, requested.length)) throw throttled();
      return { Responses: { table: keys.map((key) => ({ ...key, n: Number(key.sk) })) } };
    });
  const keys = (...numbers: number[]) => numbers.map((n) => ({ pk: 'P', sk: String(n) }));
  const numbers = (items: Array<Record<string, unknown>>) => items.map((item) => item.n);

  beforeEach(() => {
    mock.reset();
    requested = [];
  });

  it('are read again for each caller alone when the gathered request fails', async () => {
    answering((_keys, request) => request === 1);
    const answers = await Promise.all([batchGetAll(client, 'table', keys(1, 2)), batchGetAll(client, 'table', keys(3))]);
    expect(answers.map(numbers)).toEqual([[1, 2], [3]]);
    expect(requested).toEqual([['1', '2', '3'], ['1', '2'], ['3']]);
  });

  it('fail only the caller whose own read fails', async () => {
    answering((asked) => asked.includes('3'));
    const [first, second] = await Promise.allSettled([batchGetAll(client, 'table', keys(1, 2)), batchGetAll(client, 'table', keys(3))]);
    expect(first.status === 'fulfilled' && numbers(first.value)).toEqual([1, 2]);
    expect(second).toMatchObject({ status: 'rejected', reason: { name: 'ProvisionedThroughputExceededException' } });
  });
});
