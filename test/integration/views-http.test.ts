import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant();
  await recordWorkedExample();
});
afterAll(() => api.close());

const ingest = async (path: string, json: unknown) => {
  const response = await api.request('POST', path, { key: tenant.keys.ingest, json });
  expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
};
const read = (path: string, key = tenant.keys.marketing) => api.request('GET', path, { key });

/**
 * The worked example of docs/views.md (section "The worked example"):
 * Ana and Ben come from the `winter` Google Ads campaign, Cleo from the
 * newsletter, Dan straight to the shop.
 */
async function recordWorkedExample(): Promise<void> {
  await ingest('/v1/touches', {
    touches: [
      { touchId: 'ana-ad', occurredAt: '2026-11-02T09:00:00Z', person: { customerId: 'ana' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'winter' } },
      { touchId: 'ben-ad', occurredAt: '2026-11-02T12:00:00Z', person: { customerId: 'ben' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'winter' } },
      { touchId: 'cleo-mail', occurredAt: '2026-11-03T08:00:00Z', person: { customerId: 'cleo' }, kind: 'email_click', utm: { source: 'newsletter', medium: 'email', campaign: 'nov-news' } },
      { touchId: 'dan-visit', occurredAt: '2026-11-04T10:00:00Z', person: { customerId: 'dan' }, kind: 'visit' },
      { touchId: 'ana-call', occurredAt: '2026-11-03T14:00:00Z', person: { customerId: 'ana' }, kind: 'sales_call', rep: 'alice' },
      { touchId: 'cleo-call', occurredAt: '2026-11-04T15:00:00Z', person: { customerId: 'cleo' }, kind: 'sales_call', rep: 'bob' },
    ],
  });
  await ingest('/v1/stages', {
    stages: [
      { person: { customerId: 'ana' }, stage: 'lead', occurredAt: '2026-11-02T09:30:00Z' },
      { person: { customerId: 'ana' }, stage: 'qualified', occurredAt: '2026-11-03T10:00:00Z' },
      { person: { customerId: 'ben' }, stage: 'lead', occurredAt: '2026-11-02T12:10:00Z' },
      { person: { customerId: 'ben' }, stage: 'qualified', occurredAt: '2026-11-04T09:00:00Z' },
      { person: { customerId: 'cleo' }, stage: 'lead', occurredAt: '2026-11-03T08:05:00Z' },
      { person: { customerId: 'cleo' }, stage: 'qualified', occurredAt: '2026-11-03T09:00:00Z' },
      { person: { customerId: 'cleo' }, stage: 'disqualified', reason: 'no_interest', occurredAt: '2026-11-06T10:00:00Z' },
    ],
  });
  await ingest('/v1/transactions', {
    transactionId: 'ana-order',
    kind: 'order',
    occurredAt: '2026-11-05T12:00:00Z',
    person: { customerId: 'ana' },
    currency: 'USD',
    gross: '120.00',
    salesChannel: 'draft_order',
  });
  await ingest('/v1/transactions', { transactionId: 'dan-order', kind: 'order', occurredAt: '2026-11-04T10:20:00Z', person: { customerId: 'dan' }, currency: 'USD', gross: '40.00' });
  await api.settle();
}

/** The JSON block that follows `<!-- example: name -->` in docs/views.md. */
function readmeExample(name: string): unknown {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'views.md'), 'utf8');
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`docs/views.md has no example "${name}"`);
  return JSON.parse(match[1]!);
}

