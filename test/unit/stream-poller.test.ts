import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalStreamPoller } from '../../scripts/local/stream-poller.ts';

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
  return new LocalStreamPoller({ dynamodb: new DynamoDBClient({}), streams: new DynamoDBStreamsClient({}), tableName: 'baton', handler: async () => ({ batchItemFailures: [] }) });
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
