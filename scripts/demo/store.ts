/**
 * The demo store (`npm run demo`): an outdoor-gear shop with a small sales
 * team, generated from a seed so the same options give the same store.
 *
 * Visitors arrive every day from paid search, paid social, display,
 * affiliates, the newsletter, organic search, referrals and direct visits.
 * Some become leads (identified), some of those are qualified and handed to
 * a rep, who calls (mostly within the day, sometimes late, sometimes never);
 * each campaign's leads have their own qualification rate and their own
 * reasons to be disqualified. Qualified people buy through a draft order the
 * rep sends; others buy on the web shop; walk-ins buy at the till. A few
 * orders are refunded and a few cancelled. Nothing happens after `until`:
 * journeys still open stay open.
 *
 * Customers come back (SPEC §13's cohorts): about a quarter of a month's
 * new customers order again the month after, fewer each month since, and a
 * few loyal ones nearly every month; a reorder mostly follows the newsletter,
 * a direct visit or a search, and a rep's customers sometimes restock
 * through their rep. What brought a customer shapes what they are worth:
 * the newsletter's and organic search's come back more and spend more,
 * paid social's and display's seldom. Later orders are refunded and
 * cancelled like first ones, and a few orders come back as a warranty
 * claim months after they were bought, so refunds fall in later months too.
 * By default the store spans 13 calendar months: twelve whole months and the
 * current one so far.
 *
 * The paid campaigns' spend is what their ad platforms report per day, under
 * the platforms' own names and ids (spend-files.ts writes it as their files).
 * Their ads are tagged the way such accounts are, so Baton's join (SPEC §12)
 * finds each campaign's touches one way or another: Brand Search, Bing Search
 * and the affiliates' Gear Partners carry their platform name in
 * utm_campaign (same name once normalised), Meta's ads and the display
 * campaign carry the platform's campaign id in utm_id, generic-search is
 * known by another name in Google Ads and needs a mapping (`mappings`), and
 * Performance Max's clicks carry nothing but a gclid, so its spend stays
 * unmatched (the spend audit shows it).
 *
 * Everything is planned here as the bodies Baton's API and Shopify's
 * webhooks carry; `send.ts` delivers them.
 */

import { addDays, dayOf, daysBetween, eachDay, startOfDay } from '../../shared/time/days.ts';
import type { AdPlatform, AdSpendLine } from './spend-files.ts';

export interface DemoOptions {
  /** Days of history, ending at `until` (when given, `months` is not read). */
  days?: number;
  /**
   * Calendar months of history (default DEMO_DEFAULTS.months, when `days`
   * is not given): from the first of the month `months − 1` before
   * `until`'s, so every month but the current one is whole.
   */
  months?: number;
  /** New visitors on an average day (weekends are quieter). */
  visitorsPerDay: number;
  /** The last instant of the store's history (events after it are left out). */
  until: Date;
  /** The tenant's reporting zone: spend is reported per day in it. */
  timezone: string;
  seed?: number;
}

/**
 * `npm run demo`'s store: 13 calendar months, so the first month's customers
 * can be followed for a whole year, of a few new visitors a day (about
 * 9,000 records: a little over two minutes against `npm start` on a 2-core
 * machine). The tests and the bench pass their own days and visitors.
 */
export const DEMO_DEFAULTS = { months: 13, visitorsPerDay: 4, seed: 20261127 } as const;
/** The longest history a store is planned for: three years, in days or months. */
export const DEMO_MAX_DAYS = 1096;
export const DEMO_MAX_MONTHS = 36;
/** The daily visitors the campaigns' budgets are sized for: a store with fewer (or more) visitors spends in proportion. */
const SPEND_REFERENCE_VISITORS = 20;
export const DEMO_CURRENCY = 'USD';
export const DEMO_SHOP_DOMAIN = 'trailhead-outfitters.myshopify.com';
const SHOP = 'https://trailhead-outfitters.example';

type Person = { anonymousId?: string; customerId?: string; email?: string };

export interface TouchBody {
  touchId: string;
  occurredAt: string;
  person: Person;
  kind: string;
  url?: string;
  referrer?: string;
  rep?: string;
}
export interface StageBody {
  person: Person;
  stage: 'lead' | 'qualified' | 'disqualified';
  occurredAt: string;
  reason?: DisqualificationReason;
}
export interface IdentifyBody {
  anonymousId: string;
  customerId: string;
  email: string;
  occurredAt: string;
}
/** `PUT /v1/spend/mappings`: a touch campaign value that is a platform campaign under another name. */
export interface SpendMappingBody {
  campaign: string;
  campaignId: string;
  platform: AdPlatform;
}
/** One Shopify webhook delivery: its topic, event id and JSON payload. */
export interface ShopifyDelivery {
  topic: 'orders/create' | 'orders/cancelled' | 'refunds/create';
  eventId: string;
  occurredAt: string;
  payload: Record<string, unknown>;
}

