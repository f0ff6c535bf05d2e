import * as z from 'zod';
import { contentHash } from '../../../recording/hash.ts';
import { type CatalogCampaign, catalogKey } from '../../../spend/catalog.ts';
import { type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `CAMPAIGNS` / `<hash of campaign, source, medium>`: a campaign touches have
 * named, with its channel and the platform ids (`utm_id`, a string set) they
 * carried; the whole catalog is one query.
 */
const ENTITY = 'campaign' as const;

const CampaignItem = itemSchema(ENTITY, {
  campaign: z.string(),
  source: z.string().optional(),
  medium: z.string().optional(),
  channel: z.string(),
  ids: z
    .instanceof(Set<string>)
    .transform((ids) => [...ids].sort())
    .optional(),
});

const partition = (tenantId: string) => tenantKey(tenantId, 'CAMPAIGNS');

export const campaignEntity = {
  name: ENTITY,
  partition,
  key: (tenantId: string, entry: Pick<CatalogCampaign, 'campaign' | 'source' | 'medium'>): Key => ({ pk: partition(tenantId), sk: contentHash(catalogKey(entry)).slice(0, 20) }),
  /** The attributes an upsert sets (the ids are added to the set apart). */
  attributes: (entry: CatalogCampaign) => ({
    ...stamp(ENTITY),
    campaign: entry.campaign,
    ...(entry.source ? { source: entry.source } : {}),
    ...(entry.medium ? { medium: entry.medium } : {}),
    channel: entry.channel,
  }),
  fromItem(item: Item): CatalogCampaign {
    const { entity: _entity, v: _v, ids, ...entry } = CampaignItem.parse(item);
    return { ...entry, ids: ids ?? [] };
  },
};
