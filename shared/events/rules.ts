import type { EventType } from './catalog.ts';

/**
 * Who consumes which events, declared once: the stack makes one EventBridge
 * rule per entry (with retries and a dead-letter queue) and the local
 * runtime's in-process bus delivers to the same handlers.
 */
export interface EventRule {
  name: string;
  detailTypes: readonly EventType[];
  /** The consuming Lambda: `functions/<target>.ts`, exporting `handler`. */
  target: string;
}

export const eventRules: readonly EventRule[] = [
  // New or late data (re-)attributes the transactions it belongs to and moves the rollups.
  { name: 'attribute', detailTypes: ['TransactionRecorded', 'TouchRecorded', 'StageRecorded', 'IdentityLinked'], target: 'attribute' },
];
