import type { EventDraft } from '../../../shared/events/from-stream.ts';
import { EventPublishError, type EventPublisher } from '../../../shared/events/ports.ts';

/** Keeps what it is asked to publish; `failNext` makes the next calls fail as a bus that refused them would. */
export class MemoryEventPublisher implements EventPublisher {
  readonly published: EventDraft[] = [];
  private failures = 0;

  failNext(times = 1): void {
    this.failures = times;
  }

  async publish(events: EventDraft[]): Promise<void> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new EventPublishError(`${events.length} events could not be delivered`, events.length);
    }
    this.published.push(...structuredClone(events));
  }
}
