import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CreatedTenant, rotateApiKey } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyGuestOrder, shopifyOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi, tenantStore } from '../support/api.ts';
import { recordRequests } from '../support/requests.ts';

let api: TestApi;
const SHOP = 'https://shop.example';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

beforeAll(async () => {
  api = await TestApi.start({ events: true });
});
afterAll(() => api.close());

async function store(config: Record<string, unknown> = {}): Promise<CreatedTenant> {
  const tenant = await newTenant();
  const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { allowedOrigins: [SHOP], ...config } });
  expect(patched.status, patched.text).toBe(200);
  return tenant;
}

let sequence = 0;
const id = () => `evt${(sequence += 1).toString().padStart(8, '0')}`;
const page = (anonymousId: string, url: string, extra: Record<string, unknown> = {}) => ({ type: 'page', eventId: id(), occurredAt: '2026-11-20T10:00:00Z', anonymousId, url, referrer: '', ...extra });

function collect(body: unknown, options: { origin?: string | null; userAgent?: string; contentType?: string; raw?: string; query?: string } = {}) {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'text/plain;charset=UTF-8', 'user-agent': options.userAgent ?? CHROME };
  if (options.origin !== null) headers.origin = options.origin ?? SHOP;
  return api.request('POST', `/v1/collect${options.query ? `?${options.query}` : ''}`, { body: options.raw ?? JSON.stringify(body), headers });
}

function shopify(tenant: CreatedTenant, topic: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': 'shop.example',
      'x-shopify-event-id': id(),
      'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify),
    },
  });
}

const journey = (tenant: CreatedTenant, query: string) => api.request('GET', `/v1/people/journey?${query}`, { key: tenant.keys.marketing });

