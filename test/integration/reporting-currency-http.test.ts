import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder, shopifyRefund } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';

/**
 * One reporting currency through the HTTP API (docs/contract.md#one-reporting-currency):
 * a store in Berlin selling in EUR and GBP reports in USD, at rates it
 * supplies in the ECB's layout; a Shopify order and its refund arrive as
 * signed webhooks.
 */

let api: TestApi;
let tenant: CreatedTenant;

const shopify = async (topic: string, payload: unknown) => {
  const body = JSON.stringify(payload);
  const response = await api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-event-id': `evt-${topic}-${Math.random()}`,
      'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify),
    },
  });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
};
const read = (path: string, key = tenant.keys.finance) => api.request('GET', path, { key });
const putRates = (csv: string) => api.request('PUT', '/v1/fx-rates', { key: tenant.keys.finance, body: csv, headers: { 'content-type': 'text/csv' } });

/** CSV rows as objects of their header's columns (no cell here holds a comma). */
const rowsOf = (text: string) => {
  const [header, ...lines] = text.trimEnd().split('\r\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [columns[i]!, cell])));
};

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ currency: 'EUR', timezone: 'Europe/Berlin' });
  const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { reportingCurrency: 'USD' } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  // ECB reference rates: 1 EUR in each currency; Saturday the 17th has none.
  const rates = await putRates('Date,USD,GBP,\n2026-10-15,1.18,0.86,\n2026-10-16,1.17,0.85,\n2026-11-10,1.29,0.87,\n');
  expect(rates.status, JSON.stringify(rates.body)).toBe(200);
  await shopify(
    'orders/create',
    shopifyOrder({
      id: 7001,
      currency: 'EUR',
      created_at: '2026-10-15T11:00:00+01:00',
      total_shipping_price_set: { shop_money: { amount: '10.00', currency_code: 'EUR' }, presentment_money: { amount: '10.00', currency_code: 'EUR' } },
    }),
  );
  await shopify(
    'refunds/create',
    shopifyRefund({
      order_id: 7001,
      created_at: '2026-11-10T09:00:00+01:00',
      transactions: [{ id: 1, order_id: 7001, kind: 'refund', gateway: 'bogus', status: 'success', amount: '105.17', currency: 'EUR' }],
    }),
  );
  const pounds = await api.request('POST', '/v1/transactions', {
    key: tenant.keys.ingest,
    json: { transactionId: 'uk-1', kind: 'order', occurredAt: '2026-10-17T15:00:00+01:00', person: { customerId: 'uk' }, currency: 'GBP', gross: '100.00' },
  });
  expect(pounds.status).toBe(201);
  await api.settle();
});
afterAll(() => api.close());

describe('a store reporting in USD (docs/contract.md#one-reporting-currency)', () => {
  it('exports each line with its rate: the refund at its order’s, the Saturday order at Friday’s, crossed through EUR', async () => {
    const exported = await read('/v1/exports/transactions?from=2026-10-01&to=2026-11-30');
    expect(exported.status).toBe(200);
    const rows = rowsOf(exported.text);
    const line = (kind: string, currency: string) => rows.find((row) => row.kind === kind && row.currency === currency)!;
    const order = line('order', 'EUR');
    expect([order.reportingCurrency, order.rate, order.rateDay]).toEqual(['USD', '1.18', '2026-10-15']);
    expect(Number(order.reportingNet)).toBe(Math.round(Number(order.net) * 1.18));
    const refund = line('refund', 'EUR');
    expect([refund.rate, refund.rateDay]).toEqual(['1.18', '2026-10-15']);
    // 100.00 GBP at Friday's 1.17 / 0.85 = 1.376470588235… USD
    expect([line('order', 'GBP').rate, line('order', 'GBP').rateDay, line('order', 'GBP').reportingNet]).toEqual(['1.376470588235', '2026-10-16', '13765']);
  });

  it('answers the report, the sales report, the funnel and the export summary in USD, the same revenue everywhere', async () => {
    const report = await read('/v1/attribution/report?from=2026-10-01&to=2026-11-30&groupBy=channel&currency=reporting', tenant.keys.marketing);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.reportingCurrency).toBe('USD');
    expect(report.body.missingRates).toEqual([]);
    expect(report.body.totals.map((total: { currency: string }) => total.currency)).toEqual(['USD']);
    const revenue = report.body.totals[0].revenue;
    const summary = await read('/v1/exports/transactions/summary?from=2026-10-01&to=2026-11-30&currency=reporting');
    expect(summary.body.reporting).toMatchObject({ currency: 'USD', orders: 2, refunds: 1, revenue });
    const sales = await read('/v1/sales/report?from=2026-10-01&to=2026-11-30&groupBy=sales_channel&currency=reporting', tenant.keys.marketing);
    expect(sales.body.totals).toEqual([{ currency: 'USD', revenue, transactions: 3 }]);
    const funnel = await read('/v1/funnel?from=2026-10-01&to=2026-11-30&groupBy=channel&currency=reporting', tenant.keys.marketing);
    expect(funnel.body.totals.revenue).toEqual([expect.objectContaining({ currency: 'USD', revenue })]);
    // Natively, each currency as it was.
    const native = await read('/v1/attribution/report?from=2026-10-01&to=2026-11-30&groupBy=channel', tenant.keys.marketing);
    expect(native.body.totals.map((total: { currency: string }) => total.currency)).toEqual(['EUR', 'GBP']);
    expect(native.body).not.toHaveProperty('missingRates');
  });

  it('a rate edit starts a job that converts the affected days again, each order keeping its attribution', async () => {
    const before = (await read('/v1/exports/transactions/summary?from=2026-10-01&to=2026-11-30&currency=reporting')).body.reporting.revenue;
    const edit = await putRates('Date,USD,GBP\n2026-10-16,1.17,0.80\n');
    expect(edit.status).toBe(200);
    expect(edit.body).toMatchObject({ changed: 1, affected: { from: '2026-10-16', to: '2026-10-23' }, jobs: [{ from: '2026-10-16', to: '2026-10-23' }] });
    await api.settle();
    const job = await read(`/v1/jobs/${edit.body.jobs[0].jobId}`, tenant.keys.admin);
    expect(job.body).toMatchObject({ kind: 'reconvert', status: 'done' });
    // 100.00 GBP at 1.17 / 0.80 = 146.25 USD instead of 137.65
    const after = (await read('/v1/exports/transactions/summary?from=2026-10-01&to=2026-11-30&currency=reporting')).body.reporting.revenue;
    expect(after - before).toBe(14_625 - 13_765);
  });

  it('lists what has no rate instead of guessing, and refuses currency=reporting without a reporting currency', async () => {
    const late = await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: 'ch-1', kind: 'order', occurredAt: '2026-11-20T10:00:00+01:00', person: { customerId: 'ch' }, currency: 'CHF', gross: '50.00' },
    });
    expect(late.status).toBe(201);
    await api.settle();
    const report = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&groupBy=channel&currency=reporting', tenant.keys.marketing);
    expect(report.body.missingRates).toEqual([{ currency: 'CHF', day: '2026-11-20', amount: 5_000, source: 'transactions' }]);

    const other = await newTenant({ currency: 'USD', timezone: 'UTC' });
    const refused = await api.request('GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30&currency=reporting', { key: other.keys.marketing });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/reportingCurrency/);
    expect(refused.body.error.details).toEqual([expect.objectContaining({ path: 'query.currency', code: 'no_reporting_currency' })]);
  });
});
