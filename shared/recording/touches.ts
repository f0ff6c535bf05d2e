import * as z from 'zod';
import { deriveChannel, SALES_CHANNEL, type ChannelInput } from '../channels/channels.ts';
import type { ChannelRule } from '../channels/rule-schema.ts';
import { hostOf, isSite } from '../channels/sites.ts';
import { identifiersOf, PersonSchema, scrubText, scrubUrl, type Identifier } from '../identity/identity.ts';
import { parseAmount } from '../money/money.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { contentHash } from './hash.ts';
import { InstantSchema } from './time.ts';
import { MoneyStringSchema } from './money-schema.ts';

export const MARKETING_KINDS = ['impression', 'click', 'visit', 'email_open', 'email_click', 'sms_click', 'social', 'referral'] as const;
export const SALES_KINDS = ['sales_call', 'sales_email', 'sales_meeting', 'demo', 'chat', 'quote'] as const;
export const TOUCH_KINDS = [...MARKETING_KINDS, ...SALES_KINDS] as const;
export type TouchKind = (typeof TOUCH_KINDS)[number];
export type Side = 'marketing' | 'sales';

export const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id'] as const;
const UTM_FIELDS = ['source', 'medium', 'campaign', 'term', 'content'] as const;

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
    utm: z.object({ source: UtmValue, medium: UtmValue, campaign: UtmValue, term: UtmValue, content: UtmValue }).strict().optional(),
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
  term?: string;
  content?: string;
  clickIds?: string[];
  url?: string;
  referrer?: string;
  rep?: string;
  cost?: { amount: number; currency: string };
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
export function channelInputOf(touch: Pick<TouchInput, 'utm' | 'url' | 'referrer' | 'kind'>): ChannelInput & { term?: string; content?: string } {
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
  if (referrerHost && referrerHost === landingHost) referrerHost = undefined; // a page of the store itself
  let source = clean(utm.source);
  let medium = clean(utm.medium);
  if (!source && !medium && referrerHost) {
    source = referrerHost;
    medium = isSite(referrerHost, 'search') ? 'organic' : 'referral';
  }
  if (!source && clickIds.length > 0) {
    const network: Record<string, [string, string]> = {
      gclid: ['google', 'cpc'], gbraid: ['google', 'cpc'], wbraid: ['google', 'cpc'], msclkid: ['bing', 'cpc'],
      fbclid: ['facebook', 'referral'], ttclid: ['tiktok', 'cpc'], li_fat_id: ['linkedin', 'cpc'],
    };
    [source, medium] = network[clickIds[0] as string] ?? [undefined, undefined];
  }
  medium ??= kindMedium(touch.kind);
  return {
    ...(source ? { source } : {}),
    ...(medium ? { medium } : {}),
    ...(clean(utm.campaign) ? { campaign: clean(utm.campaign) } : {}),
    ...(clean(utm.term) ? { term: clean(utm.term) } : {}),
    ...(clean(utm.content) ? { content: clean(utm.content) } : {}),
    ...(referrerHost ? { referrerHost } : {}),
    clickIds,
  };
}

/** The stored form of a valid touch input. */
export function normaliseTouch(input: TouchInput, channelRules: readonly ChannelRule[] = []): Touch {
  const { touchId: clientId, ...content } = input;
  const hash = contentHash(content);
  const side = sideOf(input.kind);
  const derived = channelInputOf(input);
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
