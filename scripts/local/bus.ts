import { randomUUID } from 'node:crypto';
import { type BatonEvent, EVENT_SOURCE } from '../../shared/events/catalog.ts';
import type { EventPublisher } from '../../shared/events/ports.ts';
import type { EventRule } from '../../shared/events/rules.ts';
import { logger } from '../../shared/observability/logger.ts';
import { appendDeadLetter, type DeadLetter, type NewDeadLetter, stampLetter } from './dead-letter-file.ts';
import type { LambdaHandler } from './handlers.ts';
import { lambdaContext } from './lambda-context.ts';

export type { DeadLetter, NewDeadLetter } from './dead-letter-file.ts';

export interface LocalBusOptions {
  rules: readonly EventRule[];
  loadHandler(name: string): Promise<LambdaHandler>;
  /** Attempts per delivery, like Lambda's async invocation (1 + 2 retries). */
  maxAttempts?: number;
  /**
   * Where failed deliveries are appended as NDJSON (kept in memory too),
   * each with an id, a time and what it takes to redo the work:
   * `npm run dead-letters -- list|redrive` reads them (scripts/local/dead-letter-file.ts).
   */
  deadLetterFile?: string;
}

/**
 * The in-process stand-in for the EventBridge bus: each event goes to every
 * rule's target that matches its detail type, asynchronously, with retries;
 * a delivery that keeps failing becomes a dead letter, never silence.
 */
export class LocalBus {
  readonly deadLetters: DeadLetter[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly listeners = new Set<(event: BatonEvent) => void>();

  constructor(private readonly options: LocalBusOptions) {}

  publish(events: Array<Omit<BatonEvent, 'id' | 'source' | 'time'> & Partial<Pick<BatonEvent, 'id' | 'time'>>>): void {
    for (const partial of events) {
      const event: BatonEvent = { id: partial.id ?? randomUUID(), source: EVENT_SOURCE, time: partial.time ?? new Date().toISOString(), ...partial };
      for (const listener of this.listeners) listener(event);
      for (const rule of this.options.rules) {
        if (!rule.detailTypes.includes(event['detail-type'])) continue;
        const delivery = this.deliver(rule, event).finally(() => this.inFlight.delete(delivery));
        this.inFlight.add(delivery);
      }
    }
  }

  /** Sees every event published (tests and the dev console); returns the unsubscribe. */
  subscribe(listener: (event: BatonEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The bus as the stream publisher's port, like EventBridge on AWS. */
  asPublisher(): EventPublisher {
    return { publish: async (drafts) => this.publish(drafts.map((draft) => ({ 'detail-type': draft.detailType, detail: draft.detail }))) };
  }

  /** Keeps a delivery that kept failing (an event, a stream batch with its records, a queue message); returns it with its id. */
  recordDeadLetter(draft: NewDeadLetter): DeadLetter {
    const letter = stampLetter(draft);
    this.deadLetters.push(letter);
    const { id, rule, target, error, attempts } = letter;
    logger.error('A delivery kept failing; kept as a dead letter (npm run dead-letters -- list)', {
      id,
      rule,
      target,
      error,
      attempts,
      ...(letter.kind === 'event' ? { detailType: letter.event['detail-type'], eventId: letter.event.id } : letter.kind === 'stream' ? { records: letter.recordCount } : { body: letter.body }),
    });
    if (this.options.deadLetterFile) {
      try {
        appendDeadLetter(this.options.deadLetterFile, letter);
      } catch (failure) {
        // Still in memory and in the log above; the delivery must not crash the runtime.
        logger.error('Could not write the dead letter to its file', { id, file: this.options.deadLetterFile, error: failure as Error });
      }
    }
    return letter;
  }

  /** Resolves when every delivery so far, and those it caused, has finished. */
  async drain(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(rule: EventRule, event: BatonEvent): Promise<void> {
    const maxAttempts = this.options.maxAttempts ?? 3;
    let lastError: unknown;
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      try {
        const handler = await this.options.loadHandler(rule.target);
        await handler({ version: '0', account: 'local', region: 'local', resources: [], ...event }, lambdaContext(rule.target));
        return;
      } catch (error) {
        lastError = error;
      }
    }
    this.recordDeadLetter({ kind: 'event', rule: rule.name, target: rule.target, event, error: String(lastError), attempts: maxAttempts });
  }
}
