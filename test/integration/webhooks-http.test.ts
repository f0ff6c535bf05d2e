import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/lib.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { type CreatedTenant, rotateWebhookSecret } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder, shopifyRefund, stripeCharge, stripeEvent, stripeSession, wooOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi, tenantStore } from '../support/api.ts';

let api: TestApi;
let shop: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  shop = await newTenant();
});
afterAll(() => api.close());

function shopify(topic: string, payload: unknown, options: { secret?: string; eventId?: string; tenant?: CreatedTenant } = {}) {
  const body = JSON.stringify(payload);
  const tenant = options.tenant ?? shop;
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-event-id': options.eventId ?? `ev-${Math.random()}`,
      'x-shopify-hmac-sha256': sign.base64(body, options.secret ?? tenant.webhookSecrets.shopify),
    },
  });
}

function woo(topic: string, payload: unknown, secret = shop.webhookSecrets.woocommerce) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/woocommerce/${shop.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': topic, 'x-wc-webhook-delivery-id': String(Math.random()), 'x-wc-webhook-signature': sign.base64(body, secret) },
  });
}

function stripe(payload: unknown, options: { at?: Date; secret?: string } = {}) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/stripe/${shop.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': sign.timestamped(body, options.secret ?? shop.webhookSecrets.stripe, options.at) },
  });
}

const show = (id: string) => api.request('GET', `/v1/transactions/${id}`, { key: shop.keys.finance });

