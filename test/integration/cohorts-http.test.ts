import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { recordRequests } from '../support/requests.ts';

let api: TestApi;
let tenant: CreatedTenant;

const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
const read = (path: string, key = tenant.keys.marketing) => api.request('GET', path, { key });
const order = (transactionId: string, customerId: string, occurredAt: string, gross: string, currency = 'USD') =>
  ingest('/v1/transactions', { transactionId, kind: 'order', occurredAt, person: { customerId }, currency, gross });

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ timezone: 'America/New_York' });
  const click = (touchId: string, customerId: string, occurredAt: string, campaign: string) => ({
    touchId,
    occurredAt,
    person: { customerId },
    kind: 'click',
    utm: { source: 'google', medium: 'cpc', campaign },
  });
  await ingest('/v1/touches', {
    touches: [
      click('t-ana', 'ana', '2026-04-29T12:00:00-04:00', 'spring'),
      click('t-ben', 'ben', '2026-05-01T12:00:00-04:00', 'summer'),
      click('t-cleo', 'cleo', '2026-05-09T12:00:00-04:00', 'summer'),
    ],
  });
  // ana: 23:30 on April 30th in New York (May 1st in UTC), then a purchase a month for three months
  await order('ana-1', 'ana', '2026-04-30T23:30:00-04:00', '6.00');
  await order('ana-2', 'ana', '2026-05-15T12:00:00-04:00', '3.00');
  await order('ana-3', 'ana', '2026-06-10T12:00:00-04:00', '6.00');
  await order('ana-4', 'ana', '2026-07-05T12:00:00-04:00', '6.00');
  // ben: two orders in May (both month 0)
  await order('ben-1', 'ben', '2026-05-03T12:00:00-04:00', '15.00');
  await order('ben-2', 'ben', '2026-05-20T12:00:00-04:00', '5.00');
  // cleo: a first order refunded whole two months later, and an order in EUR
  await order('cleo-1', 'cleo', '2026-05-10T12:00:00-04:00', '40.00');
  await ingest('/v1/transactions', { transactionId: 'cleo-r', kind: 'refund', orderId: 'cleo-1', occurredAt: '2026-07-02T12:00:00-04:00', currency: 'USD', gross: '40.00' });
  await order('cleo-2', 'cleo', '2026-08-02T12:00:00-04:00', '9.00', 'EUR');
  await ingest('/v1/spend', { spend: [{ date: '2026-04-10', campaign: 'spring', currency: 'USD', amount: '20.00', channel: 'Paid Search', source: 'google', medium: 'cpc' }] });
  await api.settle();
});
afterAll(() => api.close());

