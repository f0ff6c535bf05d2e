import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EVENT_SOURCE } from '../../events/catalog.ts';
import type { EventDraft } from '../../events/from-stream.ts';
import { EventPublishError, type EventPublisher } from '../../events/ports.ts';
import { RETRY_POLICY, retrying, TRY_AGAIN } from '../../runtime/retry.ts';

const ENTRIES_PER_CALL = 10;

/**
 * EventBridge PutEvents, 10 entries a call. A call that fails, and entries
 * EventBridge reports as failed, are sent again under Baton's one retry
 * policy (`attempts` in all); what still fails is thrown, so the stream
 * batch is retried and, in the end, sent to the dead-letter queue.
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
      await retrying(
        async () => {
          const result = await this.client.send(new PutEventsCommand({ Entries: entries }));
          entries = entries.filter((_entry, index) => result.Entries?.[index]?.ErrorCode);
          return entries.length > 0 ? TRY_AGAIN : undefined;
        },
        {
          what: 'Publishing events',
          policy: { ...RETRY_POLICY, attempts: this.attempts },
          retryOn: () => true,
          exhausted: (error) => new EventPublishError(error ? `PutEvents failed: ${(error as Error).message}` : `${entries.length} events were not accepted by EventBridge`, entries.length),
        },
      );
    }
  }
}

let shared: EventBridgeClient | undefined;
export function eventBridgeClient(): EventBridgeClient {
  shared ??= new EventBridgeClient({});
  return shared;
}
