import type { Touch } from '../recording/touches.ts';

/**
 * A campaign as touches name it: the value spend lines are matched to
 * (SPEC §12). One entry per campaign, source and medium, with the channel
 * its touches were derived into and the platform ids (`utm_id`) they carried.
 */
export interface CatalogCampaign {
  campaign: string;
  source?: string;
  medium?: string;
  channel: string;
  ids: string[];
}

/** The catalog entries a batch of touches makes known: marketing touches that name a campaign, merged per campaign, source and medium. */
export function campaignsOfTouches(touches: readonly Touch[]): CatalogCampaign[] {
  const byKey = new Map<string, CatalogCampaign>();
  for (const touch of touches) {
    if (touch.side !== 'marketing' || !touch.campaign) continue;
    const named = { campaign: touch.campaign, ...(touch.source ? { source: touch.source } : {}), ...(touch.medium ? { medium: touch.medium } : {}) };
    const key = catalogKey(named);
    const entry = byKey.get(key) ?? { ...named, channel: touch.channel, ids: [] };
    if (touch.campaignId && !entry.ids.includes(touch.campaignId)) entry.ids.push(touch.campaignId);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

/** What identifies a catalog entry: its campaign, source and medium. */
export function catalogKey(entry: Pick<CatalogCampaign, 'campaign' | 'source' | 'medium'>): string {
  return JSON.stringify([entry.campaign, entry.source ?? null, entry.medium ?? null]);
}