describe('Shopify', () => {
  it('turns orders/create into an order with exact amounts and its landing visit into a touch', async () => {
    const response = await shopify('orders/create', shopifyOrder());
    expect(response.status).toBe(200);
    expect(response.body.transactions).toEqual([{ transactionId: 'shopify-order-450789469', outcome: 'stored', status: 'counted' }]);
    const order = await show('shopify-order-450789469');
    expect(order.body).toMatchObject({
      provider: 'shopify',
      externalId: '450789469',
      kind: 'order',
      occurredAt: '2026-11-10T16:00:00.000Z',
      currency: 'USD',
      gross: 19900,
      discount: 1000,
      net: 18900,
      tax: 1134,
      shipping: 1000,
      total: 21034,
      salesChannel: 'online_store',
    });
    const journey = await api.request('GET', '/v1/people/journey?customerId=207119551', { key: shop.keys.marketing });
    expect(journey.body.touches).toEqual([expect.objectContaining({ touchId: 'shopify-visit-450789469', channel: 'Paid Search', campaign: 'black-friday', source: 'google' })]);
  });

  it('deduplicates a retried delivery by event id and orders/paid by the order id', async () => {
    const payload = shopifyOrder({ id: 1001 });
    await shopify('orders/create', payload, { eventId: 'evt-1001' });
    const retry = await shopify('orders/create', payload, { eventId: 'evt-1001' });
    expect(retry.body).toEqual({ received: true, duplicate: true });
    const paid = await shopify('orders/paid', { ...payload, financial_status: 'paid' }, { eventId: 'evt-1001-paid' });
    expect(paid.body.transactions).toEqual([{ transactionId: 'shopify-order-1001', outcome: 'duplicate', status: 'counted' }]);
  });

  it('stores the same order delivered ten times at once exactly once', async () => {
    const payload = shopifyOrder({ id: 2002 });
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => shopify('orders/create', payload, { eventId: `evt-2002-${i}` })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const outcomes = responses.map((response) => response.body.transactions[0].outcome).sort();
    expect(outcomes).toEqual(['duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'duplicate', 'stored']);
  });

  it('maps source_name to the sales channel, with the draft order’s user as rep', async () => {
    await shopify('orders/create', shopifyOrder({ id: 3003, source_name: 'shopify_draft_order', user_id: 799407056 }));
    await shopify('orders/create', shopifyOrder({ id: 3004, source_name: 'pos', landing_site: null, referring_site: null }));
    expect((await show('shopify-order-3003')).body).toMatchObject({ salesChannel: 'draft_order', rep: '799407056' });
    expect((await show('shopify-order-3004')).body).toMatchObject({ salesChannel: 'pos' });
  });

  it('keeps net free of tax when prices include tax', async () => {
    await shopify(
      'orders/create',
      shopifyOrder({ id: 3005, taxes_included: true, total_line_items_price: '119.00', total_tax: '19.00', total_discounts: '0.00', shipping_lines: [], total_shipping_price_set: null }),
    );
    expect((await show('shopify-order-3005')).body).toMatchObject({ gross: 10000, net: 10000, tax: 1900, total: 11900 });
  });

  it('keeps a refund that arrives before its order (pending until the order comes), and a cancellation reverses only what the refund left', async () => {
    const refund = await shopify('refunds/create', shopifyRefund({ id: 777, order_id: 4004 }));
    expect(refund.body.transactions).toEqual([{ transactionId: 'shopify-refund-777', outcome: 'stored', status: 'pending' }]);
    expect((await show('shopify-refund-777')).body).toMatchObject({ kind: 'refund', orderId: 'shopify-order-4004', gross: 9450, net: 9450, tax: 567, shipping: 500, total: 10517, status: 'pending' });
    await shopify('orders/create', shopifyOrder({ id: 4004 }));
    expect((await show('shopify-refund-777')).body).toMatchObject({ status: 'counted', counted: { net: 9450, tax: 567, shipping: 500, total: 10517 } });
    const cancelled = await shopify('orders/cancelled', shopifyOrder({ id: 4004, cancelled_at: '2026-11-13T10:00:00-05:00' }));
    expect(cancelled.body.transactions).toEqual([
      { transactionId: 'shopify-order-4004', outcome: 'duplicate', status: 'counted' },
      { transactionId: 'shopify-cancellation-4004', outcome: 'stored', status: 'counted' },
    ]);
    // The order had net 189.00, tax 11.34, shipping 10.00; the refund took 94.50, 5.67 and 5.00.
    expect((await show('shopify-cancellation-4004')).body).toMatchObject({
      kind: 'cancellation',
      orderId: 'shopify-order-4004',
      net: 18900,
      counted: { net: 9450, tax: 567, shipping: 500, total: 10517 },
    });
  });

  it('acknowledges a topic that carries no revenue and stores nothing', async () => {
    const response = await shopify('customers/create', { id: 1, email: 'x@example.com' });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ received: true, ignored: expect.stringContaining('customers/create') });
  });

  it('answers a wrong, missing or foreign signature with 401 and writes nothing', async () => {
    const payload = shopifyOrder({ id: 5005 });
    expect((await shopify('orders/create', payload, { secret: 'not-the-secret' })).status).toBe(401);
    const other = await newTenant();
    expect((await shopify('orders/create', payload, { secret: other.webhookSecrets.shopify })).status).toBe(401);
    const unsigned = await api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, { json: payload, headers: { 'x-shopify-topic': 'orders/create' } });
    expect(unsigned.status).toBe(401);
    const tampered = JSON.stringify(payload);
    const forged = await api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
      body: tampered.replace('199.00', '1.00'),
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(tampered, shop.webhookSecrets.shopify) },
    });
    expect(forged.status).toBe(401);
    expect((await show('shopify-order-5005')).status).toBe(404);
  });

  it('answers an unknown tenant like a bad signature', async () => {
    const body = JSON.stringify(shopifyOrder());
    const response = await api.request('POST', '/v1/webhooks/shopify/no-such-tenant', { body, headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, 'x') } });
    expect(response.status).toBe(401);
  });

  it('answers a signed body that is not JSON with 400, and quarantines a signed order it cannot map (200, never lost)', async () => {
    const body = '{"id": 1,';
    const broken = await api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
      body,
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, shop.webhookSecrets.shopify) },
    });
    expect(broken.status).toBe(400);
    const notAnOrder = await shopify('orders/create', { id: 'x' });
    expect(notAnOrder.status).toBe(200);
    expect(notAnOrder.body).toMatchObject({ received: true, outcome: 'quarantined', quarantined: { id: expect.stringMatching(/^wh_/) } });
    expect(notAnOrder.body.quarantined.errors.length).toBeGreaterThan(0);
  });

  it('accepts the previous secret during its rollover after a rotation', async () => {
    const tenant = await newTenant();
    const old = tenant.webhookSecrets.shopify;
    const fresh = await rotateWebhookSecret(tenantStore(), tenant.tenantId, 'shopify');
    expect((await shopify('orders/create', shopifyOrder({ id: 6006 }), { tenant, secret: old })).status).toBe(200);
    expect((await shopify('orders/create', shopifyOrder({ id: 6007 }), { tenant, secret: fresh })).status).toBe(200);
  });
});

