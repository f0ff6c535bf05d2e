import { PROJECTION_ENTITIES } from '../projection/stream-consumer.ts';
import { EVENT_ENTITIES } from './from-stream.ts';

/**
 * Who reads the table's stream, declared once: the stack gives each an
 * event source mapping (filtered to the entities it cares about, with
 * batching, bisect-on-error, retries and the dead-letter queue) and the
 * local runtime polls DynamoDB Local's stream for each.
 */
export interface StreamConsumer {
  name: string;
  /** The Lambda: `functions/<target>.ts`, exporting `handler`. */
  target: string;
  /** Entities (`entity` of a new image) the consumer is given. */
  entities: readonly string[];
}

export const streamConsumers: readonly StreamConsumer[] = [
  // Every stored record becomes its SPEC §7 event on the bus.
  { name: 'publish-events', target: 'publish-events', entities: EVENT_ENTITIES },
  // Every record that changes a person's history projects that person once per batch: attributions, funnel, handoffs, paths, sales, reports.
  { name: 'project', target: 'project', entities: PROJECTION_ENTITIES },
];
