import { stores } from '#shared/adapters/dynamodb/stores.ts';
import { makeWarehouseChangesHandler } from '#shared/warehouse/stream-consumer.ts';

/** The warehouse's change recorder: the table's stream to the change log the export reads (shared/events/stream-consumers.ts). */
const { tenants, warehouse } = stores();
export const handler = makeWarehouseChangesHandler({ tenants, changes: warehouse });
