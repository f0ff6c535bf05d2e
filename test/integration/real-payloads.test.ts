import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmail } from '../../shared/identity/identity.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { newTenant, TestApi } from '../support/api.ts';

/**
 * Every body in shared/real-payloads (written by Shopify, WooCommerce and
 * Stripe or their official SDKs, see its README), signed as its provider
 * signs it over the file's bytes exactly as they are, sent through the HTTP
 * API; then what Baton stored and counts, read back from the transaction,
 * the export, its summary and the attribution report.
 */

const FOLDER = new URL('../../../shared/real-payloads/', import.meta.url);

/** The files and their sha256 as the folder's README lists them: the bytes signed are the bytes saved. */
const FILES: Record<string, string> = {
  'shopify/order-450789469-online-web.json': '0445c27d852e2633c7168925f418a90d94736f7fb2bcef3cb61cee3443123198',
  'shopify/order-1073459976-api-eur-no-customer.json': '7916bc1f9e47365071930a682658354a6b056f3da83f83fa6dd8ba7936c8fdf7',
  'shopify/order-450789469-cancelled-with-refund.json': '1c072fe444cb5e75478c9b034f6bdb21759ed682fcd9fe68b8ce2b630355e45a',
  'shopify/refund-509562969-two-line-items.json': 'ec5b7cc3b6975c352552747aa063011a4a980ae08290ed9084da623d3f6d6939',
  'shopify/refund-929361471-shipping-adjustment.json': '6c45d6a4a4ffa4311fe175cef05e9fcf86414ba71b18d001c9b7d1141301e99f',
  'shopify/refund-929361472-one-line-item-return.json': '77f4452c5394a6be21a1d6ba295dfb6c9c79d8db02ee95a63ba085104c9c997b',
  'woocommerce/order-727-processing.json': '41644bbd0d44193f70fa604e9a0a43c923794ed608e2cab554902d7ce5e8dc8a',
  'woocommerce/order-723-with-refunds.json': '6355db67bcb1a6a311effbfb398e135df957312fb5eecb94c2da248e4a7b0e09',
  'woocommerce/refund-726.json': '8d815109121d218918df9503204f409dbacb5db2e88dabcabf74db399a880960',
  'stripe/evt-checkout.session.completed.json': 'a2111a89111cb95ed54bbbc0ab959583137e98ee157418450c8e97dd538682c9',
  'stripe/evt-charge.refunded.json': '4afa82cb8e34d7130ba4b43f8729ff9a33615cfcd6000f66628232ed9b9d62c3',
  'stripe/openapi-fixture-checkout.session.json': 'c45ec5faf602c8b00725930408e3134f7fee733d4e12ae7eb715fcd665728f91',
  'stripe/openapi-fixture-refund.json': '3770ed103a623243ffd669ad92e6174e25964cefbe582bf73bbf24e1791e26ec',
};

const read = (file: string): Buffer => readFileSync(new URL(file, FOLDER));
const text = (file: string): string => read(file).toString('utf8');

function listed(folder: URL, prefix = ''): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listed(new URL(`${entry.name}/`, folder), `${prefix}${entry.name}/`) : entry.name === 'README.md' ? [] : [`${prefix}${entry.name}`],
  );
}

/** The end (exclusive) of the JSON object or array that starts at `start`: a value cut out of a file by its span, its bytes untouched. */
function spanEnd(source: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i += 1) {
    const char = source[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth += 1;
    else if (char === '}' || char === ']') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  throw new Error('unterminated JSON value');
}

/** The refund `orders/cancelled` embeds, as the bytes of its own `refunds/create` delivery (cut out, never re-serialised). */
function embeddedRefund(): string {
  const source = text('shopify/order-450789469-cancelled-with-refund.json');
  const start = source.indexOf('{', source.indexOf('"refunds": ['));
  return source.slice(start, spanEnd(source, start));
}

/** A Stripe resource fixture inside an event envelope, the fixture's bytes inside it as they are. */
const stripeEnvelope = (id: string, type: string, created: number, object: string) =>
  `{"id": "${id}", "object": "event", "api_version": "2020-08-27", "created": ${created}, "livemode": true, "type": "${type}", "data": {"object": ${object}}}`;

let api: TestApi;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
});
afterAll(() => api.close());

type Body = string | Buffer;

function shopify(tenant: CreatedTenant, topic: string, body: Body, secret = tenant.webhookSecrets.shopify) {
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-event-id': `ev-${Math.random().toString(36).slice(2)}`,
      'x-shopify-api-version': '2026-07',
      'x-shopify-shop-domain': 'baton-test.myshopify.com',
      'x-shopify-hmac-sha256': sign.base64(body, secret),
    },
  });
}

