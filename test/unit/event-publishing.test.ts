import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge/publisher.ts';
import { eventFromItem } from '../../shared/events/from-stream.ts';
import { makePublishHandler } from '../../shared/events/stream-publisher.ts';

const eventBridge = mockClient(EventBridgeClient);
beforeEach(() => eventBridge.reset());
afterEach(() => eventBridge.reset());

function streamEvent(count: number): DynamoDBStreamEvent {
  return {
    Records: Array.from({ length: count }, (_, i) => ({
      eventID: `e-${i}`,
      eventName: 'INSERT',
      dynamodb: {
        SequenceNumber: String(1000 + i),
        NewImage: marshall({
          pk: 'x',
          sk: `TOUCH#${i}`,
          entity: 'touch',
          tenantId: 'acme',
          touchId: `t-${i}`,
          side: 'marketing',
          occurredAt: '2026-01-01T00:00:00.000Z',
          identifiers: ['a:1'],
        }) as never,
      },
    })),
  };
}

describe('events derived from stored items', () => {
  it('maps each entity to its docs/contract.md#events event and ignores the rest', () => {
    expect(eventFromItem({ entity: 'transaction', tenantId: 't', transactionId: 'o1', kind: 'order', occurredAt: 'x', identifiers: [] }, 'INSERT')?.detailType).toBe('TransactionRecorded');
    expect(eventFromItem({ entity: 'link', tenantId: 't', from: 'a:1', to: 'c:2', occurredAt: '2026-01-01T00:00:00.000Z' }, 'INSERT')?.detail.identifiers).toEqual(['a:1', 'c:2']);
    expect(eventFromItem({ entity: 'link_mirror', tenantId: 't' }, 'INSERT')).toBeUndefined();
    expect(eventFromItem({ entity: 'touch_id', tenantId: 't' }, 'INSERT')).toBeUndefined();
    expect(eventFromItem({ entity: 'touch', tenantId: 't' }, 'MODIFY')).toBeUndefined();
  });

  it('builds every detail through its event’s schema: a stored item without what the event promises fails loudly, extra fields stay off the bus', () => {
    expect(() => eventFromItem({ entity: 'touch', tenantId: 't', touchId: 't1', side: 'marketing', identifiers: ['a:1'] }, 'INSERT')).toThrow(/occurredAt/);
    const touch = eventFromItem(
      { entity: 'touch', tenantId: 't', touchId: 't1', side: 'marketing', occurredAt: '2026-01-01T00:00:00.000Z', identifiers: ['a:1'], url: 'https://shop.example/?email=x' },
      'INSERT',
    );
    expect(touch?.detail).toEqual({ tenantId: 't', touchId: 't1', side: 'marketing', occurredAt: '2026-01-01T00:00:00.000Z', identifiers: ['a:1'] });
  });
});

describe('publishing to EventBridge', () => {
  it('publishes every event of a stream batch, ten per PutEvents call', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) }));
    const handler = makePublishHandler(new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus'));
    await expect(handler(streamEvent(25))).resolves.toEqual({ batchItemFailures: [] });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([10, 10, 5]);
    expect(JSON.parse(calls[0]!.args[0].input.Entries![0]!.Detail!)).toMatchObject({ tenantId: 'acme', touchId: 't-0', eventId: 'e-0' });
    expect(calls[0]!.args[0].input.Entries![0]).toMatchObject({ Source: 'baton', DetailType: 'TouchRecorded', EventBusName: 'bus' });
  });

  it('retries a call that fails and entries EventBridge reports as failed', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejectsOnce(new Error('ThrottlingException'))
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'a' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const handler = makePublishHandler(new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus', 4));
    await expect(handler(streamEvent(2))).resolves.toEqual({ batchItemFailures: [] });
    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls.map((call) => call.args[0].input.Entries?.length)).toEqual([2, 2, 1]);
  });

  it('past its retries, reports the failed chunk so Lambda retries it and then sends it to the dead-letter queue', async () => {
    eventBridge
      .on(PutEventsCommand)
      .callsFakeOnce((input: { Entries: unknown[] }) => ({ FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'ok' })) }))
      .rejects(new Error('EventBridge is down'));
    const handler = makePublishHandler(new EventBridgePublisher(new EventBridgeClient({ region: 'us-east-1' }), 'bus', 2));
    // The first chunk (records 0–9) goes out; the second (10–19) never does: the batch resumes at record 10.
    await expect(handler(streamEvent(15))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '1010' }] });
  });
});
