import { isbotMatch } from 'isbot';
import * as z from 'zod';
import type { CollectAnswerSchema, CollectDebugSchema } from '../api/responses/recording.ts';
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

/**
 * `?debug=true` (or `1`): the answer also says what became of each event and why
 * (docs/collection.md#my-events-do-not-arrive); what is stored is the same. `?key=` is
 * read by the preflight (collect-preflight.ts); the body's key is the one checked here.
 */
export const CollectQuerySchema = z.object({
  key: z.string().optional().describe('The publishable key, for the CORS preflight of a JSON sender; the body’s key is the one checked'),
  debug: z
    .enum(['true', '1', 'false', '0'])
    .optional()
    .transform((value) => value === 'true' || value === '1')
    .describe('true: the answer’s `debug` says what became of each event and why'),
});

/** What a collect request came to (its schema is the route's answer); a page sent again rewrites the same touch, so counts as accepted. */
export type CollectAnswer = z.infer<typeof CollectAnswerSchema>;

type CollectDebug = z.infer<typeof CollectDebugSchema>;
type EventNote = CollectDebug['events'][number];

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
 * Why a request counts as a bot's, or undefined for a browser: isbot's list (a headless
 * browser names itself `HeadlessChrome`), and an empty user agent, which isbot lets through.
 */
function botOf(userAgent: string | undefined): { match: string | null; reason: string } | undefined {
  if (!userAgent?.trim()) return { match: null, reason: 'The request has no User-Agent, so it counts as a bot’s: every event of it is dropped.' };
  const match = isbotMatch(userAgent);
  if (match === null) return undefined;
  return {
    match,
    reason: `The User-Agent is a bot’s by isbot’s list (it matched "${match}"): every event of the request is dropped. A headless browser says HeadlessChrome: give it a desktop browser’s user agent.`,
  };
}

/** An event's index, and its id and type when it has them (a rejected event may not). */
function named(item: unknown, index: number): Pick<EventNote, 'index' | 'eventId' | 'type'> {
  const fields = typeof item === 'object' && item !== null ? (item as Record<string, unknown>) : {};
  return { index, ...(typeof fields.eventId === 'string' ? { eventId: fields.eventId } : {}), ...(typeof fields.type === 'string' ? { type: fields.type } : {}) };
}

const IGNORED = 'A page without a campaign signal (no utm_ parameter, no click id, no referrer from another site): nothing is stored, as for every plain page. A landing from an ad has one.';
const EXCLUDED_REFERRER =
  'A page without a campaign signal: its referrer is the store’s own site, a host in referrerExclusions (payment pages) or no URL, and its url has no utm_ parameter or click id. Nothing is stored.';
const NO_CONSENT = 'The tenant requires consent (consentRequired) and the event does not carry consent: true: nothing of it is stored.';

/** What a request's valid events are to write, and which event each write is for (so its outcome can be told per event). */
interface Writes {
  touches: Touch[];
  identifies: Array<ReturnType<typeof linksOf>>;
  checkouts: CollectEvent[];
  started: Stage[];
  at: Record<'identifies' | 'checkouts' | 'started', number[]>;
}

/**
 * Validates each event on its own and sorts it: rejected, a repeat within the request,
 * without consent, a plain page (counted in `answer`, with a note), or something to write.
 */
function sortOut(events: unknown[], tenant: TenantRecord, answer: CollectAnswer, notes: EventNote[]): Writes {
  const writes: Writes = { touches: [], identifies: [], checkouts: [], started: [], at: { identifies: [], checkouts: [], started: [] } };
  const seen = new Set<string>();
  events.forEach((item, index) => {
    const parsed = CollectEventSchema.safeParse(item);
    if (!parsed.success) {
      const errors = issueDetails(parsed.error);
      answer.rejected.push({ index, errors });
      notes.push({ ...named(item, index), outcome: 'rejected', reason: `Invalid (${errors.map((error) => error.path || 'the event').join(', ')}): see rejected.` });
      return;
    }
    const event = parsed.data;
    const note = { index, eventId: event.eventId, type: event.type };
    if (seen.has(event.eventId)) {
      answer.duplicates += 1;
      notes.push({ ...note, outcome: 'duplicate', reason: 'An event with the same eventId came earlier in this request.' });
      return;
    }
    seen.add(event.eventId);
    if (tenant.config.consentRequired && event.consent !== true) {
      answer.dropped.noConsent += 1;
      notes.push({ ...note, outcome: 'noConsent', reason: NO_CONSENT });
      return;
    }
    if (event.type === 'page') {
      if (hasCampaignSignal(event, tenant)) {
        const touch = pageTouch(event, tenant);
        writes.touches.push(touch);
        notes.push({ ...note, outcome: 'accepted', reason: `A campaign page: kept as a visit touch of ${touch.channel} (sent again, it rewrites the same touch).` });
      } else {
        answer.ignored += 1;
        notes.push({ ...note, outcome: 'ignored', reason: event.referrer ? EXCLUDED_REFERRER : IGNORED });
      }
    } else if (event.type === 'identify') {
      const identifiers = identifiersOf({ anonymousId: event.anonymousId, ...(event.customerId ? { customerId: event.customerId } : {}), ...(event.email ? { email: event.email } : {}) });
      writes.identifies.push(linksOf(identifiers, event.occurredAt));
      writes.at.identifies.push(index);
    } else {
      if (event.started) {
        writes.started.push(normaliseStage({ person: { anonymousId: event.anonymousId }, stage: 'qualified', occurredAt: event.occurredAt }));
        writes.at.started.push(index);
      }
      if (event.orderId) {
        writes.checkouts.push(event);
        writes.at.checkouts.push(index);
      }
    }
  });
  return writes;
}