/** What one person (or one walk-in sale) brings, each list in time order. */
export interface PersonRecords {
  /** The day the person first came, in the tenant's zone. */
  day: string;
  /** Marketing touches. */
  touches: TouchBody[];
  identities: IdentifyBody[];
  stages: StageBody[];
  /** Calls, emails, demos and quotes by the reps. */
  salesTouches: TouchBody[];
  /** The order, then its refund or cancellation. */
  deliveries: ShopifyDelivery[];
}

export interface DemoStore {
  /** What each ad platform reports per campaign and day, as its spend file holds it. */
  spend: AdSpendLine[];
  /** The touch campaigns that only a mapping joins to their spend. */
  mappings: SpendMappingBody[];
  /** In order of their first visit. */
  people: PersonRecords[];
}

export function personRecordCount(person: PersonRecords): number {
  return person.touches.length + person.identities.length + person.stages.length + person.salesTouches.length + person.deliveries.length;
}

/** How many records a store holds: each is one acknowledged item of a request (a spend line is one line of an import's answer). */
export function recordCount(store: DemoStore): number {
  return store.spend.length + store.people.reduce((sum, person) => sum + personRecordCount(person), 0);
}

type DisqualificationReason = 'no_budget' | 'no_interest' | 'wrong_fit' | 'unreachable' | 'other';

/** How the join finds the touches a campaign's spend pays for (SPEC §12), given how its ads are tagged. */
export type DemoJoin = 'name' | 'id' | 'mapping' | 'none';

/** A paid campaign as its ad platform knows it. */
interface Ad {
  platform: AdPlatform;
  /** The platform's campaign id (the generic file has none). */
  campaignId?: string;
  /** Its display name in the platform. */
  name: string;
  /** Daily spend range in dollars. */
  spend: [number, number];
  /** How its spend finds its touches: what `utm` carries makes it so. */
  join: DemoJoin;
}

interface Source {
  /** The landing URL's utm parameters; unpaid sources without a campaign have none. */
  utm?: { source: string; medium: string; campaign?: string; id?: string };
  channel: string;
  kind: string;
  clickId?: string;
  referrer?: string;
  /** Relative share of first visits. */
  weight: number;
  /** How often the customers it brings come back, next to the average customer (1). */
  loyalty: number;
  /** How large their later orders are, next to the average customer's (1). */
  basket: number;
  /** The paid campaign behind it; none for unpaid sources. */
  ad?: Ad;
  /** Of this source's leads, the share sales qualifies. */
  qualifyRate: number;
  /** Why sales turns this source's leads down, as relative weights. */
  reasons: Record<DisqualificationReason, number>;
}

/** The ad accounts, as their imports name them (Microsoft's report names its account in a column). */
export const DEMO_AD_ACCOUNTS: Record<AdPlatform, string> = {
  google_ads: '482-913-5570',
  meta: 'act_1029384756',
  microsoft: 'Trailhead Outfitters',
  generic: 'partner-network',
};
const GOOGLE = { brand: '20458713001', generic: '20458713002', display: '20458713003', pmax: '20458713004' } as const;
const META = { prospecting: '120214457820190001', retargeting: '120214457820190002' } as const;
const MICROSOFT = { search: '418220731' } as const;

