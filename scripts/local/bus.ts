import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { EVENT_SOURCE, type BatonEvent } from '../../shared/events/catalog.ts';
import type { EventRule } from '../../shared/events/rules.ts';
import type { EventPublisher } from '../../shared/events/ports.ts';
import { logger } from '../../shared/observability/logger.ts';
import { lambdaContext } from './lambda-context.ts';
import type { LambdaHandler } from './handlers.ts';

export interface DeadLetter {
  rule: string;
  target: string;
  event: BatonEvent | { streamRecords: number };
  error: string;
  attempts: number;
}

export interface LocalBusOptions {
  rules: readonly EventRule[];
  loadHandler(name: string): Promise<LambdaHandler>;
  /** Attempts per delivery, like Lambda's async invocation (1 + 2 retries). */
  maxAttempts?: number;
  /** Where failed deliveries are appended as NDJSON; kept in memory too. */
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

  recordDeadLetter(letter: DeadLetter): void {
    this.deadLetters.push(letter);
    logger.error('Event delivery failed; kept as a dead letter', { ...letter });
    if (this.options.deadLetterFile) {
      mkdirSync(dirname(this.options.deadLetterFile), { recursive: true });
      appendFileSync(this.options.deadLetterFile, `${JSON.stringify(letter)}\n`);
    }
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
    this.recordDeadLetter({ rule: rule.name, target: rule.target, event, error: String(lastError), attempts: maxAttempts });
  }
}
