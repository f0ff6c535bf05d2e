import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../events/catalog.ts';
import type { EventDraft } from '../../events/from-stream.ts';
import { EventPublishError, type EventPublisher } from '../../events/ports.ts';

const ENTRIES_PER_CALL = 10;

/**
 * EventBridge PutEvents, 10 entries a call. Entries EventBridge reports as
 * failed are sent again (with backoff) up to `attempts` times; what still
 * fails is thrown, so the stream batch is retried and, in the end, sent to
 * the dead-letter queue.
 */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly attempts = 3,
  ) {}

  async publish(events: EventDraft[]): Promise<void> {
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      let entries: PutEventsRequestEntry[] = events.slice(start, start + ENTRIES_PER_CALL).map((event) => ({
        EventBusName: this.busName,
        Source: EVENT_SOURCE,
        DetailType: event.detailType,
        Detail: JSON.stringify(event.detail),
      }));
      for (let attempt = 1; entries.length > 0; attempt += 1) {
        let failed: PutEventsRequestEntry[];
        try {
          const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
          failed = entries.filter((_entry, index) => result.Entries?.[index]?.ErrorCode);
        } catch (error) {
          if (attempt >= this.attempts) throw new EventPublishError(`PutEvents failed: ${(error as Error).message}`, entries.length);
          failed = entries;
        }
        if (failed.length > 0 && attempt >= this.attempts) throw new EventPublishError(`${failed.length} events were not accepted by EventBridge`, failed.length);
        if (failed.length > 0) await new Promise((wait) => setTimeout(wait, 50 * 2 ** attempt));
        entries = failed;
      }
    }
  }
}

let shared: EventBridgeClient | undefined;
export function eventBridgeClient(): EventBridgeClient {
  shared ??= new EventBridgeClient({});
  return shared;
}