const SOURCES: Source[] = [
  {
    // Named in utm_campaign as in Google Ads: the join matches the normalised name.
    utm: { source: 'google', medium: 'cpc', campaign: 'Brand Search' },
    ad: { platform: 'google_ads', campaignId: GOOGLE.brand, name: 'Brand Search', spend: [35, 60], join: 'name' },
    channel: 'Paid Search',
    kind: 'click',
    clickId: 'gclid',
    referrer: 'https://www.google.com/',
    weight: 15,
    loyalty: 1.1,
    basket: 1.0,
    qualifyRate: 0.7,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 1, unreachable: 2, other: 1 },
  },
  {
    // The team's utm name for a campaign Google Ads calls otherwise: a mapping joins them.
    utm: { source: 'google', medium: 'cpc', campaign: 'generic-search' },
    ad: { platform: 'google_ads', campaignId: GOOGLE.generic, name: 'Generic – Hiking & Camping Gear', spend: [90, 140], join: 'mapping' },
    channel: 'Paid Search',
    kind: 'click',
    clickId: 'gclid',
    referrer: 'https://www.google.com/',
    weight: 13,
    loyalty: 0.85,
    basket: 0.95,
    qualifyRate: 0.5,
    reasons: { no_budget: 3, no_interest: 3, wrong_fit: 2, unreachable: 2, other: 1 },
  },
  {
    // Performance Max's final URLs carry no utm: its clicks come with a gclid only, so its spend matches no touch.
    ad: { platform: 'google_ads', campaignId: GOOGLE.pmax, name: 'Performance Max – Tents', spend: [6, 14], join: 'none' },
    channel: 'Paid Search',
    kind: 'click',
    clickId: 'gclid',
    weight: 3,
    loyalty: 0.8,
    basket: 0.95,
    qualifyRate: 0.45,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 2, unreachable: 2, other: 1 },
  },
  {
    // Microsoft's auto-tagging writes the campaign's name into utm_campaign.
    utm: { source: 'bing', medium: 'cpc', campaign: 'Bing Search' },
    ad: { platform: 'microsoft', campaignId: MICROSOFT.search, name: 'Bing Search', spend: [12, 25], join: 'name' },
    channel: 'Paid Search',
    kind: 'click',
    clickId: 'msclkid',
    referrer: 'https://www.bing.com/',
    weight: 4,
    loyalty: 0.9,
    basket: 1.0,
    qualifyRate: 0.55,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 2, unreachable: 1, other: 1 },
  },
  {
    // Meta's URL parameters: utm_id={{campaign.id}}.
    utm: { source: 'facebook', medium: 'paid_social', campaign: 'spring-prospecting', id: META.prospecting },
    ad: { platform: 'meta', campaignId: META.prospecting, name: 'Spring Prospecting – Broad Audiences', spend: [80, 130], join: 'id' },
    channel: 'Paid Social',
    kind: 'click',
    referrer: 'https://m.facebook.com/',
    weight: 14,
    loyalty: 0.45,
    basket: 0.8,
    qualifyRate: 0.35,
    reasons: { no_budget: 5, no_interest: 3, wrong_fit: 4, unreachable: 2, other: 1 },
  },
  {
    utm: { source: 'instagram', medium: 'paid_social', campaign: 'retargeting', id: META.retargeting },
    ad: { platform: 'meta', campaignId: META.retargeting, name: 'Retargeting – Site Visitors 30d', spend: [25, 45], join: 'id' },
    channel: 'Paid Social',
    kind: 'click',
    referrer: 'https://l.instagram.com/',
    weight: 7,
    loyalty: 0.7,
    basket: 0.9,
    qualifyRate: 0.6,
    reasons: { no_budget: 2, no_interest: 1, wrong_fit: 1, unreachable: 2, other: 1 },
  },
  {
    // Google's ValueTrack utm_id={campaignid} in the tracking template.
    utm: { source: 'google', medium: 'display', campaign: 'trail-display', id: GOOGLE.display },
    ad: { platform: 'google_ads', campaignId: GOOGLE.display, name: 'Display – Trail Audiences', spend: [40, 70], join: 'id' },
    channel: 'Display',
    kind: 'click',
    clickId: 'gclid',
    weight: 5,
    loyalty: 0.55,
    basket: 0.85,
    qualifyRate: 0.3,
    reasons: { no_budget: 2, no_interest: 5, wrong_fit: 3, unreachable: 1, other: 1 },
  },
  {
    // The affiliate network's costs come as a plain CSV (profile=generic), by campaign name.
    utm: { source: 'partnerize', medium: 'affiliate', campaign: 'Gear Partners' },
    ad: { platform: 'generic', name: 'Gear Partners', spend: [15, 30], join: 'name' },
    channel: 'Affiliates',
    kind: 'click',
    referrer: 'https://outdoor-reviews.example/',
    weight: 4,
    loyalty: 0.7,
    basket: 0.85,
    qualifyRate: 0.55,
    reasons: { no_budget: 1, no_interest: 2, wrong_fit: 3, unreachable: 1, other: 1 },
  },
  {
    utm: { source: 'newsletter', medium: 'email', campaign: 'weekly-newsletter' },
    channel: 'Email',
    kind: 'email_click',
    weight: 8,
    loyalty: 1.6,
    basket: 1.15,
    qualifyRate: 0.65,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 1, unreachable: 1, other: 1 },
  },
  {
    channel: 'Organic Search',
    kind: 'visit',
    referrer: 'https://www.google.com/',
    weight: 14,
    loyalty: 1.3,
    basket: 1.1,
    qualifyRate: 0.5,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 2, unreachable: 2, other: 1 },
  },
  {
    channel: 'Referral',
    kind: 'visit',
    referrer: 'https://blog.trailrunners.example/best-packs',
    weight: 5,
    loyalty: 1.2,
    basket: 1.0,
    qualifyRate: 0.5,
    reasons: { no_budget: 2, no_interest: 2, wrong_fit: 2, unreachable: 1, other: 1 },
  },
  {
    channel: 'Organic Social',
    kind: 'visit',
    referrer: 'https://www.instagram.com/',
    weight: 5,
    loyalty: 0.85,
    basket: 0.9,
    qualifyRate: 0.4,
    reasons: { no_budget: 3, no_interest: 3, wrong_fit: 2, unreachable: 1, other: 1 },
  },
  { channel: 'Direct', kind: 'visit', weight: 10, loyalty: 1.2, basket: 1.0, qualifyRate: 0.5, reasons: { no_budget: 2, no_interest: 2, wrong_fit: 2, unreachable: 2, other: 1 } },
];