function woo(tenant: CreatedTenant, topic: string, body: Body, secret = tenant.webhookSecrets.woocommerce) {
  return api.request('POST', `/v1/webhooks/woocommerce/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-source': 'https://example.com/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-delivery-id': Math.random().toString(36).slice(2),
      'x-wc-webhook-signature': sign.base64(body, secret),
    },
  });
}

function stripe(tenant: CreatedTenant, body: Body, secret = tenant.webhookSecrets.stripe) {
  return api.request('POST', `/v1/webhooks/stripe/${tenant.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': sign.timestamped(body, secret) },
  });
}

/**
 * The files' dates: 2008-01-10 (Shopify order), 2009-02-13 (Stripe's openapi
 * fixtures), 2017-03-21/22 (WooCommerce), 2022-03-26 (Stripe CLI events),
 * 2025-04-02 (Shopify refunds and cancellation). A query covers at most
 * 366 days: the report is read by the year; the export and its summary read
 * the timeline day by day, a query a day, so they are read by the days
 * around the dates (three either side), which hold every date a time zone
 * could give them.
 */
const YEARS = [2008, 2009, 2017, 2022, 2025];
const period = (year: number) => `from=${year}-01-01&to=${year}-12-31`;
const WEEKS = ['from=2008-01-07&to=2008-01-13', 'from=2009-02-10&to=2009-02-16', 'from=2017-03-18&to=2017-03-25', 'from=2022-03-23&to=2022-03-29', 'from=2025-03-30&to=2025-04-05'];
const ndjson = (body: string) =>
  body
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));

const show = (tenant: CreatedTenant, id: string) => api.request('GET', `/v1/transactions/${encodeURIComponent(id)}`, { key: tenant.keys.finance });

/** Every export line of the tenant, over the weeks of all the files' dates. */
async function lines(tenant: CreatedTenant) {
  const all = [];
  for (const week of WEEKS) {
    const response = await api.request('GET', `/v1/exports/transactions?${week}&format=ndjson`, { key: tenant.keys.finance });
    expect(response.status).toBe(200);
    all.push(...ndjson(response.text));
  }
  return all;
}

const COUNTS = ['orders', 'refunds', 'cancellations', 'pending', 'conflicts', 'revenue'] as const;

/** The export summary of every week of the files' dates, summed per currency. */
async function summary(tenant: CreatedTenant) {
  const sums: Record<string, Record<(typeof COUNTS)[number], number>> = {};
  for (const week of WEEKS) {
    const response = await api.request('GET', `/v1/exports/transactions/summary?${week}`, { key: tenant.keys.finance });
    expect(response.status).toBe(200);
    for (const entry of response.body.currencies) {
      const sum = (sums[entry.currency] ??= { orders: 0, refunds: 0, cancellations: 0, pending: 0, conflicts: 0, revenue: 0 });
      for (const field of COUNTS) sum[field] += entry[field];
    }
  }
  return sums;
}

const TOTALS = ['revenue', 'attributed', 'unattributed', 'transactions'] as const;

/** The attribution report's totals of every year, summed per currency. */
async function report(tenant: CreatedTenant) {
  const sums: Record<string, Record<(typeof TOTALS)[number], number>> = {};
  for (const year of YEARS) {
    const response = await api.request('GET', `/v1/attribution/report?${period(year)}`, { key: tenant.keys.marketing });
    expect(response.status).toBe(200);
    for (const entry of response.body.totals) {
      const sum = (sums[entry.currency] ??= { revenue: 0, attributed: 0, unattributed: 0, transactions: 0 });
      for (const field of TOTALS) sum[field] += entry[field];
    }
  }
  return sums;
}

/**
 * The files' days lie beyond the tenant's retention horizon (retentionDays
 * less 91 days), where the projection keeps a report cell final once it
 * has one: a later record of the same day and cell is in the export but
 * no longer moves the report (shared/projection/use-cases.ts, keepFinal).
 * The deliveries of one case therefore reach the stream consumers
 * together, as one backfill, so that the report shows what they mean
 * whatever the timing of the projection.
 */
const together = <T>(work: () => Promise<T>) => api.withConsumersPaused(work);

const stored = (transactionId: string, status = 'counted') => ({ transactionId, outcome: 'stored', status });
const duplicate = (transactionId: string, status = 'counted') => ({ transactionId, outcome: 'duplicate', status });

/** Nothing of the tenant's was written: no line in any year, nothing in any summary or report. */
async function expectNothingCounted(tenant: CreatedTenant) {
  await api.settle();
  expect(await lines(tenant)).toEqual([]);
  expect(await summary(tenant)).toEqual({});
  expect(await report(tenant)).toEqual({});
}

