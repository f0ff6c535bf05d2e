import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { makeProjectHandler } from '#shared/projection/stream-consumer.ts';

/** The projector: the table's stream, in batches, to the person projection (shared/events/stream-consumers.ts). */
export const handler = makeProjectHandler(stores());
