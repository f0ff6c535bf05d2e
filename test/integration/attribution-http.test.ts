import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { HEURISTIC_MODELS } from '../../shared/attribution/models.ts';
import { makeProjectHandler } from '../../shared/projection/stream-consumer.ts';
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
const jobOf = (jobId: string, key = tenant.keys.admin) => api.request('GET', `/v1/jobs/${jobId}`, { key });
const touch = (touchId: string, occurredAt: string, person: Record<string, string>, extra: Record<string, unknown>) => ({ touchId, occurredAt, person, kind: 'click', ...extra });

describe('the attribution pipeline through the HTTP API', () => {
  it('attributes an order from its events, answers the contract’s shape, and reports from rollups', async () => {
    await ingest('/v1/touches', {
      touches: [
        touch('p1-ad', '2026-11-01T10:00:00Z', { anonymousId: 'p1' }, { utm: { source: 'google', medium: 'cpc', campaign: 'brand' } }),
        touch('p1-mail', '2026-11-03T10:00:00Z', { anonymousId: 'p1' }, { kind: 'email_click', utm: { source: 'newsletter', medium: 'email', campaign: 'nov' } }),
      ],
    });
    await ingest('/v1/identify', { anonymousId: 'p1', customerId: 'cust-p1', occurredAt: '2026-11-03T11:00:00Z' });
    await ingest('/v1/transactions', {
      transactionId: 'p1-order',
      kind: 'order',
      occurredAt: '2026-11-04T15:00:00Z',
      person: { customerId: 'cust-p1' },
      currency: 'USD',
      gross: '100.01',
      tax: '8.00',
    });
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

    // The stream hands the same record over again, three times and concurrently (as retries and redrives do): nothing moves.
    const project = makeProjectHandler(stores());
    const replay = {
      Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall({ entity: 'touch', tenantId: tenant.tenantId, touchId: 'p2-social', identifiers: ['c:cust-p2'] }) } }],
    } as unknown as DynamoDBStreamEvent;
    const outcomes = await Promise.all([project(replay), project(replay), project(replay)]);
    expect(outcomes).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }, { batchItemFailures: [] }]);
    await api.settle();
    const again = await read('/v1/attribution/report?from=2026-11-05&to=2026-11-05&model=last_touch&groupBy=channel');
    expect(again.body).toEqual(after.body);
  });

  it('gives a refund negative credit in the order’s proportions and nets it out of the period on its own day', async () => {
    await ingest('/v1/transactions', { transactionId: 'p1-refund', kind: 'refund', orderId: 'p1-order', occurredAt: '2026-11-06T12:00:00Z', currency: 'USD', gross: '10.00' });
    await api.settle();
    const refund = await read('/v1/transactions/p1-refund/attribution');
    expect(refund.body.revenue).toBe(-1000);
    expect(refund.body.marketing.credits.linear).toEqual([expect.objectContaining({ touchId: 'p1-ad', amount: -500 }), expect.objectContaining({ touchId: 'p1-mail', amount: -500 })]);
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
    await ingest('/v1/touches', {
      touches: [
        touch('p3-a', '2026-11-10T10:00:00Z', { customerId: 'p3' }, { utm: { source: 'google', medium: 'cpc' } }),
        touch('p3-b', '2026-11-10T11:00:00Z', { customerId: 'p3' }, { utm: { source: 'google', medium: 'cpc' } }),
      ],
    });
    await ingest('/v1/transactions', { transactionId: 'p3-order', kind: 'order', occurredAt: '2026-11-10T12:00:00Z', person: { customerId: 'p3' }, currency: 'USD', gross: '30.00' });
    await api.settle();
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches).toHaveLength(2);

    const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { collapseRepeats: true } });
    expect(patched.status).toBe(200);
    await ingest('/v1/touches', { touches: [touch('p3-c', '2026-11-09T10:00:00Z', { customerId: 'p3' }, { referrer: 'https://www.bing.com/' })] });
    await api.settle();
    // A late touch re-attributes under the config the order was attributed with: no collapse yet.
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches).toHaveLength(3);

    const started = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-10', to: '2026-11-10' } });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ kind: 'recompute', status: 'running', from: '2026-11-10', to: '2026-11-10', days: { total: 1, done: 0 } });
    expect(started.headers.get('location')).toBe(`/v1/jobs/${started.body.jobId}`);
    await api.settle();
    const job = await jobOf(started.body.jobId);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({ status: 'done', days: { total: 1, done: 1 }, transactions: 1, people: 1, finishedAt: expect.any(String) });
    expect((await read('/v1/transactions/p3-order/attribution')).body.marketing.touches.map((t: { touchId: string }) => t.touchId)).toEqual(['p3-c', 'p3-a']);
  });

  it('recomputes a range as a job, a task per day, every order of every day once', async () => {
    const days = ['2026-11-20', '2026-11-21', '2026-11-22'];
    const orders = Array.from({ length: 60 }, (_, i) => ({
      transactionId: `bulk-${String(i).padStart(3, '0')}`,
      kind: 'order',
      occurredAt: `${days[i % 3]}T15:${String(Math.floor(i / 3)).padStart(2, '0')}:00Z`,
      person: { customerId: `bulk-${i % 45}` },
      currency: 'USD',
      gross: '1.00',
    }));
    for (const body of orders) await ingest('/v1/transactions', body);
    await api.settle();
    const before = await read('/v1/attribution/report?from=2026-11-20&to=2026-11-22&model=linear&groupBy=channel');

    const started = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-20', to: '2026-11-22' } });
    expect(started.status).toBe(202);
    await api.settle();
    const job = await jobOf(started.body.jobId);
    // 60 orders of 45 people: a person with orders on two days is projected by both days' tasks.
    expect(job.body).toMatchObject({ status: 'done', days: { total: 3, done: 3 }, transactions: 60 });
    expect(job.body.people).toBeGreaterThanOrEqual(45);
    // Nothing changed in the config: the reports do not move.
    expect((await read('/v1/attribution/report?from=2026-11-20&to=2026-11-22&model=linear&groupBy=channel')).body).toEqual(before.body);
    expect(before.body.totals).toEqual([{ currency: 'USD', revenue: 6000, attributed: 0, unattributed: 6000, transactions: 60 }]);
  });

  it('answers 404 for an unknown job and for another tenant’s', async () => {
    const started = await api.request('POST', '/v1/attribution/recompute', { key: tenant.keys.admin, json: { from: '2026-11-01', to: '2026-11-01' } });
    const other = await newTenant();
    expect((await jobOf(started.body.jobId, other.keys.admin)).status).toBe(404);
    expect((await jobOf('job_00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await jobOf(started.body.jobId, tenant.keys.marketing)).status).toBe(403);
    await api.settle();
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
    [{ from: '2026-11-01', to: '2026-11-01', cursor: 'x' }, 'cursor'],
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
