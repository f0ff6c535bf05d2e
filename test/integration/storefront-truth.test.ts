import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyGuestOrder, shopifyOrder, shopifyPosOrder, shopifyRefund, wooOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
});
afterAll(() => api.close());

const ndjson = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

function shopify(tenant: CreatedTenant, topic: string, payload: unknown, eventId = `ev-${Math.random()}`) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'x-shopify-topic': topic, 'x-shopify-event-id': eventId, 'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify) },
  });
}

function woo(tenant: CreatedTenant, topic: string, payload: unknown) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/woocommerce/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-delivery-id': String(Math.random()),
      'x-wc-webhook-signature': sign.base64(body, tenant.webhookSecrets.woocommerce),
    },
  });
}

const transactions = (tenant: CreatedTenant, json: unknown) => api.request('POST', '/v1/transactions', { key: tenant.keys.ingest, json });
const lines = async (tenant: CreatedTenant) => ndjson((await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30&format=ndjson', { key: tenant.keys.finance })).text);
const summary = async (tenant: CreatedTenant) => (await api.request('GET', '/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30', { key: tenant.keys.finance })).body;
const totals = async (tenant: CreatedTenant) => (await api.request('GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30', { key: tenant.keys.marketing })).body.totals;

describe('every real sale, once', () => {
  it('stores a walk-in POS sale with nobody known, counts it, and leaves it unattributed', async () => {
    const shop = await newTenant();
    const response = await shopify(shop, 'orders/create', shopifyPosOrder());
    expect(response.status).toBe(200);
    expect(response.body.transactions).toEqual([{ transactionId: 'shopify-order-5512345678901', outcome: 'stored', status: 'counted' }]);
    await api.settle();
    const stored = await api.request('GET', '/v1/transactions/shopify-order-5512345678901', { key: shop.keys.finance });
    expect(stored.body).toMatchObject({ salesChannel: 'pos', rep: '548380009', net: 18900, person: { identifiers: ['o:shopify-order-5512345678901'] } });
    expect(await totals(shop)).toEqual([expect.objectContaining({ currency: 'USD', revenue: 18900, unattributed: 18900, attributed: 0, transactions: 1 })]);
    const attribution = await api.request('GET', '/v1/transactions/shopify-order-5512345678901/attribution', { key: shop.keys.marketing });
    expect(attribution.body).toMatchObject({
      sourcedBy: 'none',
      marketing: { touches: [], unattributed: 18900 },
      sales: { salesChannel: 'pos', credits: [{ touchId: null, rep: '548380009', amount: 18900 }] },
    });
  });

  it('stores a guest checkout without email, and an API order without a person', async () => {
    const shop = await newTenant();
    expect((await shopify(shop, 'orders/create', shopifyGuestOrder())).body.transactions[0]).toMatchObject({ outcome: 'stored', status: 'counted' });
    expect((await transactions(shop, { transactionId: 'walk-in-1', kind: 'order', occurredAt: '2026-11-11T10:00:00Z', currency: 'USD', gross: '5.00', salesChannel: 'pos' })).status).toBe(201);
    await api.settle();
    expect((await summary(shop)).currencies).toEqual([expect.objectContaining({ orders: 2, net: 18900 + 500 })]);
    expect(await totals(shop)).toEqual([expect.objectContaining({ revenue: 18900 + 500, unattributed: 18900 + 500 })]);
  });

  it('acknowledges test orders of every provider and counts none of them', async () => {
    const shop = await newTenant();
    const shopifyTest = await shopify(shop, 'orders/create', shopifyOrder({ id: 7001, test: true }));
    const shopifyTestRefund = await shopify(
      shop,
      'refunds/create',
      shopifyRefund({ id: 7002, order_id: 7001, transactions: [{ id: 1, kind: 'refund', status: 'success', amount: '10.00', currency: 'USD', test: true }] }),
    );
    const wooTest = await woo(shop, 'order.created', wooOrder({ id: 7003, meta_data: [{ id: 9, key: '_wcpay_mode', value: 'test' }] }));
    const paypalSandbox = await woo(shop, 'order.created', wooOrder({ id: 7004, meta_data: [{ id: 9, key: '_ppcp_paypal_payment_mode', value: 'sandbox' }] }));
    const apiTest = await transactions(shop, { transactionId: 'api-test-1', kind: 'order', occurredAt: '2026-11-11T10:00:00Z', currency: 'USD', gross: '5.00', test: true });
    for (const response of [shopifyTest, shopifyTestRefund, wooTest, paypalSandbox]) expect(response.body).toMatchObject({ received: true, ignored: expect.stringMatching(/test|sandbox/) });
    expect(apiTest.status).toBe(200);
    expect(apiTest.body).toEqual({ transactionId: 'api-test-1', outcome: 'ignored' });
    await api.settle();
    expect(await lines(shop)).toEqual([]);
    expect(await totals(shop)).toEqual([]);
  });

  it('stores one order however many deliveries of it arrive at once, under different event ids', async () => {
    const shop = await newTenant();
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => shopify(shop, i % 2 ? 'orders/paid' : 'orders/create', shopifyOrder({ id: 7100 }), `ev-7100-${i}`)));
    const outcomes = answers.map((answer) => answer.body.transactions[0].outcome);
    expect(outcomes.filter((outcome) => outcome === 'stored')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'duplicate')).toHaveLength(9);
    await api.settle();
    expect(await lines(shop)).toHaveLength(1);
  });
});

