import { isbot } from 'isbot';
import * as z from 'zod';
import type { CollectAnswerSchema } from '../api/responses/recording.ts';
import { ForbiddenError, UnauthenticatedError } from '../errors.ts';
import { EmailSchema, type Identifier, identifiersOf } from '../identity/identity.ts';
import type { RecordStore } from '../recording/ports.ts';
import { linksOf, normaliseStage, type Stage } from '../recording/stages.ts';
import { InstantSchema } from '../recording/time.ts';
import { channelInputOf, normaliseTouch, type Touch } from '../recording/touches.ts';
import { linkCheckout } from '../recording/use-cases.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { issueDetails } from '../validation.ts';

/** The most events one collect request may carry (docs/contract.md#collection-from-the-storefront). */
export const MAX_COLLECT_EVENTS = 50;

const Text = (max: number) => z.string().trim().min(1).max(max);

/**
 * One event from a storefront's browser (docs/contract.md#collection-from-the-storefront). Ids are the browser's
 * own: nothing it sends can name another tenant's records, and nothing but
 * touches, identity links and checkout links can come of it.
 */
export const CollectEventSchema = z
  .object({
    type: z.enum(['page', 'identify', 'checkout']),
    eventId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8 to 64 letters, digits, - or _'),
    occurredAt: InstantSchema,
    anonymousId: z.string().regex(/^[\w.:-]{1,128}$/, 'up to 128 letters, digits, . : - or _'),
    url: z.string().max(4096).optional(),
    referrer: z.string().max(4096).optional(),
    consent: z.boolean().optional(),
    customerId: Text(256).optional(),
    email: EmailSchema.optional(),
    orderId: Text(200).optional(),
    /** A checkout that started (not yet an order): the shopper is `qualified`, the store's handoff to its checkout (docs/contract.md#the-handoff). */
    started: z.boolean().optional(),
  })
  .strict()
  .superRefine((event, ctx) => {
    if (event.type === 'page' && !event.url) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a page event carries its url' });
    if (event.type === 'identify' && !event.customerId && !event.email) ctx.addIssue({ code: 'custom', path: ['customerId'], message: 'an identify event carries customerId or email' });
    if (event.type === 'checkout' && !event.orderId && event.started !== true)
      ctx.addIssue({ code: 'custom', path: ['orderId'], message: 'a checkout event names the order (or says it only started)' });
    if (event.type !== 'checkout' && event.started !== undefined) ctx.addIssue({ code: 'custom', path: ['started'], message: 'only a checkout starts' });
  });

export type CollectEvent = z.infer<typeof CollectEventSchema>;

/** The envelope: the publishable key (in the body, as `sendBeacon` sends no headers) and the events, each checked on its own. */
export const CollectBodySchema = z.object({ key: z.string().min(1).max(200), events: z.array(z.unknown()).min(1).max(MAX_COLLECT_EVENTS) }).strict();

/** What a collect request came to (its schema is the route's answer); a page sent again rewrites the same touch, so counts as accepted. */
export type CollectAnswer = z.infer<typeof CollectAnswerSchema>;

/** Where the browser's request came from, as the edge saw it (its IP is never read). */
export interface CollectContext {
  origin: string | undefined;
  userAgent: string | undefined;
}

/**
 * The CORS answer a tenant gives an origin: only its allowed origins (or
 * `null`, the origin of sandboxed frames such as Shopify's custom pixels,
 * when allowed) get headers; anything else is refused without them.
 */
export function corsHeaders(tenant: Pick<TenantRecord, 'config'>, origin: string | undefined): Record<string, string> | undefined {
  if (!origin || !tenant.config.allowedOrigins.includes(origin.toLowerCase())) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'content-type',
    'access-control-max-age': '86400',
    vary: 'Origin',
  };
}

/** A tenant's origin check: 403 (and no CORS headers) for an origin it does not allow. */
export function requireAllowedOrigin(tenant: Pick<TenantRecord, 'config'>, origin: string | undefined): Record<string, string> {
  const headers = corsHeaders(tenant, origin);
  if (!headers)
    throw new ForbiddenError(origin ? `Origin ${origin} may not collect for this store: add it to allowedOrigins (PATCH /v1/config).` : 'Collection is for browsers: the request has no Origin.');
  return headers;
}

export const unknownPublishableKey = () => new UnauthenticatedError('Unknown or rotated publishable key.');

/** Whether a page carries a campaign signal: utm, a click id, or a referrer from another site that is not a payment page. */
function hasCampaignSignal(event: CollectEvent, tenant: TenantRecord): boolean {
  const signal = channelInputOf({ kind: 'visit', ...(event.url ? { url: event.url } : {}), ...(event.referrer ? { referrer: event.referrer } : {}) }, tenant.config.referrerExclusions);
  return Boolean(signal.source || signal.medium || signal.campaign || signal.term || signal.content || signal.clickIds.length > 0 || signal.referrerHost);
}

