import type { EventDraft } from './from-stream.ts';

/** Puts events on the bus; throws when some could not be delivered after retries. */
export interface EventPublisher {
  publish(events: EventDraft[]): Promise<void>;
}

export class EventPublishError extends Error {
  override name = 'EventPublishError';
  constructor(
    message: string,
    readonly failed: number,
  ) {
    super(message);
  }
}

/** Retries of a failing stream batch before it goes to the dead letters (stack and local runtime alike). */
export const MAX_BATCH_RETRIES = 10;