describe('adjustments that can never take back more than the order had', () => {
  const order = { kind: 'order', occurredAt: '2026-11-10T10:00:00Z', person: { customerId: 'buyer' }, currency: 'USD', gross: '100.00', tax: '10.00', shipping: '5.00' };

  it('refuses a refund in another currency, one beyond the order, and a second cancellation with 409, storing none of them', async () => {
    const shop = await newTenant();
    await transactions(shop, { ...order, transactionId: 'o' });
    const foreign = await transactions(shop, { transactionId: 'r-eur', kind: 'refund', orderId: 'o', occurredAt: '2026-11-11T10:00:00Z', currency: 'EUR', gross: '10.00' });
    expect(foreign.status).toBe(409);
    expect(foreign.body.error.details).toEqual([expect.objectContaining({ path: 'currency', code: 'currency_mismatch' })]);
    expect((await transactions(shop, { transactionId: 'r1', kind: 'refund', orderId: 'o', occurredAt: '2026-11-11T10:00:00Z', currency: 'USD', gross: '60.00' })).status).toBe(201);
    const beyond = await transactions(shop, { transactionId: 'r2', kind: 'refund', orderId: 'o', occurredAt: '2026-11-12T10:00:00Z', currency: 'USD', gross: '40.01' });
    expect(beyond.status).toBe(409);
    expect(beyond.body.error.details).toEqual([expect.objectContaining({ path: 'gross', code: 'exceeds_order' })]);
    expect((await transactions(shop, { transactionId: 'c1', kind: 'cancellation', orderId: 'o', occurredAt: '2026-11-13T10:00:00Z', currency: 'USD', gross: '100.00' })).status).toBe(201);
    expect((await transactions(shop, { transactionId: 'c2', kind: 'cancellation', orderId: 'o', occurredAt: '2026-11-14T10:00:00Z', currency: 'USD', gross: '100.00' })).status).toBe(409);
    for (const id of ['r-eur', 'r2', 'c2']) expect((await api.request('GET', `/v1/transactions/${id}`, { key: shop.keys.finance })).status).toBe(404);
    await api.settle();
    expect((await summary(shop)).currencies).toEqual([expect.objectContaining({ currency: 'USD', revenue: 0, orders: 1, refunds: 1, cancellations: 1 })]);
    expect(await totals(shop)).toEqual([expect.objectContaining({ currency: 'USD', revenue: 0 })]);
  });

  it('lets ten concurrent refunds of a fifth each take exactly the order’s net: five counted, five refused', async () => {
    const shop = await newTenant();
    await transactions(shop, { ...order, transactionId: 'o', tax: '0', shipping: '0' });
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) => transactions(shop, { transactionId: `r${i}`, kind: 'refund', orderId: 'o', occurredAt: '2026-11-11T10:00:00Z', currency: 'USD', gross: '20.00' })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 201, 201, 201, 409, 409, 409, 409, 409]);
    await api.settle();
    expect((await summary(shop)).currencies[0]).toMatchObject({ refunds: 5, revenue: 0 });
  });

  it.each([
    ['order, refund, cancellation', ['order', 'refund', 'cancel']],
    ['refund, cancellation, order', ['refund', 'cancel', 'order']],
    ['cancellation, order, refund', ['cancel', 'order', 'refund']],
    ['cancellation, refund, order', ['cancel', 'refund', 'order']],
  ])('nets Shopify’s cancel-and-refund to exactly zero when the webhooks arrive as %s', async (_name, sequence) => {
    const shop = await newTenant();
    const id = 7200;
    const send = {
      order: () => shopify(shop, 'orders/create', shopifyOrder({ id })),
      refund: () =>
        shopify(
          shop,
          'refunds/create',
          shopifyRefund({
            id: 7201,
            order_id: id,
            refund_line_items: [{ id: 1, quantity: 1, subtotal: '189.00', total_tax: '11.34' }],
            order_adjustments: [{ id: 2, amount: '-10.00', tax_amount: '0.00', kind: 'shipping_refund' }],
            transactions: [{ id: 3, kind: 'refund', status: 'success', amount: '210.34', currency: 'USD' }],
          }),
        ),
      cancel: () => shopify(shop, 'orders/cancelled', shopifyOrder({ id, cancelled_at: '2026-11-12T09:00:00-05:00' })),
    };
    for (const step of sequence) expect((await send[step as keyof typeof send]()).status).toBe(200);
    await api.settle();
    const exported = await lines(shop);
    const rank = { order: 0, refund: 1, cancellation: 2 } as Record<string, number>;
    expect(exported.sort((a, b) => rank[a.kind]! - rank[b.kind]!).map((line) => [line.kind, line.status, line.net, line.total])).toEqual([
      ['order', 'counted', 18900, 21034],
      ['refund', 'counted', 18900, 21034],
      ['cancellation', 'counted', 0, 0],
    ]);
    expect((await summary(shop)).currencies[0]).toMatchObject({ revenue: 0 });
    expect(await totals(shop)).toEqual([expect.objectContaining({ revenue: 0 })]);
  });
});

