import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { type EventDraft, eventFromItem } from '../../events/from-stream.ts';
import type { EventPublisher } from '../../events/ports.ts';
import { logger } from '../../observability/logger.ts';

const CHUNK = 10;

/**
 * The table stream's consumer: each stored touch, stage, link, transaction
 * and attribution becomes its event on the bus. A chunk that cannot be
 * published is reported as the batch's first failure, so Lambda retries
 * from there (records after it are published again: consumers are
 * idempotent), and after its retries sends the batch to the dead letters.
 */
export function makePublishHandler(publisher: EventPublisher) {
  return async (event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> => {
    const drafts: Array<{ sequence: string; draft: EventDraft }> = [];
    for (const record of event.Records) {
      const image = record.dynamodb?.NewImage ?? record.dynamodb?.OldImage;
      if (!image || !record.eventName) continue;
      const draft = eventFromItem(unmarshall(image as Record<string, AttributeValue>), record.eventName);
      if (draft) drafts.push({ sequence: record.dynamodb?.SequenceNumber ?? '', draft: { ...draft, detail: { ...draft.detail, eventId: record.eventID } } });
    }
    for (let start = 0; start < drafts.length; start += CHUNK) {
      const chunk = drafts.slice(start, start + CHUNK);
      try {
        await publisher.publish(chunk.map(({ draft }) => draft));
      } catch (error) {
        logger.error('Publishing events failed; the batch will be retried from here', { error: error as Error, sequence: chunk[0]!.sequence });
        return { batchItemFailures: [{ itemIdentifier: chunk[0]!.sequence }] };
      }
    }
    return { batchItemFailures: [] };
  };
}
