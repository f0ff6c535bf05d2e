/**
 * What each ad platform's spend file looks like: the names of its columns (English and, where the
 * platform translates them, French), the lines around its table, and the time zone of its days.
 * One declaration per platform; the parser reads these and nothing platform-specific otherwise.
 */

export const SPEND_PROFILES = ['google_ads', 'meta', 'microsoft', 'tiktok', 'linkedin', 'generic'] as const;
export type SpendProfile = (typeof SPEND_PROFILES)[number];

/** The touch `utm_source` values each platform's spend pays for (lower case): defaults a tenant can change. */
export const DEFAULT_SOURCE_ALIASES: Record<SpendProfile, string[]> = {
  google_ads: ['google', 'adwords'],
  meta: ['facebook', 'fb', 'instagram', 'ig', 'meta'],
  microsoft: ['bing', 'microsoft'],
  tiktok: ['tiktok'],
  linkedin: ['linkedin'],
  generic: [],
};

export interface ProfileColumns {
  /** The day of a row, in order of preference (a file with both `Day` and `Reporting starts` is read by `Day`). */
  date: string[];
  /** A row's first day, when the file states a period (`Reporting starts`): it must equal `end`. */
  start?: string[];
  /** A row's last day (`Reporting ends`): a row whose start and end differ is not a daily row. */
  end?: string[];
  /** The cost; may carry a currency suffix, `Amount spent (EUR)`. */
  cost: string[];
  campaign: string[];
  campaignId: string[];
  account: string[];
  currency: string[];
  /** Columns that only rows below campaign level fill (ad group, ad set, ad, creative). */
  adLevel: string[];
}

export interface ProfileDeclaration {
  columns: ProfileColumns;
  /** With `profile=auto` this platform is chosen only if its header holds one of these columns, or a preamble line matches `preamble`. */
  identifiedBy?: { columns?: string[]; preamble?: RegExp };
  /** Where the file's days begin and end. */
  dayZone: 'account' | 'UTC';
}

/** Order of `profile=auto`: the most specific first, `generic` last. */
export const AUTO_ORDER: readonly SpendProfile[] = SPEND_PROFILES;

export const PROFILES: Record<SpendProfile, ProfileDeclaration> = {
  // Google Ads report download ("Excel .csv": UTF-16LE, tabs): a title line and a date-range line, then
  // the table; `Total: Account`, `Total: Campaigns`… rows at the bottom; `--` for no value.
  google_ads: {
    columns: {
      date: ['Day'],
      cost: ['Cost'],
      campaign: ['Campaign', 'Campaign name'],
      campaignId: ['Campaign ID'],
      account: ['Account name', 'Account', 'Customer ID'],
      currency: ['Currency code', 'Currency'],
      adLevel: ['Ad group', 'Ad group ID', 'Ad', 'Ad ID', 'Keyword', 'Search keyword'],
    },
    identifiedBy: { columns: ['Campaign', 'Currency code', 'Impr.'] },
    dayZone: 'account',
  },
  // Meta Ads Manager export, English and French UI: one row per campaign and reporting period; daily
  // only with the "Day" breakdown, when `Reporting starts` equals `Reporting ends`.
  meta: {
    columns: {
      date: ['Day', 'Jour', 'Reporting starts', 'Début des rapports'],
      start: ['Reporting starts', 'Début des rapports'],
      end: ['Reporting ends', 'Fin des rapports'],
      cost: ['Amount spent', 'Montant dépensé'],
      campaign: ['Campaign name', 'Nom de la campagne'],
      campaignId: ['Campaign ID', 'Identifiant de la campagne'],
      account: ['Account name', 'Nom du compte', 'Account ID', 'Identifiant du compte'],
      currency: ['Currency', 'Devise'],
      adLevel: ['Ad set name', 'Ad set ID', 'Ad name', 'Ad ID', "Nom de l'ensemble de publicités", 'Nom de la publicité', "Identifiant de l'ensemble de publicités", 'Identifiant de la publicité'],
    },
    dayZone: 'account',
  },
  // Microsoft Advertising campaign performance report: `"Key: value"` lines above the table
  // (Report Name, Report Time, Time Zone…), a blank line, the table, a `©… Microsoft Corporation` footer.
  microsoft: {
    columns: {
      date: ['Gregorian date', 'GregorianDate', 'TimePeriod', 'Time period', 'Date', 'Day'],
      cost: ['Spend'],
      campaign: ['Campaign name', 'CampaignName', 'Campaign'],
      campaignId: ['Campaign ID', 'CampaignId'],
      account: ['Account name', 'AccountName', 'Account number', 'AccountNumber'],
      currency: ['Currency code', 'CurrencyCode', 'Currency'],
      adLevel: ['Ad group', 'Ad group ID', 'AdGroupName', 'AdGroupId', 'Ad ID', 'AdId', 'Ad title', 'Keyword'],
    },
    identifiedBy: {
      columns: ['Gregorian date', 'GregorianDate', 'TimePeriod'],
      preamble: /^(?:report name|report time|time zone|last completed available day|report aggregation)\s*:/i,
    },
    dayZone: 'account',
  },
  // TikTok Ads Manager custom report export: a `By Day` (or `Date`) dimension, `Cost`, names and ids.
  tiktok: {
    columns: {
      date: ['By Day', 'Date', 'Day', 'stat_time_day'],
      cost: ['Cost', 'Total cost'],
      campaign: ['Campaign name', 'Campaign Name', 'campaign_name'],
      campaignId: ['Campaign ID', 'campaign_id'],
      account: ['Advertiser name', 'Account name', 'Advertiser ID', 'advertiser_id'],
      currency: ['Currency', 'currency'],
      adLevel: ['Ad group name', 'Ad group ID', 'Ad name', 'Ad ID', 'adgroup_name', 'adgroup_id', 'ad_name', 'ad_id'],
    },
    identifiedBy: { columns: ['By Day', 'Advertiser name', 'Advertiser ID', 'Ad group name', 'Campaign name', 'stat_time_day'] },
    dayZone: 'account',
  },
  // LinkedIn Campaign Manager campaign performance export: UTF-16LE, tabs, a few preamble lines, days in UTC.
  linkedin: {
    columns: {
      date: ['Start Date (in UTC)', 'Start Date'],
      start: ['Start Date (in UTC)', 'Start Date'],
      end: ['End Date (in UTC)', 'End Date'],
      cost: ['Total Spent', 'Amount Spent'],
      campaign: ['Campaign Name', 'Campaign'],
      campaignId: ['Campaign ID'],
      account: ['Account Name', 'Account ID'],
      currency: ['Currency'],
      adLevel: ['Creative Name', 'Creative ID', 'Creative', 'Ad Name', 'Ad ID'],
    },
    identifiedBy: { columns: ['Start Date (in UTC)', 'Total Spent'] },
    dayZone: 'UTC',
  },
  // Any other table: a date, a campaign and a cost, in English, French, German, Dutch or Spanish.
  generic: {
    columns: {
      date: ['Date', 'Day', 'Datum', 'Jour', 'Tag', 'Fecha', 'Dag'],
      cost: ['Cost', 'Spend', 'Amount', 'Ad spend', 'Costs', 'Kosten', 'Coût', 'Dépense', 'Dépenses', 'Gasto', 'Uitgaven'],
      campaign: ['Campaign', 'Campaign name', 'Campagne', 'Campagnenaam', 'Kampagne', 'Campaña'],
      campaignId: ['Campaign ID', 'Campagne-ID', 'Kampagnen-ID', 'ID de campagne'],
      account: ['Account', 'Account name', 'Account ID', 'Compte', 'Konto', 'Cuenta'],
      currency: ['Currency', 'Currency code', 'Devise', 'Valuta', 'Währung', 'Moneda'],
      adLevel: ['Ad group', 'Ad set', 'Ad', 'Ad name'],
    },
    dayZone: 'account',
  },
};

