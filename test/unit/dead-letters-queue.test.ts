import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, TrimmedDataAccessException } from '@aws-sdk/client-dynamodb-streams';
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, type Message, ReceiveMessageCommand, type ReceiveMessageCommandInput, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../scripts/cli.ts';
import { deadLettersProgram } from '../../scripts/dead-letters/program.ts';
import { listQueue, redriveQueue } from '../../scripts/dead-letters/queue-mode.ts';
import { EventBridgePublisher } from '../../shared/adapters/eventbridge/publisher.ts';

const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/Baton-DeadLetters';
const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/baton/stream/2026-11-01T00:00:00.000';

const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);
const streams = mockClient(DynamoDBStreamsClient);

/** A queue that behaves like SQS for one consumer: visibility timeouts, receipt handles, deletes. */
class FakeQueue {
  private readonly messages = new Map<string, { body: string; attributes: Message['MessageAttributes']; sent: number; visibleAt: number; handle?: string; receives: number }>();
  private handles = 0;
  now = 1_800_000_000_000;

  add(id: string, body: unknown, attributes: Record<string, string> = {}): void {
    this.messages.set(id, {
      body: typeof body === 'string' ? body : JSON.stringify(body),
      attributes: Object.fromEntries(Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }])),
      sent: this.now,
      visibleAt: 0,
      receives: 0,
    });
  }

  ids(): string[] {
    return [...this.messages.keys()];
  }

  visible(): string[] {
    return [...this.messages].filter(([, message]) => message.visibleAt <= this.now).map(([id]) => id);
  }

  receive(input: ReceiveMessageCommandInput): { Messages: Message[] } {
    const out: Message[] = [];
    for (const [id, message] of this.messages) {
      if (out.length >= (input.MaxNumberOfMessages ?? 1)) break;
      if (message.visibleAt > this.now) continue;
      message.visibleAt = this.now + (input.VisibilityTimeout ?? 30) * 1000;
      message.handle = `handle-${(this.handles += 1)}`;
      message.receives += 1;
      out.push({
        MessageId: id,
        ReceiptHandle: message.handle,
        Body: message.body,
        MessageAttributes: message.attributes,
        Attributes: { SentTimestamp: String(message.sent), ApproximateReceiveCount: String(message.receives) },
      });
    }
    return { Messages: out };
  }

  private byHandle(handle: string | undefined): string | undefined {
    return [...this.messages].find(([, message]) => message.handle === handle)?.[0];
  }

  delete(handle: string | undefined): void {
    const id = this.byHandle(handle);
    if (id) this.messages.delete(id);
  }

  changeVisibility(handle: string | undefined, seconds: number): void {
    const id = this.byHandle(handle);
    if (id) this.messages.get(id)!.visibleAt = this.now + seconds * 1000;
  }
}

let queue: FakeQueue;
let put: PutEventsRequestEntry[];
/** Synchronous invocations of a function (redriving a projector batch), and what the function answers. */
let invoked: Array<{ functionArn: string; payload: any }>;
let answer: () => unknown;

beforeEach(() => {
  queue = new FakeQueue();
  put = [];
  invoked = [];
  answer = () => ({ batchItemFailures: [] });
  sqs.reset();
  eventBridge.reset();
  streams.reset();
  sqs.on(ReceiveMessageCommand).callsFake(async (input: ReceiveMessageCommandInput) => queue.receive(input));
  sqs.on(DeleteMessageCommand).callsFake(async (input: { ReceiptHandle?: string }) => {
    queue.delete(input.ReceiptHandle);
    return {};
  });
  sqs.on(ChangeMessageVisibilityCommand).callsFake(async (input: { ReceiptHandle?: string; VisibilityTimeout?: number }) => {
    queue.changeVisibility(input.ReceiptHandle, input.VisibilityTimeout ?? 0);
    return {};
  });
  // EventBridge refuses events of tenant "broken" (every attempt); takes the others.
  eventBridge.on(PutEventsCommand).callsFake(async (input: { Entries: PutEventsRequestEntry[] }) => {
    const entries = input.Entries.map((entry) => (entry.Detail?.includes('"broken"') ? { ErrorCode: 'InternalFailure', ErrorMessage: 'no' } : { EventId: `ev-${put.length}` }));
    put.push(...input.Entries.filter((entry) => !entry.Detail?.includes('"broken"')));
    return { FailedEntryCount: entries.filter((entry) => 'ErrorCode' in entry).length, Entries: entries };
  });
});
afterEach(() => {
  sqs.reset();
  eventBridge.reset();
  streams.reset();
});

