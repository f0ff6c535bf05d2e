import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { lambdaContext } from '../../scripts/local/lambda-context.ts';
import { queueBatchHandler, streamBatchHandler } from '../../shared/events/batch-consumer.ts';
import type { EventDraft } from '../../shared/events/from-stream.ts';
import { makePublishHandler } from '../../shared/events/stream-publisher.ts';
import { logger } from '../../shared/observability/logger.ts';
import { makeProjectHandler } from '../../shared/projection/stream-consumer.ts';
import type { ProjectionDeps } from '../../shared/projection/use-cases.ts';

function record(sequence: number, item: Record<string, unknown>, eventName: 'INSERT' | 'MODIFY' | 'REMOVE' = 'INSERT'): DynamoDBRecord {
  const image = marshall(item) as never;
  return {
    eventID: `ev-${sequence}`,
    eventName,
    dynamodb: { SequenceNumber: String(sequence), ApproximateCreationDateTime: 1_800_000_000, ...(eventName === 'REMOVE' ? { OldImage: image } : { NewImage: image }) },
  };
}
const stream = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

const Touch = z.object({ entity: z.literal('touch'), touchId: z.string() });

describe('a stream consumer', () => {
  it('hands the records that parse to the work, in stream order, and reports the earliest failure: an unparsable record or one the work failed', async () => {
    const seen: string[] = [];
    const handler = streamBatchHandler({
      parse: (item) => Touch.parse(item).touchId,
      process: async (items) => {
        seen.push(...items.map((item) => item.input));
        return items.filter((item) => item.input === 't-4');
      },
    });
    const event = stream(
      record(1, { entity: 'touch', touchId: 't-1' }),
      record(2, { entity: 'touch' }),
      record(3, { entity: 'touch', touchId: 't-3' }),
      record(4, { entity: 'touch', touchId: 't-4' }),
    );

    await expect(handler(event)).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(seen).toEqual(['t-1', 't-3', 't-4']);
    await expect(handler(stream(event.Records[3]!, event.Records[0]!))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '4' }] });
    await expect(handler(stream(event.Records[0]!, event.Records[2]!))).resolves.toEqual({ batchItemFailures: [] });
  });

  it('parses a removal from its old image, and fails a record whose event it does not know', async () => {
    const parsed: Array<[string, unknown]> = [];
    const handler = streamBatchHandler({
      parse: (item, eventName) => {
        parsed.push([eventName, Touch.parse(item).touchId]);
        return item;
      },
      process: async () => [],
    });
    const unknown = { ...record(2, { entity: 'touch', touchId: 't-2' }), eventName: undefined };
    await expect(handler(stream(record(1, { entity: 'touch', touchId: 't-1' }, 'REMOVE'), unknown))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    expect(parsed).toEqual([['REMOVE', 't-1']]);
  });

  it('lets an error of the work itself reach Lambda, which retries the whole batch', async () => {
    const handler = streamBatchHandler({
      parse: (item) => item,
      process: async () => {
        throw new Error('the table is unreachable');
      },
    });
    await expect(handler(stream(record(1, { entity: 'touch' })))).rejects.toThrow('the table is unreachable');
  });
});

describe('the projector on the stream', () => {
  const tenant = { tenantId: 'acme', config: { timezone: 'UTC', retentionDays: 400 } };
  const deps = (people: 'down' | 'gone') =>
    ({
      tenants: { getTenant: async () => (people === 'gone' ? undefined : tenant) },
      records: {
        linkedIdentifiers: async () => {
          throw new Error('the table is unreachable');
        },
      },
      projections: {},
    }) as unknown as ProjectionDeps;
  const touch = (sequence: number, identifiers: unknown) => record(sequence, { entity: 'touch', tenantId: 'acme', touchId: `t-${sequence}`, identifiers });

  it('validates each image: a record without the ids it reads fails the batch from there', async () => {
    const project = makeProjectHandler(deps('gone'));
    await expect(project(stream(touch(1, ['c:1']), touch(2, ['not an id']), touch(3, ['c:3'])))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '2' }] });
    await expect(project(stream(record(1, { entity: 'transaction', tenantId: 'acme', transactionId: 'o-1', kind: 'gift', identifiers: [] })))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: '1' }],
    });
    await expect(project(stream(record(1, { entity: 'link', tenantId: 'acme', from: 'a:1', to: 'c:2' }), touch(2, ['c:2'])))).resolves.toEqual({ batchItemFailures: [] });
  });

  it('reports the earliest record of a person whose projection failed, so the stream retries from there', async () => {
    const project = makeProjectHandler(deps('down'));
    await expect(project(stream(touch(7, ['c:1']), touch(8, ['c:2']), touch(9, ['c:1'])))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });
});

