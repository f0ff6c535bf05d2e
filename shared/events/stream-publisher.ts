import { logger } from '../observability/logger.ts';
import { type StreamItem, streamBatchHandler } from './batch-consumer.ts';
import { type EventDraft, eventFromItem } from './from-stream.ts';
import type { EventPublisher } from './ports.ts';

/** Events per PutEvents call: EventBridge's limit. */
const CHUNK = 10;

/**
 * The table stream's publisher: each stored touch, stage, link and
 * transaction, and each new version of an attribution, becomes its event
 * on the bus (`eventFromItem`, through the event's schema). The first
 * chunk that cannot be published fails the batch from there, so Lambda
 * retries from it (events after it are published again: consumers
 * deduplicate by `eventId`) and after its retries sends the batch to the
 * dead letters.
 */
export function makePublishHandler(publisher: EventPublisher) {
  return streamBatchHandler<EventDraft | undefined>({
    parse: (item, eventName) => eventFromItem(item, eventName),
    process: async (items) => {
      const drafts = items.filter((item): item is StreamItem<EventDraft> => item.input !== undefined);
      for (let start = 0; start < drafts.length; start += CHUNK) {
        const chunk = drafts.slice(start, start + CHUNK);
        try {
          await publisher.publish(chunk.map(({ input, record }) => ({ ...input, detail: { ...input.detail, eventId: record.eventID } })));
        } catch (error) {
          logger.error('Publishing events failed; the batch will be retried from here', { error: error as Error, sequenceNumber: chunk[0]!.sequenceNumber });
          return drafts.slice(start);
        }
      }
      return [];
    },
  });
}
