import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalBus } from '../../scripts/local/bus.ts';
import { readDeadLetters, streamRecordLetter } from '../../scripts/local/dead-letter-file.ts';
import { LocalStreamPoller, MAX_BATCH_RETRIES } from '../../scripts/local/stream-poller.ts';
import { redriveFile } from '../../scripts/dead-letters/file-mode.ts';
import { makePublishHandler } from '../../shared/adapters/eventbridge/stream-publisher.ts';
import { eventRules } from '../../shared/events/rules.ts';

const dynamodb = mockClient(DynamoDBClient);
const streams = mockClient(DynamoDBStreamsClient);
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'baton-stream-letters-'));
  dynamodb.reset();
  streams.reset();
  dynamodb.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:local:stream' } });
  streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
  // The shard holds one touch and one transaction: from its start (or the first, to retry) both, after them nothing.
  streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'start' });
  streams.on(GetRecordsCommand, { ShardIterator: 'after' }).resolves({ NextShardIterator: 'after', Records: [] });
  streams.on(GetRecordsCommand, { ShardIterator: 'start' }).resolves({
    NextShardIterator: 'after',
    Records: [
      {
        eventID: 'ev-1',
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: '11', NewImage: marshall({ entity: 'touch', tenantId: 'acme', touchId: 't-1', side: 'marketing', occurredAt: '2026-11-01T10:00:00.000Z', identifiers: ['a:x'] }) },
      },
      {
        eventID: 'ev-2',
        eventName: 'INSERT',
        dynamodb: { SequenceNumber: '12', NewImage: marshall({ entity: 'transaction', tenantId: 'acme', transactionId: 'o-1', kind: 'order', occurredAt: '2026-11-01T10:05:00.000Z', identifiers: ['a:x'] }) },
      },
    ],
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a stream batch that keeps failing locally', () => {
  it('becomes a dead letter with its records, which redrive turns into the events it stands for', async () => {
    const file = join(dir, 'dead-letters.ndjson');
    const bus = new LocalBus({ rules: eventRules, deadLetterFile: file, loadHandler: async () => async () => undefined });
    // Publishing fails every time, as when the bus is unreachable.
    const publish = makePublishHandler({
      publish: async () => {
        throw new Error('the bus is down');
      },
    });
    const poller = new LocalStreamPoller(new DynamoDBClient({}), new DynamoDBStreamsClient({}), 'baton-local', publish, (event, error) =>
      bus.recordDeadLetter({ kind: 'stream', rule: 'table-stream', target: 'publish-events', records: event.Records.map(streamRecordLetter), recordCount: event.Records.length, error, attempts: MAX_BATCH_RETRIES + 1 }),
    );
    await poller.start(60_000);
    poller.stop();
    await poller.flush();

    const { letters } = readDeadLetters(file);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter).toMatchObject({ kind: 'stream', rule: 'table-stream', recordCount: 2, attempts: MAX_BATCH_RETRIES + 1, error: expect.stringContaining('from sequence number 11') });
    expect(letter.kind === 'stream' && letter.records?.map((record) => [record.eventID, record.eventName, record.dynamodb?.SequenceNumber])).toEqual([
      ['ev-1', 'INSERT', '11'],
      ['ev-2', 'INSERT', '12'],
    ]);

    const delivered: Array<[string, Record<string, unknown>]> = [];
    const outcomes = await redriveFile({
      file,
      rules: eventRules,
      loadHandler: async (target) => async (event: { 'detail-type': string; detail: Record<string, unknown> }) => void delivered.push([`${target}:${event['detail-type']}`, event.detail]),
    });
    expect(outcomes).toEqual([expect.objectContaining({ id: letter.id, ok: true })]);
    expect(delivered).toEqual([
      ['attribute:TouchRecorded', expect.objectContaining({ tenantId: 'acme', touchId: 't-1', eventId: 'ev-1' })],
      ['attribute:TransactionRecorded', expect.objectContaining({ tenantId: 'acme', transactionId: 'o-1', eventId: 'ev-2' })],
    ]);
    expect(readDeadLetters(file).letters).toEqual([]);
  });
});
