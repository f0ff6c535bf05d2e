import type { Minor } from '../money/money.ts';
import type { CatalogCampaign } from './catalog.ts';
import { type ImportedSpendLine, type SpendMappings, sourceAliases } from './imported.ts';
import { normaliseCampaignName, type SpendProfile } from './imports/parse.ts';
import type { PeriodSpend } from './ports.ts';

/** How a line of spend found the touches it pays for (SPEC §12): posted lines name their campaign. */
export type MatchRule = 'posted' | 'mapping' | 'id' | 'name';

/**
 * A day's cost as reports count it: under the touch campaign (and its
 * channel, source and medium) it pays for, or, unmatched, under none.
 */
export interface CostLine {
  day: string;
  currency: string;
  amount: Minor;
  campaign?: string;
  channel?: string;
  /** `source / medium`, as report rows name it. */
  sourceMedium?: string;
  matchedBy?: MatchRule;
  /** The imported line this cost is, when it was imported. */
  imported?: ImportedSpendLine;
}

interface Target {
  campaign: string;
  channel?: string;
  sourceMedium?: string;
  matchedBy: MatchRule;
}

/**
 * Which touches each line of the period's spend pays for: posted lines name
 * their campaign; an imported line goes by (a) the tenant's mappings, (b)
 * the platform's campaign id carried by touches (`utm_id`, or a
 * `utm_campaign` of digits equal to it), (c) the same normalised name among
 * touches of the platform's sources. Several touch campaigns matching one
 * line: the cost counts under the first by campaign, source and medium, so
 * it is counted once.
 */
export function joinSpend(period: PeriodSpend, catalog: readonly CatalogCampaign[], mappings: SpendMappings | undefined): CostLine[] {
  const posted: CostLine[] = period.posted.map((entry) => ({
    day: entry.day,
    currency: entry.currency,
    amount: entry.amount,
    campaign: entry.campaign,
    ...(entry.channel ? { channel: entry.channel } : {}),
    ...(entry.sourceMedium ? { sourceMedium: entry.sourceMedium } : {}),
    matchedBy: 'posted',
  }));
  const matcher = spendMatcher(catalog, mappings);
  const imported = period.imported.map((line): CostLine => {
    const target = matcher(line);
    return { day: line.day, currency: line.currency, amount: line.cost, ...(target ?? {}), imported: line };
  });
  return [...posted, ...imported];
}

/** The touch campaign an imported line pays for, or undefined: one lookup per line, the catalog indexed once. */
export function spendMatcher(catalog: readonly CatalogCampaign[], mappings: SpendMappings | undefined): (line: Pick<ImportedSpendLine, 'profile' | 'campaignId' | 'campaign'>) => Target | undefined {
  const aliases = sourceAliases(mappings);
  const sorted = [...catalog].sort((a, b) => compare(a.campaign, b.campaign) || compare(a.source ?? '', b.source ?? '') || compare(a.medium ?? '', b.medium ?? ''));
  const byCampaign = groupBy(sorted, (entry) => [entry.campaign]);
  const byName = groupBy(sorted, (entry) => [normaliseCampaignName(entry.campaign)]);
  const byId = groupBy(sorted, (entry) => [...entry.ids, ...(/^\d+$/.test(entry.campaign) ? [entry.campaign] : [])]);
  const fromPlatform = (profile: SpendProfile, entry: CatalogCampaign) => profile === 'generic' || aliases[profile].includes(entry.source ?? '');
  /** The first entry of the platform's sources, else the first at all. */
  const pick = (profile: SpendProfile, entries: readonly CatalogCampaign[]) => entries.find((entry) => fromPlatform(profile, entry)) ?? entries[0];
  const targetOf = (entry: CatalogCampaign | undefined, campaign: string, matchedBy: MatchRule): Target => ({
    campaign,
    ...(entry ? { channel: entry.channel } : {}),
    ...(entry?.source && entry.medium ? { sourceMedium: `${entry.source} / ${entry.medium}` } : {}),
    matchedBy,
  });
  const memo = new Map<string, Target | undefined>();
  return (line) => {
    const memoKey = JSON.stringify([line.profile, line.campaignId ?? null, line.campaign]);
    if (memo.has(memoKey)) return memo.get(memoKey);
    const name = normaliseCampaignName(line.campaign);
    let target: Target | undefined;
    const mapped = (mappings?.mappings ?? [])
      .filter((mapping) => (mapping.platform === undefined || mapping.platform === line.profile) && (mapping.campaignId === line.campaignId || normaliseCampaignName(mapping.campaignId) === name))
      .map((mapping) => mapping.campaign)
      .sort(compare)[0];
    if (mapped !== undefined) target = targetOf(pick(line.profile, byCampaign.get(mapped) ?? []), mapped, 'mapping');
    else {
      const byPlatformId = line.campaignId ? byId.get(line.campaignId.toLowerCase()) : undefined;
      const entry = byPlatformId?.length ? pick(line.profile, byPlatformId) : undefined;
      if (entry) target = targetOf(entry, entry.campaign, 'id');
      else {
        const named = (byName.get(name) ?? []).find((candidate) => fromPlatform(line.profile, candidate));
        if (named) target = targetOf(named, named.campaign, 'name');
      }
    }
    memo.set(memoKey, target);
    return target;
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function groupBy<T>(items: readonly T[], keysOf: (item: T) => readonly string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of new Set(keysOf(item))) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}
