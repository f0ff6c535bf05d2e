import type { EventType } from './catalog.ts';

/**
 * Who consumes which events, declared once: the stack makes one EventBridge
 * rule per entry (with retries and a dead-letter queue) and the local
 * runtime's in-process bus delivers to the same handlers.
 *
 * Baton itself consumes none of its events today: the projection reads the
 * table's stream directly (`stream-consumers.ts`), so a person's history is
 * projected once per batch rather than once per event. The events are for
 * the tenant's own consumers on the bus (docs/contract.md#events).
 */
export interface EventRule {
  name: string;
  detailTypes: readonly EventType[];
  /** The consuming Lambda: `functions/<target>.ts`, exporting `handler`. */
  target: string;
}

export const eventRules: readonly EventRule[] = [];
