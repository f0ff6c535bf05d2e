import { describe, expect, it } from 'vitest';
import { CollectAnswerSchema } from '../../shared/api/responses/recording.ts';
import { CollectQuerySchema, collect } from '../../shared/collect/collect.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const SHOP = 'https://shop.example';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
/** What Debian's Chromium says of itself when run headless, as a developer testing a page runs it. */
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';

let sequence = 0;
const id = () => `evt${(sequence += 1).toString().padStart(8, '0')}`;
const page = (anonymousId: string, url: string, extra: Record<string, unknown> = {}) => ({ type: 'page', eventId: id(), occurredAt: '2026-11-20T10:00:00Z', anonymousId, url, referrer: '', ...extra });

async function store(config: Partial<TenantRecord['config']> = {}): Promise<{ deps: MemoryStores; tenant: TenantRecord }> {
  const deps = memoryStores();
  const { tenant } = await memoryTenant(deps);
  return { deps, tenant: { ...tenant, config: { ...tenant.config, allowedOrigins: [SHOP], ...config } } };
}

/** Everything the stores hold for the tenant, as plain data, to compare two runs. */
function held(deps: MemoryStores, tenant: TenantRecord): unknown {
  return JSON.parse(JSON.stringify(deps.table.of(tenant.tenantId), (_key, value) => (value instanceof Map || value instanceof Set ? [...value] : value)));
}

