import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

// GET /v1/attribution/orders and GET /v1/funnel/people through the HTTP API
// (docs/contract.md#from-a-figure-to-what-it-is-made-of), for a store in New York.

let api: TestApi;
let tenant: CreatedTenant;

const PERIOD = 'from=2026-11-01&to=2026-11-30';

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant({ currency: 'USD', timezone: 'America/New_York' });
  const ingest = async (path: string, json: unknown) => {
    const response = await api.request('POST', path, { key: tenant.keys.ingest, json });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  };
  const winter = { source: 'google', medium: 'cpc', campaign: 'winter' };
  const buyers = ['ana', 'ben', 'cleo', 'dora', 'eve', 'finn'];
  await ingest('/v1/touches', {
    touches: [
      ...buyers.map((name, i) => ({ touchId: `${name}-ad`, occurredAt: `2026-11-0${i + 2}T09:00:00Z`, person: { customerId: name }, kind: 'click', utm: winter })),
      { touchId: 'ana-mail', occurredAt: '2026-11-03T09:00:00Z', person: { customerId: 'ana' }, kind: 'email_click', utm: { source: 'newsletter', medium: 'email', campaign: 'nov-news' } },
      { touchId: 'ana-call', occurredAt: '2026-11-04T14:00:00Z', person: { customerId: 'ana' }, kind: 'sales_call', rep: 'alice' },
    ],
  });
  await ingest('/v1/stages', { stages: [{ person: { customerId: 'ana' }, stage: 'lead', occurredAt: '2026-11-02T09:30:00Z' }] });
  // Ana's order is placed at 03:00 UTC on the 5th: the 4th in New York.
  await ingest('/v1/transactions', { transactionId: 'ana-order', kind: 'order', occurredAt: '2026-11-05T03:00:00Z', person: { customerId: 'ana' }, currency: 'USD', gross: '120.00' });
  await ingest('/v1/transactions', { transactionId: 'ana-refund', kind: 'refund', orderId: 'ana-order', occurredAt: '2026-11-09T15:00:00Z', currency: 'USD', gross: '20.00' });
  for (const [i, name] of buyers.slice(1).entries()) {
    await ingest('/v1/transactions', { transactionId: `${name}-order`, kind: 'order', occurredAt: `2026-11-1${i}T15:00:00Z`, person: { customerId: name }, currency: 'USD', gross: `${50 + i}.00` });
  }
  await ingest('/v1/transactions', { transactionId: 'ben-cancel', kind: 'cancellation', orderId: 'ben-order', occurredAt: '2026-11-16T15:00:00Z', currency: 'USD', gross: '50.00' });
  // Walk-in: no marketing touch at all.
  await ingest('/v1/transactions', {
    transactionId: 'walk-in',
    kind: 'order',
    occurredAt: '2026-11-12T18:00:00Z',
    person: { customerId: 'gus' },
    currency: 'USD',
    gross: '40.00',
    salesChannel: 'pos',
  });
  await api.settle();
}, 120_000);
afterAll(() => api?.close());

const read = (path: string, key: string | null = tenant.keys.marketing) => api.request('GET', path, key ? { key } : {});

interface Line {
  transactionId: string;
  kind: string;
  day: string;
  revenue: number;
  credit: number;
  conversions: number;
}