describe('what a Shopify order costs in the request (on DynamoDB Local)', () => {
  it('a new customer’s order: the tenant’s read (then remembered by the function instance) and one transaction; a returning customer’s: one more try without the links stored before; a retried delivery: the careful path', async () => {
    const tenant = await newTenant();
    const counter = new RequestCounter(documentClient());
    const count = async (work: () => Promise<unknown>) =>
      api.withConsumersPaused(async () => {
        counter.reset();
        await work();
        return counter.operations;
      });
    const order = (id: number, eventId: string) => shopify('orders/create', shopifyOrder({ id }), { tenant, eventId });

    expect(await count(() => order(1, 'cost-1'))).toEqual({ GetItemCommand: 1, TransactWriteItemsCommand: 1, UpdateItemCommand: 1 });
    // The same buyer again (the tenant and the campaign now known to this process): its links are there, its order is new.
    expect(await count(() => order(2, 'cost-2'))).toEqual({ TransactWriteItemsCommand: 2 });
    const retried = await count(async () => expect((await order(2, 'cost-2')).body).toEqual({ received: true, duplicate: true }));
    expect(retried).toEqual({ GetItemCommand: 1, TransactWriteItemsCommand: 1 });
    for (const id of [1, 2]) expect((await api.request('GET', `/v1/transactions/shopify-order-${id}`, { key: tenant.keys.finance })).body).toMatchObject({ status: 'counted' });
  });
});

