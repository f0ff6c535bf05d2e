import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { report } from '../../shared/read-models/reports.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { recordRequests } from '../support/requests.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ timezone: 'UTC' });
  // Two people: one from a Google campaign that bought for $120.00, one from a Facebook campaign that did not buy.
  await ingest('/v1/touches', {
    touches: [
      { touchId: 's-ad', occurredAt: '2026-11-02T10:00:00Z', person: { customerId: 'buyer' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'Brand' } },
      { touchId: 's-fb', occurredAt: '2026-11-02T11:00:00Z', person: { customerId: 'browser' }, kind: 'click', utm: { source: 'facebook', medium: 'paid_social', campaign: 'retarget' } },
    ],
  });
  await ingest('/v1/transactions', { transactionId: 's-order', kind: 'order', occurredAt: '2026-11-03T12:00:00Z', person: { customerId: 'buyer' }, currency: 'USD', gross: '120.00' });
  await api.settle();
});
afterAll(() => api.close());

const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
const read = (path: string) => api.request('GET', path, { key: tenant.keys.marketing });
const spend = (line: Record<string, unknown>) => ({ date: '2026-11-02', currency: 'USD', ...line });

describe('POST /v1/spend and the cost it adds to reports', () => {
  it('leaves reports as they were while the period has no spend', async () => {
    const before = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&model=linear&groupBy=campaign');
    expect(before.body.rows).toEqual([{ key: 'brand', currency: 'USD', revenue: 12000, conversions: 1, touches: 1 }]);
    expect(before.body.totals).toEqual([{ currency: 'USD', revenue: 12000, attributed: 12000, unattributed: 0, transactions: 1 }]);
  });

  it('stores each day’s figure per campaign and shows cost, ROAS and CPA, wasted spend included', async () => {
    const stored = await ingest('/v1/spend', {
      spend: [
        spend({ campaign: ' BRAND ', amount: '30.00', channel: 'Paid Search', source: 'google', medium: 'cpc' }),
        spend({ date: '2026-11-03', campaign: 'brand', amount: '10.00', channel: 'Paid Search', source: 'google', medium: 'cpc' }),
        spend({ campaign: 'retarget', amount: '25.50', channel: 'Paid Social' }),
      ],
    });
    expect(stored.status).toBe(202);
    expect(stored.body).toEqual({ accepted: 3, duplicates: 0, stale: 0, rejected: [] });

    const byCampaign = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&model=linear&groupBy=campaign');
    expect(byCampaign.body.rows).toEqual([
      { key: 'brand', currency: 'USD', revenue: 12000, conversions: 1, touches: 1, cost: 4000, roas: 3, cpa: 4000 },
      { key: 'retarget', currency: 'USD', revenue: 0, conversions: 0, touches: 0, cost: 2550, roas: 0, cpa: null },
    ]);
    expect(byCampaign.body.totals).toEqual([{ currency: 'USD', revenue: 12000, attributed: 12000, unattributed: 0, transactions: 1, cost: 6550, unmatchedCost: 0, roas: 1.8321 }]);

    const bySource = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&model=first_touch&groupBy=source_medium');
    expect(bySource.body.rows).toEqual([{ key: 'google / cpc', currency: 'USD', revenue: 12000, conversions: 1, touches: 1, cost: 4000, roas: 3, cpa: 4000 }]);

    const compared = await read('/v1/attribution/compare?from=2026-11-01&to=2026-11-30&groupBy=channel');
    expect(compared.body.models.last_touch).toEqual([
      { key: 'Paid Search', currency: 'USD', revenue: 12000, conversions: 1, touches: 1, cost: 4000, roas: 3, cpa: 4000 },
      { key: 'Paid Social', currency: 'USD', revenue: 0, conversions: 0, touches: 0, cost: 2550, roas: 0, cpa: null },
    ]);
    expect(compared.body.models.markov[0]).toMatchObject({ key: 'Paid Search', cost: 4000 });

    const byKind = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&model=linear&groupBy=kind');
    expect(byKind.body.rows).toEqual([{ key: 'click', currency: 'USD', revenue: 12000, conversions: 1, touches: 1 }]);
    // spend has no key under kind: all of it is cost no row carries, and the totals say so
    expect(byKind.body.totals[0]).toMatchObject({ cost: 6550, unmatchedCost: 6550 });

    const oneDay = await read('/v1/attribution/report?from=2026-11-03&to=2026-11-03&model=linear&groupBy=campaign');
    expect(oneDay.body.rows).toEqual([{ key: 'brand', currency: 'USD', revenue: 12000, conversions: 1, touches: 1, cost: 1000, roas: 12, cpa: 1000 }]);
  });

  it('takes a later restatement, keeps out an earlier one whatever the arrival order, and counts a repeat once', async () => {
    const line = { campaign: 'restated', date: '2026-11-05', channel: 'Display' };
    const first = await ingest('/v1/spend', { spend: [spend({ ...line, amount: '9.00', reportedAt: '2026-11-06T08:00:00Z' })] });
    expect(first.body).toMatchObject({ accepted: 1, stale: 0 });
    const later = await ingest('/v1/spend', { spend: [spend({ ...line, amount: '11.00', reportedAt: '2026-11-07T08:00:00+01:00' })] });
    expect(later.body).toMatchObject({ accepted: 1, stale: 0 });
    const earlier = await ingest('/v1/spend', { spend: [spend({ ...line, amount: '5.00', reportedAt: '2026-11-05T23:00:00Z' })] });
    expect(earlier.body).toMatchObject({ accepted: 0, duplicates: 0, stale: 1 });
    const again = await ingest('/v1/spend', { spend: [spend({ ...line, amount: '11.00', reportedAt: '2026-11-07T08:00:00+01:00' })] });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, stale: 0 });
    const resent = await ingest('/v1/spend', { spend: [spend({ campaign: 'resent', amount: '3.00' })] });
    const resentAgain = await ingest('/v1/spend', { spend: [spend({ campaign: 'resent', amount: '3.00' })] });
    expect([resent.body.accepted, resentAgain.body.duplicates]).toEqual([1, 1]);
    const concurrent = await Promise.all(Array.from({ length: 10 }, () => ingest('/v1/spend', { spend: [spend({ ...line, amount: '12.00', reportedAt: '2026-11-08T00:00:00Z' })] })));
    expect(concurrent.map((answer) => answer.body.accepted).reduce((sum: number, n: number) => sum + n, 0)).toBe(1);
    expect(concurrent.map((answer) => answer.body.duplicates).reduce((sum: number, n: number) => sum + n, 0)).toBe(9);

    const day = await read('/v1/attribution/report?from=2026-11-05&to=2026-11-05&model=linear&groupBy=channel');
    expect(day.body.rows).toEqual([{ key: 'Display', currency: 'USD', revenue: 0, conversions: 0, touches: 0, cost: 1200, roas: 0, cpa: null }]);
  });

  it('rejects bad lines with their index and reasons and keeps the good ones', async () => {
    const answer = await ingest('/v1/spend', {
      spend: [
        spend({ campaign: 'fine', amount: '1.00', date: '2026-11-10' }),
        spend({ campaign: 'cents', amount: '1.001' }),
        spend({ campaign: 'day', amount: '1.00', date: '2026-02-30' }),
        spend({ campaign: '', amount: '1.00' }),
        spend({ campaign: 'negative', amount: '-1.00' }),
        spend({ campaign: 'half', amount: '1.00', source: 'google' }),
        spend({ campaign: 'money', amount: '1.00', currency: 'XYZ' }),
        spend({ campaign: 'extra', amount: '1.00', surprise: true }),
        spend({ campaign: 'fine', amount: '2.00', date: '2026-11-10' }),
        spend({ campaign: 'ahead', amount: '1.00', reportedAt: '2099-01-01T00:00:00Z' }),
      ],
    });
    expect(answer.status).toBe(202);
    expect(answer.body.accepted).toBe(1);
    expect(answer.body.rejected.map((rejection: { index: number; errors: Array<{ path: string }> }) => [rejection.index, rejection.errors[0]!.path])).toEqual([
      [1, 'amount'],
      [2, 'date'],
      [3, 'campaign'],
      [4, 'amount'],
      [5, 'medium'],
      [6, 'currency'],
      [7, 'surprise'],
      [8, 'campaign'],
      [9, 'reportedAt'],
    ]);
  });

  it.each([
    ['malformed JSON', 400, '{"spend": ['],
    ['an empty batch', 400, JSON.stringify({ spend: [] })],
    ['501 lines', 400, JSON.stringify({ spend: Array.from({ length: 501 }, (_, i) => spend({ campaign: `c${i}`, amount: '1.00' })) })],
    ['a body over 1 MiB', 413, JSON.stringify({ spend: [spend({ campaign: 'x'.repeat(1_100_000), amount: '1.00' })] })],
  ])('answers %s with %i', async (_label, status, body) => {
    const response = await api.request('POST', '/v1/spend', { key: tenant.keys.ingest, body });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toEqual(expect.any(String));
  });

  it('needs an ingest key', async () => {
    expect((await api.request('POST', '/v1/spend', { json: { spend: [spend({ campaign: 'x', amount: '1.00' })] } })).status).toBe(401);
    expect((await api.request('POST', '/v1/spend', { key: tenant.keys.marketing, json: { spend: [spend({ campaign: 'x', amount: '1.00' })] } })).status).toBe(403);
  });

  it('keeps tenants apart', async () => {
    const other = await newTenant({ timezone: 'UTC' });
    const answer = await api.request('GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30&model=linear&groupBy=campaign', { key: other.keys.marketing });
    expect(answer.body).toMatchObject({ rows: [], totals: [] });
  });

  it('reads a report in three queries and a tenant read, whatever the spend or the transactions', async () => {
    const seen = (await recordRequests(() => report(stores(), tenant.tenantId, { from: '2026-11-01', to: '2026-11-30', model: 'linear', groupBy: 'campaign' }))).map(({ command }) => command);
    expect(seen.sort()).toEqual(['GetItemCommand', 'QueryCommand', 'QueryCommand', 'QueryCommand']);
  });
});
