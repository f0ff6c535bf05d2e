import * as z from 'zod';
import { type ChannelInput, deriveChannel, SALES_CHANNEL } from '../channels/channels.ts';
import type { ChannelRule } from '../channels/rule-schema.ts';
import { hostOf, isExcludedHost, isSite } from '../channels/sites.ts';
import { type Identifier, identifiersOf, PersonSchema, scrubText, scrubUrl } from '../identity/identity.ts';
import { parseAmount } from '../money/money.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { contentHash } from './hash.ts';
import { MoneyStringSchema } from './money-schema.ts';
import { InstantSchema } from './time.ts';
import { SALES_KINDS, TOUCH_KINDS, type TouchKind } from './vocabulary.ts';

/** The kinds of touch: their lists live in ./vocabulary.ts, free of Node, for the response schemas too. */
export { MARKETING_KINDS, SALES_KINDS, TOUCH_KINDS, type TouchKind } from './vocabulary.ts';
export type Side = 'marketing' | 'sales';

export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id'] as const;
const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content', 'id'] as const;

export function sideOf(kind: TouchKind): Side {
  return (SALES_KINDS as readonly string[]).includes(kind) ? 'sales' : 'marketing';
}

const UtmValue = z.string().max(500).optional();
export const ClientIdSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\w.:@~+=-]+$/, 'letters, digits and . : @ ~ + = - _ only');

export const TouchInputSchema = z
  .object({
    touchId: ClientIdSchema.optional(),
    occurredAt: InstantSchema,
    person: PersonSchema,
    kind: z.enum(TOUCH_KINDS),
    utm: z.object({ source: UtmValue, medium: UtmValue, campaign: UtmValue, term: UtmValue, content: UtmValue, id: UtmValue }).strict().optional(),
    url: z.string().max(4096).optional(),
    referrer: z.string().max(4096).optional(),
    channel: z.string().trim().min(1).max(64).optional(),
    rep: z.string().trim().min(1).max(200).optional(),
    cost: z.object({ amount: MoneyStringSchema, currency: CurrencySchema }).strict().optional(),
  })
  .strict()
  .superRefine((touch, ctx) => {
    if (touch.cost) {
      try {
        parseAmount(touch.cost.amount, touch.cost.currency);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: ['cost', 'amount'], message: (error as Error).message });
      }
    }
  });

export type TouchInput = z.infer<typeof TouchInputSchema>;

/** A touch as Baton stores it: ids resolved, channel derived, no raw email. */
export interface Touch {
  touchId: string;
  occurredAt: string;
  identifiers: Identifier[];
  kind: TouchKind;
  side: Side;
  channel: string;
  source?: string;
  medium?: string;
  campaign?: string;
  /** `utm_id`: the ad platform's id of the campaign, which spend files carry too (SPEC §12). */
  campaignId?: string;
  term?: string;
  content?: string;
  clickIds?: string[];
  url?: string;
  referrer?: string;
  rep?: string;
  cost?: { amount: number; currency: string };
  /**
   * The order (transactionId) whose landing this visit is, as the storefront
   * reported it with the order: when the browser recorded the same landing,
   * journeys keep the browser's touch and leave this one out.
   */
  landingOf?: string;
  /** Collected from a browser: under which consent (`granted`, or `not_required` by the tenant). */
  consent?: 'granted' | 'not_required';
  /** Hash of what the client sent (touchId aside): same id + other hash = conflict. */
  contentHash: string;
}

/** A utm value as stored: trimmed, lower-cased, with any email address in it taken out (people paste them into utm_term). */
function clean(value: string | undefined): string | undefined {
  const trimmed = value?.trim().toLowerCase();
  return trimmed ? scrubText(trimmed) : undefined;
}

function kindMedium(kind: TouchKind): string | undefined {
  switch (kind) {
    case 'email_open':
    case 'email_click':
      return 'email';
    case 'sms_click':
      return 'sms';
    case 'social':
      return 'social';
    case 'referral':
      return 'referral';
    default:
      return undefined;
  }
}

/**
 * Source, medium and campaign of a touch, as GA4 reads them: the `utm`
 * object if given, else utm_* of `url`; click ids from `url`; without utm,
 * an external referrer gives the source (medium organic for search
 * engines, referral otherwise); the kind hints at the medium last.
 */