async function everyPage(path: string): Promise<{ lines: Line[]; pages: number }> {
  const lines: Line[] = [];
  let pages = 0;
  let cursor: string | undefined;
  do {
    const response = await read(`${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    lines.push(...response.body.orders);
    cursor = response.body.nextCursor;
    pages += 1;
  } while (cursor);
  return { lines, pages };
}

describe('GET /v1/attribution/orders', () => {
  it('pages a channel’s orders, refunds and cancellations newest first; their credits sum to the report row', async () => {
    const { lines, pages } = await everyPage(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=Paid%20Search&model=linear&limit=2`);
    expect(pages).toBe(4);
    expect(lines.map((line) => line.transactionId)).toEqual(['ben-cancel', 'finn-order', 'eve-order', 'dora-order', 'cleo-order', 'ben-order', 'ana-refund', 'ana-order']);
    expect(lines.find((line) => line.transactionId === 'ben-cancel')).toMatchObject({ kind: 'cancellation', revenue: -5_000, credit: -5_000, conversions: -1 });
    // Ana's journey holds an email too: linear gives Paid Search half of her order and of her refund.
    expect(lines.find((line) => line.transactionId === 'ana-order')).toMatchObject({ kind: 'order', day: '2026-11-04', revenue: 12_000, credit: 6_000, conversions: 0.5 });
    expect(lines.find((line) => line.transactionId === 'ana-refund')).toMatchObject({ kind: 'refund', revenue: -2_000, credit: -1_000, conversions: 0 });

    const report = await read(`/v1/attribution/report?${PERIOD}&groupBy=channel&model=linear`);
    const row = report.body.rows.find((candidate: { key: string }) => candidate.key === 'Paid Search');
    expect(lines.reduce((sum, line) => sum + line.credit, 0)).toBe(row.revenue);
    expect(lines.reduce((sum, line) => sum + line.conversions, 0)).toBeCloseTo(row.conversions, 6);
  });

  it('opens a channel’s campaigns, and a campaign of that channel its orders', async () => {
    const campaigns = await read(`/v1/attribution/report?${PERIOD}&groupBy=campaign&channel=Email&model=linear`);
    expect(campaigns.status).toBe(200);
    expect(campaigns.body).toMatchObject({ groupBy: 'campaign', channel: 'Email', rows: [expect.objectContaining({ key: 'nov-news', revenue: 5_000 })] });
    const { lines } = await everyPage(`/v1/attribution/orders?${PERIOD}&groupBy=campaign&channel=Email&key=nov-news&model=linear`);
    expect(lines.map((line) => [line.transactionId, line.credit])).toEqual([
      ['ana-refund', -1_000],
      ['ana-order', 6_000],
    ]);
    expect((await read(`/v1/attribution/report?${PERIOD}&groupBy=channel&channel=Email`)).status).toBe(400);
    expect((await read(`/v1/attribution/orders?${PERIOD}&groupBy=rep&channel=Email&key=alice`)).status).toBe(400);
  });

  it('lists the unattributed under (none): what no marketing touch earned', async () => {
    const { lines } = await everyPage(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=(none)`);
    expect(lines).toEqual([expect.objectContaining({ transactionId: 'walk-in', credit: 4_000, sourcedBy: 'none' })]);
    const report = await read(`/v1/attribution/report?${PERIOD}&groupBy=channel`);
    expect(report.body.totals[0].unattributed).toBe(4_000);
  });

  it('lists a sales row’s orders with their sales credit, whatever the model', async () => {
    const { lines } = await everyPage(`/v1/attribution/orders?${PERIOD}&groupBy=rep&key=alice`);
    expect(lines.map((line) => [line.transactionId, line.credit])).toEqual([
      ['ana-refund', -2_000],
      ['ana-order', 12_000],
    ]);
    const pos = await read(`/v1/attribution/orders?${PERIOD}&groupBy=sales_channel&key=pos`);
    expect(pos.body).toMatchObject({ groupBy: 'sales_channel', key: 'pos', orders: [expect.objectContaining({ transactionId: 'walk-in', credit: 4_000 })] });
    expect(pos.body.model).toBeUndefined();
  });

  it('keeps to the period’s days in the tenant’s zone', async () => {
    const fourth = await read('/v1/attribution/orders?from=2026-11-04&to=2026-11-04&groupBy=campaign&key=winter&model=linear');
    expect(fourth.body.orders.map((line: Line) => line.transactionId)).toEqual(['ana-order']);
    const fifth = await read('/v1/attribution/orders?from=2026-11-05&to=2026-11-05&groupBy=campaign&key=winter&model=linear');
    expect(fifth.body.orders).toEqual([]);
  });

  it.each([
    ['a data-driven model', `${PERIOD}&groupBy=channel&key=Paid%20Search&model=markov`, 400, 'query.model'],
    ['no key', `${PERIOD}&groupBy=channel`, 400, 'query.key'],
    ['an oversized page', `${PERIOD}&groupBy=channel&key=Email&limit=5000`, 400, 'query.limit'],
    ['an unknown grouping', `${PERIOD}&groupBy=country&key=Email`, 400, 'query.groupBy'],
    ['a period backwards', 'from=2026-11-30&to=2026-11-01&groupBy=channel&key=Email', 400, 'query.to'],
    ['a forged cursor', `${PERIOD}&groupBy=channel&key=Email&cursor=abc.def`, 400, 'query.cursor'],
    ['an unknown parameter', `${PERIOD}&groupBy=channel&key=Email&page=2`, 400, undefined],
  ])('answers %s with a clear error', async (_name, parameters, status, path) => {
    const response = await read(`/v1/attribution/orders?${parameters}`);
    expect(response.status, JSON.stringify(response.body)).toBe(status);
    if (path) expect(JSON.stringify(response.body)).toContain(path);
  });

  it('takes a parameter given twice as API Gateway passes it: one value, the two joined by a comma', async () => {
    const response = await read(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=Email&key=Direct`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ key: 'Email,Direct', orders: [] });
  });

  it('refuses another row’s cursor, and keys other than marketing', async () => {
    const first = await read(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=Paid%20Search&limit=1`);
    const other = await read(`/v1/attribution/orders?${PERIOD}&groupBy=campaign&key=winter&limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(other.status).toBe(400);
    expect((await read(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=Email`, tenant.keys.finance)).status).toBe(403);
    expect((await read(`/v1/attribution/orders?${PERIOD}&groupBy=channel&key=Email`, null)).status).toBe(401);
  });
});

describe('GET /v1/funnel/people and the journey of a listed person', () => {
  it('lists a funnel row’s people, as many as it acquired, and opens each one’s journey', async () => {
    const funnel = await read(`/v1/funnel?${PERIOD}&groupBy=campaign`);
    const winter = funnel.body.rows.find((row: { key: string }) => row.key === 'winter');
    const people = await read(`/v1/funnel/people?${PERIOD}&groupBy=campaign&key=winter`);
    expect(people.status).toBe(200);
    expect(people.body.people).toHaveLength(winter.acquired);
    const ana = people.body.people.find((person: { person: string }) => person.person === 'c:ana');
    expect(ana).toMatchObject({ lead: true, customer: true, orders: 1, day: '2026-11-02' });

    const journey = await read(`/v1/people/journey?person=${encodeURIComponent(ana.person)}`);
    expect(journey.status).toBe(200);
    expect(journey.body.transactions.map((transaction: { transactionId: string }) => transaction.transactionId)).toEqual(['ana-order']);
    expect((await read('/v1/people/journey?person=nobody')).status).toBe(400);
    expect((await read('/v1/people/journey?person=c%3Anobody')).status).toBe(404);
  });
});
