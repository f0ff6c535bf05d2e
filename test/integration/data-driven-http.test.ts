import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant();
});
afterAll(() => api.close());

const search = { utm: { source: 'google', medium: 'cpc' } };
const email = { utm: { source: 'newsletter', medium: 'email' } };

/** Puzyrov's example as people: search ×2 → order, email → order, search > email → order, search without an order. */
async function seed(): Promise<void> {
  const journeys: Array<{ person: string; touches: Array<typeof search>; order: boolean }> = [
    { person: 'dd-1', touches: [search], order: true },
    { person: 'dd-2', touches: [search], order: true },
    { person: 'dd-3', touches: [email], order: true },
    { person: 'dd-4', touches: [search, email], order: true },
    { person: 'dd-5', touches: [search], order: false },
  ];
  for (const journey of journeys) {
    await api.request('POST', '/v1/touches', {
      key: tenant.keys.ingest,
      json: {
        touches: journey.touches.map((touch, i) => ({ touchId: `${journey.person}-${i}`, occurredAt: `2026-11-15T0${i + 1}:00:00Z`, person: { customerId: journey.person }, kind: 'click', ...touch })),
      },
    });
    if (journey.order) {
      await api.request('POST', '/v1/transactions', {
        key: tenant.keys.ingest,
        json: { transactionId: `${journey.person}-order`, kind: 'order', occurredAt: '2026-11-15T12:00:00Z', person: { customerId: journey.person }, currency: 'USD', gross: '10.00' },
      });
    }
  }
  await api.settle();
}

describe('data-driven models in reports', () => {
  beforeAll(seed);

  it('markov splits attributed revenue by removal effect, using the journey that did not convert', async () => {
    const report = await api.request('GET', '/v1/attribution/report?from=2026-11-15&to=2026-11-15&model=markov&groupBy=channel', { key: tenant.keys.marketing });
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      { key: 'Paid Search', currency: 'USD', revenue: 2400, conversions: 2.4, touches: 4 },
      { key: 'Email', currency: 'USD', revenue: 1600, conversions: 1.6, touches: 2 },
    ]);
    expect(report.body.totals).toEqual([{ currency: 'USD', revenue: 4000, attributed: 4000, unattributed: 0, transactions: 4 }]);
  });

  it('shapley splits it by marginal contributions over channel sets', async () => {
    const report = await api.request('GET', '/v1/attribution/report?from=2026-11-15&to=2026-11-15&model=shapley&groupBy=channel', { key: tenant.keys.marketing });
    expect(report.body.rows.map((row: { key: string; revenue: number }) => [row.key, row.revenue])).toEqual([
      ['Paid Search', 2500],
      ['Email', 1500],
    ]);
  });

  it('moves the markov figures when the open journey converts later, counting it once', async () => {
    await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: 'dd-5-order', kind: 'order', occurredAt: '2026-11-15T13:00:00Z', person: { customerId: 'dd-5' }, currency: 'USD', gross: '10.00' },
    });
    await api.settle();
    const report = await api.request('GET', '/v1/attribution/report?from=2026-11-15&to=2026-11-15&model=markov&groupBy=channel', { key: tenant.keys.marketing });
    // Now: search ×3, email ×1, search > email ×1, all converting: every removal loses its paths.
    const revenue = Object.fromEntries(report.body.rows.map((row: { key: string; revenue: number }) => [row.key, row.revenue]));
    expect(revenue['Paid Search'] + revenue.Email).toBe(5000);
    expect(revenue['Paid Search']).toBe(Math.round((5000 * 4) / 6));
  });

  it('appears in compare for groupBy=channel and refuses other groupings', async () => {
    const compared = await api.request('GET', '/v1/attribution/compare?from=2026-11-15&to=2026-11-15&groupBy=channel', { key: tenant.keys.marketing });
    expect(Object.keys(compared.body.models)).toEqual(expect.arrayContaining(['markov', 'shapley', 'linear']));
    const refused = await api.request('GET', '/v1/attribution/report?from=2026-11-15&to=2026-11-15&model=shapley&groupBy=campaign', { key: tenant.keys.marketing });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('query.groupBy');
  });
});