function deps() {
  return {
    sqs: new SQSClient({ region: 'eu-west-1' }),
    streams: () => new DynamoDBStreamsClient({ region: 'eu-west-1' }),
    queueUrl: QUEUE_URL,
    invoke: async (functionArn: string, payload: unknown) => {
      invoked.push({ functionArn, payload });
      return answer();
    },
  };
}

function publisher() {
  return new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), 'baton-events');
}

const event = (tenantId: string, touchId: string) => ({
  version: '0',
  id: `event-of-${touchId}`,
  'detail-type': 'TouchRecorded',
  source: 'baton',
  account: '123456789012',
  time: '2026-11-01T10:00:00Z',
  region: 'eu-west-1',
  resources: [],
  detail: { tenantId, touchId, side: 'marketing', occurredAt: '2026-11-01T10:00:00.000Z', identifiers: ['a:x'], eventId: `stream-${touchId}` },
});

/** (a) An event the rule could not deliver: the body is the event, the rest in attributes. */
function addRuleFailure(id: string, tenantId: string, touchId: string): void {
  queue.add(id, event(tenantId, touchId), {
    RULE_ARN: 'arn:aws:events:eu-west-1:123456789012:rule/baton-events/Baton-AttributeRule',
    TARGET_ARN: 'arn:aws:lambda:eu-west-1:123456789012:function:Baton-Attribute',
    ERROR_CODE: 'Lambda.TooManyRequestsException',
    ERROR_MESSAGE: 'Rate exceeded',
    RETRY_ATTEMPTS: '8',
  });
}