describe('the folder', () => {
  it('holds exactly the files this test covers, byte for byte as its README lists them', () => {
    expect(listed(FOLDER).sort()).toEqual(Object.keys(FILES).sort());
    for (const [file, sha256] of Object.entries(FILES)) expect(createHash('sha256').update(read(file)).digest('hex'), file).toBe(sha256);
  });
});

describe('Shopify', () => {
  const ORDER = 'shopify/order-450789469-online-web.json';
  const bob = ['c:207119551', `e:${hashEmail('bob.norman@mail.example.com')}`];

  it('stores online order 450789469 (orders/create) dated in UTC, net 597.00 − 10.00, with its landing visit; orders/paid is the same order', async () => {
    const shop = await newTenant();
    const created = await shopify(shop, 'orders/create', read(ORDER));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ received: true, transactions: [stored('shopify-order-450789469')], touches: 1 });
    const paid = await shopify(shop, 'orders/paid', read(ORDER));
    expect(paid.body).toEqual({ received: true, transactions: [duplicate('shopify-order-450789469')], touches: 1 });

    const order = await show(shop, 'shopify-order-450789469');
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({
      provider: 'shopify',
      externalId: '450789469',
      kind: 'order',
      occurredAt: '2008-01-10T16:00:00.000Z',
      currency: 'USD',
      gross: 59700,
      discount: 1000,
      net: 58700,
      tax: 1194,
      shipping: 0,
      total: 59894,
      salesChannel: 'online_store',
      status: 'counted',
      person: { identifiers: bob },
    });
    expect(order.body).not.toHaveProperty('rep');

    // landing_site and referring_site are the visit (docs/contract.md#recording).
    const journey = await api.request('GET', '/v1/people/journey?customerId=207119551', { key: shop.keys.marketing });
    expect(journey.status).toBe(200);
    expect(journey.body.touches).toEqual([
      expect.objectContaining({
        touchId: 'shopify-visit-450789469',
        landingOf: 'shopify-order-450789469',
        kind: 'visit',
        occurredAt: '2008-01-10T16:00:00.000Z',
        url: 'http://www.example.com?source=abc',
        referrer: 'http://www.otherexample.com',
        source: 'otherexample.com',
        medium: 'referral',
        identifiers: bob,
      }),
    ]);

    await api.settle();
    expect((await lines(shop)).map((line) => [line.transactionId, line.kind, line.status, line.day, line.net, line.total, line.salesChannel])).toEqual([
      ['shopify-order-450789469', 'order', 'counted', '2008-01-10', 58700, 59894, 'online_store'],
    ]);
    expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 0, cancellations: 0, pending: 0, conflicts: 0, revenue: 58700 } });
    expect(await report(shop)).toEqual({ USD: expect.objectContaining({ revenue: 58700 }) });
  });

  it('stores app-created EUR order 1073459976 with nobody known (email "", customer null): counted, unattributed, a numeric source_name as marketplace', async () => {
    const shop = await newTenant();
    const response = await shopify(shop, 'orders/create', read('shopify/order-1073459976-api-eur-no-customer.json'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, transactions: [stored('shopify-order-1073459976')], touches: 0 });

    expect((await show(shop, 'shopify-order-1073459976')).body).toMatchObject({
      kind: 'order',
      occurredAt: '2025-04-02T16:31:26.000Z',
      currency: 'EUR',
      gross: 22497,
      discount: 0,
      net: 22497,
      tax: 1350,
      shipping: 0,
      total: 23847,
      // source_name "755357713" is the creating app's id: the mapper's marketplace.
      salesChannel: 'marketplace',
      status: 'counted',
      person: { identifiers: ['o:shopify-order-1073459976'] },
    });
    await api.settle();
    const attribution = await api.request('GET', '/v1/transactions/shopify-order-1073459976/attribution', { key: shop.keys.marketing });
    expect(attribution.body).toMatchObject({ sourcedBy: 'none', marketing: { touches: [], unattributed: 22497 } });
    expect(await summary(shop)).toEqual({ EUR: { orders: 1, refunds: 0, cancellations: 0, pending: 0, conflicts: 0, revenue: 22497 } });
    expect(await report(shop)).toEqual({ EUR: { revenue: 22497, attributed: 0, unattributed: 22497, transactions: 1 } });
  });

  describe('refunds 509562969, 929361471 and 929361472 of order 450789469', () => {
    const REFUNDS = ['shopify/refund-509562969-two-line-items.json', 'shopify/refund-929361471-shipping-adjustment.json', 'shopify/refund-929361472-one-line-item-return.json'];

    /**
     * A refund's money is its successful refund transactions: 209.00 for
     * lines of 391.33 + 7.96 tax; 41.94 for a line of 0.00. The order's
     * `test: false` is what counts, not the transactions' own `test: true`
     * (README quirk 6). 929361471 refunds 5.00 of shipping on an order
     * with free shipping: it cannot count against the order (a conflict).
     */
    async function expectSettled(shop: CreatedTenant) {
      expect((await show(shop, 'shopify-refund-509562969')).body).toMatchObject({
        kind: 'refund',
        orderId: 'shopify-order-450789469',
        occurredAt: '2025-04-02T16:38:15.000Z',
        currency: 'USD',
        gross: 20104,
        discount: 0,
        net: 20104,
        tax: 796,
        shipping: 0,
        total: 20900,
        status: 'counted',
      });
      expect((await show(shop, 'shopify-refund-929361472')).body).toMatchObject({
        kind: 'refund',
        orderId: 'shopify-order-450789469',
        occurredAt: '2025-04-02T16:38:34.000Z',
        gross: 4194,
        net: 4194,
        tax: 0,
        shipping: 0,
        total: 4194,
        status: 'counted',
      });
      await api.settle();
      const exported = await lines(shop);
      expect(exported.filter((line) => line.status === 'counted').map((line) => [line.transactionId, line.kind, line.day, line.net, line.tax, line.shipping, line.total])).toEqual([
        ['shopify-order-450789469', 'order', '2008-01-10', 58700, 1194, 0, 59894],
        ['shopify-refund-509562969', 'refund', '2025-04-02', 20104, 796, 0, 20900],
        ['shopify-refund-929361472', 'refund', '2025-04-02', 4194, 0, 0, 4194],
      ]);
      const sums = await summary(shop);
      expect(sums.USD).toMatchObject({ orders: 1, refunds: 2, cancellations: 0, pending: 0, revenue: 58700 - 20104 - 4194 });
      expect((await report(shop)).USD!.revenue).toBe(58700 - 20104 - 4194);
    }

    it('after the order: money as refunded, the shipping refund beyond the free shipping refused as a conflict and not stored', async () => {
      const shop = await newTenant();
      const answers = await together(async () => {
        await shopify(shop, 'orders/create', read(ORDER));
        const all = [];
        for (const file of REFUNDS) all.push(await shopify(shop, 'refunds/create', read(file)));
        return all;
      });
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(answers[0]!.body).toEqual({ received: true, transactions: [stored('shopify-refund-509562969')], touches: 0 });
      expect(answers[1]!.body.transactions).toEqual([
        { transactionId: 'shopify-refund-929361471', outcome: 'conflict', status: 'conflict', adjustmentConflict: expect.objectContaining({ code: 'exceeds_order', field: 'shipping' }) },
      ]);
      expect(answers[2]!.body.transactions).toEqual([stored('shopify-refund-929361472')]);
      expect((await show(shop, 'shopify-refund-929361471')).status).toBe(404);
      await expectSettled(shop);
      expect((await summary(shop)).USD!.conflicts).toBe(0);
    });

    it('before the order: a refund with real money is kept pending and counted when the order comes; one whose transactions are all tests is acknowledged as a test order’s (its order is not a recorded one)', async () => {
      const shop = await newTenant();
      const answers = [];
      for (const file of REFUNDS) answers.push(await shopify(shop, 'refunds/create', read(file)));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      expect(answers[0]!.body.transactions).toEqual([expect.objectContaining({ transactionId: 'shopify-refund-509562969', outcome: 'stored', status: 'pending' })]);
      for (const answer of answers.slice(1)) expect(answer.body).toEqual({ received: true, ignored: expect.stringMatching(/transactions are tests and its order is not a recorded one/) });
      await api.settle();
      expect((await summary(shop)).USD).toMatchObject({ orders: 0, refunds: 0, pending: 1, revenue: 0 });
      await shopify(shop, 'orders/create', read(ORDER));
      expect((await show(shop, 'shopify-refund-509562969')).body).toMatchObject({ net: 20104, tax: 796, total: 20900, status: 'counted' });
      expect((await show(shop, 'shopify-refund-929361472')).status).toBe(404);
      await api.settle();
      expect((await summary(shop)).USD).toMatchObject({ orders: 1, refunds: 1, pending: 0, conflicts: 0, revenue: 58700 - 20104 });
      expect((await report(shop)).USD!.revenue).toBe(58700 - 20104);
    });
  });

  describe('cancel-and-refund: orders/cancelled embeds refund 929361464, which also comes as refunds/create', () => {
    const CANCELLED = 'shopify/order-450789469-cancelled-with-refund.json';

    it('cuts the embedded refund out of the file, bytes untouched', () => {
      const refund = JSON.parse(embeddedRefund());
      expect(refund).toMatchObject({ id: 929361464, order_id: 450789469, note: 'Order canceled' });
      expect(text(CANCELLED)).toContain(embeddedRefund());
    });

    it.each([
      ['orders/cancelled, then refunds/create', ['cancel', 'refund']],
      ['refunds/create, then orders/cancelled', ['refund', 'cancel']],
      ['orders/create, refunds/create, orders/cancelled, refunds/create again', ['order', 'refund', 'cancel', 'refund']],
    ])('nets the order to exactly zero once when they arrive as %s', async (_name, sequence) => {
      const shop = await newTenant();
      const send = {
        order: () => shopify(shop, 'orders/create', read(ORDER)),
        cancel: () => shopify(shop, 'orders/cancelled', read(CANCELLED)),
        refund: () => shopify(shop, 'refunds/create', embeddedRefund()),
      };
      const seen = new Set<string>();
      await together(async () => {
        for (const step of sequence) {
          const answer = await send[step as keyof typeof send]();
          expect(answer.status).toBe(200);
          for (const transaction of answer.body.transactions) {
            // Stored once, a duplicate every other time; never a conflict.
            expect(transaction.outcome).toBe(seen.has(transaction.transactionId) ? 'duplicate' : 'stored');
            seen.add(transaction.transactionId);
          }
        }
      });
      expect([...seen].sort()).toEqual(['shopify-cancellation-450789469', 'shopify-order-450789469', 'shopify-refund-929361464']);

      // The refund's money: 10.00 (bogus, its transaction `test: true`) + 100.00 (gift card); the lines said 199.64, the refund_discrepancy 89.64.
      expect((await show(shop, 'shopify-refund-929361464')).body).toMatchObject({
        occurredAt: '2025-04-02T16:31:10.000Z',
        gross: 10602,
        net: 10602,
        tax: 398,
        shipping: 0,
        total: 11000,
        status: 'counted',
      });
      expect((await show(shop, 'shopify-cancellation-450789469')).body).toMatchObject({
        occurredAt: '2025-04-02T16:31:11.000Z',
        status: 'counted',
        counted: { net: 48098, tax: 796, shipping: 0, total: 48894 },
      });

      await api.settle();
      const exported = await lines(shop);
      expect(exported.map((line) => [line.transactionId, line.kind, line.status, line.day, line.net, line.tax, line.total])).toEqual([
        ['shopify-order-450789469', 'order', 'counted', '2008-01-10', 58700, 1194, 59894],
        ['shopify-refund-929361464', 'refund', 'counted', '2025-04-02', 10602, 398, 11000],
        ['shopify-cancellation-450789469', 'cancellation', 'counted', '2025-04-02', 48098, 796, 48894],
      ]);
      for (const line of exported) for (const amount of ['gross', 'discount', 'net', 'tax', 'shipping', 'total']) expect(line[amount]).toBeGreaterThanOrEqual(0);
      expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 1, cancellations: 1, pending: 0, conflicts: 0, revenue: 0 } });
      const totals = await report(shop);
      expect(totals.USD?.revenue ?? 0).toBe(0);
    });
  });
});