/** The paid campaigns: each with the platform's name and id for it, the touch campaign it pays for (if any) and how the join finds it. */
export const DEMO_CAMPAIGNS = SOURCES.flatMap((source) =>
  source.ad ? [{ platform: source.ad.platform, campaignId: source.ad.campaignId, name: source.ad.name, touchCampaign: source.utm?.campaign?.toLowerCase(), join: source.ad.join }] : [],
);

/** The sales team: how quickly each picks up a baton (share of first calls within the day), and how often a call becomes an order. */
const REPS = [
  { id: 'alice', sameDay: 0.9, closeRate: 0.55 },
  { id: 'bikram', sameDay: 0.8, closeRate: 0.5 },
  { id: 'chen', sameDay: 0.7, closeRate: 0.45 },
  { id: 'dana', sameDay: 0.45, closeRate: 0.4 },
] as const;
const LANDING_PAGES = ['/', '/collections/packs', '/collections/tents', '/products/ridge-45-pack', '/products/summit-2p-tent', '/blogs/trail-notes'];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** mulberry32: small, fast and the same on every machine. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    between: (low: number, high: number) => low + next() * (high - low),
    integer: (low: number, high: number) => Math.floor(low + next() * (high - low + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!,
    weighted: <T>(list: readonly T[], weight: (item: T) => number): T => {
      const total = list.reduce((sum, item) => sum + weight(item), 0);
      let roll = next() * total;
      for (const item of list) if ((roll -= weight(item)) < 0) return item;
      return list[list.length - 1]!;
    },
  };
}

const money = (cents: number) => (cents / 100).toFixed(2);
const iso = (ms: number) => new Date(ms).toISOString();

function campaignUrl(source: Source, page: string, clickId: string): string {
  const query = new URLSearchParams();
  if (source.utm) {
    query.set('utm_source', source.utm.source);
    query.set('utm_medium', source.utm.medium);
    if (source.utm.campaign) query.set('utm_campaign', source.utm.campaign);
    if (source.utm.id) query.set('utm_id', source.utm.id);
  }
  if (source.clickId) query.set(source.clickId, clickId);
  return query.size > 0 ? `${SHOP}${page}?${query}` : `${SHOP}${page}`;
}

/** The touch campaigns whose spend only a mapping joins: `PUT /v1/spend/mappings`. */
const MAPPINGS: SpendMappingBody[] = SOURCES.flatMap((source) =>
  source.ad?.join === 'mapping' && source.ad.campaignId && source.utm?.campaign ? [{ campaign: source.utm.campaign, campaignId: source.ad.campaignId, platform: source.ad.platform }] : [],
);

/** What each paid campaign's platform reports for each day `from` … `to`: budgets in proportion to the store's traffic (`scale`). */
function plannedSpend(random: Random, from: string, to: string, scale: number): AdSpendLine[] {
  const spend: AdSpendLine[] = [];
  for (const day of eachDay(from, to)) {
    for (const { ad } of SOURCES) {
      if (!ad) continue;
      spend.push({
        platform: ad.platform,
        account: DEMO_AD_ACCOUNTS[ad.platform],
        day,
        ...(ad.campaignId ? { campaignId: ad.campaignId } : {}),
        campaign: ad.name,
        currency: DEMO_CURRENCY,
        cost: Math.round(random.between(...ad.spend) * 100 * scale),
      });
    }
  }
  return spend;
}

/** `YYYY-MM` `n` months after `month`. */
function addMonth(month: string, n: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The days a store covers, in the tenant's zone: its visitors come on `days` days from `from`, and its spend runs `from` … `to` (`until`'s day). */
export interface DemoSpan {
  from: string;
  to: string;
  days: number;
}

/** The span `demoStore` plans for these options: `days` before `until`'s day, or the calendar months ending with `until`'s. */
export function demoSpan(options: Pick<DemoOptions, 'days' | 'months' | 'until' | 'timezone'>): DemoSpan {
  const to = dayOf(options.until, options.timezone);
  if (options.days !== undefined) {
    if (!Number.isInteger(options.days) || options.days < 1 || options.days > DEMO_MAX_DAYS) throw new RangeError(`days must be a whole number from 1 to ${DEMO_MAX_DAYS}`);
    return { from: dayOf(options.until.getTime() - options.days * DAY, options.timezone), to, days: options.days };
  }
  const months = options.months ?? DEMO_DEFAULTS.months;
  if (!Number.isInteger(months) || months < 1 || months > DEMO_MAX_MONTHS) throw new RangeError(`months must be a whole number from 1 to ${DEMO_MAX_MONTHS}`);
  const from = `${addMonth(to.slice(0, 7), -(months - 1))}-01`;
  // The visitors' days run up to yesterday, as with `days`: today has its spend and what began before it.
  return { from, to, days: Math.max(1, daysBetween(from, to) - 1) };
}