describe('nothing guessed at the edge', () => {
  it('answers a signed webhook with a duplicated key or invalid UTF-8 with 400 saying where, and stores nothing', async () => {
    const shop = await newTenant();
    const duplicated = JSON.stringify(shopifyOrder({ id: 7300 })).replace('"currency":"USD"', '"currency":"USD","currency":"EUR"');
    const signed = (body: string | Buffer) =>
      api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
        body,
        headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, shop.webhookSecrets.shopify) },
      });
    const twice = await signed(duplicated);
    expect(twice.status).toBe(400);
    expect(twice.body.error.details).toEqual([expect.objectContaining({ code: 'duplicate_key', path: '' })]);
    const bytes = Buffer.concat([Buffer.from('{"id": 7301, "email": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const broken = await signed(bytes);
    expect(broken.status).toBe(400);
    expect(broken.body.error.details).toEqual([expect.objectContaining({ code: 'invalid_utf8', message: 'invalid UTF-8 at byte 23' })]);
    expect(await lines(shop)).toEqual([]);
  });

  it('answers an API body with a duplicated key with 400 naming the object', async () => {
    const shop = await newTenant();
    const body = '{"transactionId":"o","kind":"order","occurredAt":"2026-11-10T10:00:00Z","currency":"USD","gross":"1.00","person":{"customerId":"a","customerId":"b"}}';
    const response = await api.request('POST', '/v1/transactions', { key: shop.keys.ingest, body, headers: { 'content-type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ code: 'duplicate_key', path: 'person' })]);
  });
});

describe('property: report, export summary and attributions agree, and no order nets below zero', () => {
  const currencyOf = fc.constantFrom('USD', 'JPY', 'KWD');
  const adjustment = fc.record({ kind: fc.constantFrom('refund', 'refund', 'cancellation'), share: fc.integer({ min: 1, max: 70 }), foreign: fc.integer({ min: 0, max: 9 }).map((n) => n === 0) });
  const orderArb = fc.record({ currency: currencyOf, units: fc.integer({ min: 1, max: 200_000 }), tax: fc.integer({ min: 0, max: 20_000 }), adjustments: fc.array(adjustment, { maxLength: 3 }) });
  const scenario = fc.record({
    orders: fc.array(orderArb, { minLength: 1, maxLength: 3 }),
    shuffle: fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    duplicate: fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }),
  });

  it('for random orders, partial refunds and cancellations sent in random order, duplicated and concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ orders, shuffle, duplicate }) => {
        const shop = await newTenant();
        const bodies: Array<Record<string, unknown>> = [];
        orders.forEach((o, i) => {
          const day = 10 + i;
          bodies.push({
            transactionId: `o${i}`,
            kind: 'order',
            occurredAt: `2026-11-${day}T10:00:00Z`,
            person: { customerId: `p${i % 2}` },
            currency: o.currency,
            gross: String(o.units),
            tax: String(o.tax),
          });
          for (const [j, a] of o.adjustments.entries()) {
            bodies.push({
              transactionId: `o${i}-a${j}`,
              kind: a.kind,
              orderId: `o${i}`,
              occurredAt: `2026-11-${day + 1 + j}T10:00:00Z`,
              currency: a.foreign ? 'EUR' : o.currency,
              gross: String(Math.floor((o.units * a.share) / 100)),
            });
          }
        });
        // JPY has no minor unit, KWD three: amounts are sent as whole units so every currency accepts them.
        const order = bodies
          .map((body, i) => ({ body, key: shuffle[i % shuffle.length]! }))
          .sort((a, b) => a.key - b.key)
          .map(({ body }) => body);
        const sends = order.flatMap((body, i) => (duplicate[i % duplicate.length] ? [body, body] : [body]));
        for (let start = 0; start < sends.length; start += 3) {
          const answers = await Promise.all(sends.slice(start, start + 3).map((body) => transactions(shop, body)));
          for (const answer of answers) expect([200, 201, 409]).toContain(answer.status);
        }
        await api.settle();

        const exported = await lines(shop);
        const sums = (await summary(shop)).currencies as Array<{ currency: string; revenue: number }>;
        const report = (await totals(shop)) as Array<{ currency: string; revenue: number }>;
        expect(report.map(({ currency, revenue }) => ({ currency, revenue })).filter((total) => total.revenue !== 0)).toEqual(
          sums.map(({ currency, revenue }) => ({ currency, revenue })).filter((total) => total.revenue !== 0),
        );

        let attributed = 0;
        for (const line of exported.filter((candidate) => candidate.status === 'counted')) {
          const attribution = await api.request('GET', `/v1/transactions/${line.transactionId}/attribution`, { key: shop.keys.marketing });
          expect(attribution.status).toBe(200);
          expect(attribution.body.revenue).toBe(line.kind === 'order' ? line.net : 0 - line.net);
          attributed += attribution.body.revenue;
        }
        expect(attributed).toBe(sums.reduce((total, entry) => total + entry.revenue, 0));

        for (const o of exported.filter((line) => line.kind === 'order')) {
          const adjustments = exported.filter((line) => line.orderId === o.transactionId && line.status === 'counted');
          const left = o.net - adjustments.reduce((total, line) => total + line.net, 0);
          expect(left).toBeGreaterThanOrEqual(0);
          if (adjustments.some((line) => line.kind === 'cancellation')) expect(left).toBe(0);
        }
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