describe('WooCommerce', () => {
  const ORDER_723 = 'woocommerce/order-723-with-refunds.json';

  it('stores paid guest order 727 (processing) dated by date_paid_gmt, its amounts from the line items, the guest known by the billing email', async () => {
    const shop = await newTenant();
    const created = await woo(shop, 'order.created', read('woocommerce/order-727-processing.json'));
    expect(created.status).toBe(200);
    expect(created.body).toEqual({ received: true, transactions: [stored('woocommerce-order-727')], touches: 0 });
    const updated = await woo(shop, 'order.updated', read('woocommerce/order-727-processing.json'));
    expect(updated.body.transactions).toEqual([duplicate('woocommerce-order-727')]);

    expect((await show(shop, 'woocommerce-order-727')).body).toMatchObject({
      provider: 'woocommerce',
      externalId: '727',
      kind: 'order',
      occurredAt: '2017-03-22T19:28:08.000Z',
      currency: 'USD',
      gross: 1800,
      discount: 0,
      net: 1800,
      tax: 135,
      shipping: 1000,
      total: 2935,
      // created_via "rest-api"
      salesChannel: 'other',
      status: 'counted',
      person: { identifiers: [`e:${hashEmail('john.doe@example.com')}`] },
    });
    await api.settle();
    expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 0, cancellations: 0, pending: 0, conflicts: 0, revenue: 1800 } });
    expect(await report(shop)).toEqual({ USD: { revenue: 1800, attributed: 0, unattributed: 1800, transactions: 1 } });
  });

  it('counts order 723, completed without a paid date, from its completion, with its two refunds (listed negative) stored positive', async () => {
    const shop = await newTenant();
    const response = await together(() => woo(shop, 'order.updated', read(ORDER_723)));
    expect(response.status).toBe(200);
    expect(response.body.transactions).toEqual([stored('woocommerce-order-723'), stored('woocommerce-refund-726'), stored('woocommerce-refund-724')]);

    expect((await show(shop, 'woocommerce-order-723')).body).toMatchObject({
      kind: 'order',
      occurredAt: '2017-03-21T19:54:51.000Z',
      currency: 'USD',
      gross: 2900,
      discount: 0,
      net: 2900,
      tax: 0,
      shipping: 1000,
      total: 3900,
      salesChannel: 'online_store',
      status: 'counted',
      person: { identifiers: ['c:26', `e:${hashEmail('joao.silva@example.com')}`] },
    });
    // A refund's total only: split in the order's proportions (net 29.00, shipping 10.00), positive on the refund line.
    expect((await show(shop, 'woocommerce-refund-726')).body).toMatchObject({
      kind: 'refund',
      orderId: 'woocommerce-order-723',
      occurredAt: '2017-03-21T19:54:51.000Z',
      net: 744,
      tax: 0,
      shipping: 256,
      total: 1000,
      status: 'counted',
    });
    expect((await show(shop, 'woocommerce-refund-724')).body).toMatchObject({ kind: 'refund', orderId: 'woocommerce-order-723', net: 669, tax: 0, shipping: 231, total: 900, status: 'counted' });

    await api.settle();
    const exported = await lines(shop);
    expect(exported.map((line) => [line.transactionId, line.kind, line.status, line.total])).toEqual([
      ['woocommerce-order-723', 'order', 'counted', 3900],
      ['woocommerce-refund-724', 'refund', 'counted', 900],
      ['woocommerce-refund-726', 'refund', 'counted', 1000],
    ]);
    const refunded = exported.filter((line) => line.kind === 'refund');
    expect(refunded.reduce((sum, line) => sum + line.total, 0)).toBe(1900);
    const revenue = 2900 - 744 - 669;
    expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 2, cancellations: 0, pending: 0, conflicts: 0, revenue } });
    expect((await report(shop)).USD!.revenue).toBe(revenue);
  });

  it('reverses order 723 when it is cancelled later (it keeps its completion date): the cancellation takes what the refunds left', async () => {
    const shop = await newTenant();
    const cancelled = await together(async () => {
      await woo(shop, 'order.updated', read(ORDER_723));
      return woo(shop, 'order.updated', text(ORDER_723).replace('"status": "completed"', '"status": "cancelled"'));
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.transactions).toEqual([duplicate('woocommerce-order-723'), stored('woocommerce-cancellation-723'), duplicate('woocommerce-refund-726'), duplicate('woocommerce-refund-724')]);
    expect((await show(shop, 'woocommerce-cancellation-723')).body).toMatchObject({
      kind: 'cancellation',
      orderId: 'woocommerce-order-723',
      occurredAt: '2017-03-21T19:54:51.000Z',
      status: 'counted',
      counted: { net: 2900 - 744 - 669, tax: 0, shipping: 1000 - 256 - 231, total: 3900 - 1900 },
    });
    await api.settle();
    expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 2, cancellations: 1, pending: 0, conflicts: 0, revenue: 0 } });
    expect((await report(shop)).USD?.revenue ?? 0).toBe(0);
  });

  it.each([
    ['pending', 'an excluded status, completed before or not'],
    ['failed', 'an excluded status, completed before or not'],
    ['on-hold', 'never completed, never paid'],
  ])('acknowledges order 723 as %s (%s) and counts nothing', async (status) => {
    const shop = await newTenant();
    let body = text(ORDER_723).replace('"status": "completed"', `"status": "${status}"`);
    if (status === 'on-hold')
      body = body.replace('"date_completed": "2017-03-21T16:54:51"', '"date_completed": null').replace('"date_completed_gmt": "2017-03-21T19:54:51"', '"date_completed_gmt": null');
    const response = await woo(shop, 'order.updated', body);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, ignored: `order 723 is ${status} and not paid` });
    await expectNothingCounted(shop);
  });

  it('never counts refund object 726: quarantined as not an order under order.updated, ignored under a topic Baton does not subscribe to', async () => {
    const shop = await newTenant();
    const asOrder = await woo(shop, 'order.updated', read('woocommerce/refund-726.json'));
    // Signed and genuine but not an order: quarantined (200, kept for redrive) with the order fields it lacks, never a 4xx
    // WooCommerce would retry and then disable the webhook for.
    expect(asOrder.status).toBe(200);
    expect(asOrder.body).toMatchObject({ received: true, outcome: 'quarantined' });
    expect(asOrder.body.quarantined.errors.map((issue: { path: string }) => issue.path)).toEqual(expect.arrayContaining(['status', 'currency']));
    expect(asOrder.body.transactions).toBeUndefined();

    const otherTopic = await woo(shop, 'action.woocommerce_order_refunded', read('woocommerce/refund-726.json'));
    expect(otherTopic.status).toBe(200);
    expect(otherTopic.body).toEqual({ received: true, ignored: 'topic action.woocommerce_order_refunded carries no revenue' });
    expect((await show(shop, 'woocommerce-refund-726')).status).toBe(404);
    await expectNothingCounted(shop);
  });

  it('answers the activation ping (form body, no signature) with 200', async () => {
    const shop = await newTenant();
    const response = await api.request('POST', `/v1/webhooks/woocommerce/${shop.tenantId}`, { body: 'webhook_id=15', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, ignored: 'webhook activation ping' });
  });
});

