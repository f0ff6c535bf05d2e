import { tenantKey } from './entity.ts';

/**
 * A person's partition, `P#<identifier>`: their touches (`touch.ts`),
 * stages, links and link mirrors, transaction refs and the erasure
 * tombstone, each under its own sort key. Read with consistent queries, so
 * a record is seen as soon as it is written (an index would lag).
 */
export function personPartition(tenantId: string, identifier: string): string {
  return tenantKey(tenantId, 'P', identifier);
}

/** What every person partition's key starts with (a migration's scan filter). */
export function personPartitionPrefix(tenantId: string): string {
  return tenantKey(tenantId, 'P', '');
}