describe('POST /v1/collect', () => {
  it('keeps campaign pages as touches, links identify, costs nothing for plain pages, and answers the allowed origin with CORS', async () => {
    const tenant = await store();
    const key = tenant.keys.publishable;
    const response = await collect({
      key,
      events: [
        page('anon-1', `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=brand&gclid=abc`),
        page('anon-1', `${SHOP}/products/shoes`),
        page('anon-1', `${SHOP}/blog`, { referrer: 'https://www.google.com/' }),
        { type: 'identify', eventId: id(), occurredAt: '2026-11-20T10:05:00Z', anonymousId: 'anon-1', url: `${SHOP}/account`, customerId: 'cust-1', email: 'Jane@Example.com' },
      ],
    });
    expect(response.status).toBe(202);
    expect(response.body).toEqual({ accepted: 3, duplicates: 0, ignored: 1, dropped: { bot: 0, noConsent: 0 }, rejected: [] });
    expect(response.headers.get('access-control-allow-origin')).toBe(SHOP);
    const person = await journey(tenant, 'customerId=cust-1');
    expect(person.body.touches.map((touch: { channel: string; consent: string }) => [touch.channel, touch.consent])).toEqual([
      ['Paid Search', 'not_required'],
      ['Organic Search', 'not_required'],
    ]);
    expect(person.text).not.toMatch(/jane@example\.com/i);
  });

  it('stores a replayed event once (a replay rewrites the same record)', async () => {
    const tenant = await store();
    const event = page('anon-2', `${SHOP}/?utm_source=newsletter&utm_medium=email`);
    const first = await collect({ key: tenant.keys.publishable, events: [event, event] });
    const again = await Promise.all([1, 2, 3].map(() => collect({ key: tenant.keys.publishable, events: [event] })));
    expect(first.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(again.map((answer) => answer.status)).toEqual([202, 202, 202]);
    await api.settle();
    expect((await journey(tenant, 'anonymousId=anon-2')).body.touches).toHaveLength(1);
  });

  it('writes nothing for plain pages (no DynamoDB write request) and one batch write for twenty campaign pages', async () => {
    const tenant = await store();
    await collect({ key: tenant.keys.publishable, events: [page('warm', `${SHOP}/`)] });
    // The projector, which reads what collection wrote, is paused: the requests counted are collection's alone.
    const plain = await api.withConsumersPaused(() =>
      recordRequests(() => collect({ key: tenant.keys.publishable, events: Array.from({ length: 50 }, (_, i) => page(`plain-${i}`, `${SHOP}/p/${i}`)) })),
    );
    expect(plain.filter((request) => /Write|Put|Update/.test(request.command))).toEqual([]);
    const campaign = await api.withConsumersPaused(() =>
      recordRequests(() => collect({ key: tenant.keys.publishable, events: Array.from({ length: 20 }, (_, i) => page(`ad-${i}`, `${SHOP}/?utm_source=meta&utm_medium=paid_social&i=${i}`)) })),
    );
    expect(campaign.filter((request) => /Write|Put|Update/.test(request.command)).map((request) => request.command)).toEqual(['BatchWriteItemCommand']);
  });

  it('drops bots and browsers without a user agent whole, storing nothing', async () => {
    const tenant = await store();
    const events = [page('bot-1', `${SHOP}/?utm_source=google&utm_medium=cpc`)];
    const googlebot = await collect({ key: tenant.keys.publishable, events }, { userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' });
    const empty = await collect({ key: tenant.keys.publishable, events }, { userAgent: '' });
    expect(googlebot.body.dropped).toEqual({ bot: 1, noConsent: 0 });
    expect(empty.body.dropped).toEqual({ bot: 1, noConsent: 0 });
    expect((await journey(tenant, 'anonymousId=bot-1')).status).toBe(404);
  });

  it('never makes a referral of a payment page the shopper comes back from', async () => {
    const tenant = await store();
    const answer = await collect({
      key: tenant.keys.publishable,
      events: [
        page('pay-1', `${SHOP}/thank-you`, { referrer: 'https://www.paypal.com/checkoutnow?token=x' }),
        page('pay-1', `${SHOP}/thank-you`, { referrer: 'https://checkout.stripe.com/c/pay/cs_live_x' }),
      ],
    });
    expect(answer.body).toMatchObject({ accepted: 0, ignored: 2 });
  });

  it('with consent required, stores nothing of an event without consent and says under which consent it stored the rest', async () => {
    const tenant = await store({ consentRequired: true });
    const answer = await collect({
      key: tenant.keys.publishable,
      events: [
        page('c-1', `${SHOP}/?utm_source=google&utm_medium=cpc`),
        page('c-1', `${SHOP}/?utm_source=bing&utm_medium=cpc`, { consent: false }),
        page('c-2', `${SHOP}/?utm_source=bing&utm_medium=cpc`, { consent: true }),
      ],
    });
    expect(answer.body).toMatchObject({ accepted: 1, dropped: { bot: 0, noConsent: 2 } });
    expect((await journey(tenant, 'anonymousId=c-1')).status).toBe(404);
    expect((await journey(tenant, 'anonymousId=c-2')).body.touches).toEqual([expect.objectContaining({ consent: 'granted', channel: 'Paid Search' })]);
  });

  it('applies consentRequired, allowedOrigins and a key’s revocation to the very next request (no cached settings)', async () => {
    const tenant = await store();
    expect((await collect({ key: tenant.keys.publishable, events: [page('lag-1', `${SHOP}/?utm_source=google&utm_medium=cpc`)] })).body).toMatchObject({ accepted: 1 });
    expect((await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { consentRequired: true } })).status).toBe(200);
    const right = await collect({ key: tenant.keys.publishable, events: [page('lag-2', `${SHOP}/?utm_source=google&utm_medium=cpc`)] });
    expect(right.body).toMatchObject({ accepted: 0, dropped: { noConsent: 1 } });
    expect((await journey(tenant, 'anonymousId=lag-2')).status).toBe(404);
    expect((await journey(tenant, 'anonymousId=lag-1')).body.touches).toEqual([expect.objectContaining({ consent: 'not_required' })]);

    expect((await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { allowedOrigins: ['https://other.example'] } })).status).toBe(200);
    expect((await collect({ key: tenant.keys.publishable, events: [page('lag-3', `${SHOP}/?utm_source=x&utm_medium=cpc`, { consent: true })] })).status).toBe(403);

    expect((await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { allowedOrigins: [SHOP] } })).status).toBe(200);
    await rotateApiKey(tenantStore(), tenant.tenantId, 'publishable', new Date(), 0);
    expect((await collect({ key: tenant.keys.publishable, events: [page('lag-4', `${SHOP}/?utm_source=x&utm_medium=cpc`, { consent: true })] })).status).toBe(401);
  });

  it('a store without a sales team: started checkouts are the qualified, orders pick up the baton, abandoned checkouts are dropped', async () => {
    const tenant = await store({ salesTeam: false });
    const started = (anonymousId: string, occurredAt: string) => ({ type: 'checkout', started: true, eventId: id(), occurredAt, anonymousId, url: `${SHOP}/checkouts/cn/x/information`, referrer: '' });
    const first = started('shopper-1', '2026-11-20T10:00:00Z');
    const answer = await collect({
      key: tenant.keys.publishable,
      events: [page('shopper-1', `${SHOP}/?utm_source=google&utm_medium=cpc&utm_campaign=winter`), first, first, started('shopper-2', '2026-11-20T11:00:00Z')],
    });
    expect(answer.body).toMatchObject({ accepted: 3, duplicates: 1, rejected: [] });
    // Sent again (a beacon retried): stored once.
    expect((await collect({ key: tenant.keys.publishable, events: [first] })).body).toMatchObject({ accepted: 0, duplicates: 1 });
    const order = { transactionId: 'store-order-1', kind: 'order', occurredAt: '2026-11-20T10:20:00Z', person: { anonymousId: 'shopper-1' }, currency: 'USD', gross: '50.00' };
    expect((await api.request('POST', '/v1/transactions', { key: tenant.keys.ingest, json: order })).status).toBe(201);
    await api.settle();
    const handoffs = await api.request('GET', '/v1/handoffs?from=2026-11-01&to=2026-11-30', { key: tenant.keys.marketing });
    expect(handoffs.body).toMatchObject({
      pickedUpBy: 'checkout',
      slaHours: 24,
      qualified: 2,
      contacted: 1,
      withinSla: 1,
      dropped: [{ identifiers: ['a:shopper-2'], qualifiedAt: '2026-11-20T11:00:00.000Z' }],
    });
    const funnel = await api.request('GET', '/v1/funnel?from=2026-11-01&to=2026-11-30&groupBy=campaign', { key: tenant.keys.marketing });
    expect(funnel.body.totals).toMatchObject({ acquired: 2, qualified: 2, customers: 1 });
    // The started checkout passed the baton: the order's boundary is its start, not the order.
    const attribution = await api.request('GET', '/v1/transactions/store-order-1/attribution', { key: tenant.keys.marketing });
    expect(attribution.body.boundary).toEqual({ at: '2026-11-20T10:00:00.000Z', reason: 'qualified' });
    // A checkout event that neither names an order nor started is refused, naming the field.
    const bad = await collect({
      key: tenant.keys.publishable,
      events: [
        { type: 'checkout', eventId: id(), occurredAt: '2026-11-20T10:00:00Z', anonymousId: 'shopper-3' },
        { ...page('shopper-3', `${SHOP}/`), started: true },
      ],
    });
    expect(bad.body.rejected.map((entry: { index: number; errors: Array<{ path: string }> }) => [entry.index, entry.errors.map((error) => error.path)])).toEqual([
      [0, ['orderId']],
      [1, ['started']],
    ]);
  });

  it('rejects each bad event on its own with its index and reasons', async () => {
    const tenant = await store();
    const answer = await collect({
      key: tenant.keys.publishable,
      events: [
        page('b-1', `${SHOP}/?utm_source=x&utm_medium=cpc`),
        { type: 'page', eventId: 'short', occurredAt: 'yesterday', anonymousId: 'b-1' },
        { type: 'checkout', eventId: id(), occurredAt: '2026-11-20T10:00:00Z', anonymousId: 'b-1' },
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected.map((entry: { index: number; errors: Array<{ path: string }> }) => [entry.index, entry.errors.map((error) => error.path).sort()])).toEqual([
      [1, ['eventId', 'occurredAt', 'url']],
      [2, ['orderId']],
    ]);
  });

  it('answers CORS preflights for allowed origins only', async () => {
    const tenant = await store();
    const allowed = await api.request('OPTIONS', `/v1/collect?key=${tenant.keys.publishable}`, {
      headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(allowed.headers.get('access-control-allow-headers')).toBe('content-type');
    const other = await api.request('OPTIONS', `/v1/collect?key=${tenant.keys.publishable}`, { headers: { origin: 'https://evil.example' } });
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it.each([
    ['an origin the tenant does not allow', { origin: 'https://evil.example' }, 403],
    ['no origin (not a browser)', { origin: null }, 403],
  ] as const)('refuses %s with 403 and no CORS headers', async (_name, options, status) => {
    const tenant = await store();
    const response = await collect({ key: tenant.keys.publishable, events: [page('o-1', `${SHOP}/?utm_source=x&utm_medium=cpc`)] }, options);
    expect(response.status).toBe(status);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers an unknown key, another scope’s key and a rotated-out key with 401', async () => {
    const tenant = await store();
    const events = [page('k-1', `${SHOP}/?utm_source=x&utm_medium=cpc`)];
    expect((await collect({ key: 'pk_unknown', events })).status).toBe(401);
    expect((await collect({ key: tenant.keys.ingest, events })).status).toBe(401);
    const rotated = await rotateApiKey(tenantStore(), tenant.tenantId, 'publishable', new Date(), 0);
    expect((await collect({ key: tenant.keys.publishable, events })).status).toBe(401);
    expect((await collect({ key: rotated.key, events })).status).toBe(202);
  });

  it('keeps a rotated-out key working through its overlap window', async () => {
    const tenant = await store();
    const rotated = await rotateApiKey(tenantStore(), tenant.tenantId, 'publishable', new Date(), 24);
    const events = [page('k-2', `${SHOP}/?utm_source=x&utm_medium=cpc`)];
    expect((await collect({ key: tenant.keys.publishable, events })).status).toBe(202);
    expect((await collect({ key: rotated.key, events: [page('k-2', `${SHOP}/?utm_source=y&utm_medium=cpc`)] })).status).toBe(202);
  });

  it('lets a publishable key do nothing else: every other route answers 401 or 403', async () => {
    const tenant = await store();
    for (const [method, path] of [
      ['GET', '/v1/config'],
      ['POST', '/v1/touches'],
      ['GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30'],
      ['GET', '/v1/transactions/x'],
    ] as const) {
      const response = await api.request(method, path, { key: tenant.keys.publishable, ...(method === 'POST' ? { json: { touches: [] } } : {}) });
      expect([401, 403], `${method} ${path}`).toContain(response.status);
    }
    const exported = await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30', { key: tenant.keys.publishable });
    expect(exported.status).toBe(403);
  });

  it.each([
    ['more than 50 events', { events: 51 }, 400],
    ['no events', { events: 0 }, 400],
    ['malformed JSON', { raw: '{"key": "pk_x", "events": [' }, 400],
    ['a duplicated key', { raw: '{"key":"pk_x","key":"pk_y","events":[]}' }, 400],
    ['a body over 1 MiB', { raw: `{"key":"pk_x","events":["${'x'.repeat(1_100_000)}"]}` }, 413],
  ] as const)('answers %s with 400 or 413', async (_name, shape, status) => {
    const tenant = await store();
    const raw = 'raw' in shape ? shape.raw : JSON.stringify({ key: tenant.keys.publishable, events: Array.from({ length: shape.events }, (_, i) => page(`m-${i}`, `${SHOP}/`)) });
    expect((await collect(undefined, { raw })).status).toBe(status);
  });

  it('accepts JSON as well as text/plain', async () => {
    const tenant = await store();
    const response = await collect({ key: tenant.keys.publishable, events: [page('j-1', `${SHOP}/?utm_source=x&utm_medium=cpc`)] }, { contentType: 'application/json' });
    expect(response.body.accepted).toBe(1);
  });
});

describe('POST /v1/collect?debug=true', () => {
  const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36';

  it('tells a developer testing from a headless browser that its events are dropped as a bot’s, and which part of its user agent matched', async () => {
    const tenant = await store();
    const events = [page('headless-1', `${SHOP}/?utm_source=google&utm_medium=cpc`)];
    const quiet = await collect({ key: tenant.keys.publishable, events }, { userAgent: HEADLESS });
    expect(quiet.body).toEqual({ accepted: 0, duplicates: 0, ignored: 0, dropped: { bot: 1, noConsent: 0 }, rejected: [] });
    const told = await collect({ key: tenant.keys.publishable, events }, { userAgent: HEADLESS, query: 'debug=true' });
    expect(told.status).toBe(202);
    expect(told.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(told.body).toMatchObject({ accepted: 0, dropped: { bot: 1, noConsent: 0 }, debug: { userAgent: HEADLESS, botMatch: 'Headless', consentRequired: false } });
    expect(told.body.debug.events).toEqual([{ index: 0, eventId: events[0]!.eventId, type: 'page', outcome: 'bot', reason: expect.stringContaining('matched "Headless"') }]);
    expect((await journey(tenant, 'anonymousId=headless-1')).status).toBe(404);
  });

  it('says which events consent kept out and which pages carried no campaign signal, and stores what it stores without debug', async () => {
    const tenant = await store({ consentRequired: true });
    const response = await collect(
      {
        key: tenant.keys.publishable,
        events: [
          page('debug-1', `${SHOP}/?utm_source=newsletter&utm_medium=email`, { consent: true }),
          page('debug-1', `${SHOP}/?utm_source=bing&utm_medium=cpc`),
          page('debug-1', `${SHOP}/about`, { consent: true }),
        ],
      },
      { query: 'debug=1', contentType: 'application/json' },
    );
    expect(response.body).toMatchObject({ accepted: 1, ignored: 1, dropped: { bot: 0, noConsent: 1 } });
    expect(response.body.debug.events.map((event: { outcome: string; reason: string }) => [event.outcome, event.reason.split(':')[0]])).toEqual([
      ['accepted', 'A campaign page'],
      ['noConsent', 'The tenant requires consent (consentRequired) and the event does not carry consent'],
      ['ignored', 'A page without a campaign signal (no utm_ parameter, no click id, no referrer from another site)'],
    ]);
    expect((await journey(tenant, 'anonymousId=debug-1')).body.touches).toEqual([expect.objectContaining({ channel: 'Email', consent: 'granted' })]);
  });

  it('refuses a debug value it does not know, naming the parameter, and still answers an unknown key and a foreign origin as always', async () => {
    const tenant = await store();
    const events = [page('debug-2', `${SHOP}/?utm_source=x&utm_medium=cpc`)];
    const unknown = await collect({ key: tenant.keys.publishable, events }, { query: 'debug=yes' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['query.debug']);
    expect((await collect({ key: 'pk_unknown', events }, { query: 'debug=true' })).status).toBe(401);
    const foreign = await collect({ key: tenant.keys.publishable, events }, { query: 'debug=true', origin: 'http://localhost:8080' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.message).toMatch(/Origin http:\/\/localhost:8080 may not collect for this store: add it to allowedOrigins/);
  });
});

describe('checkout stitching', () => {
  const landing = '/?utm_source=google&utm_medium=cpc&utm_campaign=black-friday&gclid=Cj0KCQ';

  async function browse(tenant: CreatedTenant, anonymousId: string) {
    const answer = await collect({ key: tenant.keys.publishable, events: [page(anonymousId, `${SHOP}${landing}`, { occurredAt: '2026-11-10T15:00:00Z' })] });
    expect(answer.body.accepted).toBe(1);
  }
  const checkout = (tenant: CreatedTenant, anonymousId: string, orderId: string) =>
    collect({ key: tenant.keys.publishable, events: [{ type: 'checkout', eventId: id(), occurredAt: '2026-11-10T16:00:00Z', anonymousId, url: `${SHOP}/thank-you`, orderId }] });
  const marketing = async (tenant: CreatedTenant, transactionId: string) => {
    const attribution = await api.request('GET', `/v1/transactions/${transactionId}/attribution`, { key: tenant.keys.marketing });
    expect(attribution.status).toBe(200);
    return attribution.body as { marketing: { touches: Array<{ touchId: string; channel: string }> }; version: number };
  };

  it.each(['checkout first', 'order first', 'both at once'])('joins a guest order to the browser’s journey, %s, re-attributing it once', async (order) => {
    const tenant = await store();
    await browse(tenant, 'guest-1');
    const guestOrder = shopifyGuestOrder({ id: 7400, landing_site: null, referring_site: null });
    if (order === 'checkout first') {
      expect((await checkout(tenant, 'guest-1', '7400')).body.accepted).toBe(1);
      await shopify(tenant, 'orders/create', guestOrder);
    } else if (order === 'order first') {
      await shopify(tenant, 'orders/create', guestOrder);
      await api.settle();
      expect((await checkout(tenant, 'guest-1', '7400')).body.accepted).toBe(1);
    } else {
      await Promise.all([checkout(tenant, 'guest-1', '7400'), shopify(tenant, 'orders/create', guestOrder)]);
    }
    await api.settle();
    const attribution = await marketing(tenant, 'shopify-order-7400');
    expect(attribution.marketing.touches.map((touch) => touch.channel)).toEqual(['Paid Search']);
    const report = (await api.request('GET', '/v1/attribution/report?from=2026-11-10&to=2026-11-10', { key: tenant.keys.marketing })).body;
    expect(report.totals).toEqual([expect.objectContaining({ revenue: 18900, unattributed: 0, transactions: 1 })]);
  });

  it('reads the anonymous id from the order’s cart attributes, and does not double the landing the browser already recorded', async () => {
    const tenant = await store();
    await browse(tenant, 'cart-1');
    await shopify(tenant, 'orders/create', shopifyOrder({ id: 7401, landing_site: landing, note_attributes: [{ name: '_baton_aid', value: 'cart-1' }] }));
    await api.settle();
    const attribution = await marketing(tenant, 'shopify-order-7401');
    expect(attribution.marketing.touches.map((touch) => touch.touchId)).toEqual([expect.stringMatching(/^b-/)]);
  });

  it('without the browser, keeps Shopify’s landing visit on the shop’s host, at the landing time the tracker put in the cart', async () => {
    const tenant = await store();
    await shopify(tenant, 'orders/create', shopifyOrder({ id: 7402, landing_site: landing, note_attributes: [{ name: '_baton_landed_at', value: '2026-11-09T08:00:00Z' }] }));
    await api.settle();
    const person = await journey(tenant, 'customerId=207119551');
    expect(person.body.touches).toEqual([
      expect.objectContaining({ touchId: 'shopify-visit-7402', occurredAt: '2026-11-09T08:00:00.000Z', url: expect.stringMatching(/^https:\/\/shop\.example\/\?utm_source=google/) }),
    ]);
  });
});