describe('Stripe', () => {
  const CHECKOUT = 'stripe/evt-checkout.session.completed.json';
  const SESSION_ID = 'cs_test_0000000000000000000000000000000000000000000000000000000000';

  it('acknowledges the Stripe CLI events as they are (livemode false) as test data and stores nothing', async () => {
    const shop = await newTenant();
    for (const file of [CHECKOUT, 'stripe/evt-charge.refunded.json']) {
      const response = await stripe(shop, read(file));
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ received: true, ignored: 'event evt_000000000000000000000000 is test-mode data (livemode false)' });
    }
    expect((await show(shop, `stripe-order-${SESSION_ID}`)).status).toBe(404);
    await expectNothingCounted(shop);
  });

  // Needs the fix of shared/webhooks/stripe.ts under way: at API version 2020-08-27 a session has no `created`.
  it('stores the same checkout in live mode as stripe-order-cs_test_…, dated by the event’s created', async () => {
    const shop = await newTenant();
    const source = text(CHECKOUT);
    expect(source.split('"livemode": false').length - 1).toBe(2);
    const live = source.replaceAll('"livemode": false', '"livemode": true');
    const response = await stripe(shop, live);
    expect(response.status).toBe(200);
    expect(response.body.transactions).toEqual([stored(`stripe-order-${SESSION_ID}`)]);
    expect((await stripe(shop, live)).body).toEqual({ received: true, duplicate: true });

    expect((await show(shop, `stripe-order-${SESSION_ID}`)).body).toMatchObject({
      provider: 'stripe',
      externalId: SESSION_ID,
      kind: 'order',
      occurredAt: '2022-03-26T18:39:19.000Z',
      currency: 'USD',
      gross: 3000,
      discount: 0,
      net: 3000,
      tax: 0,
      shipping: 0,
      total: 3000,
      salesChannel: 'online_store',
      status: 'counted',
      person: { identifiers: ['c:cus_00000000000000', `e:${hashEmail('stripe@example.com')}`] },
    });
    await api.settle();
    expect(await summary(shop)).toEqual({ USD: { orders: 1, refunds: 0, cancellations: 0, pending: 0, conflicts: 0, revenue: 3000 } });
    expect(await report(shop)).toEqual({ USD: { revenue: 3000, attributed: 0, unattributed: 3000, transactions: 1 } });
  });

  it('acknowledges the openapi checkout.session fixture (open, unpaid, amounts and currency null) in a live event without storing it', async () => {
    const shop = await newTenant();
    const response = await stripe(shop, stripeEnvelope('evt_openapi_checkout_session', 'checkout.session.completed', 1234567890, text('stripe/openapi-fixture-checkout.session.json')));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, ignored: expect.stringMatching(/not paid/) });
    await expectNothingCounted(shop);
  });

  it('keeps the openapi refund fixture (refund.created, live) pending: its order is unknown, it counts nothing', async () => {
    const shop = await newTenant();
    const response = await stripe(shop, stripeEnvelope('evt_openapi_refund', 'refund.created', 1234567890, text('stripe/openapi-fixture-refund.json')));
    expect(response.status).toBe(200);
    expect(response.body.transactions).toEqual([stored('stripe-refund-re_1Pgc72B7WZ01zgkWqPvrRrPE', 'pending')]);
    expect((await show(shop, 'stripe-refund-re_1Pgc72B7WZ01zgkWqPvrRrPE')).body).toMatchObject({
      kind: 'refund',
      occurredAt: '2009-02-13T23:31:30.000Z',
      currency: 'USD',
      gross: 100,
      total: 100,
      status: 'pending',
    });
    await api.settle();
    expect((await lines(shop)).map((line) => [line.transactionId, line.status, line.net, line.total])).toEqual([['stripe-refund-re_1Pgc72B7WZ01zgkWqPvrRrPE', 'pending', 0, 0]]);
    expect(await summary(shop)).toEqual({ USD: { orders: 0, refunds: 0, cancellations: 0, pending: 1, conflicts: 0, revenue: 0 } });
    expect(await report(shop)).toEqual({});
  });
});

