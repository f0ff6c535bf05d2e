import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { makeApplyRollupsHandler } from '#shared/projection/stream-consumer.ts';

/** The rollup applier: projections' rollup deltas, from the table's stream, added to their cells (shared/events/stream-consumers.ts). */
const { projections } = stores();
export const handler = makeApplyRollupsHandler({ projections });
