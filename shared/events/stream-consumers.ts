import { PROJECTION_CHANGES, ROLLUP_DELTA_CHANGES } from '../projection/stream-consumer.ts';
import { WAREHOUSE_CHANGES } from '../warehouse/stream-consumer.ts';
import { EVENT_CHANGES } from './from-stream.ts';
import type { StreamChanges } from './stream-changes.ts';

/**
 * Who reads the table's stream, declared once: the stack gives each an
 * event source mapping (filtered to its entities and their stream events,
 * with batching, bisect-on-error, retries and the dead-letter queue) and
 * the local runtime polls DynamoDB Local's stream for each, with the same
 * filter (`stream-changes.ts`).
 */
export interface StreamConsumer {
  name: string;
  /** The Lambda: `functions/<target>.ts`, exporting `handler`. */
  target: string;
  /** The entities the consumer is given, each with the stream events (INSERT, MODIFY, REMOVE) it is given them on. */
  entities: StreamChanges;
}

export const streamConsumers: readonly StreamConsumer[] = [
  // Every stored record becomes its docs/contract.md#events event on the bus, and so does every new version of an attribution.
  { name: 'publish-events', target: 'publish-events', entities: EVENT_CHANGES },
  // Every new record that changes a person's history projects that person once per batch: attributions, funnel, handoffs, paths, sales, reports.
  { name: 'project', target: 'project', entities: PROJECTION_CHANGES },
  // Every rollup delta a projection saved is added to its cells, many people's in one write per cell: projections of one busy day share no item.
  { name: 'apply-rollups', target: 'apply-rollups', entities: ROLLUP_DELTA_CHANGES },
  // Every change of a touch, stage, transaction or attribution becomes its warehouse rows in the change log the export reads (docs/warehouse.md).
  { name: 'warehouse-changes', target: 'warehouse-changes', entities: WAREHOUSE_CHANGES },
];
