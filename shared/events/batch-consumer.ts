import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../observability/logger.ts';
import { recordDeadLetter } from '../observability/metrics.ts';
import type { StreamEventName } from './stream-changes.ts';

/**
 * The one shape of Baton's batch consumers (the projector and the event
 * publisher on the table's stream, recompute-day on its queue): each
 * record's input is parsed first, with the consumer's zod schema; a record
 * that does not parse is a failure like any other, logged with its issues;
 * the consumer works on the rest; what failed is answered as Lambda's
 * `batchItemFailures`, the way its source retries.
 */

/** A stream record with its input: the item of its image (the new one, or the old one for a REMOVE), parsed. */
export interface StreamItem<T> {
  record: DynamoDBRecord;
  sequenceNumber: string;
  eventName: StreamEventName;
  input: T;
}

export interface StreamBatchConsumer<T> {
  /** The item's input: a zod parse, throwing when the item is not what the consumer reads. */
  parse(item: Record<string, unknown>, eventName: StreamEventName): T;
  /** The work on the records that parsed (in stream order); resolves to those that failed. */
  process(items: ReadonlyArray<StreamItem<T>>): Promise<ReadonlyArray<StreamItem<T>>>;
}

/**
 * A stream consumer. Only the earliest record that failed is reported: the
 * stream retries from it (records after it come again, and consumers are
 * idempotent) and, after its retries, keeps the batch from there in the
 * dead-letter queue.
 */
export function streamBatchHandler<T>(consumer: StreamBatchConsumer<T>): (event: DynamoDBStreamEvent, context?: Context) => Promise<DynamoDBBatchResponse> {
  return async (event, context) => {
    withInvocation(context);
    const parsed: Array<StreamItem<T>> = [];
    const failed = new Set<DynamoDBRecord>();
    for (const record of event.Records) {
      const sequenceNumber = record.dynamodb?.SequenceNumber ?? '';
      try {
        const eventName = streamEventName(record);
        const image = (eventName === 'REMOVE' ? record.dynamodb?.OldImage : record.dynamodb?.NewImage) ?? {};
        parsed.push({ record, sequenceNumber, eventName, input: consumer.parse(unmarshall(image as Record<string, AttributeValue>), eventName) });
      } catch (error) {
        logger.error('A stream record is not what its consumer reads; the stream retries from it, then keeps it as a dead letter', { sequenceNumber, error: error as Error });
        failed.add(record);
      }
    }
    for (const item of await consumer.process(parsed)) failed.add(item.record);
    const earliest = event.Records.find((record) => failed.has(record));
    return { batchItemFailures: earliest ? [{ itemIdentifier: earliest.dynamodb?.SequenceNumber ?? '' }] : [] };
  };
}

/**
 * The consumer's own invocation in its log lines (function name, request id,
 * cold start), as the HTTP handlers' middleware puts theirs: without it a
 * consumer's lines said nothing of where they came from, and under
 * `npm start`, where the functions share a logger, named the last HTTP
 * request's function instead.
 */
function withInvocation(context: Context | undefined): void {
  if (context) logger.addContext(context);
}

function streamEventName(record: DynamoDBRecord): StreamEventName {
  const { eventName } = record;
  if (eventName === 'INSERT' || eventName === 'MODIFY' || eventName === 'REMOVE') return eventName;
  throw new Error(`A stream record without a known eventName (${String(eventName)})`);
}

export interface QueueBatchConsumer<T> {
  /** The input in the message body's JSON: a zod parse, throwing when the message is not what the consumer reads. */
  parse(body: unknown): T;
  /** Receives of a message before the queue moves it to its dead letters (`shared/queues.ts`). */
  maxReceiveCount: number;
  /** The work on one message; throwing makes it a failure, delivered again. */
  handle(input: T, message: SQSRecord, context: Context | undefined): Promise<void>;
  /** After a message's last receive failed (it goes to the dead letters): `input` is absent when it did not parse. */
  onLastFailure?(input: T | undefined, error: unknown): Promise<void>;
}

/**
 * A queue consumer: messages one after the other, each failure reported
 * by its message id, so only those are delivered again (after
 * `maxReceiveCount` receives, the queue keeps them as dead letters).
 */
export function queueBatchHandler<T>(consumer: QueueBatchConsumer<T>): (event: SQSEvent, context?: Context) => Promise<SQSBatchResponse> {
  return async (event, context) => {
    withInvocation(context);
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const message of event.Records) {
      let input: T | undefined;
      try {
        input = consumer.parse(JSON.parse(message.body));
        await consumer.handle(input, message, context);
      } catch (error) {
        const lastReceive = Number(message.attributes.ApproximateReceiveCount) >= consumer.maxReceiveCount;
        logger.error(lastReceive ? 'A message failed its last receive; it goes to the dead letters' : 'A message failed; the queue delivers it again', {
          messageId: message.messageId,
          error: error as Error,
        });
        if (lastReceive) {
          recordDeadLetter('queue');
          await consumer.onLastFailure?.(input, error).catch((failure: unknown) => logger.error('Handling a message’s last failure failed', { messageId: message.messageId, error: failure as Error }));
        }
        batchItemFailures.push({ itemIdentifier: message.messageId });
      }
    }
    return { batchItemFailures };
  };
}
