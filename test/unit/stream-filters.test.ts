import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { LocalStreamPoller } from '../../scripts/local/stream-poller.ts';
import { accepts, filterPatterns, STREAM_EVENT_NAMES, type StreamEventName } from '../../shared/events/stream-changes.ts';
import { streamConsumers } from '../../shared/events/stream-consumers.ts';

const ENTITIES = ['touch', 'touch_id', 'stage', 'link', 'link_mirror', 'transaction', 'settlement', 'attribution', 'projection', 'rollup', 'constructor'];

function streamRecord(entity: string, eventName: StreamEventName) {
  const image = { entity: { S: entity } };
  return { eventName, dynamodb: eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image, ...(eventName === 'MODIFY' ? { OldImage: image } : {}) } };
}

/** How Lambda reads a filter pattern: every key of the pattern present in the record, a list matching any of its values. */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (typeof pattern !== 'object' || pattern === null || typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, inner]) => matches(inner, (value as Record<string, unknown>)[key]));
}

describe('the stream consumers’ filters', () => {
  it('let the same records through locally as the event source mapping’s patterns do on AWS', () => {
    for (const consumer of streamConsumers) {
      const patterns = filterPatterns(consumer.entities);
      for (const entity of ENTITIES) {
        for (const eventName of STREAM_EVENT_NAMES) {
          const record = streamRecord(entity, eventName);
          expect(accepts(consumer.entities, record), `${consumer.name} ${eventName} ${entity}`).toBe(patterns.some((pattern) => matches(pattern, record)));
        }
      }
    }
  });

  it('give the projector new records only, and the publisher new records and new versions of attributions', () => {
    const given = (name: string) =>
      ENTITIES.flatMap((entity) =>
        STREAM_EVENT_NAMES.filter((eventName) => accepts(streamConsumers.find((consumer) => consumer.name === name)!.entities, streamRecord(entity, eventName))).map(
          (eventName) => `${eventName} ${entity}`,
        ),
      );
    expect(given('project')).toEqual(['INSERT touch', 'INSERT stage', 'INSERT link', 'INSERT transaction']);
    expect(given('publish-events')).toEqual(['INSERT touch', 'INSERT stage', 'INSERT link', 'INSERT transaction', 'INSERT attribution', 'MODIFY attribution']);
  });

  it('name the old image for removals', () => {
    expect(filterPatterns({ tombstone: ['REMOVE'], touch: ['INSERT', 'REMOVE'] })).toEqual([
      { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['touch'] } } } },
      { eventName: ['REMOVE'], dynamodb: { OldImage: { entity: { S: ['tombstone', 'touch'] } } } },
    ]);
  });
});

describe('the local stream poller', () => {
  const dynamodb = mockClient(DynamoDBClient);
  const streams = mockClient(DynamoDBStreamsClient);
  const created = new Date('2026-11-01T10:00:00.000Z');
  beforeEach(() => {
    dynamodb.reset();
    streams.reset();
    dynamodb.on(DescribeTableCommand).resolves({ Table: { LatestStreamArn: 'arn:local:stream' } });
    streams.on(DescribeStreamCommand).resolves({ StreamDescription: { Shards: [{ ShardId: 'shard-1' }] } });
    streams.on(GetShardIteratorCommand).resolves({ ShardIterator: 'start' });
    streams.on(GetRecordsCommand, { ShardIterator: 'after' }).resolves({ NextShardIterator: 'after', Records: [] });
    streams.on(GetRecordsCommand, { ShardIterator: 'start' }).resolves({
      NextShardIterator: 'after',
      Records: [
        { eventName: 'INSERT', dynamodb: { SequenceNumber: '1', ApproximateCreationDateTime: created, NewImage: marshall({ entity: 'transaction', transactionId: 'o-1' }) as never } },
        { eventName: 'MODIFY', dynamodb: { SequenceNumber: '2', ApproximateCreationDateTime: created, NewImage: marshall({ entity: 'transaction', transactionId: 'o-1' }) as never } },
        { eventName: 'MODIFY', dynamodb: { SequenceNumber: '3', ApproximateCreationDateTime: created, NewImage: marshall({ entity: 'attribution', transactionId: 'o-1' }) as never } },
      ],
    });
  });

  it('hands each consumer the records its filter lets through, dated in epoch seconds as Lambda dates them', async () => {
    const received = new Map<string, Array<[string | undefined, unknown]>>();
    for (const consumer of streamConsumers) {
      const poller = new LocalStreamPoller({
        dynamodb: new DynamoDBClient({}),
        streams: new DynamoDBStreamsClient({}),
        tableName: 'baton-local',
        consumers: [
          {
            entities: consumer.entities,
            handler: async (event: DynamoDBStreamEvent) => {
              received.set(consumer.name, [
                ...(received.get(consumer.name) ?? []),
                ...event.Records.map((record) => [record.dynamodb?.SequenceNumber, record.dynamodb?.ApproximateCreationDateTime] as [string | undefined, unknown]),
              ]);
              return { batchItemFailures: [] };
            },
          },
        ],
      });
      await poller.start(60_000);
      poller.stop();
      await poller.drainStream();
    }
    const seconds = created.getTime() / 1000;
    expect(received.get('project')).toEqual([['1', seconds]]);
    expect(received.get('publish-events')).toEqual([
      ['1', seconds],
      ['3', seconds],
    ]);
  });
});
