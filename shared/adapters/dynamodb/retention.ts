import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { expiresAt, recordKeys } from './record-store.ts';

/** What carries personal data and expires (SPEC §10): transactions, rollups and the erasure log do not. */
const EXPIRING = ['touch', 'stage', 'link', 'link_mirror', 'touch_id'];

/**
 * `npm run tenant -- apply-retention`: sets the expiry on a tenant's
 * personal records written before they carried one. A one-off migration,
 * so it scans the table (in parallel segments) — no request path of Baton
 * scans, and the functions are not allowed to. A touch's id guard has no
 * date of its own: it expires `retentionDays` from now.
 */
export async function applyRetention(
  client: DynamoDBDocumentClient,
  tableName: string,
  tenantId: string,
  retentionDays: number,
  now: Date = new Date(),
): Promise<{ scanned: number; updated: number }> {
  const SEGMENTS = 4;
  let scanned = 0;
  let updated = 0;
  await Promise.all(
    Array.from({ length: SEGMENTS }, async (_, segment) => {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({
            TableName: tableName,
            Segment: segment,
            TotalSegments: SEGMENTS,
            FilterExpression: '(begins_with(pk, :people) OR begins_with(pk, :guards)) AND attribute_not_exists(expiresAt)',
            ExpressionAttributeValues: { ':people': recordKeys.person(tenantId, ''), ':guards': recordKeys.touchGuard(tenantId, '').pk },
            ProjectionExpression: 'pk, sk, entity, occurredAt',
            ExclusiveStartKey,
          }),
        );
        scanned += page.ScannedCount ?? 0;
        for (const item of page.Items ?? []) {
          if (!EXPIRING.includes(item.entity as string)) continue;
          const occurredAt = typeof item.occurredAt === 'string' ? item.occurredAt : now.toISOString();
          try {
            await client.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk: item.pk, sk: item.sk },
                UpdateExpression: 'SET expiresAt = :expiresAt',
                ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(expiresAt)',
                ExpressionAttributeValues: { ':expiresAt': expiresAt(occurredAt, retentionDays) },
              }),
            );
            updated += 1;
          } catch (error) {
            if (!(error instanceof ConditionalCheckFailedException)) throw error;
          }
        }
        ExclusiveStartKey = page.LastEvaluatedKey;
      } while (ExclusiveStartKey);
    }),
  );
  return { scanned, updated };
}
