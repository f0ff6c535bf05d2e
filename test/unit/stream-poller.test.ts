import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalStreamPoller, MAX_BATCH_RETRIES } from '../../scripts/local/stream-poller.ts';

const dynamodb = mockClient(DynamoDBClient);
const streams = mockClient(DynamoDBStreamsClient);

beforeEach(() => {
  vi.useFakeTimers();
  dynamodb.reset();
  streams.reset();
  dynamodb.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:local:stream' } });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'empty' });
  streams.on(GetRecordsCommand).resolves({ NextShardIterator: 'empty', Records: [] });
});
afterEach(() => vi.useRealTimers());

function poller(): LocalStreamPoller {
  return new LocalStreamPoller({ dynamodb: new DynamoDBClient({}), streams: new DynamoDBStreamsClient({}), tableName: 'baton', consumers: [{ handler: async () => ({ batchItemFailures: [] }) }] });
}

const reads = () => streams.commandCalls(GetRecordsCommand).length;
const describes = () => streams.commandCalls(DescribeStreamCommand).length;

describe('the local stream poller (npm start and the tests)', () => {
  it('backs off while the stream is empty: a handful of reads in ten seconds, not two hundred, and asks for new shards once a second', async () => {
    const stream = poller();
    await stream.start(50);
    await vi.advanceTimersByTimeAsync(10_000);
    stream.stop();
    // 50, 100, 200, 400 ms, then every 800 ms: about 15 rounds in 10 s.
    expect(reads()).toBeGreaterThanOrEqual(10);
    expect(reads()).toBeLessThanOrEqual(20);
    expect(describes()).toBeLessThanOrEqual(12);
  });

  it('polls again within its active pace when nudged after a write, then backs off again', async () => {
    const stream = poller();
    await stream.start(50);
    await vi.advanceTimersByTimeAsync(5_000);
    const before = reads();
    stream.nudge();
    await vi.advanceTimersByTimeAsync(60);
    expect(reads()).toBe(before + 1);
    stream.stop();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(reads()).toBe(before + 1);
  });

  it('keeps the active pace while records come', async () => {
    let round = 0;
    streams.on(GetRecordsCommand).callsFake(async () => {
      round += 1;
      return { NextShardIterator: 'next', Records: [{ eventID: `ev-${round}`, eventName: 'INSERT', dynamodb: { SequenceNumber: String(round) } }] };
    });
    const stream = poller();
    await stream.start(50);
    await vi.advanceTimersByTimeAsync(1_000);
    stream.stop();
    expect(reads()).toBeGreaterThanOrEqual(15);
  });
});

describe('where the poller starts reading', () => {
  const positions = () => streams.commandCalls(GetShardIteratorCommand).map((call) => [call.args[0].input.ShardId, call.args[0].input.ShardIteratorType]);

  it('reads every shard from its trim horizon unless told otherwise, as the stack’s event source mapping does', async () => {
    const stream = poller();
    await stream.start(60_000);
    stream.stop();
    expect(positions()).toEqual([['shard-1', 'TRIM_HORIZON']]);
  });

  it('with LATEST, reads the shards open at start from their latest record, and a shard opened since from its start', async () => {
    const stream = new LocalStreamPoller({
      dynamodb: new DynamoDBClient({}),
      streams: new DynamoDBStreamsClient({}),
      tableName: 'baton',
      consumers: [{ handler: async () => ({ batchItemFailures: [] }) }],
      startingPosition: 'LATEST',
    });
    await stream.start(50);
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }, { ShardId: 'shard-2' }] } });
    await vi.advanceTimersByTimeAsync(2_000);
    stream.stop();
    expect(positions()).toEqual([
      ['shard-1', 'LATEST'],
      ['shard-2', 'TRIM_HORIZON'],
    ]);
  });
});

describe('one read of the stream for all its consumers', () => {
  const record = (n: number) => ({ eventID: `ev-${n}`, eventName: 'INSERT' as const, dynamodb: { SequenceNumber: String(n) } });
  /** The stream gives the records of `pages` one page a read, then nothing. */
  function pages(...contents: number[][]) {
    let read = 0;
    streams.on(GetRecordsCommand).callsFake(async () => ({ NextShardIterator: 'next', Records: (contents[read++] ?? []).map(record) }));
  }
  const sequence = (event: { Records: Array<{ dynamodb?: { SequenceNumber?: string } }> }) => event.Records.map((one) => Number(one.dynamodb?.SequenceNumber));

  it('reads each page once, however many consumers it has, and hands it to each of them', async () => {
    pages([1, 2], [3]);
    const seen: number[][] = [[], [], []];
    const stream = new LocalStreamPoller({
      dynamodb: new DynamoDBClient({}),
      streams: new DynamoDBStreamsClient({}),
      tableName: 'baton',
      consumers: seen.map((into) => ({ handler: async (event) => (into.push(...sequence(event)), { batchItemFailures: [] }) })),
    });
    await stream.start(60_000);
    stream.stop();
    expect(await stream.drainStream()).toBe(3);
    expect(seen).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    expect(reads()).toBe(3); // two pages and the empty read that ends the drain
  });

  it('lets a consumer whose batch failed try again from its failure with what comes next, while the others go on; one that keeps failing becomes a dead letter', async () => {
    pages([1, 2, 3], [4], [5], [6], [7], [], [], [], [], [], [], [8]);
    const healthy: number[][] = [];
    const failing: number[][] = [];
    const dead: number[][] = [];
    const stream = new LocalStreamPoller({
      dynamodb: new DynamoDBClient({}),
      streams: new DynamoDBStreamsClient({}),
      tableName: 'baton',
      consumers: [
        { handler: async (event) => (healthy.push(sequence(event)), { batchItemFailures: [] }) },
        {
          // Fails at record 2 every time.
          handler: async (event) => {
            failing.push(sequence(event));
            return { batchItemFailures: sequence(event).includes(2) ? [{ itemIdentifier: '2' }] : [] };
          },
          onDeadBatch: (event) => dead.push(sequence(event)),
        },
      ],
    });
    await stream.start(60_000);
    stream.stop();
    await stream.drainStream();
    await stream.drainStream();
    expect(healthy).toEqual([[1, 2, 3], [4], [5], [6], [7], [8]]);
    expect(failing.slice(0, 3)).toEqual([
      [1, 2, 3],
      [2, 3, 4],
      [2, 3, 4, 5],
    ]);
    // Its tries of the batch (the last with everything that came meanwhile), then record 8 after the dead letter.
    expect(failing).toHaveLength(MAX_BATCH_RETRIES + 2);
    expect(dead).toEqual([[2, 3, 4, 5, 6, 7]]);
    expect(failing.at(-1)).toEqual([8]);
  });
});