/** The demo store's gross margin, for cohorts' margin per customer and payback (SPEC §13): an outdoor-gear retailer's. */
export const DEMO_GROSS_MARGIN_PERCENT = 45;
/** The default retention (docs/contract.md#privacy-and-the-data-lifecycle), and how long before it ends a day is final (shared/projection/use-cases.ts). */
const DEFAULT_RETENTION_DAYS = 400;
const FINAL_MARGIN_DAYS = 91;

/**
 * What the demo's tenant sets in its configuration (`PATCH /v1/config`)
 * before the store is sent: its gross margin, and a retention long enough
 * that no day of the history is final yet when it arrives. Baton keeps a
 * day's rollups as they are once the day is older than the retention less
 * 91 days, so a history sent today that reaches further back than that
 * (the default 400 days' retention keeps 309 open) would have its first
 * months counted only as far as each person's first projection got.
 */
export function demoConfig(span: DemoSpan): { retentionDays: number; grossMarginPercent: number } {
  const needed = daysBetween(span.from, span.to) + FINAL_MARGIN_DAYS + 30;
  return { retentionDays: needed <= DEFAULT_RETENTION_DAYS ? DEFAULT_RETENTION_DAYS : Math.ceil(needed / 365) * 365, grossMarginPercent: DEMO_GROSS_MARGIN_PERCENT };
}

/** A customer after their first order: who they are, what brought them, and how they bought. */
interface Customer {
  visitor: number;
  records: PersonRecords;
  customer: { id: number; email: string };
  anonymousId: string;
  /** The last source before the first order that was not a direct visit (what last_non_direct credits). */
  source: Source;
  firstAt: number;
  channel: 'web' | 'draft';
  rep?: string;
}

/** Where a returning customer comes back from before a reorder, as relative weights (a reorder without a touch is a bookmark or the app). */
const RETURNING_FROM: Array<{ source: Source; weight: number }> = [
  { source: SOURCES.find((source) => source.utm?.campaign === 'weekly-newsletter')!, weight: 40 },
  { source: SOURCES.find((source) => source.channel === 'Direct')!, weight: 25 },
  { source: SOURCES.find((source) => source.channel === 'Organic Search')!, weight: 15 },
  { source: SOURCES.find((source) => source.utm?.campaign === 'retargeting')!, weight: 10 },
  { source: SOURCES.find((source) => source.utm?.campaign === 'Brand Search')!, weight: 10 },
];

/**
 * How often a customer comes back, month by month after their first order's
 * (offset 0 is the rest of that month): a loyal customer (7% of an average
 * source's) four months in five until they drift off (3% a month); a
 * returning one (45%) often at first and less each month; the rest never.
 * Scaled by the source's loyalty, an average source's customers reorder
 * about 25% in month 1, 19% in month 2, 10% by month 5 and 5% a year on.
 */
const LOYAL = 0.07;
const RETURNING = 0.45;
function reorderChance(kind: 'loyal' | 'returning', offset: number): number {
  if (kind === 'loyal') return offset === 0 ? 0.25 : 0.8;
  return offset === 0 ? 0.08 : 0.45 * 0.72 ** (offset - 1);
}

type Random = ReturnType<typeof generator>;