/** (b) A Lambda asynchronous-invocation failure record of the rule's target. */
function addInvokeFailure(id: string, tenantId: string, touchId: string): void {
  queue.add(id, {
    version: '1.0',
    timestamp: '2026-11-01T10:00:05Z',
    requestContext: { requestId: 'r-1', functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:Baton-Attribute:$LATEST', condition: 'RetriesExhausted', approximateInvokeCount: 3 },
    requestPayload: event(tenantId, touchId),
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    responsePayload: { errorType: 'StoreUnavailableError', errorMessage: 'The data store is busy' },
  });
}

/** (c) A stream batch a stream consumer (the publisher unless named) kept failing on: where it is, not what. */
function addStreamFailure(id: string, start: string, end: string, consumer = 'Baton-PublishEvents'): void {
  queue.add(id, {
    requestContext: { requestId: 'r-2', functionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${consumer}`, condition: 'RetryAttemptsExhausted', approximateInvokeCount: 11 },
    responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
    version: '1.0',
    timestamp: '2026-11-01T10:01:00Z',
    DDBStreamBatchInfo: {
      shardId: 'shardId-1',
      startSequenceNumber: start,
      endSequenceNumber: end,
      approximateArrivalOfFirstRecord: '2026-11-01T10:00:00Z',
      approximateArrivalOfLastRecord: '2026-11-01T10:00:01Z',
      batchSize: 2,
      streamArn: STREAM_ARN,
    },
  });
}

function streamRecord(sequence: string, item: Record<string, unknown>) {
  return { eventID: `stream-record-${sequence}`, eventName: 'INSERT' as const, dynamodb: { SequenceNumber: sequence, NewImage: marshall(item) } };
}

/** The shard holds records 100–103, served two a page. */
function streamHolds(): void {
  const records = [
    streamRecord('100', { entity: 'touch', tenantId: 'acme', touchId: 't-100', side: 'marketing', occurredAt: '2026-11-01T10:00:00.000Z', identifiers: ['a:x'] }),
    streamRecord('101', { entity: 'tenant', tenantId: 'acme' }),
    streamRecord('102', { entity: 'transaction', tenantId: 'acme', transactionId: 'o-1', kind: 'order', occurredAt: '2026-11-01T10:00:01.000Z', identifiers: ['a:x'] }),
    streamRecord('103', { entity: 'touch', tenantId: 'acme', touchId: 't-103', side: 'marketing', occurredAt: '2026-11-01T10:00:02.000Z', identifiers: ['a:x'] }),
  ];
  streams
    .on(GetShardIteratorCommand)
    .callsFake(async (input: { SequenceNumber: string }) => ({ ShardIterator: `at-${records.findIndex((record) => record.dynamodb.SequenceNumber === input.SequenceNumber)}` }));
  streams.on(GetRecordsCommand).callsFake(async (input: { ShardIterator: string }) => {
    const from = Number(input.ShardIterator.slice(3));
    return { Records: records.slice(from, from + 2), NextShardIterator: `at-${from + 2}` };
  });
}

describe('dead letters of the deployed stack (SQS)', () => {
  it('list shows each kind of message and deletes none', async () => {
    addRuleFailure('m-a', 'acme', 't-1');
    addInvokeFailure('m-b', 'beta', 't-2');
    addStreamFailure('m-c', '100', '102');
    queue.add('m-d', 'what is this');

    const letters = await listQueue(deps());
    expect(letters.map(({ id, kind, rule, target, detailType, tenant, attempts, error }) => ({ id, kind, rule, target, detailType, tenant, attempts, error }))).toEqual([
      {
        id: 'm-a',
        kind: 'event',
        rule: 'Baton-AttributeRule',
        target: 'Baton-Attribute',
        detailType: 'TouchRecorded',
        tenant: 'acme',
        attempts: 9,
        error: 'Lambda.TooManyRequestsException: Rate exceeded',
      },
      { id: 'm-b', kind: 'async-invoke', rule: '', target: 'Baton-Attribute', detailType: 'TouchRecorded', tenant: 'beta', attempts: 3, error: 'The data store is busy' },
      { id: 'm-c', kind: 'stream', rule: 'table-stream', target: 'Baton-PublishEvents', detailType: '2 stream records', tenant: '', attempts: 11, error: 'RetryAttemptsExhausted: Unhandled' },
      { id: 'm-d', kind: 'unknown', rule: '', target: '', detailType: '', tenant: '', attempts: undefined, error: expect.stringContaining('not a message') },
    ]);
    expect(letters[0]!.at).toBe(new Date(queue.now).toISOString());
    expect(sqs.commandCalls(ReceiveMessageCommand)[0]!.args[0].input).toMatchObject({ VisibilityTimeout: 20, MessageAttributeNames: ['All'] });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    // Released again at once: visible to the next list or redrive.
    expect(queue.visible()).toEqual(['m-a', 'm-b', 'm-c', 'm-d']);
    expect((await listQueue(deps())).map((letter) => letter.id)).toEqual(['m-a', 'm-b', 'm-c', 'm-d']);
  });

  it('redrive puts each kind back on the bus, reading a stream batch back from the stream, and deletes its message', async () => {
    addRuleFailure('m-a', 'acme', 't-1');
    addInvokeFailure('m-b', 'beta', 't-2');
    addStreamFailure('m-c', '100', '102');
    streamHolds();

    const { outcomes } = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(outcomes.map((outcome) => [outcome.id, outcome.ok])).toEqual([
      ['m-a', true],
      ['m-b', true],
      ['m-c', true],
    ]);
    expect(put.map((entry) => [entry.EventBusName, entry.Source, entry.DetailType, JSON.parse(entry.Detail!)])).toEqual([
      ['baton-events', 'baton', 'TouchRecorded', expect.objectContaining({ tenantId: 'acme', touchId: 't-1', eventId: 'stream-t-1' })],
      ['baton-events', 'baton', 'TouchRecorded', expect.objectContaining({ tenantId: 'beta', touchId: 't-2', eventId: 'stream-t-2' })],
      // Records 100–102 (not 103, past the batch's end); the tenant record carries no event.
      ['baton-events', 'baton', 'TouchRecorded', expect.objectContaining({ tenantId: 'acme', touchId: 't-100', eventId: 'stream-record-100' })],
      ['baton-events', 'baton', 'TransactionRecorded', expect.objectContaining({ tenantId: 'acme', transactionId: 'o-1', eventId: 'stream-record-102' })],
    ]);
    expect(streams.commandCalls(GetShardIteratorCommand)[0]!.args[0].input).toEqual({ StreamArn: STREAM_ARN, ShardId: 'shardId-1', ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: '100' });
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(3);
    expect(queue.ids()).toEqual([]);
  });

  it('gives a projector batch, read back from the stream, to the projector function again, and keeps it when the projector fails again', async () => {
    addStreamFailure('m-p', '100', '102', 'Baton-Project');
    streamHolds();
    answer = () => ({ batchItemFailures: [{ itemIdentifier: '102' }] });
    const failed = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(failed.outcomes).toEqual([{ id: 'm-p', ok: false, message: 'Baton-Project failed again, from sequence number 102' }]);
    expect(queue.ids()).toEqual(['m-p']);
    expect(put).toEqual([]);

    queue.now += 120_000;
    answer = () => ({ batchItemFailures: [] });
    const { outcomes } = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(outcomes).toEqual([{ id: 'm-p', ok: true, message: '3 records given to Baton-Project again' }]);
    expect(invoked.at(-1)!.functionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:Baton-Project');
    expect(invoked.at(-1)!.payload.Records.map((record: { dynamodb: { SequenceNumber: string } }) => record.dynamodb.SequenceNumber)).toEqual(['100', '101', '102']);
    expect(queue.ids()).toEqual([]);
    expect(put).toEqual([]);
  });

  it('redriving twice puts nothing the second time', async () => {
    addRuleFailure('m-a', 'acme', 't-1');
    addInvokeFailure('m-b', 'acme', 't-2');
    await redriveQueue({ ...deps(), publisher: publisher() });
    expect(put).toHaveLength(2);
    eventBridge.resetHistory();

    const second = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(second.outcomes).toEqual([]);
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
    expect(put).toHaveLength(2);
  });

  it('keeps a message that cannot be redriven, visible again, and reports it', async () => {
    addRuleFailure('m-a', 'broken', 't-1');
    addInvokeFailure('m-b', 'acme', 't-2');
    queue.add('m-d', { hello: 'world' });

    const { outcomes } = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(outcomes).toEqual([
      { id: 'm-a', ok: false, message: expect.stringContaining('not accepted by EventBridge') },
      { id: 'm-b', ok: true, message: 'TouchRecorded put on the bus' },
      { id: 'm-d', ok: false, message: expect.stringContaining('not a message Baton knows how to redrive') },
    ]);
    expect(queue.ids()).toEqual(['m-a', 'm-d']);
    expect(queue.visible()).toEqual(['m-a', 'm-d']);
  });

  it('keeps a stream batch the stream no longer holds (it keeps 24 hours)', async () => {
    addStreamFailure('m-c', '100', '102');
    streams.on(GetShardIteratorCommand).rejects(new TrimmedDataAccessException({ message: 'trimmed', $metadata: {} }));

    const { outcomes } = await redriveQueue({ ...deps(), publisher: publisher() });
    expect(outcomes).toEqual([{ id: 'm-c', ok: false, message: expect.stringContaining('no longer holds these records') }]);
    expect(put).toEqual([]);
    expect(queue.ids()).toEqual(['m-c']);
  });

  it('redrives only the messages --id names, and says which ids it did not find', async () => {
    addRuleFailure('m-a', 'acme', 't-1');
    addRuleFailure('m-b', 'acme', 't-2');
    const { outcomes, missing } = await redriveQueue({ ...deps(), publisher: publisher(), ids: ['m-b', 'm-z'] });
    expect(outcomes.map((outcome) => outcome.id)).toEqual(['m-b']);
    expect(missing).toEqual(['m-z']);
    expect(queue.ids()).toEqual(['m-a']);
    expect(queue.visible()).toEqual(['m-a']);
  });

  it('runs from the command line with --queue-url and --bus (the region taken from the queue URL)', async () => {
    addRuleFailure('m-a', 'acme', 't-1');
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) };

    expect(await runCli(deadLettersProgram, ['list', '--queue-url', QUEUE_URL, '--json'], io)).toBe(0);
    expect(JSON.parse(out.join('\n'))).toEqual([expect.objectContaining({ id: 'm-a', kind: 'event', tenant: 'acme', body: expect.objectContaining({ 'detail-type': 'TouchRecorded' }) })]);
    // The table of quarantined webhook deliveries cannot be reached here: said on stderr, beside the queue's letters.
    expect(err.join('\n')).toContain('Quarantined webhook deliveries could not be read from table unit-tests');

    out.length = 0;
    expect(await runCli(deadLettersProgram, ['redrive', '--queue-url', QUEUE_URL], io)).toBe(2);
    expect(err.join('\n')).toContain('redrive needs the event bus');

    expect(await runCli(deadLettersProgram, ['redrive', '--queue-url', QUEUE_URL, '--bus', 'baton-events'], io)).toBe(0);
    expect(out.join('\n')).toContain('1 redriven and removed, 0 kept');
    expect(await eventBridge.commandCalls(PutEventsCommand)[0]!.thisValue.config.region()).toBe('eu-west-1');
    expect(queue.ids()).toEqual([]);
  });
});
