import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { type CatalogCampaign, catalogKey } from '../../spend/catalog.ts';
import type { CampaignCatalog } from '../../spend/ports.ts';
import { campaignEntity } from './entities/campaign.ts';
import { queryAll } from './query.ts';

/** How many catalog facts one function instance remembers having written, so a busy campaign costs one write per instance, not one per touch. */
const REMEMBERED = 10_000;

export class DynamoCampaignCatalog implements CampaignCatalog {
  private readonly written = new Set<string>();

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** One idempotent UpdateItem per campaign not written before by this instance: its attributes set, its ids added to the set. */
  async rememberCampaigns(tenantId: string, campaigns: readonly CatalogCampaign[]): Promise<void> {
    const fresh = campaigns.filter((entry) => !this.written.has(this.fact(tenantId, entry)));
    await Promise.all(
      fresh.map(async (entry) => {
        const attributes = campaignEntity.attributes(entry);
        const names = Object.keys(attributes);
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: campaignEntity.key(tenantId, entry),
            UpdateExpression: `SET ${names.map((_, i) => `#a${i} = :a${i}`).join(', ')}${entry.ids.length > 0 ? ' ADD ids :ids' : ''}`,
            ExpressionAttributeNames: Object.fromEntries(names.map((name, i) => [`#a${i}`, name])),
            ExpressionAttributeValues: {
              ...Object.fromEntries(names.map((name, i) => [`:a${i}`, attributes[name as keyof typeof attributes]])),
              ...(entry.ids.length > 0 ? { ':ids': new Set(entry.ids) } : {}),
            },
          }),
        );
        if (this.written.size >= REMEMBERED) this.written.clear();
        this.written.add(this.fact(tenantId, entry));
      }),
    );
  }

  async campaigns(tenantId: string): Promise<CatalogCampaign[]> {
    const items = await queryAll(this.client, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': campaignEntity.partition(tenantId) },
    });
    return items.map((item) => campaignEntity.fromItem(item));
  }

  private fact(tenantId: string, entry: CatalogCampaign): string {
    return JSON.stringify([tenantId, catalogKey(entry), entry.channel, [...entry.ids].sort()]);
  }
}