describe('the event publisher on the stream', () => {
  const touch = (sequence: number) =>
    record(sequence, { entity: 'touch', tenantId: 'acme', touchId: `t-${sequence}`, side: 'marketing', occurredAt: '2026-01-01T00:00:00.000Z', identifiers: ['a:1'] });

  it('publishes the events of the records, ten at a time, each with its stream record’s id', async () => {
    const calls: EventDraft[][] = [];
    const publish = makePublishHandler({ publish: async (events) => void calls.push(events) });
    const records = Array.from({ length: 12 }, (_, i) => touch(100 + i));
    const attribution = record(200, { entity: 'attribution', tenantId: 'acme', transactionId: 'o-1', version: 2 }, 'MODIFY');
    await expect(publish(stream(...records, attribution))).resolves.toEqual({ batchItemFailures: [] });
    expect(calls.map((events) => events.length)).toEqual([10, 3]);
    expect(calls[0]![0]).toEqual({ detailType: 'TouchRecorded', detail: expect.objectContaining({ touchId: 't-100', eventId: 'ev-100' }) });
    expect(calls[1]![2]).toEqual({ detailType: 'AttributionComputed', detail: { tenantId: 'acme', transactionId: 'o-1', version: 2, eventId: 'ev-200' } });
  });

  it('fails the batch at a stored item without what its event promises, and at the first chunk the bus refused', async () => {
    const published: string[] = [];
    const publish = makePublishHandler({
      publish: async (events) => {
        if (events.some((event) => event.detail.touchId === 't-15')) throw new Error('the bus is down');
        published.push(...events.map((event) => String(event.detail.touchId)));
      },
    });
    const broken = record(3, { entity: 'touch', tenantId: 'acme', touchId: 't-3', side: 'marketing', identifiers: ['a:1'] });
    await expect(publish(stream(touch(1), touch(2), broken, touch(4)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '3' }] });
    expect(published).toEqual(['t-1', 't-2', 't-4']);
    published.length = 0;
    const batch = Array.from({ length: 25 }, (_, i) => touch(i + 1));
    await expect(publish(stream(...batch))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: '11' }] });
    expect(published).toEqual(batch.slice(0, 10).map((_, i) => `t-${i + 1}`));
  });
});

describe('a queue consumer', () => {
  const Task = z.object({ day: z.string() });
  function message(id: string, body: string, receiveCount = 1): SQSRecord {
    return {
      messageId: id,
      receiptHandle: id,
      body,
      attributes: { ApproximateReceiveCount: String(receiveCount), SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:recompute',
      awsRegion: 'us-east-1',
    };
  }
  const sqs = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

  it('reports each message that failed, whether its body did not parse or its work threw', async () => {
    const handled: string[] = [];
    const handler = queueBatchHandler({
      parse: (body) => Task.parse(body),
      maxReceiveCount: 3,
      handle: async (task) => {
        if (task.day === 'bad') throw new Error('no such day');
        handled.push(task.day);
      },
    });
    const outcome = await handler(
      sqs(message('m-1', '{"day":"2026-11-01"}'), message('m-2', 'not json'), message('m-3', '{"day":1}'), message('m-4', '{"day":"bad"}'), message('m-5', '{"day":"2026-11-02"}')),
    );
    expect(outcome).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-2' }, { itemIdentifier: 'm-3' }, { itemIdentifier: 'm-4' }] });
    expect(handled).toEqual(['2026-11-01', '2026-11-02']);
  });

  it('on a message’s last receive, hands its input (when it parsed) and the error over before it goes to the dead letters', async () => {
    const lastFailures = vi.fn(async (_task: { day: string } | undefined, _error: unknown) => {
      throw new Error('the job store is down too');
    });
    const handler = queueBatchHandler({
      parse: (body) => Task.parse(body),
      maxReceiveCount: 3,
      handle: async () => {
        throw new Error('still failing');
      },
      onLastFailure: lastFailures,
    });
    await expect(handler(sqs(message('m-1', '{"day":"2026-11-01"}', 2)))).resolves.toEqual({ batchItemFailures: [{ itemIdentifier: 'm-1' }] });
    expect(lastFailures).not.toHaveBeenCalled();
    await expect(handler(sqs(message('m-1', '{"day":"2026-11-01"}', 3), message('m-2', 'not json', 3)))).resolves.toEqual({
      batchItemFailures: [{ itemIdentifier: 'm-1' }, { itemIdentifier: 'm-2' }],
    });
    expect(lastFailures.mock.calls.map(([task, error]) => [task, String(error)])).toEqual([
      [{ day: '2026-11-01' }, 'Error: still failing'],
      [undefined, expect.stringContaining('SyntaxError')],
    ]);
  });
});

describe('a consumer’s log lines', () => {
  it('name its own invocation (function, request id), not the last HTTP request’s that shared the logger', async () => {
    const lines: string[] = [];
    const print = vi.spyOn(process.stdout, 'write').mockImplementation((line) => {
      lines.push(String(line));
      return true;
    });
    const level = logger.getLevelName();
    logger.setLogLevel('INFO');
    try {
      logger.addContext(lambdaContext('post-webhook', 'req-http'));
      const queue = queueBatchHandler({
        parse: (body) => z.object({ day: z.string() }).parse(body),
        maxReceiveCount: 3,
        handle: async (task) => logger.info('Recomputed a day', { day: task.day }),
      });
      await queue(
        { Records: [{ messageId: 'm-1', body: JSON.stringify({ day: '2026-11-10' }), attributes: { ApproximateReceiveCount: '1' } } as SQSRecord] },
        lambdaContext('recompute-day', 'req-queue'),
      );
      const project = streamBatchHandler({
        parse: (item) => Touch.parse(item).touchId,
        process: async (items) => {
          logger.info('Projected', { records: items.length });
          return [];
        },
      });
      await project(stream(record(1, { entity: 'touch', touchId: 't-1' })), lambdaContext('project', 'req-stream'));
    } finally {
      logger.setLogLevel(level);
      print.mockRestore();
    }
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged.map(({ message, function_name, function_request_id }) => ({ message, function_name, function_request_id }))).toEqual([
      { message: 'Recomputed a day', function_name: 'recompute-day', function_request_id: 'req-queue' },
      { message: 'Projected', function_name: 'project', function_request_id: 'req-stream' },
    ]);
  });
});