describe('collect with debug', () => {
  it('says a headless browser is a bot by the part of its user agent that matched, for every event, and stores nothing', async () => {
    const { deps, tenant } = await store();
    const events = [page('dev-1', `${SHOP}/?utm_source=google&utm_medium=cpc`), { type: 'page', eventId: 'short' }];
    const answer = await collect(deps, tenant, events, { origin: SHOP, userAgent: HEADLESS }, { debug: true });
    expect(CollectAnswerSchema.parse(answer)).toEqual(answer);
    expect(answer).toMatchObject({ accepted: 0, dropped: { bot: 2, noConsent: 0 }, rejected: [] });
    expect(answer.debug).toMatchObject({ userAgent: HEADLESS, botMatch: 'Headless', consentRequired: false });
    expect(answer.debug?.events.map((event) => [event.index, event.eventId, event.outcome])).toEqual([
      [0, events[0]!.eventId, 'bot'],
      [1, 'short', 'bot'],
    ]);
    expect(answer.debug?.events[0]?.reason).toMatch(/matched "Headless".*HeadlessChrome/);
    expect(deps.table.of(tenant.tenantId).people.size).toBe(0);
  });

  it('says an empty user agent counts as a bot’s', async () => {
    const { deps, tenant } = await store();
    const answer = await collect(deps, tenant, [page('dev-2', `${SHOP}/`)], { origin: SHOP, userAgent: '  ' }, { debug: true });
    expect(answer.debug).toMatchObject({ botMatch: null, events: [{ index: 0, outcome: 'bot', reason: expect.stringMatching(/no User-Agent/) }] });
  });

  it('tells each event of a browser’s request what became of it: kept, ignored, without consent, repeated, invalid, linked', async () => {
    const { deps, tenant } = await store({ consentRequired: true });
    const ad = page('b-1', `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=winter`, { consent: true });
    const events = [
      ad,
      page('b-1', `${SHOP}/?utm_source=bing&utm_medium=cpc`),
      page('b-1', `${SHOP}/products/shoes`, { consent: true }),
      page('b-1', `${SHOP}/thank-you`, { consent: true, referrer: 'https://www.paypal.com/checkoutnow?token=x' }),
      ad,
      { type: 'page', eventId: id(), occurredAt: 'yesterday', anonymousId: 'b-1', consent: true },
      { type: 'identify', eventId: id(), occurredAt: '2026-11-20T10:05:00Z', anonymousId: 'b-1', customerId: 'cust-1', consent: true },
      { type: 'checkout', eventId: id(), occurredAt: '2026-11-20T10:10:00Z', anonymousId: 'b-1', orderId: ' 1001 ', started: true, consent: true },
    ];
    const answer = await collect(deps, tenant, events, { origin: SHOP, userAgent: CHROME }, { debug: true });
    expect(answer).toMatchObject({ accepted: 4, duplicates: 1, ignored: 2, dropped: { bot: 0, noConsent: 1 } });
    expect(answer.debug).toMatchObject({ userAgent: CHROME, botMatch: null, consentRequired: true });
    expect(answer.debug?.events.map((event) => [event.index, event.type, event.outcome])).toEqual([
      [0, 'page', 'accepted'],
      [1, 'page', 'noConsent'],
      [2, 'page', 'ignored'],
      [3, 'page', 'ignored'],
      [4, 'page', 'duplicate'],
      [5, 'page', 'rejected'],
      [6, 'identify', 'accepted'],
      [7, 'checkout', 'accepted'],
    ]);
    const reasons = answer.debug!.events.map((event) => event.reason);
    expect(reasons[0]).toMatch(/visit touch of Paid Search/);
    expect(reasons[1]).toMatch(/consentRequired/);
    expect(reasons[2]).toMatch(/no utm_ parameter, no click id, no referrer from another site/);
    expect(reasons[3]).toMatch(/referrerExclusions/);
    expect(reasons[4]).toMatch(/earlier in this request/);
    expect(reasons[5]).toMatch(/occurredAt.*url/);
    expect(reasons[7]).toBe('The checkout started: the shopper is qualified. Linked the anonymous id to order 1001.');

    // Sent again: the identify and the checkout were stored before.
    const again = await collect(deps, tenant, events.slice(6), { origin: SHOP, userAgent: CHROME }, { debug: true });
    expect(again.debug?.events.map((event) => [event.index, event.outcome, event.reason])).toEqual([
      [0, 'duplicate', 'These ids were linked before: nothing new to store.'],
      [1, 'duplicate', 'This started checkout was recorded before. Order 1001 was linked to a browser before (the first to name it keeps it).'],
    ]);
  });

  it('stores exactly what it stores without debug, and answers the same counts', async () => {
    const batch = () => [
      page('same-1', `${SHOP}/?utm_source=google&utm_medium=cpc`, { eventId: 'fixed-page-1' }),
      page('same-1', `${SHOP}/plain`, { eventId: 'fixed-page-2' }),
      { type: 'identify', eventId: 'fixed-identify', occurredAt: '2026-11-20T10:05:00Z', anonymousId: 'same-1', email: 'ana@example.com' },
      { type: 'checkout', eventId: 'fixed-checkout', occurredAt: '2026-11-20T10:10:00Z', anonymousId: 'same-1', started: true },
      { type: 'bogus' },
    ];
    const plain = await store();
    const debugged = await store();
    const without = await collect(plain.deps, plain.tenant, batch(), { origin: SHOP, userAgent: CHROME });
    const { debug, ...counts } = await collect(debugged.deps, debugged.tenant, batch(), { origin: SHOP, userAgent: CHROME }, { debug: true });
    expect(without).not.toHaveProperty('debug');
    expect(counts).toEqual(without);
    expect(debug?.events).toHaveLength(5);
    expect(plain.deps.table.of(plain.tenant.tenantId).people.size).toBeGreaterThan(0);
    expect(held(debugged.deps, debugged.tenant)).toEqual(held(plain.deps, plain.tenant));
  });

  it('is asked for with ?debug=true or 1, and is off otherwise', () => {
    expect(['true', '1', 'false', '0', undefined].map((debug) => CollectQuerySchema.parse(debug === undefined ? {} : { debug }).debug)).toEqual([true, true, false, false, false]);
    expect(CollectQuerySchema.safeParse({ debug: 'yes' }).success).toBe(false);
    // Other parameters (a JSON sender's ?key=, a cache-buster) are no reason to refuse events.
    expect(CollectQuerySchema.parse({ key: 'pk_x', t: '123' })).toEqual({ key: 'pk_x', debug: false });
  });
});
