/**
 * The one DynamoDB table, declared once: the CDK stack deploys it from this
 * definition and the local runtime creates DynamoDB Local's table from it.
 *
 * Keys are generic (`pk`/`sk`, `gsi1pk`/`gsi1sk`); each item's key
 * builders live in its entity module, `shared/adapters/dynamodb/entities/`.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** gsi1: transactions in time order, a partition per UTC day (`entities/transaction.ts`). */
  globalSecondaryIndexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
  /** Items with this attribute (epoch seconds) expire. */
  timeToLiveAttribute: 'expiresAt',
  /** Events are derived from the stream, so a stored write never loses its event. */
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];
