import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { patchConfig } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi, tenantStore } from '../support/api.ts';

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

describe('a change of the tenant’s time zone', () => {
  it('applies from the next day on: earlier days stay in the old zone, answers name the zone of each span of days, and a recompute moves nothing', async () => {
    const tenant = await newTenant({ timezone: 'Europe/Berlin' });
    // The change is made on 2026-11-15 at 12:00 Berlin time: Berlin counts through the 15th, New York from the 16th.
    const change = await patchConfig(tenantStore(), tenant.tenantId, { timezone: 'America/New_York' }, new Date('2026-11-15T11:00:00Z'));
    expect(change.calendar).toEqual([
      { timezone: 'Europe/Berlin', from: '0001-01-01' },
      { timezone: 'America/New_York', from: '2026-11-16' },
    ]);
    expect(change.recompute).toMatchObject({ advised: false, fields: [] });

    // 23:30 UTC on the 10th is the 11th in Berlin; 03:00 UTC on the 20th is still the 19th in New York.
    const orders = [
      { transactionId: 'tz-berlin', occurredAt: '2026-11-10T23:30:00Z' },
      { transactionId: 'tz-newyork', occurredAt: '2026-11-20T03:00:00Z' },
    ];
    for (const order of orders) {
      const response = await api.request('POST', '/v1/transactions', {
        key: tenant.keys.ingest,
        json: { ...order, kind: 'order', person: { customerId: order.transactionId }, currency: 'EUR', gross: '10.00' },
      });
      expect(response.status).toBe(201);
    }
    await api.settle();

    const lines = ndjson((await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30&format=ndjson', { key: tenant.keys.finance })).text);
    expect(lines.map((line) => [line.transactionId, line.day])).toEqual([
      ['tz-berlin', '2026-11-11'],
      ['tz-newyork', '2026-11-19'],
    ]);

    const day = (date: string) => api.request('GET', `/v1/attribution/report?from=${date}&to=${date}`, { key: tenant.keys.marketing });
    expect((await day('2026-11-11')).body).toMatchObject({ timezone: 'Europe/Berlin', totals: [expect.objectContaining({ revenue: 1000, transactions: 1 })] });
    expect((await day('2026-11-19')).body).toMatchObject({ timezone: 'America/New_York', totals: [expect.objectContaining({ revenue: 1000, transactions: 1 })] });

    const month = (await api.request('GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30', { key: tenant.keys.marketing })).body;
    expect(month.timezone).toBeUndefined();
    expect(month.timezones).toEqual([
      { from: '2026-11-01', to: '2026-11-15', timezone: 'Europe/Berlin' },
      { from: '2026-11-16', to: '2026-11-30', timezone: 'America/New_York' },
    ]);
    const summary = (await api.request('GET', '/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30', { key: tenant.keys.finance })).body;
    expect(summary.timezones).toEqual(month.timezones);
    expect(summary.currencies[0]).toMatchObject({ orders: 2, net: 2000 });

    // Re-attributing the month under the current config puts every transaction on the same day as before.
    const recompute = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-01', to: '2026-11-30' } });
    expect(recompute.status).toBe(202);
    await api.settle();
    expect((await api.request('GET', `/v1/jobs/${recompute.body.jobId}`, { key: tenant.keys.admin })).body).toMatchObject({ status: 'done', days: { total: 30, done: 30 }, transactions: 2 });
    expect((await day('2026-11-11')).body.totals).toEqual([expect.objectContaining({ revenue: 1000, transactions: 1 })]);
    expect((await day('2026-11-19')).body.totals).toEqual([expect.objectContaining({ revenue: 1000, transactions: 1 })]);
  });

  it('answers a PATCH that changes attribution rules with the advice to recompute', async () => {
    const tenant = await newTenant();
    const response = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { lookbackDays: 14, channelRules: [] } });
    expect(response.body.recompute).toMatchObject({ advised: true, fields: ['lookbackDays'] });
    const rules = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { channelRules: [{ channel: 'Partners', when: [{ field: 'source', op: 'equals', values: ['acme'] }] }] } });
    expect(rules.status, rules.text).toBe(200);
    expect(rules.body.recompute).toMatchObject({ advised: false, laterTouchesOnly: ['channelRules'] });
  });
});