/**
 * `POST /v1/collect` for a tenant whose publishable key and origin were
 * checked: bots are dropped whole; each event is validated on its own; a
 * page with a campaign signal becomes a touch (other pages cost no write);
 * `identify` links the anonymous id to a customer id or email; `checkout`
 * joins the anonymous id to the order the storefront names, whichever of
 * the two arrives first, and one that only `started` makes the shopper
 * `qualified` (the store's checkout takes the baton). Without consent where the tenant requires it,
 * nothing of the event is stored. With `debug`, the answer also says what
 * became of each event and why; nothing else changes.
 */
export async function collect(deps: { records: RecordStore }, tenant: TenantRecord, events: unknown[], context: CollectContext, options: { debug?: boolean } = {}): Promise<CollectAnswer> {
  const answer: CollectAnswer = { accepted: 0, duplicates: 0, ignored: 0, dropped: { bot: 0, noConsent: 0 }, rejected: [] };
  const notes: EventNote[] = [];
  const bot = botOf(context.userAgent);
  const explained = (): CollectAnswer =>
    options.debug
      ? {
          ...answer,
          debug: {
            userAgent: context.userAgent ?? null,
            botMatch: bot?.match ?? null,
            consentRequired: tenant.config.consentRequired,
            events: notes.sort((a, b) => a.index - b.index),
          },
        }
      : answer;
  if (bot) {
    answer.dropped.bot = events.length;
    notes.push(...events.map((item, index) => ({ ...named(item, index), outcome: 'bot' as const, reason: bot.reason })));
    return explained();
  }
  const { touches, identifies, checkouts, started, at } = sortOut(events, tenant, answer, notes);
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
  if (options.debug) {
    const outcomes = { identifies: identifyOutcomes, checkouts: checkoutOutcomes, started: startedOutcomes };
    const orderIds = checkouts.map((event) => event.orderId!);
    notes.push(...writeNotes(events, at, outcomes, orderIds));
  }
  return explained();
}

/** Per identify and checkout event, what its writes came to (a started checkout that names its order made two). */
function writeNotes(
  events: unknown[],
  at: Record<'identifies' | 'checkouts' | 'started', number[]>,
  outcomes: Record<'identifies' | 'checkouts' | 'started', readonly string[]>,
  orderIds: readonly string[],
): EventNote[] {
  const parts = new Map<number, Array<{ stored: boolean; said: string }>>();
  const add = (index: number, stored: boolean, said: string) => parts.set(index, [...(parts.get(index) ?? []), { stored, said }]);
  at.identifies.forEach((index, i) => {
    const stored = outcomes.identifies[i] === 'stored';
    add(index, stored, stored ? 'Linked the anonymous id to the customer id or email given.' : 'These ids were linked before: nothing new to store.');
  });
  at.started.forEach((index, i) => {
    const stored = outcomes.started[i] === 'stored';
    add(index, stored, stored ? 'The checkout started: the shopper is qualified.' : 'This started checkout was recorded before.');
  });
  at.checkouts.forEach((index, i) => {
    const stored = outcomes.checkouts[i] === 'stored';
    const orderId = orderIds[i];
    add(index, stored, stored ? `Linked the anonymous id to order ${orderId}.` : `Order ${orderId} was linked to a browser before (the first to name it keeps it).`);
  });
  return [...parts].map(([index, made]) => ({
    ...named(events[index], index),
    outcome: made.some((part) => part.stored) ? 'accepted' : 'duplicate',
    reason: made.map((part) => part.said).join(' '),
  }));
}