describe('GET /v1/cohorts (docs/contract.md#cohorts)', () => {
  it('counts customers by the month of their first order in the tenant’s zone, their value month by month, CAC and payback', async () => {
    const answer = await read('/v1/cohorts?from=2026-04&to=2026-05&groupBy=campaign&model=last_touch&months=4');
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.rows).toEqual([
      {
        cohort: '2026-04',
        key: 'spring',
        currency: 'USD',
        customers: 1,
        spend: 2000,
        cac: 2000,
        repeatRate: 1,
        crossCurrencyOrders: 0,
        revenue: [600, 300, 600, 600],
        cumulativePerCustomer: [600, 900, 1500, 2100],
        paybackMonth: 3,
        partialOffset: null,
      },
      {
        cohort: '2026-05',
        key: 'summer',
        currency: 'USD',
        customers: 2,
        spend: 0,
        cac: null,
        // cleo's second order is in EUR: a second order all the same, counted apart from the value
        repeatRate: 1,
        crossCurrencyOrders: 1,
        revenue: [6000, 0, -4000, 0],
        cumulativePerCustomer: [3000, 3000, 1000, 1000],
        paybackMonth: null,
        partialOffset: null,
      },
    ]);
    expect(answer.body).toMatchObject({ model: 'last_touch', groupBy: 'campaign', months: 4, basis: 'revenue', cohorts: { from: '2026-04', to: '2026-05' } });
  });

  it('pays back on margin once the tenant sets grossMarginPercent, and on revenue again once it is unset', async () => {
    const patch = (grossMarginPercent: number | null) => api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { grossMarginPercent } });
    expect((await patch(50)).status).toBe(200);
    const margin = await read('/v1/cohorts?from=2026-04&to=2026-04&groupBy=campaign&model=last_touch&months=4');
    expect(margin.body).toMatchObject({ basis: 'margin', grossMarginPercent: 50 });
    expect(margin.body.rows[0]).toMatchObject({ marginPerCustomer: [300, 450, 750, 1050], paybackMonth: null });
    expect((await patch(null)).status).toBe(200);
    const revenue = await read('/v1/cohorts?from=2026-04&to=2026-04&groupBy=campaign&model=last_touch&months=4');
    expect(revenue.body.basis).toBe('revenue');
    expect(revenue.body.rows[0].paybackMonth).toBe(3);
    expect((await patch(150)).status).toBe(400);
  });

  it('answers CSV, refuses bad queries with 400 and other keys than marketing with 403, and reads without a scan', async () => {
    const csv = await read('/v1/cohorts?from=2026-04&to=2026-04&groupBy=campaign&model=last_touch&months=2&format=csv');
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\r\n')[1]).toBe('2026-04,spring,USD,1,2000,2000,1,0,,revenue,,600,300,600,900');
    expect(csv.headers.get('content-disposition')).toContain('-cohorts-last_touch-campaign-2026-04-to-2026-04.csv');
    for (const query of ['from=2026-05&to=2026-04', 'from=2026-04&to=2026-05&months=0', 'from=2026-04&to=2026-05&model=markov', 'from=2026-4&to=2026-05', 'from=2026-04&to=2026-05&groupBy=kind']) {
      expect((await read(`/v1/cohorts?${query}`)).status, query).toBe(400);
    }
    expect((await read('/v1/cohorts?from=2026-04&to=2026-05', tenant.keys.finance)).status).toBe(403);
    const requests = await recordRequests(() => read('/v1/cohorts?from=2026-01&to=2026-08&groupBy=channel&months=12'));
    expect(requests.map((request) => request.command).filter((command) => command !== 'GetItemCommand')).toEqual(['QueryCommand', 'QueryCommand']);
  });
});

describe('GET /v1/exports/customers', () => {
  it('writes one line per customer in the columns BTYD tools expect, as of a day', async () => {
    const csv = await read('/v1/exports/customers?asOf=2026-08-31', tenant.keys.finance);
    expect(csv.status, csv.text).toBe(200);
    const [header, ...lines] = csv.text.trim().split('\r\n');
    expect(header).toBe('customer,cohort,first_order,acquiring_channel,currency,frequency,recency,T,monetary_value');
    const rows = lines.map((line) => line.split(',')).sort((a, b) => (a[2]! < b[2]! ? -1 : 1));
    // ana: first order on April 30th (New York), repeat days May 15th, June 10th, July 5th; T to August 31st
    expect(rows[0]!.slice(1)).toEqual(['2026-04', '2026-04-30', 'Paid Search', 'USD', '3', '66', '123', '5.00']);
    // ben: a second order the same month; cleo: her only USD order refunded, her EUR order left out of the value
    expect(rows[1]!.slice(1)).toEqual(['2026-05', '2026-05-03', 'Paid Search', 'USD', '1', '17', '120', '5.00']);
    expect(rows[2]!.slice(1)).toEqual(['2026-05', '2026-05-10', 'Paid Search', 'USD', '0', '0', '113', '0.00']);
    expect(rows.every((row) => /^[0-9a-f]{24}$/.test(row[0]!))).toBe(true);

    const before = await read('/v1/exports/customers?asOf=2026-05-31&format=ndjson', tenant.keys.marketing);
    expect(before.headers.get('content-type')).toContain('application/x-ndjson');
    const customers = before.text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(customers.map((customer) => [customer.first_order, customer.frequency, customer.T]).sort()).toEqual([
      ['2026-04-30', 1, 31],
      ['2026-05-03', 1, 28],
      ['2026-05-10', 0, 21],
    ]);
    expect((await read('/v1/exports/customers?asOf=2026-13-01', tenant.keys.finance)).status).toBe(400);
    expect((await read('/v1/exports/customers', tenant.keys.ingest)).status).toBe(403);
  });
});