describe('a wrong signature', () => {
  const deliveries: Record<string, { send: (tenant: CreatedTenant, secret: string) => Promise<{ status: number; body: any }>; id?: string }> = {
    'shopify/order-450789469-online-web.json': { send: (t, s) => shopify(t, 'orders/create', read('shopify/order-450789469-online-web.json'), s), id: 'shopify-order-450789469' },
    'shopify/order-1073459976-api-eur-no-customer.json': { send: (t, s) => shopify(t, 'orders/create', read('shopify/order-1073459976-api-eur-no-customer.json'), s), id: 'shopify-order-1073459976' },
    'shopify/order-450789469-cancelled-with-refund.json': {
      send: (t, s) => shopify(t, 'orders/cancelled', read('shopify/order-450789469-cancelled-with-refund.json'), s),
      id: 'shopify-cancellation-450789469',
    },
    'shopify/refund-509562969-two-line-items.json': { send: (t, s) => shopify(t, 'refunds/create', read('shopify/refund-509562969-two-line-items.json'), s), id: 'shopify-refund-509562969' },
    'shopify/refund-929361471-shipping-adjustment.json': { send: (t, s) => shopify(t, 'refunds/create', read('shopify/refund-929361471-shipping-adjustment.json'), s), id: 'shopify-refund-929361471' },
    'shopify/refund-929361472-one-line-item-return.json': {
      send: (t, s) => shopify(t, 'refunds/create', read('shopify/refund-929361472-one-line-item-return.json'), s),
      id: 'shopify-refund-929361472',
    },
    'woocommerce/order-727-processing.json': { send: (t, s) => woo(t, 'order.created', read('woocommerce/order-727-processing.json'), s), id: 'woocommerce-order-727' },
    'woocommerce/order-723-with-refunds.json': { send: (t, s) => woo(t, 'order.updated', read('woocommerce/order-723-with-refunds.json'), s), id: 'woocommerce-order-723' },
    'woocommerce/refund-726.json': { send: (t, s) => woo(t, 'order.updated', read('woocommerce/refund-726.json'), s), id: 'woocommerce-refund-726' },
    'stripe/evt-checkout.session.completed.json': {
      send: (t, s) => stripe(t, text('stripe/evt-checkout.session.completed.json').replaceAll('"livemode": false', '"livemode": true'), s),
      id: 'stripe-order-cs_test_0000000000000000000000000000000000000000000000000000000000',
    },
    'stripe/evt-charge.refunded.json': { send: (t, s) => stripe(t, read('stripe/evt-charge.refunded.json'), s) },
    'stripe/openapi-fixture-checkout.session.json': {
      send: (t, s) => stripe(t, stripeEnvelope('evt_openapi_checkout_session', 'checkout.session.completed', 1234567890, text('stripe/openapi-fixture-checkout.session.json')), s),
    },
    'stripe/openapi-fixture-refund.json': {
      send: (t, s) => stripe(t, stripeEnvelope('evt_openapi_refund', 'refund.created', 1234567890, text('stripe/openapi-fixture-refund.json')), s),
      id: 'stripe-refund-re_1Pgc72B7WZ01zgkWqPvrRrPE',
    },
  };

  it('covers every file', () => {
    expect(Object.keys(deliveries).sort()).toEqual(Object.keys(FILES).sort());
  });

  it.each(Object.keys(FILES))('is 401 for %s, and nothing is written', async (file) => {
    const shop = await newTenant();
    const other = await newTenant();
    const provider = file.split('/')[0] as 'shopify' | 'woocommerce' | 'stripe';
    const delivery = deliveries[file]!;
    for (const secret of [`${shop.webhookSecrets[provider]}x`, other.webhookSecrets[provider]]) {
      const response = await delivery.send(shop, secret);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('unauthenticated');
    }
    if (delivery.id) expect((await show(shop, delivery.id)).status).toBe(404);
    await expectNothingCounted(shop);
  });
});