describe('the funnel, the handoff, the sales side and the paths (the worked example of docs/views.md)', () => {
  it('answers the funnel by campaign as docs/views.md shows it', async () => {
    const response = await read('/v1/funnel?from=2026-11-01&to=2026-11-30&groupBy=campaign');
    expect(response.status).toBe(200);
    const compact = response.body.rows.map((row: Record<string, unknown>) => ({
      key: row.key,
      acquired: row.acquired,
      leads: row.leads,
      qualified: row.qualified,
      disqualified: Object.fromEntries(Object.entries(row.disqualified as Record<string, number>).filter(([, count]) => count > 0)),
      customers: row.customers,
      orders: row.orders,
      revenue: row.revenue,
      medianMarketingCycleHours: row.medianMarketingCycleHours,
      medianSalesCycleHours: row.medianSalesCycleHours,
      touches: row.touches,
      peopleReached: row.peopleReached,
    }));
    expect(compact).toEqual(readmeExample('funnel'));
    expect(response.body.totals).toMatchObject({ acquired: 4, leads: 3, qualified: 3, customers: 2, orders: 2 });
  });

  it('answers the handoff as docs/views.md shows it: a late call counts as contacted, not within the SLA, and leaves a dropped baton', async () => {
    const response = await read('/v1/handoffs?from=2026-11-01&to=2026-11-30');
    expect(response.status).toBe(200);
    const { qualified, contacted, withinSla, medianHours, p90Hours, slaHours, dropped } = response.body;
    expect({ slaHours, qualified, contacted, withinSla, medianHours, p90Hours, dropped }).toEqual(readmeExample('handoffs'));
    expect(response.body.nextCursor).toBeUndefined();
  });

  it('answers the sales side: every sale has a seller, and the rows sum to the revenue', async () => {
    const byRep = await read('/v1/sales/report?from=2026-11-01&to=2026-11-30&groupBy=rep');
    expect(byRep.status).toBe(200);
    expect(byRep.body.rows).toEqual(readmeExample('sales'));
    expect(byRep.body.totals).toEqual([{ currency: 'USD', revenue: 16000, transactions: 2 }]);
    const byChannel = await read('/v1/sales/report?from=2026-11-01&to=2026-11-30&groupBy=sales_channel');
    expect(byChannel.body.rows.map((row: { key: string; revenue: number }) => [row.key, row.revenue])).toEqual([
      ['draft_order', 12000],
      ['online_store', 4000],
    ]);
  });

  it('answers the paths with every histogram bucket', async () => {
    const response = await read('/v1/attribution/paths?from=2026-11-01&to=2026-11-30&limit=5');
    expect(response.status).toBe(200);
    expect(response.body.paths).toEqual([
      { path: ['Paid Search'], orders: 1, revenue: [{ currency: 'USD', amount: 12000 }] },
      { path: ['Direct'], orders: 1, revenue: [{ currency: 'USD', amount: 4000 }] },
    ]);
    expect(response.body.pathLengths.map((bucket: { touches: string }) => bucket.touches)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11+']);
    expect(response.body.pathLengths.find((bucket: { touches: string }) => bucket.touches === '1').orders).toBe(2);
    expect(response.body.timeLags).toEqual([
      { days: '0', orders: 1 },
      { days: '1', orders: 0 },
      { days: '2-3', orders: 1 },
      { days: '4-7', orders: 0 },
      { days: '8-14', orders: 0 },
      { days: '15-30', orders: 0 },
      { days: '31+', orders: 0 },
    ]);
    expect((await read('/v1/attribution/paths?from=2026-11-01&to=2026-11-30&limit=1')).body.paths).toHaveLength(1);
  });

  it('moves the funnel row when Ben buys later, exactly once, however often the order is sent', async () => {
    const order = { transactionId: 'ben-order', kind: 'order', occurredAt: '2026-11-26T10:00:00Z', person: { customerId: 'ben' }, currency: 'USD', gross: '80.00' };
    await Promise.all([ingest('/v1/transactions', order), ingest('/v1/transactions', order), ingest('/v1/transactions', order)]);
    await api.settle();
    const winter = (await read('/v1/funnel?from=2026-11-01&to=2026-11-10')).body.rows.find((row: { key: string }) => row.key === 'winter');
    // Ben was acquired on Nov 2: his order of Nov 26 counts in the row of the period that holds Nov 2 (outcomes count whenever they happen).
    expect(winter).toMatchObject({ acquired: 2, customers: 2, orders: 2, revenue: [{ currency: 'USD', revenue: 20000, ordered: 20000, refunded: 0, refundRate: 0 }] });
    // He bought: no longer a dropped baton.
    expect((await read('/v1/handoffs?from=2026-11-01&to=2026-11-30')).body.dropped.map((baton: { identifiers: string[] }) => baton.identifiers)).toEqual([['c:cleo']]);
  });
});

describe('bad input to the views', () => {
  it.each([
    ['/v1/funnel?from=2026-11-01&to=2026-11-30&groupBy=rep', 'query.groupBy'],
    ['/v1/funnel?from=2026-11-30&to=2026-11-01', 'query.to'],
    ['/v1/funnel?from=2025-01-01&to=2026-11-01', 'query.to'],
    ['/v1/funnel?to=2026-11-01', 'query.from'],
    ['/v1/handoffs?from=2026-11-01&to=2026-11-31', 'query.to'],
    ['/v1/handoffs?from=2026-11-01&to=2026-11-30&cursor=bm90LWEtY3Vyc29y.AAAA', 'query.cursor'],
    ['/v1/handoffs?from=2026-11-01&to=2026-11-30&cursor=garbage', 'query.cursor'],
    ['/v1/sales/report?from=2026-11-01&to=2026-11-30&groupBy=campaign', 'query.groupBy'],
    ['/v1/attribution/paths?from=2026-11-01&to=2026-11-30&limit=0', 'query.limit'],
    ['/v1/attribution/paths?from=2026-11-01&to=2026-11-30&limit=ten', 'query.limit'],
    ['/v1/attribution/paths?from=2026-11-01&to=2026-11-30&limit=100000', 'query.limit'],
    ['/v1/attribution/report?from=2026-11-01&to=2026-11-30&interval=week', 'query.interval'],
  ])('%s → 400 naming %s', async (path, parameter) => {
    const response = await read(path);
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(parameter);
  });

  it('refuses a parameter it does not know', async () => {
    const response = await read('/v1/funnel?from=2026-11-01&to=2026-11-30&model=linear');
    expect(response.status).toBe(400);
  });

  it.each(['/v1/funnel', '/v1/handoffs', '/v1/sales/report', '/v1/attribution/paths'])('%s: 403 for ingest and finance keys, 401 without a key', async (path) => {
    const query = `${path}?from=2026-11-01&to=2026-11-30`;
    expect((await read(query, tenant.keys.ingest)).status).toBe(403);
    expect((await read(query, tenant.keys.finance)).status).toBe(403);
    expect((await api.request('GET', query)).status).toBe(401);
  });

  it('another tenant sees none of it', async () => {
    const other = await newTenant();
    const funnel = await read('/v1/funnel?from=2026-11-01&to=2026-11-30', other.keys.marketing);
    expect(funnel.body.rows).toEqual([]);
    expect((await read('/v1/handoffs?from=2026-11-01&to=2026-11-30', other.keys.marketing)).body).toMatchObject({ qualified: 0, dropped: [] });
  });
});

describe('a setting changed, then recomputed', () => {
  it('re-projects a qualified prospect who never bought, and says until then that the figures predate the change', async () => {
    const shop = await newTenant();
    const send = async (path: string, json: unknown) => expect((await api.request('POST', path, { key: shop.keys.ingest, json })).status).toBeLessThan(300);
    const view = async (path: string) => (await api.request('GET', path, { key: shop.keys.marketing })).body;
    await send('/v1/touches', {
      touches: [
        { touchId: 'pat-ad', occurredAt: '2026-11-01T10:00:00Z', person: { customerId: 'pat' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'spring' } },
        // 30 hours after the baton passed: late under a 24-hour SLA, in time under 36.
        { touchId: 'pat-call', occurredAt: '2026-11-11T18:00:00Z', person: { customerId: 'pat' }, kind: 'sales_call', rep: 'alice' },
      ],
    });
    await send('/v1/stages', {
      stages: [
        { person: { customerId: 'pat' }, stage: 'lead', occurredAt: '2026-11-10T10:00:00Z' },
        { person: { customerId: 'pat' }, stage: 'qualified', occurredAt: '2026-11-10T12:00:00Z' },
      ],
    });
    await api.settle();
    const handoffsPath = '/v1/handoffs?from=2026-11-01&to=2026-11-30';
    const funnelPath = '/v1/funnel?from=2026-11-01&to=2026-11-30&groupBy=campaign';
    const before = await view(handoffsPath);
    expect(before).toMatchObject({ slaHours: 24, qualified: 1, contacted: 1, withinSla: 0, dropped: [{ identifiers: ['c:pat'], deadline: '2026-11-11T12:00:00.000Z' }] });
    expect(before.recompute).toBeUndefined();
    expect((await view(funnelPath)).rows.map((row: { key: string; acquired: number }) => [row.key, row.acquired])).toEqual([['spring', 1]]);

    const patched = await api.request('PATCH', '/v1/config', { key: shop.keys.admin, json: { handoffSlaHours: 36, lookbackDays: 7 } });
    expect(patched.body.recompute).toMatchObject({ advised: true, fields: ['lookbackDays', 'handoffSlaHours'] });
    // The figures were computed under 24 hours and a 30-day lookback: the answers say so rather than label them 36 and 7.
    const advised = await view(handoffsPath);
    expect(advised).toMatchObject({ withinSla: 0, recompute: { advised: true, since: patched.body.updatedAt, fields: ['lookbackDays', 'handoffSlaHours'] } });
    expect((await view(funnelPath)).recompute).toMatchObject({ advised: true });

    const job = await api.request('POST', '/v1/attribution/recompute', { key: shop.keys.admin, json: { from: '2026-11-10', to: '2026-11-10' } });
    expect(job.status).toBe(202);
    await api.settle();
    expect((await api.request('GET', `/v1/jobs/${job.body.jobId}`, { key: shop.keys.admin })).body).toMatchObject({ status: 'done', transactions: 0, people: 1 });
    const after = await view(handoffsPath);
    expect(after).toMatchObject({ slaHours: 36, qualified: 1, contacted: 1, withinSla: 1, dropped: [] });
    expect(after.recompute).toBeUndefined();
    const funnelAfter = await view(funnelPath);
    // The ad was nine days before the lead: outside a 7-day lookback, so nobody acquired Pat; the ad still reached him.
    expect(funnelAfter.rows.map((row: { key: string; acquired: number; peopleReached: number }) => [row.key, row.acquired, row.peopleReached])).toEqual([
      ['(none)', 1, 0],
      ['spring', 0, 1],
    ]);
    expect(funnelAfter.recompute).toBeUndefined();
  });
});