/** Plans the whole store; the same options give the same store. */
export function demoStore(options: DemoOptions): DemoStore {
  if (!Number.isInteger(options.visitorsPerDay) || options.visitorsPerDay < 1 || options.visitorsPerDay > 2000) throw new RangeError('visitors per day must be a whole number from 1 to 2000');
  const span = demoSpan(options);
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  // Two streams: `random` plans each visitor's first journey, `later` what customers do after their first order
  // (and the warranty claims), so a longer history adds later orders without changing the first ones.
  const random = generator(seed);
  const later = generator(seed ^ 0x5a17_c0de);
  const until = options.until.getTime();
  const untilMonth = span.to.slice(0, 7);
  // Spend: every paid campaign, every day of the period in the tenant's zone (the ad accounts' zone too).
  const store: DemoStore = {
    spend: plannedSpend(random, span.from, span.to, options.visitorsPerDay / SPEND_REFERENCE_VISITORS),
    mappings: MAPPINGS.map((mapping) => ({ ...mapping })),
    people: [],
  };
  const newPerson = (at: number): PersonRecords => {
    const person: PersonRecords = { day: dayOf(at, options.timezone), touches: [], identities: [], stages: [], salesTouches: [], deliveries: [] };
    store.people.push(person);
    return person;
  };
  const happened = (ms: number) => ms <= until;
  const customers: Customer[] = [];
  let orderNumber = 0;
  let cancelled = false;

  interface OrderInput {
    records: PersonRecords;
    at: number;
    customer?: { id: number; email: string };
    anonymousId?: string;
    landing?: TouchBody;
    channel: 'web' | 'draft' | 'pos';
    rep?: string;
    /** The stream that sizes it and decides its refund or cancellation. */
    random: Random;
    /** Its line's price range in cents; by default the channel's. */
    range?: [number, number];
    title?: string;
    /** The share of web orders cancelled (besides the first that can be). */
    cancelRate?: number;
  }
  /** An order, and perhaps its refund (soon, or a warranty claim months later) or cancellation; nothing if it would come after `until`. */
  const order = (input: OrderInput): boolean => {
    if (!happened(input.at)) return false;
    const random = input.random;
    orderNumber += 1;
    const id = 6_100_000_000 + orderNumber;
    const [low, high] = input.range ?? (input.channel === 'draft' ? [420_00, 2_400_00] : input.channel === 'pos' ? [25_00, 180_00] : [35_00, 390_00]);
    const gross = Math.round(random.between(low, high) / 100) * 100 - 1;
    const discount = input.channel === 'web' && random.chance(0.25) ? Math.round(gross * 0.1) : input.channel === 'draft' && random.chance(0.4) ? Math.round(gross * 0.05) : 0;
    const net = gross - discount;
    const tax = Math.round(net * 0.08);
    const shipping = input.channel === 'pos' ? 0 : net >= 150_00 ? 0 : 599;
    const landingUrl = input.landing?.url ? new URL(input.landing.url) : undefined;
    const payload: Record<string, unknown> = {
      id,
      name: `#${1000 + orderNumber}`,
      created_at: iso(input.at),
      processed_at: iso(input.at),
      currency: DEMO_CURRENCY,
      financial_status: 'paid',
      email: input.customer?.email ?? null,
      customer: input.customer ? { id: input.customer.id, email: input.customer.email } : null,
      total_line_items_price: money(gross),
      total_discounts: money(discount),
      subtotal_price: money(net),
      total_tax: money(tax),
      taxes_included: false,
      total_shipping_price_set: { shop_money: { amount: money(shipping), currency_code: DEMO_CURRENCY } },
      total_price: money(net + tax + shipping),
      source_name: input.channel === 'web' ? 'web' : input.channel === 'pos' ? 'pos' : 'shopify_draft_order',
      user_id: input.rep ?? null,
      landing_site: landingUrl ? `${landingUrl.pathname}${landingUrl.search}` : null,
      referring_site: input.landing?.referrer ?? null,
      note_attributes:
        input.anonymousId && input.landing
          ? [
              { name: '_baton_aid', value: input.anonymousId },
              { name: '_baton_landed_at', value: input.landing.occurredAt },
            ]
          : [],
      line_items: [{ id: id * 10, title: input.title ?? (input.channel === 'draft' ? 'Expedition kit (quote)' : 'Trail gear'), price: money(gross), quantity: 1 }],
    };
    const records = input.records;
    records.deliveries.push({ topic: 'orders/create', eventId: `demo-order-${id}`, occurredAt: iso(input.at), payload });
    const refund = (at: number, share: number, note: string) => {
      const subtotal = Math.max(1, Math.round(net * share));
      const refundId = 7_200_000_000 + orderNumber;
      records.deliveries.push({
        topic: 'refunds/create',
        eventId: `demo-refund-${refundId}`,
        occurredAt: iso(at),
        payload: {
          id: refundId,
          order_id: id,
          created_at: iso(at),
          note,
          refund_line_items: [{ id: refundId * 10, quantity: 1, line_item_id: id * 10, subtotal: money(subtotal), total_tax: money(Math.round(subtotal * 0.08)) }],
          order_adjustments: [],
          transactions: [{ id: refundId, kind: 'refund', status: 'success', amount: money(subtotal + Math.round(subtotal * 0.08)), currency: DEMO_CURRENCY }],
        },
      });
    };

    // About one order in twenty comes back in part or in whole; one web order in a hundred and twenty is cancelled (a reorder, one in thirty).
    const returnedAt = input.at + random.between(1, 14) * DAY;
    if (input.channel !== 'pos' && random.chance(0.05) && happened(returnedAt)) {
      const share = random.chance(0.5) ? 1 : random.between(0.2, 0.6);
      refund(returnedAt, share, share === 1 ? 'returned unused' : 'partial return');
    } else if (input.channel === 'web' && (random.chance(input.cancelRate ?? 1 / 120) || !cancelled) && happened(input.at + 6 * HOUR)) {
      // Always at least one: the first web order that can be is cancelled within hours.
      cancelled = true;
      const cancelledAt = iso(input.at + random.between(1, 6) * HOUR);
      records.deliveries.push({
        topic: 'orders/cancelled',
        eventId: `demo-cancel-${id}`,
        occurredAt: cancelledAt,
        payload: { ...payload, cancelled_at: cancelledAt, cancel_reason: 'customer', financial_status: 'voided' },
      });
    } else if (input.channel !== 'pos' && later.chance(0.02)) {
      // A warranty claim, one to five months on: part of the price comes back in a later month.
      const claimedAt = input.at + later.between(30, 150) * DAY;
      if (happened(claimedAt)) refund(claimedAt, later.between(0.2, 0.7), 'warranty claim');
    }
    return true;
  };

  let visitor = 0;
  for (let day = 0; day < span.days; day += 1) {
    const dayStart = startOfDay(addDays(span.from, day), options.timezone);
    const weekday = new Date(dayStart).getUTCDay();
    const growth = 0.8 + (0.4 * day) / span.days;
    const visitors = Math.round(options.visitorsPerDay * growth * (weekday === 0 || weekday === 6 ? 0.75 : 1.1) * random.between(0.85, 1.15));

    // Walk-ins at the till: nobody known, the staff member rings it up.
    if (random.chance(0.6)) {
      const at = dayStart + random.between(10, 18) * HOUR;
      order({ records: newPerson(at), at, channel: 'pos', rep: 'till-1', random });
    }

    for (let v = 0; v < visitors; v += 1) {
      visitor += 1;
      const anonymousId = `demo-visitor-${visitor}`;
      const person = { anonymousId };
      const first = random.weighted(SOURCES, (source) => source.weight);
      let at = dayStart + random.between(7, 23) * HOUR;
      const journey: Array<{ touch: TouchBody; source: Source }> = [];
      const touches = 1 + (random.chance(0.55) ? random.integer(1, 4) : 0);
      for (let t = 0; t < touches && happened(at); t += 1) {
        // Later visits come back through retargeting, the newsletter, search or directly.
        const source =
          t === 0
            ? first
            : random.chance(0.4)
              ? first
              : random.weighted(SOURCES, (candidate) =>
                  candidate.utm?.campaign === 'retargeting' || candidate.channel === 'Direct' || candidate.utm?.campaign === 'weekly-newsletter' ? candidate.weight * 3 : candidate.weight,
                );
        const touch: TouchBody = {
          touchId: `demo-touch-${visitor}-${t}`,
          occurredAt: iso(at),
          person,
          kind: source.kind,
          url: campaignUrl(source, random.pick(LANDING_PAGES), `demo${visitor}x${t}`),
          ...(source.referrer ? { referrer: source.referrer } : {}),
        };
        journey.push({ touch, source });
        at += random.chance(0.5) ? random.between(0.2, 20) * HOUR : random.between(1, 12) * DAY;
      }
      if (journey.length === 0) continue;
      const records = newPerson(Date.parse(journey[0]!.touch.occurredAt));
      records.touches.push(...journey.map((step) => step.touch));
      const customer = { id: 8_800_000 + visitor, email: `hiker${visitor}@mail.example` };
      const customerPerson = { customerId: String(customer.id) };
      const last = journey[journey.length - 1]!.touch;
      const lastAt = Date.parse(last.occurredAt);
      const broughtBy = [...journey].reverse().find((step) => step.source.channel !== 'Direct')?.source ?? first;
      const bought = (at: number, channel: 'web' | 'draft', rep?: string) =>
        customers.push({ visitor, records, customer, anonymousId, source: broughtBy, firstAt: at, channel, ...(rep ? { rep } : {}) });

      if (!random.chance(0.3)) {
        // Not a lead: one in ten buys on the web shop straight away.
        const boughtAt = lastAt + random.between(3, 40) * 60_000;
        if (random.chance(0.1) && happened(boughtAt) && order({ records, at: boughtAt, customer, anonymousId, landing: last, channel: 'web', random })) bought(boughtAt, 'web');
        continue;
      }

      // A lead: signs up after one of the touches, and is known from then on.
      const lead = journey[random.integer(0, journey.length - 1)]!;
      const leadAt = Date.parse(lead.touch.occurredAt) + random.between(2, 30) * 60_000;
      if (!happened(leadAt)) continue;
      records.identities.push({ anonymousId, customerId: customerPerson.customerId, email: customer.email, occurredAt: iso(leadAt) });
      records.stages.push({ person: customerPerson, stage: 'lead', occurredAt: iso(leadAt) });
      const acquiring = lead.source;

      if (!random.chance(acquiring.qualifyRate)) {
        const boughtAt = lastAt + random.between(1, 72) * HOUR;
        if (random.chance(0.2) && happened(boughtAt) && order({ records, at: boughtAt, customer, anonymousId, landing: last, channel: 'web', random })) bought(boughtAt, 'web');
        continue;
      }
      const qualifiedAt = Math.max(leadAt, lastAt) + random.between(1, 60) * HOUR;
      if (!happened(qualifiedAt)) continue;
      records.stages.push({ person: customerPerson, stage: 'qualified', occurredAt: iso(qualifiedAt) });

      const rep = random.pick(REPS);
      const reached = random.chance(0.88);
      const disqualify = (at: number, reason: DisqualificationReason) => {
        if (happened(at)) records.stages.push({ person: customerPerson, stage: 'disqualified', occurredAt: iso(at), reason });
      };
      if (!reached) {
        if (random.chance(0.4)) disqualify(qualifiedAt + random.between(3, 10) * DAY, 'unreachable');
        continue;
      }
      let salesAt = qualifiedAt + (random.chance(rep.sameDay) ? random.between(0.3, 20) : random.between(25, 96)) * HOUR;
      const steps = random.integer(1, 3);
      for (let s = 0; s < steps && happened(salesAt); s += 1) {
        records.salesTouches.push({
          touchId: `demo-sales-${visitor}-${s}`,
          occurredAt: iso(salesAt),
          person: customerPerson,
          kind: s === 0 ? 'sales_call' : random.pick(['sales_email', 'demo', 'sales_meeting', 'quote'] as const),
          rep: rep.id,
        });
        salesAt += random.between(4, 72) * HOUR;
      }
      const outcome = random.next();
      if (outcome < rep.closeRate) {
        const orderAt = salesAt + random.between(1, 48) * HOUR;
        if (happened(orderAt) && order({ records, at: orderAt, customer, channel: 'draft', rep: rep.id, random })) bought(orderAt, 'draft', rep.id);
      } else if (outcome < rep.closeRate + 0.35) {
        disqualify(
          salesAt + random.between(1, 48) * HOUR,
          random.weighted(Object.keys(acquiring.reasons) as DisqualificationReason[], (reason) => acquiring.reasons[reason]),
        );
      }
    }
  }

  // Customers come back: month by month after their first order, as their kind and what brought them make likely.
  for (const customer of customers) {
    const loyalty = customer.source.loyalty;
    let kind: 'loyal' | 'returning' | undefined = later.chance(LOYAL * loyalty) ? 'loyal' : later.chance(Math.min(0.9, RETURNING * loyalty)) ? 'returning' : undefined;
    const firstMonth = dayOf(customer.firstAt, options.timezone).slice(0, 7);
    let reorders = 0;
    for (let offset = 0; kind && addMonth(firstMonth, offset) <= untilMonth; offset += 1) {
      // Loyal customers drift off too, and then come back less and less like the others.
      if (kind === 'loyal' && offset > 0 && later.chance(0.03)) kind = 'returning';
      if (!later.chance(Math.min(0.95, reorderChance(kind, offset) * (0.75 + 0.25 * loyalty)))) continue;
      const month = addMonth(firstMonth, offset);
      let at: number;
      if (offset === 0) {
        at = customer.firstAt + later.between(2, 20) * DAY;
        if (dayOf(at, options.timezone).slice(0, 7) !== month) continue;
      } else {
        const length = daysBetween(`${month}-01`, `${addMonth(month, 1)}-01`) - 1;
        at = startOfDay(addDays(`${month}-01`, later.integer(0, length - 1)), options.timezone) + later.between(7, 22) * HOUR;
      }
      if (!happened(at)) break;
      reorders += 1;
      const basket = customer.source.basket;
      if (customer.channel === 'draft' && customer.rep && later.chance(0.4)) {
        // A rep's customer restocks through their rep: an email or a quote, then the draft order.
        const salesAt = at - later.between(4, 72) * HOUR;
        customer.records.salesTouches.push({
          touchId: `demo-sales-${customer.visitor}-r${reorders}`,
          occurredAt: iso(salesAt),
          person: { customerId: String(customer.customer.id) },
          kind: later.pick(['sales_email', 'quote', 'sales_call'] as const),
          rep: customer.rep,
        });
        order({
          records: customer.records,
          at,
          customer: customer.customer,
          channel: 'draft',
          rep: customer.rep,
          random: later,
          range: [Math.round(200_00 * basket), Math.round(1_200_00 * basket)],
          title: 'Restock (quote)',
        });
        continue;
      }
      // A web reorder, mostly after a visit from the newsletter, a bookmark, a search or an ad.
      let landing: TouchBody | undefined;
      if (later.chance(0.75)) {
        const source = later.weighted(RETURNING_FROM, (from) => from.weight).source;
        landing = {
          touchId: `demo-touch-${customer.visitor}-r${reorders}`,
          occurredAt: iso(at - later.between(3, 40) * 60_000),
          person: { anonymousId: customer.anonymousId },
          kind: source.kind,
          url: campaignUrl(source, later.pick(LANDING_PAGES), `demo${customer.visitor}r${reorders}`),
          ...(source.referrer ? { referrer: source.referrer } : {}),
        };
        customer.records.touches.push(landing);
      }
      order({
        records: customer.records,
        at,
        customer: customer.customer,
        anonymousId: customer.anonymousId,
        ...(landing ? { landing } : {}),
        channel: 'web',
        random: later,
        range: [Math.round(30_00 * basket), Math.round(320_00 * basket)],
        title: 'Trail gear (reorder)',
        cancelRate: 1 / 30,
      });
    }
  }

  const byTime = <T extends { occurredAt: string }>(list: T[]) => list.sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : a.occurredAt > b.occurredAt ? 1 : 0));
  for (const person of store.people) {
    byTime(person.touches);
    byTime(person.salesTouches);
    byTime(person.deliveries);
  }
  store.people = store.people.filter((person) => personRecordCount(person) > 0).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  return store;
}
