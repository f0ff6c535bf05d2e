import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

/**
 * Closing a month through the HTTP API, on DynamoDB Local with the
 * projector reading the stream (docs/contract.md#closing-a-month).
 */

let api: TestApi;
let tenant: CreatedTenant;

const ingest = (json: unknown) => api.request('POST', '/v1/transactions', { key: tenant.keys.ingest, json });
const close = (month: string, key = tenant.keys.finance) => api.request('POST', `/v1/periods/${month}/close`, { key });
const reopen = (month: string, json: unknown, key = tenant.keys.admin) => api.request('POST', `/v1/periods/${month}/reopen`, { key, json });
const report = (from: string, to: string) => api.request('GET', `/v1/attribution/report?from=${from}&to=${to}&groupBy=campaign&model=last_touch`, { key: tenant.keys.marketing });

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ currency: 'EUR', timezone: 'Europe/Berlin' });
  await api.request('POST', '/v1/touches', {
    key: tenant.keys.ingest,
    json: { touches: [{ touchId: 't-1', occurredAt: '2026-10-05T10:00:00+02:00', person: { customerId: 'ana' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'autumn' } }] },
  });
  expect((await ingest({ transactionId: 'o-1', kind: 'order', occurredAt: '2026-10-20T10:00:00+02:00', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' })).status).toBe(201);
  await api.settle();
});
afterAll(() => api.close());

describe('POST /v1/periods/{month}/close and /reopen, GET /v1/periods', () => {
  it('refuses what a client may not do: other scopes, a malformed month, out of order, the current month', async () => {
    expect((await close('2026-10', tenant.keys.marketing)).status).toBe(403);
    expect((await api.request('POST', '/v1/periods/2026-10/close')).status).toBe(401);
    const malformed = await close('2026-13');
    expect(malformed.status).toBe(400);
    expect((await close('2026-09')).status).toBe(409);
    expect((await close('2026-11')).status).toBe(409);
    expect((await close('2026-12')).status).toBe(409);
    expect((await reopen('2026-10', { reason: 'nothing closed yet' })).status).toBe(409);
  });

  it('closes October; a refund dated in October that arrives late leaves October as closed and is posted in November', async () => {
    const closed = await close('2026-10');
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    expect(closed.body).toMatchObject({ closedThrough: '2026-10', firstCloseable: '2026-10' });
    expect(closed.body.months.find((line: { month: string }) => line.month === '2026-10')).toMatchObject({ status: 'closed', version: 1, closedBy: expect.stringMatching(/^finance key …/) });
    const october = await report('2026-10-01', '2026-10-31');
    const octoberExport = await api.request('GET', '/v1/exports/transactions?from=2026-10-01&to=2026-10-31', { key: tenant.keys.finance });
    expect(octoberExport.status).toBe(200);

    expect(
      (await ingest({ transactionId: 'r-1', kind: 'refund', orderId: 'o-1', occurredAt: '2026-10-28T10:00:00+01:00', person: { customerId: 'ana' }, currency: 'EUR', gross: '85.00' })).status,
    ).toBe(201);
    await api.settle();
    expect((await report('2026-10-01', '2026-10-31')).body).toEqual(october.body);
    const november = await report('2026-11-01', '2026-11-30');
    expect(november.body.totals).toEqual([expect.objectContaining({ currency: 'EUR', revenue: -8_500, adjustments: [{ originalPeriod: '2026-10', reason: 'late_transaction', revenue: -8_500 }] })]);
    expect(november.body.rows).toEqual([expect.objectContaining({ key: 'autumn', revenue: -8_500 })]);
    expect((await api.request('GET', '/v1/exports/transactions?from=2026-10-01&to=2026-10-31', { key: tenant.keys.finance })).text).toBe(octoberExport.text);
    const novemberExport = await api.request('GET', '/v1/exports/transactions?from=2026-11-01&to=2026-11-30&format=ndjson', { key: tenant.keys.finance });
    expect(
      novemberExport.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line)),
    ).toEqual([expect.objectContaining({ transactionId: 'r-1', kind: 'adjustment', adjusts: 'refund', day: '2026-11-01', net: -8_500, originalPeriod: '2026-10', reason: 'late_transaction' })]);
    const summary = await api.request('GET', '/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30', { key: tenant.keys.finance });
    expect(summary.body.currencies).toEqual([expect.objectContaining({ currency: 'EUR', revenue: -8_500, adjustments: expect.objectContaining({ count: 1, net: -8_500 }) })]);
  });

  it('reopens only with a reason (422) and only the latest closed month; reopening takes the adjustment back; closing again is version 2', async () => {
    expect((await reopen('2026-10', {})).status).toBe(422);
    expect((await reopen('2026-10', { reason: 'x' }, tenant.keys.finance)).status).toBe(403);
    const reopened = await reopen('2026-10', { reason: 'the refund belongs to October' });
    expect(reopened.status, JSON.stringify(reopened.body)).toBe(200);
    expect(reopened.body).toMatchObject({ closedThrough: null, takenBack: 1 });
    expect((await report('2026-10-01', '2026-10-31')).body.totals).toEqual([expect.objectContaining({ revenue: 0 })]);
    expect((await report('2026-11-01', '2026-11-30')).body.totals).toEqual([]);
    const again = await close('2026-10');
    expect(again.body.months.find((line: { month: string }) => line.month === '2026-10')).toMatchObject({ status: 'closed', version: 2 });
    const periods = await api.request('GET', '/v1/periods', { key: tenant.keys.marketing });
    expect(periods.status).toBe(200);
    const lines = periods.body.months.map((line: { month: string; status: string }) => [line.month, line.status]);
    expect(lines[0]).toEqual([periods.body.currentMonth, 'open']);
    expect(lines.slice(-2)).toEqual([
      ['2026-11', 'open'],
      ['2026-10', 'closed'],
    ]);
  });
});

describe('a closed month’s spend through the API', () => {
  it('a re-import of a closed day is posted in the first open month as a restatement, and reopening folds it back', async () => {
    const shop = await newTenant({ currency: 'EUR', timezone: 'UTC' });
    const upload = (cost: string) =>
      api.request('POST', '/v1/spend/imports?profile=generic&account=ads', {
        key: shop.keys.marketing,
        body: Buffer.from(`Date,Campaign,Cost,Currency\n2026-10-10,autumn,${cost},EUR\n`),
        headers: { 'content-type': 'text/csv' },
      });
    const cost = async (from: string, to: string) =>
      (await api.request('GET', `/v1/attribution/report?from=${from}&to=${to}&groupBy=channel`, { key: shop.keys.marketing })).body.totals.find(
        (total: { currency: string }) => total.currency === 'EUR',
      )?.cost ?? 0;
    expect((await upload('20.00')).status).toBe(200);
    expect((await api.request('POST', '/v1/periods/2026-10/close', { key: shop.keys.finance })).status).toBe(200);
    const again = await upload('70.00');
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.warnings).toContainEqual(expect.objectContaining({ message: expect.stringMatching(/spend_restatement/) }));
    expect(await cost('2026-10-01', '2026-10-31')).toBe(2_000);
    expect(await cost('2026-11-01', '2026-11-30')).toBe(5_000);
    expect((await api.request('POST', '/v1/periods/2026-10/reopen', { key: shop.keys.admin, json: { reason: 'restated by the platform' } })).status).toBe(200);
    expect(await cost('2026-10-01', '2026-10-31')).toBe(7_000);
    expect(await cost('2026-11-01', '2026-11-30')).toBe(0);
  });
});
