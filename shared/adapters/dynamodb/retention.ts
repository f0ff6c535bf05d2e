import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { expiresAt } from './entities/entity.ts';
import { linkEntity } from './entities/link.ts';
import { linkMirrorEntity } from './entities/link-mirror.ts';
import { personPartitionPrefix } from './entities/person.ts';
import { stageEntity } from './entities/stage.ts';
import { touchEntity } from './entities/touch.ts';
import { touchGuardEntity } from './entities/touch-guard.ts';

/** What carries personal data and expires (docs/contract.md#privacy-and-the-data-lifecycle): transactions, rollups and the erasure log do not. */
const EXPIRING: readonly string[] = [touchEntity.name, stageEntity.name, linkEntity.name, linkMirrorEntity.name, touchGuardEntity.name];

const Scanned = z.object({ pk: z.string(), sk: z.string(), entity: z.string().optional(), occurredAt: z.string().optional() });

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
            ExpressionAttributeValues: { ':people': personPartitionPrefix(tenantId), ':guards': touchGuardEntity.prefix(tenantId) },
            ProjectionExpression: 'pk, sk, entity, occurredAt',
            ExclusiveStartKey,
          }),
        );
        scanned += page.ScannedCount ?? 0;
        for (const item of (page.Items ?? []).map((scanned) => Scanned.parse(scanned))) {
          if (!item.entity || !EXPIRING.includes(item.entity)) continue;
          const occurredAt = item.occurredAt ?? now.toISOString();
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
