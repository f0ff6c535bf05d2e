/**
 * The one DynamoDB table, declared once: the CDK stack deploys it from this
 * definition and the local runtime creates DynamoDB Local's table from it.
 *
 * Keys are generic (`pk`/`sk`, `gsi1pk`/`gsi1sk`, …); each entity's key
 * builder lives beside its adapter in `shared/adapters/dynamodb/`.
 */
export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  globalSecondaryIndexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  ],
  /** Items with this attribute (epoch seconds) expire. */
  timeToLiveAttribute: 'expiresAt',
  /** Events are derived from the stream, so a stored write never loses its event. */
  streamViewType: 'NEW_AND_OLD_IMAGES',
} as const;

export type IndexName = (typeof tableDefinition.globalSecondaryIndexes)[number]['indexName'];