/** A header cell as it is compared: NFKC, trimmed, inner whitespace collapsed, lower case. */
export function headerKey(cell: string): string {
  return cell.normalize('NFKC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Where a profile's columns are in a header row (indexes), with the currency a cost header may carry. */
export interface ColumnMap {
  date: number;
  start?: number;
  end?: number;
  cost: number;
  costCurrency?: string;
  campaign?: number;
  campaignId?: number;
  account?: number;
  currency?: number;
  adLevel: number[];
}

const SUFFIXED = /^(.*?)\s*\(([a-z]{3})\)$/;

/** The profile's columns in `header`, or undefined when its date or cost column is missing. */
export function mapColumns(header: string[], profile: SpendProfile): ColumnMap | undefined {
  const { columns } = PROFILES[profile];
  const keys = header.map(headerKey);
  const find = (aliases: string[] | undefined): number | undefined => {
    for (const alias of aliases ?? []) {
      const index = keys.indexOf(headerKey(alias));
      if (index >= 0) return index;
    }
    return undefined;
  };
  const date = find(columns.date);
  let cost = find(columns.cost);
  let costCurrency: string | undefined;
  if (cost === undefined) {
    const wanted = new Set(columns.cost.map(headerKey));
    const index = keys.findIndex((key) => {
      const match = SUFFIXED.exec(key);
      return match !== null && wanted.has(match[1]!);
    });
    if (index >= 0) {
      cost = index;
      costCurrency = SUFFIXED.exec(keys[index]!)![2]!.toUpperCase();
    }
  }
  if (date === undefined || cost === undefined) return undefined;
  const adLevel = columns.adLevel.map((alias) => keys.indexOf(headerKey(alias))).filter((index) => index >= 0);
  return {
    date,
    start: find(columns.start),
    end: find(columns.end),
    cost,
    costCurrency,
    campaign: find(columns.campaign),
    campaignId: find(columns.campaignId),
    account: find(columns.account),
    currency: find(columns.currency),
    adLevel: [...new Set(adLevel)],
  };
}

/** Whether `profile=auto` may take this header (and the lines above it) for the profile. */
export function identifies(profile: SpendProfile, header: string[], preamble: string[]): boolean {
  const identity = PROFILES[profile].identifiedBy;
  if (!identity) return true;
  const keys = new Set(header.map(headerKey));
  if (identity.columns?.some((column) => keys.has(headerKey(column)))) return true;
  return identity.preamble !== undefined && preamble.some((line) => identity.preamble!.test(line));
}
