import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { onRecorded } from '../../shared/attribution/use-cases.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ timezone: 'America/New_York' });
});
afterAll(() => api.close());

const ingest = (path: string, json: unknown) => api.request('POST', path, { key: tenant.keys.ingest, json });
const read = (path: string) => api.request('GET', path, { key: tenant.keys.marketing });
const touch = (touchId: string, occurredAt: string, person: Record<string, string>, extra: Record<string, unknown>) => ({ touchId, occurredAt, person, kind: 'click', ...extra });

describe('the attribution pipeline through the HTTP API', () => {
  it('attributes an order from its events, answers SPEC §5’s shape, and reports from rollups', async () => {
    await ingest('/v1/touches', {
      touches: [
        touch('p1-ad', '2026-11-01T10:00:00Z', { anonymousId: 'p1' }, { utm: { source: 'google', medium: 'cpc', campaign: 'brand' } }),
        touch('p1-mail', '2026-11-03T10:00:00Z', { anonymousId: 'p1' }, { kind: 'email_click', utm: { source: 'newsletter', medium: 'email', campaign: 'nov' } }),
      ],
    });
    await ingest('/v1/identify', { anonymousId: 'p1', customerId: 'cust-p1', occurredAt: '2026-11-03T11:00:00Z' });
    await ingest('/v1/transactions', { transactionId: 'p1-order', kind: 'order', occurredAt: '2026-11-04T15:00:00Z', person: { customerId: 'cust-p1' }, currency: 'USD', gross: '100.01', tax: '8.00' });
    await api.settle();

    const attribution = await read('/v1/transactions/p1-order/attribution');
    expect(attribution.status).toBe(200);
    expect(attribution.body).toMatchObject({
      transactionId: 'p1-order',
      currency: 'USD',
      revenue: 10001,
      boundary: { at: '2026-11-04T15:00:00.000Z', reason: 'transaction' },
      sourcedBy: 'marketing',
      marketing: { unattributed: 0 },
      sales: { salesChannel: 'online_store', credits: [{ touchId: null, rep: null, amount: 10001 }] },
      afterBoundary: [],
    });
    expect(attribution.body.marketing.touches.map((t: { touchId: string }) => t.touchId)).toEqual(['p1-ad', 'p1-mail']);
    expect(attribution.body.marketing.credits.linear).toEqual([
      { touchId: 'p1-ad', channel: 'Paid Search', campaign: 'brand', amount: 5001 },
      { touchId: 'p1-mail', channel: 'Email', campaign: 'nov', amount: 5000 },
    ]);
    for (const model of HEURISTIC_MODELS) {
      expect(attribution.body.marketing.credits[model].reduce((sum: number, c: { amount: number }) => sum + c.amount, 0)).toBe(10001);
    }

    const report = await read('/v1/attribution/report?from=2026-11-04&to=2026-11-04&model=linear&groupBy=channel');
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      { key: 'Paid Search', currency: 'USD', revenue: 5001, conversions: 0.5, touches: 1 },
      { key: 'Email', currency: 'USD', revenue: 5000, conversions: 0.5, touches: 1 },
    ]);
    expect(report.body.totals).toEqual([{ currency: 'USD', revenue: 10001, attributed: 10001, unattributed: 0, transactions: 1 }]);

    // The same rows as a spreadsheet download.
    const csv = await read('/v1/attribution/report?from=2026-11-04&to=2026-11-04&model=linear&groupBy=channel&format=csv');
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename=".+-report-2026-11-04-to-2026-11-04\.csv"$/);
    expect(csv.text.split('\r\n')).toEqual([
      'key,currency,revenue,revenueDecimal,conversions,touches,cost,costDecimal,roas,cpa,cpaDecimal',
      'Paid Search,USD,5001,50.01,0.5,1,,,,,',
      'Email,USD,5000,50.00,0.5,1,,,,,',
      '',
    ]);
    const compared = await read('/v1/attribution/compare?from=2026-11-04&to=2026-11-04&groupBy=channel&format=csv');
    expect(compared.text.split('\r\n').filter((line) => line.startsWith('linear,'))).toEqual(['linear,Paid Search,USD,5001,50.01,0.5,1,,,,,', 'linear,Email,USD,5000,50.00,0.5,1,,,,,']);
  });

  it('re-attributes an order when a late touch arrives, moving the report by exactly the difference, once', async () => {
    await ingest('/v1/transactions', { transactionId: 'p2-order', kind: 'order', occurredAt: '2026-11-05T15:00:00Z', person: { customerId: 'cust-p2' }, currency: 'USD', gross: '50.00' });
    await api.settle();
    const before = await read('/v1/attribution/report?from=2026-11-05&to=2026-11-05&model=last_touch&groupBy=channel');
    expect(before.body.totals).toEqual([{ currency: 'USD', revenue: 5000, attributed: 0, unattributed: 5000, transactions: 1 }]);

    await ingest('/v1/touches', { touches: [touch('p2-social', '2026-11-05T09:00:00Z', { customerId: 'cust-p2' }, { referrer: 'https://www.instagram.com/' })] });
    await api.settle();
    const after = await read('/v1/attribution/report?from=2026-11-05&to=2026-11-05&model=last_touch&groupBy=channel');
    expect(after.body.rows).toEqual([{ key: 'Organic Social', currency: 'USD', revenue: 5000, conversions: 1, touches: 1 }]);
    expect(after.body.totals).toEqual([{ currency: 'USD', revenue: 5000, attributed: 5000, unattributed: 0, transactions: 1 }]);

    // The same events again, three times and concurrently: nothing moves.
    const deps = stores();
    const trigger = { detailType: 'TouchRecorded' as const, tenantId: tenant.tenantId, identifiers: ['c:cust-p2'], occurredAt: '2026-11-05T09:00:00.000Z' };
    const outcomes = await Promise.all([onRecorded(deps, trigger), onRecorded(deps, trigger), onRecorded(deps, trigger)]);
    expect(outcomes.map((outcome) => outcome.changed)).toEqual([0, 0, 0]);
    const again = await read('/v1/attribution/report?from=2026-11-05&to=2026-11-05&model=last_touch&groupBy=channel');
    expect(again.body).toEqual(after.body);
  });

  it('gives a refund negative credit in the order’s proportions and nets it out of the period on its own day', async () => {
    await ingest('/v1/transactions', { transactionId: 'p1-refund', kind: 'refund', orderId: 'p1-order', occurredAt: '2026-11-06T12:00:00Z', currency: 'USD', gross: '10.00' });
    await api.settle();
    const refund = await read('/v1/transactions/p1-refund/attribution');
    expect(refund.body.revenue).toBe(-1000);
    expect(refund.body.marketing.credits.linear).toEqual([
      expect.objectContaining({ touchId: 'p1-ad', amount: -500 }),
      expect.objectContaining({ touchId: 'p1-mail', amount: -500 }),
    ]);
    const period = await read('/v1/attribution/report?from=2026-11-04&to=2026-11-06&model=linear&groupBy=campaign');
    const usd = period.body.totals.find((total: { currency: string }) => total.currency === 'USD');
    expect(usd.revenue).toBe(10001 + 5000 - 1000);
    const rowsSum = period.body.rows.reduce((sum: number, row: { revenue: number }) => sum + row.revenue, 0);
    expect(rowsSum + usd.unattributed).toBe(usd.revenue);
  });

  it('compares every model side by side, each summing to the attributed revenue', async () => {
    const compared = await read('/v1/attribution/compare?from=2026-11-01&to=2026-11-30&groupBy=channel');
    expect(compared.status).toBe(200);
    const usd = compared.body.totals.find((total: { currency: string }) => total.currency === 'USD');
    for (const model of HEURISTIC_MODELS) {
      const sum = compared.body.models[model].filter((row: { currency: string }) => row.currency === 'USD').reduce((s: number, row: { revenue: number }) => s + row.revenue, 0);
      expect(sum, model).toBe(usd.attributed);
    }
  });

  it('applies a config change to later transactions and re-attributes a period on recompute', async () => {
    await ingest('/v1/touches', { touches: [touch('p3-a', '2026-11-10T10:00:00Z', { customerId: 'p3' }, { utm: { source: 'google', medium: 'cpc' } }), touch('p3-b', '2026-11-10T11:00:00Z', { customerId: 'p3' }, { utm: { source: 'google', medium: 'cpc' } })] });
    await ingest('/v1/transactions', { transactionId: 'p3-order', kind: 'order', occurredAt: '2026-11-10T12:00:00Z', person: { customerId: 'p3' }, currency: 'USD', gross: '30.00' });
    await api.settle();
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches).toHaveLength(2);

    const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { collapseRepeats: true } });
    expect(patched.status).toBe(200);
    await ingest('/v1/touches', { touches: [touch('p3-c', '2026-11-09T10:00:00Z', { customerId: 'p3' }, { referrer: 'https://www.bing.com/' })] });
    await api.settle();
    // A late touch re-attributes under the config the order was attributed with: no collapse yet.
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches).toHaveLength(3);

    const recomputed = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-10', to: '2026-11-10' } });
    expect(recomputed.status).toBe(200);
    expect(recomputed.body).toMatchObject({ recomputed: 1, changed: 1 });
    expect(recomputed.body.nextCursor).toBeUndefined();
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches.map((t: { touchId: string }) => t.touchId)).toEqual(['p3-c', 'p3-a']);
  });

  it('recomputes a period page by page with a cursor', async () => {
    const { RECOMPUTE_PAGE } = await import('../../shared/attribution/reports.ts');
    const many = Array.from({ length: RECOMPUTE_PAGE + 5 }, (_, i) => ({
      transactionId: `bulk-${String(i).padStart(3, '0')}`,
      kind: 'order',
      occurredAt: `2026-11-20T10:${String(Math.floor(i / 60)).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}Z`,
      person: { customerId: `bulk-${i}` },
      currency: 'USD',
      gross: '1.00',
    }));
    for (const body of many) await ingest('/v1/transactions', body);
    await api.settle();
    const first = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-20', to: '2026-11-20' } });
    expect(first.body.recomputed).toBe(RECOMPUTE_PAGE);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-20', to: '2026-11-20', cursor: first.body.nextCursor } });
    expect(second.body).toMatchObject({ recomputed: 5, changed: 0 });
    expect(second.body.nextCursor).toBeUndefined();
    const forged = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-20', to: '2026-11-20', cursor: 'bm90LWEtY3Vyc29y' } });
    expect(forged.status).toBe(400);
  });

  it.each([
    ['/v1/attribution/report?from=2026-11-01&to=2026-11-02&model=magic', 'query.model'],
    ['/v1/attribution/report?from=2026-11-01&to=2026-11-02&groupBy=color', 'query.groupBy'],
    ['/v1/attribution/report?from=2026-11-05&to=2026-11-01', 'query.to'],
    ['/v1/attribution/report?from=2025-01-01&to=2026-11-01', 'query.to'],
    ['/v1/attribution/report?from=2026-13-01&to=2026-11-01', 'query.from'],
    ['/v1/attribution/report?to=2026-11-01', 'query.from'],
    ['/v1/attribution/compare?from=2026-11-01&to=2026-02-30', 'query.to'],
  ])('refuses %s naming %s', async (path, parameter) => {
    const response = await read(path);
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(parameter);
  });

  it.each([
    [{ from: '2026-11-05', to: '2026-11-01' }, 'to'],
    [{ from: '2025-01-01', to: '2026-11-01' }, 'to'],
    [{ from: '2026-11-31', to: '2026-12-01' }, 'from'],
    [{ to: '2026-11-01' }, 'from'],
    [{ from: '2026-11-01', to: '2026-11-01', cursor: 42 }, 'cursor'],
  ])('refuses the recompute body %j naming %s', async (json, field) => {
    const response = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(field);
  });

  it('answers 404 for another tenant’s transaction and 403 without the marketing scope', async () => {
    const other = await newTenant();
    expect((await api.request('GET', '/v1/transactions/p1-order/attribution', { key: other.keys.marketing })).status).toBe(404);
    expect((await api.request('GET', '/v1/transactions/p1-order/attribution', { key: tenant.keys.finance })).status).toBe(403);
    expect((await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.marketing, json: { from: '2026-11-01', to: '2026-11-01' } })).status).toBe(403);
  });
});