describe('WooCommerce', () => {
  it('answers the activation ping with 200', async () => {
    const response = await api.request('POST', `/v1/webhooks/woocommerce/${shop.tenantId}`, { body: 'webhook_id=15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
  });

  it('turns a paid order into an order and its attribution meta into a touch', async () => {
    const response = await woo('order.created', wooOrder());
    expect(response.body.transactions).toEqual([{ transactionId: 'woocommerce-order-727', outcome: 'stored', status: 'counted' }]);
    // Dated by its payment, as WooCommerce Analytics dates orders by default.
    expect((await show('woocommerce-order-727')).body).toMatchObject({
      currency: 'EUR',
      gross: 4000,
      discount: 500,
      net: 3500,
      tax: 760,
      shipping: 490,
      total: 4750,
      occurredAt: '2026-11-10T11:01:00.000Z',
    });
    const journey = await api.request('GET', '/v1/people/journey?customerId=26', { key: shop.keys.marketing });
    expect(journey.body.touches).toEqual([expect.objectContaining({ touchId: 'woocommerce-visit-727', channel: 'Email', campaign: 'november', occurredAt: '2026-11-10T10:40:00.000Z' })]);
  });

  it('reads refunds from order.updated and ignores unpaid orders', async () => {
    const updated = await woo('order.updated', wooOrder({ id: 728, refunds: [{ id: 801, reason: 'damaged', total: '-10.00' }] }));
    expect(updated.body.transactions).toEqual([
      { transactionId: 'woocommerce-order-728', outcome: 'stored', status: 'counted' },
      { transactionId: 'woocommerce-refund-801', outcome: 'stored', status: 'counted' },
    ]);
    // WooCommerce gives the refund's total only: split in the order's proportions of net 35.00, tax 7.60, shipping 4.90.
    expect((await show('woocommerce-refund-801')).body).toMatchObject({ kind: 'refund', orderId: 'woocommerce-order-728', net: 737, tax: 160, shipping: 103, total: 1000, status: 'counted' });
    const pending = await woo('order.created', wooOrder({ id: 729, status: 'pending', date_paid_gmt: null }));
    expect(pending.body.ignored).toMatch(/not paid/);
  });

  it('refuses a wrong signature with 401', async () => {
    expect((await woo('order.created', wooOrder({ id: 730 }), 'wrong')).status).toBe(401);
    expect((await show('woocommerce-order-730')).status).toBe(404);
  });
});

describe('Stripe', () => {
  it('turns checkout.session.completed into an order with metadata utm as a touch', async () => {
    const response = await stripe(stripeEvent('checkout.session.completed', stripeSession()));
    expect(response.body.transactions).toEqual([{ transactionId: 'stripe-order-cs_test_a1b2', outcome: 'stored', status: 'counted' }]);
    expect((await show('stripe-order-cs_test_a1b2')).body).toMatchObject({
      provider: 'stripe',
      externalId: 'cs_test_a1b2',
      gross: 5000,
      discount: 500,
      net: 4500,
      tax: 350,
      shipping: 300,
      total: 5150,
    });
    const journey = await api.request('GET', '/v1/people/journey?anonymousId=anon-stripe-1', { key: shop.keys.marketing });
    expect(journey.body.touches).toEqual([expect.objectContaining({ channel: 'Paid Social', campaign: 'retarget' })]);
  });

  it('links charge.refunded to the order by payment intent, and deduplicates by event id', async () => {
    const event = stripeEvent('charge.refunded', stripeCharge(), 'evt_refund_1');
    const first = await stripe(event);
    expect(first.body.transactions).toEqual([{ transactionId: 'stripe-refund-re_1abc', outcome: 'stored', status: 'counted' }]);
    expect((await stripe(event)).body).toEqual({ received: true, duplicate: true });
    expect((await show('stripe-refund-re_1abc')).body).toMatchObject({ kind: 'refund', orderId: 'stripe-order-cs_test_a1b2', net: 1000 });
  });

  it('refuses a signature older than five minutes, and a wrong one, with 401', async () => {
    const event = stripeEvent('checkout.session.completed', stripeSession({ id: 'cs_stale' }));
    expect((await stripe(event, { at: new Date(Date.now() - 6 * 60_000) })).status).toBe(401);
    expect((await stripe(event, { secret: 'whsec_wrong' })).status).toBe(401);
    expect((await show('stripe-order-cs_stale')).status).toBe(404);
    expect((await stripe(event, { at: new Date(Date.now() - 4 * 60_000) })).status).toBe(200);
  });

  it('ignores a session that is not paid yet', async () => {
    const response = await stripe(stripeEvent('checkout.session.completed', stripeSession({ id: 'cs_unpaid', payment_status: 'unpaid' })));
    expect(response.body.ignored).toMatch(/not paid/);
  });

  it('acknowledges test-mode events (livemode false) and counts nothing of them', async () => {
    const response = await stripe({ ...stripeEvent('checkout.session.completed', stripeSession({ id: 'cs_test_mode' })), livemode: false });
    expect(response.status).toBe(200);
    expect(response.body.ignored).toMatch(/test-mode/);
    expect((await show('stripe-order-cs_test_mode')).status).toBe(404);
  });
});

describe('generic (signed JSON)', () => {
  it('stores a transaction sent in the /v1/transactions format with X-Baton-Signature', async () => {
    const body = JSON.stringify({ transactionId: 'gen-1', kind: 'order', occurredAt: '2026-11-10T10:00:00Z', person: { customerId: 'g1' }, currency: 'KWD', gross: '1.250' });
    const signed = await api.request('POST', `/v1/webhooks/generic/${shop.tenantId}`, { body, headers: { 'x-baton-signature': sign.timestamped(body, shop.webhookSecrets.generic) } });
    expect(signed.body.transactions).toEqual([{ transactionId: 'gen-1', outcome: 'stored', status: 'counted' }]);
    expect((await show('gen-1')).body).toMatchObject({ provider: 'generic', currency: 'KWD', net: 1250 });
    const forged = await api.request('POST', `/v1/webhooks/generic/${shop.tenantId}`, { body, headers: { 'x-baton-signature': sign.timestamped(body, 'nope') } });
    expect(forged.status).toBe(401);
  });

  it('answers an unknown provider with 400', async () => {
    expect((await api.request('POST', `/v1/webhooks/paypal/${shop.tenantId}`, { json: {} })).status).toBe(400);
  });
});