export function channelInputOf(
  touch: Pick<TouchInput, 'utm' | 'url' | 'referrer' | 'kind'>,
  referrerExclusions: readonly string[] = [],
): ChannelInput & { term?: string; content?: string; campaignId?: string } {
  let params: URLSearchParams | undefined;
  let landingHost: string | undefined;
  if (touch.url) {
    try {
      const url = new URL(touch.url.includes('://') ? touch.url : `https://${touch.url}`);
      params = url.searchParams;
      landingHost = url.hostname.replace(/^www\./, '').toLowerCase();
    } catch {
      params = undefined;
    }
  }
  const utm = touch.utm ?? Object.fromEntries(UTM_FIELDS.map((field) => [field, params?.get(`utm_${field}`) ?? undefined]));
  const clickIds = CLICK_IDS.filter((id) => (params?.get(id) ?? '').trim() !== '');
  let referrerHost = hostOf(touch.referrer);
  // A page of the store itself, or a payment page the shopper comes back from, is no referral.
  if (referrerHost && (referrerHost === landingHost || isExcludedHost(referrerHost, referrerExclusions))) referrerHost = undefined;
  let source = clean(utm.source);
  let medium = clean(utm.medium);
  const network: Record<string, [string, string]> = {
    gclid: ['google', 'cpc'],
    gbraid: ['google', 'cpc'],
    wbraid: ['google', 'cpc'],
    msclkid: ['bing', 'cpc'],
    fbclid: ['facebook', 'referral'],
    ttclid: ['tiktok', 'cpc'],
    li_fat_id: ['linkedin', 'cpc'],
  };
  // A paid click's id says more than the search page it came through (a gclid click from google.com is Google's paid click, not organic);
  // fbclid is added to every link leaving Facebook, so it says less than the referrer.
  const paidClick = clickIds.find((id) => id !== 'fbclid');
  if (!source && !medium && paidClick) [source, medium] = network[paidClick]!;
  if (!source && !medium && referrerHost) {
    source = referrerHost;
    medium = isSite(referrerHost, 'search') ? 'organic' : 'referral';
  }
  if (!source && clickIds.length > 0) [source, medium] = network[clickIds[0] as string] ?? [undefined, undefined];
  medium ??= kindMedium(touch.kind);
  return {
    ...(source ? { source } : {}),
    ...(medium ? { medium } : {}),
    ...(clean(utm.campaign) ? { campaign: clean(utm.campaign) } : {}),
    ...(clean(utm.term) ? { term: clean(utm.term) } : {}),
    ...(clean(utm.content) ? { content: clean(utm.content) } : {}),
    ...(clean(utm.id) ? { campaignId: clean(utm.id) } : {}),
    ...(referrerHost ? { referrerHost } : {}),
    clickIds,
  };
}

/** The tenant settings a touch's channel is derived with. */
export interface Derivation {
  channelRules: readonly ChannelRule[];
  referrerExclusions: readonly string[];
}

/** The stored form of a valid touch input. */
export function normaliseTouch(input: TouchInput, derivation: Partial<Derivation> = {}): Touch {
  const { touchId: clientId, ...content } = input;
  const hash = contentHash(content);
  const side = sideOf(input.kind);
  const channelRules = derivation.channelRules ?? [];
  const derived = channelInputOf(input, derivation.referrerExclusions);
  const { referrerHost: _host, clickIds, term, content: utmContent, ...utm } = derived;
  const channel = input.channel ?? (side === 'sales' ? SALES_CHANNEL : deriveChannel(derived, channelRules));
  return {
    touchId: clientId ?? `h_${hash}`,
    occurredAt: input.occurredAt,
    identifiers: identifiersOf(input.person),
    kind: input.kind,
    side,
    channel,
    ...utm,
    ...(term ? { term } : {}),
    ...(utmContent ? { content: utmContent } : {}),
    ...(clickIds.length > 0 ? { clickIds: [...clickIds] } : {}),
    ...(input.url ? { url: scrubUrl(input.url) } : {}),
    ...(input.referrer ? { referrer: scrubUrl(input.referrer) } : {}),
    ...(input.rep ? { rep: input.rep } : {}),
    ...(input.cost ? { cost: { amount: parseAmount(input.cost.amount, input.cost.currency), currency: input.cost.currency } } : {}),
    contentHash: hash,
  };
}

/** A landing page as two observers of it would both write it: the path and the sorted query, whatever the host (Shopify's `landing_site` has none). */
export function landingKey(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url.includes('://') ? url : `https://x${url.startsWith('/') ? '' : '/'}${url}`);
    const query = [...parsed.searchParams].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
    return `${parsed.pathname}?${new URLSearchParams(query).toString()}`;
  } catch {
    return undefined;
  }
}

/**
 * The person's touches without the storefront's copy of a landing the
 * browser already recorded: an order's landing visit (`landingOf`) is left
 * out when another marketing touch of the person has the same landing page.
 */
export function withoutDoubledLandings<T extends Pick<Touch, 'url' | 'side' | 'landingOf'>>(touches: readonly T[]): T[] {
  const recorded = new Set(
    touches
      .filter((touch) => !touch.landingOf && touch.side === 'marketing')
      .map((touch) => landingKey(touch.url))
      .filter(Boolean),
  );
  return touches.filter((touch) => !touch.landingOf || !recorded.has(landingKey(touch.url)));
}