/** The touch a campaign page becomes; its id comes from the event, so a replay is the same touch. */
function pageTouch(event: CollectEvent, tenant: TenantRecord): Touch {
  const touch = normaliseTouch(
    {
      touchId: `b-${event.eventId}`,
      occurredAt: event.occurredAt,
      person: { anonymousId: event.anonymousId },
      kind: 'visit',
      ...(event.url ? { url: event.url } : {}),
      ...(event.referrer ? { referrer: event.referrer } : {}),
    },
    tenant.config,
  );
  return { ...touch, consent: tenant.config.consentRequired ? 'granted' : 'not_required' };
}

/**
 * `POST /v1/collect` for a tenant whose publishable key and origin were
 * checked: bots are dropped whole; each event is validated on its own; a
 * page with a campaign signal becomes a touch (other pages cost no write);
 * `identify` links the anonymous id to a customer id or email; `checkout`
 * joins the anonymous id to the order the storefront names, whichever of
 * the two arrives first, and one that only `started` makes the shopper
 * `qualified` (the store's checkout takes the baton). Without consent where the tenant requires it,
 * nothing of the event is stored.
 */
export async function collect(deps: { records: RecordStore }, tenant: TenantRecord, events: unknown[], context: CollectContext): Promise<CollectAnswer> {
  const answer: CollectAnswer = { accepted: 0, duplicates: 0, ignored: 0, dropped: { bot: 0, noConsent: 0 }, rejected: [] };
  // An empty user agent is no browser either (isbot says false for it).
  if (!context.userAgent?.trim() || isbot(context.userAgent)) {
    answer.dropped.bot = events.length;
    return answer;
  }
  const touches: Touch[] = [];
  const identifies: Array<ReturnType<typeof linksOf>> = [];
  const checkouts: CollectEvent[] = [];
  const started: Stage[] = [];
  const seen = new Set<string>();
  events.forEach((item, index) => {
    const parsed = CollectEventSchema.safeParse(item);
    if (!parsed.success) {
      answer.rejected.push({ index, errors: issueDetails(parsed.error) });
      return;
    }
    const event = parsed.data;
    if (seen.has(event.eventId)) {
      answer.duplicates += 1;
      return;
    }
    seen.add(event.eventId);
    if (tenant.config.consentRequired && event.consent !== true) {
      answer.dropped.noConsent += 1;
      return;
    }
    if (event.type === 'page') {
      if (hasCampaignSignal(event, tenant)) touches.push(pageTouch(event, tenant));
      else answer.ignored += 1;
    } else if (event.type === 'identify') {
      const identifiers = identifiersOf({ anonymousId: event.anonymousId, ...(event.customerId ? { customerId: event.customerId } : {}), ...(event.email ? { email: event.email } : {}) });
      identifies.push(linksOf(identifiers, event.occurredAt));
    } else {
      if (event.started) started.push(normaliseStage({ person: { anonymousId: event.anonymousId }, stage: 'qualified', occurredAt: event.occurredAt }));
      if (event.orderId) checkouts.push(event);
    }
  });
  const links = identifies.flat();
  const [, linkOutcomes, checkoutOutcomes, startedOutcomes] = await Promise.all([
    // A page's touch id is its eventId: a replay is the same item, so batches need no guard (and cost one request per 25).
    touches.length > 0 ? deps.records.recordReplayableTouches(tenant.tenantId, touches, tenant.config.retentionDays) : undefined,
    links.length > 0 ? deps.records.recordLinks(tenant.tenantId, links, tenant.config.retentionDays) : [],
    Promise.all(
      checkouts.map(async (event) => {
        const checkout = { externalId: event.orderId!, anonymousId: event.anonymousId, occurredAt: event.occurredAt };
        const { outcome, orderBuyer } = await deps.records.recordCheckout(tenant.tenantId, checkout);
        if (orderBuyer) await linkCheckout(deps, tenant, checkout, orderBuyer as Identifier);
        return outcome;
      }),
    ),
    started.length > 0 ? deps.records.recordStages(tenant.tenantId, started, tenant.config.retentionDays) : [],
  ]);
  // One outcome per event: an identify is stored if any of its links is new.
  let next = 0;
  const identifyOutcomes = identifies.map((eventLinks) => {
    const outcomes = linkOutcomes.slice(next, (next += eventLinks.length));
    return outcomes.includes('stored') ? 'stored' : 'duplicate';
  });
  // A checkout naming an order another browser checked out already is left as it was: the first wins.
  answer.accepted += touches.length;
  for (const outcome of [...identifyOutcomes, ...checkoutOutcomes, ...startedOutcomes]) {
    if (outcome === 'stored') answer.accepted += 1;
    else answer.duplicates += 1;
  }
  return answer;
}
