import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { redriveFile } from '../../scripts/dead-letters/file-mode.ts';
import { LocalBus } from '../../scripts/local/bus.ts';
import { appendDeadLetter, readDeadLetters, stampLetter, streamRecordLetter } from '../../scripts/local/dead-letter-file.ts';
import { LocalQueue } from '../../scripts/local/queue.ts';
import { LocalStreamPoller, MAX_BATCH_RETRIES } from '../../scripts/local/stream-poller.ts';
import type { EventRule } from '../../shared/events/rules.ts';
import { makePublishHandler } from '../../shared/events/stream-publisher.ts';

/** A consumer of the bus, as a tenant's or a future rule would be. */
const rules: EventRule[] = [{ name: 'audit', detailTypes: ['TouchRecorded', 'TransactionRecorded'], target: 'audit' }];
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
        dynamodb: {
          SequenceNumber: '12',
          NewImage: marshall({ entity: 'transaction', tenantId: 'acme', transactionId: 'o-1', kind: 'order', occurredAt: '2026-11-01T10:05:00.000Z', identifiers: ['a:x'] }),
        },
      },
    ],
  });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('a stream batch that keeps failing locally', () => {
  it('becomes a dead letter with its records, which redrive turns into the events it stands for', async () => {
    const file = join(dir, 'dead-letters.ndjson');
    const bus = new LocalBus({ rules, deadLetterFile: file, loadHandler: async () => async () => undefined });
    // Publishing fails every time, as when the bus is unreachable.
    const publish = makePublishHandler({
      publish: async () => {
        throw new Error('the bus is down');
      },
    });
    const poller = new LocalStreamPoller({
      dynamodb: new DynamoDBClient({}),
      streams: new DynamoDBStreamsClient({}),
      tableName: 'baton-local',
      consumers: [
        {
          handler: publish,
          onDeadBatch: (event, error) =>
            bus.recordDeadLetter({
              kind: 'stream',
              rule: 'publish-events',
              target: 'publish-events',
              records: event.Records.map(streamRecordLetter),
              recordCount: event.Records.length,
              error,
              attempts: MAX_BATCH_RETRIES + 1,
            }),
        },
      ],
    });
    await poller.start(60_000);
    poller.stop();
    await poller.drainStream();

    const { letters } = readDeadLetters(file);
    expect(letters).toHaveLength(1);
    const letter = letters[0]!;
    expect(letter).toMatchObject({ kind: 'stream', rule: 'publish-events', recordCount: 2, attempts: MAX_BATCH_RETRIES + 1, error: expect.stringContaining('from sequence number 11') });
    expect(letter.kind === 'stream' && letter.records?.map((record) => [record.eventID, record.eventName, record.dynamodb?.SequenceNumber])).toEqual([
      ['ev-1', 'INSERT', '11'],
      ['ev-2', 'INSERT', '12'],
    ]);

    const delivered: Array<[string, Record<string, unknown>]> = [];
    const outcomes = await redriveFile({
      file,
      rules,
      loadHandler: async (target) => async (event: { 'detail-type': string; detail: Record<string, unknown> }) => void delivered.push([`${target}:${event['detail-type']}`, event.detail]),
    });
    expect(outcomes).toEqual([expect.objectContaining({ id: letter.id, ok: true })]);
    expect(delivered).toEqual([
      ['audit:TouchRecorded', expect.objectContaining({ tenantId: 'acme', touchId: 't-1', eventId: 'ev-1' })],
      ['audit:TransactionRecorded', expect.objectContaining({ tenantId: 'acme', transactionId: 'o-1', eventId: 'ev-2' })],
    ]);
    expect(readDeadLetters(file).letters).toEqual([]);
  });
});

describe('a projector batch and a queue message that kept failing locally', () => {
  it('go back to their consumer as they came: the records to the projector, the message as an SQS event to its target', async () => {
    const file = join(dir, 'dead-letters.ndjson');
    const record = { eventID: 'ev-7', eventName: 'INSERT' as const, dynamodb: { SequenceNumber: '70', NewImage: marshall({ entity: 'touch', tenantId: 'acme', touchId: 't-7' }) } };
    appendDeadLetter(file, stampLetter({ kind: 'stream', rule: 'project', target: 'project', records: [record], recordCount: 1, error: 'x', attempts: 11 }));
    appendDeadLetter(file, stampLetter({ kind: 'queue', rule: 'recompute', target: 'recompute-day', body: '{"tenantId":"acme","jobId":"job_1","day":"2026-11-01"}', error: 'x', attempts: 3 }));
    const received: Array<[string, unknown]> = [];
    let projectorFails = true;
    const loadHandler = async (target: string) => async (event: { Records: Array<{ body?: string; dynamodb?: { SequenceNumber?: string } }> }) => {
      received.push([target, event.Records.map((item) => item.body ?? item.dynamodb?.SequenceNumber)]);
      return { batchItemFailures: target === 'project' && projectorFails ? [{ itemIdentifier: '70' }] : [] };
    };

    const first = await redriveFile({ file, rules, loadHandler });
    expect(first.map((outcome) => [outcome.ok, outcome.message])).toEqual([
      [false, 'project failed again, from sequence number 70'],
      [true, 'recompute message delivered to recompute-day'],
    ]);
    expect(readDeadLetters(file).letters).toEqual([expect.objectContaining({ kind: 'stream', target: 'project', attempts: 12 })]);

    projectorFails = false;
    const second = await redriveFile({ file, rules, loadHandler });
    expect(second.map((outcome) => outcome.ok)).toEqual([true]);
    expect(received).toEqual([
      ['project', ['70']],
      ['recompute-day', ['{"tenantId":"acme","jobId":"job_1","day":"2026-11-01"}']],
      ['project', ['70']],
    ]);
    expect(readDeadLetters(file).letters).toEqual([]);
  });

  it('a queue message is received maxReceiveCount times before it becomes a dead letter; one that succeeds is not', async () => {
    const letters: unknown[] = [];
    let calls = 0;
    const queue = new LocalQueue(
      { name: 'recompute', target: 'recompute-day', urlVariable: 'X', senders: [], maxConcurrency: 2, maxReceiveCount: 3, timeoutSeconds: 1 },
      async () => async (event: { Records: Array<{ body: string; attributes: { ApproximateReceiveCount: string } }> }) => {
        calls += 1;
        const [message] = event.Records;
        if (message!.body === 'bad') throw new Error(`broken on receive ${message!.attributes.ApproximateReceiveCount}`);
        return { batchItemFailures: [] };
      },
      (letter) => letters.push(letter),
    );
    queue.send(['good', 'bad']);
    await queue.drain();
    expect(calls).toBe(4);
    expect(letters).toEqual([{ kind: 'queue', rule: 'recompute', target: 'recompute-day', body: 'bad', error: 'Error: broken on receive 3', attempts: 3 }]);
  });
});
