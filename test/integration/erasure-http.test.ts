import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RequestCounter } from '../../bench/lib.ts';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { personPartition } from '../../shared/adapters/dynamodb/entities/person.ts';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { config } from '../../shared/config.ts';
import { hashEmail } from '../../shared/identity/identity.ts';
import { erasePerson } from '../../shared/privacy/erasure.ts';
import { routes } from '../../shared/routes.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

const ANA = { anonymousId: 'anon-ana-7f3', customerId: 'cust-ana-9a1', email: 'ana.lopez@example.org' };
const anaIds = [`a:${ANA.anonymousId}`, `c:${ANA.customerId}`, `e:${hashEmail(ANA.email)}`];
/** Strings that must appear nowhere after the erasure. */
const anaTraces = [ANA.anonymousId, ANA.customerId, ANA.email, hashEmail(ANA.email), 'ana-landing-page', 'ana-referrer.example'];

const ingest = async (path: string, json: unknown, key = tenant.keys.ingest) => {
  const response = await api.request('POST', path, { key, json });
  expect(response.status, response.text).toBeLessThan(300);
  return response;
};

async function partition(identifier: string) {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': personPartition(tenant.tenantId, identifier) },
      ConsistentRead: true,
    }),
  );
  return Items;
}

/** Ana: a campaign visit as an anonymous browser, a login, a lead, a sales call, an order with its landing page; Ben: a customer of his own. */
async function recordStore(): Promise<void> {
  await ingest('/v1/touches', {
    touches: [
      {
        touchId: 'ana-1',
        occurredAt: '2026-11-02T09:00:00Z',
        person: { anonymousId: ANA.anonymousId },
        kind: 'click',
        url: 'https://shop.example/ana-landing-page?utm_source=google&utm_medium=cpc&utm_campaign=winter&gclid=xyz',
      },
      { touchId: 'ana-2', occurredAt: '2026-11-03T09:00:00Z', person: { customerId: ANA.customerId }, kind: 'email_click', utm: { source: 'newsletter', medium: 'email', campaign: 'nov' } },
      { touchId: 'ana-call', occurredAt: '2026-11-04T09:00:00Z', person: { customerId: ANA.customerId }, kind: 'sales_call', rep: 'alice' },
      { touchId: 'ben-1', occurredAt: '2026-11-02T10:00:00Z', person: { customerId: 'ben' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'winter' } },
    ],
  });
  await ingest('/v1/identify', { anonymousId: ANA.anonymousId, customerId: ANA.customerId, email: ANA.email, occurredAt: '2026-11-02T09:30:00Z' });
  await ingest('/v1/stages', {
    stages: [
      { person: { email: ANA.email }, stage: 'lead', occurredAt: '2026-11-02T09:40:00Z' },
      { person: { customerId: ANA.customerId }, stage: 'qualified', occurredAt: '2026-11-03T10:00:00Z' },
    ],
  });
  await ingest('/v1/transactions', {
    transactionId: 'ana-order',
    kind: 'order',
    occurredAt: '2026-11-05T12:00:00Z',
    person: { customerId: ANA.customerId, email: ANA.email },
    currency: 'USD',
    gross: '120.00',
    landingUrl: 'https://shop.example/ana-landing-page?utm_source=google',
    referrer: 'https://ana-referrer.example/',
  });
  await ingest('/v1/transactions', {
    transactionId: 'ana-refund',
    kind: 'refund',
    orderId: 'ana-order',
    occurredAt: '2026-11-06T12:00:00Z',
    person: { customerId: ANA.customerId },
    currency: 'USD',
    gross: '20.00',
  });
  await ingest('/v1/transactions', { transactionId: 'ben-order', kind: 'order', occurredAt: '2026-11-05T13:00:00Z', person: { customerId: 'ben' }, currency: 'USD', gross: '50.00' });
  await api.settle();
}

/** Every read a marketing, finance or admin key can make of the period, as text. */
async function everyRead(): Promise<Record<string, string>> {
  const period = 'from=2026-11-01&to=2026-11-30';
  const reads: Record<string, string> = {};
  const get = async (path: string, key: string) => {
    const response = await api.request('GET', path, { key });
    reads[path] = `${response.status} ${response.text}`;
  };
  const { marketing, finance, admin } = tenant.keys;
  const keyed = routes.filter((route) => route.method === 'GET' && route.access.kind === 'key');
  for (const route of keyed) {
    const key = route.access.kind === 'key' && route.access.scopes.includes('marketing') ? marketing : route.access.kind === 'key' && route.access.scopes.includes('finance') ? finance : admin;
    switch (route.path) {
      case '/v1/people/journey':
        for (const [name, value] of Object.entries(ANA)) await get(`${route.path}?${name}=${encodeURIComponent(value)}`, key);
        break;
      case '/v1/transactions/{transactionId}':
      case '/v1/transactions/{transactionId}/attribution':
        for (const id of ['ana-order', 'ana-refund']) await get(route.path.replace('{transactionId}', id), key);
        break;
      case '/v1/jobs/{jobId}':
      case '/v1/config':
      case '/v1/erasures':
        break; // nothing of a person in them (the log is checked on its own below)
      case '/v1/exports/transactions':
        await get(`${route.path}?${period}&format=csv`, key);
        await get(`${route.path}?${period}&format=ndjson`, key);
        break;
      case '/v1/attribution/report':
        for (const model of ['linear', 'markov']) await get(`${route.path}?${period}&model=${model}`, key);
        break;
      case '/v1/cohorts':
        await get(`${route.path}?from=2026-11&to=2026-11&groupBy=campaign&months=2`, key);
        break;
      case '/v1/exports/customers':
        await get(`${route.path}?asOf=2026-12-01`, key);
        break;
      default:
        await get(`${route.path}?${period}`, key);
    }
  }
  return reads;
}

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  tenant = await newTenant();
  await recordStore();
});
afterAll(() => api.close());

describe('DELETE /v1/people (docs/contract.md#privacy-and-the-data-lifecycle)', () => {
  let before: Record<string, string>;
  let erased: { status: number; body: any };

  beforeAll(async () => {
    before = await everyRead();
    expect(Object.values(before).some((text) => text.includes(ANA.customerId))).toBe(true);
    erased = await api.request('DELETE', `/v1/people?email=${encodeURIComponent(ANA.email)}`, { key: tenant.keys.admin });
    await api.settle();
  });

  it('answers what it erased', () => {
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({
      erasureId: expect.stringMatching(/^er_/),
      erased: { touches: 4, stages: 2, links: 3, transactions: 2, checkouts: 0, projections: 1, attributions: 2, droppedBatons: 0 },
    });
    expect(erased.body.identifiers).toHaveLength(3);
  });

  it('leaves nothing of the person readable by any route, and the export without them', async () => {
    const after = await everyRead();
    expect(Object.keys(after).length).toBeGreaterThan(15);
    for (const [path, text] of Object.entries(after)) for (const trace of anaTraces) expect(text, path).not.toContain(trace);
    for (const [name, value] of Object.entries(ANA)) expect(after[`/v1/people/journey?${name}=${encodeURIComponent(value)}`]).toMatch(/^404 /);
    // The transactions stay for finance, the person removed; their attributions (her journey) are gone.
    const order = await api.request('GET', '/v1/transactions/ana-order', { key: tenant.keys.finance });
    expect(order.body).toMatchObject({ transactionId: 'ana-order', net: 12000, person: { identifiers: [expect.stringMatching(/^x:er_/)] } });
    expect(order.body.landingUrl).toBeUndefined();
    expect((await api.request('GET', '/v1/transactions/ana-order/attribution', { key: tenant.keys.marketing })).status).toBe(404);
    // The customers export lists her no more (her value stays in the cohorts, as her orders stay in the reports).
    const customers = (reads: Record<string, string>) => reads['/v1/exports/customers?asOf=2026-12-01']!.trim().split('\r\n').length;
    expect(customers(after)).toBe(customers(before) - 1);
  });

  it('leaves every report, the funnel, the handoff, the sales side, the paths and the export summary as they were', async () => {
    const after = await everyRead();
    for (const path of Object.keys(before)) {
      if (path.startsWith('/v1/people/journey') || path.startsWith('/v1/transactions/') || path.startsWith('/v1/exports/transactions?') || path.startsWith('/v1/exports/customers?')) continue;
      // `asOf` is when the handoff was read, not what it says.
      const answer = (text: string) => ({ ...JSON.parse(text.slice(4)), asOf: undefined });
      expect(answer(after[path]!), path).toEqual(answer(before[path]!));
    }
  });

  it('keeps nothing of the person in the table: only the tombstones that keep late records of theirs out', async () => {
    for (const identifier of anaIds) expect((await partition(identifier)).map((item) => item.entity)).toEqual(['tombstone']);
  });

  it('logs the erasure without personal data, and is idempotent', async () => {
    const again = await api.request('DELETE', `/v1/people?customerId=${ANA.customerId}`, { key: tenant.keys.admin });
    expect(again.status).toBe(200);
    expect(again.body.erased).toEqual({ touches: 0, stages: 0, links: 0, transactions: 0, checkouts: 0, projections: 0, attributions: 0, droppedBatons: 0 });
    const log = await api.request('GET', '/v1/erasures', { key: tenant.keys.admin });
    expect(log.status).toBe(200);
    expect(log.body.entries.map((entry: { erasureId: string }) => entry.erasureId)).toEqual([again.body.erasureId, erased.body.erasureId]);
    for (const trace of anaTraces) expect(log.text).not.toContain(trace);
    expect(log.body.entries[1].identifiers).toEqual(erased.body.identifiers);
  });

  it('drops a late record of the person’s past (a retried batch) as it arrives, and lets the id come back as a new person later', async () => {
    await ingest('/v1/touches', {
      touches: [{ touchId: 'ana-late', occurredAt: '2026-11-04T08:00:00Z', person: { customerId: ANA.customerId }, kind: 'click', utm: { source: 'bing', medium: 'cpc', campaign: 'late' } }],
    });
    // Hidden at once, before the projector has run …
    expect((await api.request('GET', `/v1/people/journey?customerId=${ANA.customerId}`, { key: tenant.keys.marketing })).status).toBe(404);
    await api.settle();
    // … and gone once it has.
    expect((await partition(`c:${ANA.customerId}`)).map((item) => item.entity)).toEqual(['tombstone']);
    const now = new Date().toISOString();
    await ingest('/v1/touches', {
      touches: [{ touchId: 'ana-returns', occurredAt: now, person: { customerId: ANA.customerId }, kind: 'click', utm: { source: 'bing', medium: 'cpc', campaign: 'back' } }],
    });
    await api.settle();
    const journey = await api.request('GET', `/v1/people/journey?customerId=${ANA.customerId}`, { key: tenant.keys.marketing });
    expect(journey.body.touches.map((touch: { touchId: string }) => touch.touchId)).toEqual(['ana-returns']);
  });

  it('hands an order that arrives late, dated before the erasure, to the erasure’s anonymous heir', async () => {
    const before = (await api.request('GET', '/v1/attribution/report?from=2026-11-07&to=2026-11-07', { key: tenant.keys.marketing })).body.totals;
    expect(before).toEqual([]);
    await ingest('/v1/transactions', { transactionId: 'ana-late-order', kind: 'order', occurredAt: '2026-11-07T12:00:00Z', person: { customerId: ANA.customerId }, currency: 'USD', gross: '10.00' });
    await api.settle();
    const order = await api.request('GET', '/v1/transactions/ana-late-order', { key: tenant.keys.finance });
    expect(order.body.person.identifiers).toEqual([expect.stringMatching(/^x:er_/)]);
    expect((await api.request('GET', '/v1/attribution/report?from=2026-11-07&to=2026-11-07', { key: tenant.keys.marketing })).body.totals).toEqual([
      { currency: 'USD', revenue: 1000, attributed: 0, unattributed: 1000, transactions: 1 },
    ]);
  });
});

describe('bad erasure requests', () => {
  it.each([
    ['/v1/people', 'query'],
    ['/v1/people?email=not-an-email', 'query.email'],
    ['/v1/people?customerId=', 'query.customerId'],
    ['/v1/people?customerId=x&color=blue', 'query'],
  ])('%s → 400', async (path, where) => {
    const response = await api.request('DELETE', path, { key: tenant.keys.admin });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path).join(' ')).toContain(where);
  });

  it('refuses ids of two different people', async () => {
    const response = await api.request('DELETE', '/v1/people?customerId=ben&anonymousId=someone-else', { key: tenant.keys.admin });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([expect.objectContaining({ code: 'different_people' })]);
    expect((await api.request('GET', '/v1/people/journey?customerId=ben', { key: tenant.keys.marketing })).status).toBe(200);
  });

  it.each(['ingest', 'marketing', 'finance'] as const)('refuses a %s key (403)', async (scope) => {
    expect((await api.request('DELETE', '/v1/people?customerId=ben', { key: tenant.keys[scope] })).status).toBe(403);
    expect((await api.request('GET', '/v1/erasures', { key: tenant.keys[scope] })).status).toBe(403);
  });

  it('answers an unknown person with nothing erased', async () => {
    const response = await api.request('DELETE', '/v1/people?customerId=nobody-ever', { key: tenant.keys.admin });
    expect(response.status).toBe(200);
    expect(Object.values(response.body.erased).every((count) => count === 0)).toBe(true);
  });
});

describe('erasure cost: no Scan, queries by the person’s partitions', () => {
  it.each([10, 1000])('a person with %i touches', async (count) => {
    const own = await newTenant();
    const touches = Array.from({ length: count }, (_, i) => ({
      touchId: `t-${i}`,
      occurredAt: new Date(Date.parse('2026-11-01T00:00:00Z') + i * 60_000).toISOString(),
      person: { anonymousId: 'heavy' },
      kind: 'click',
      utm: { source: 'google', medium: 'cpc' },
    }));
    for (let start = 0; start < count; start += 500) {
      let response = await api.request('POST', '/v1/touches', { key: own.keys.ingest, json: { touches: touches.slice(start, start + 500) } });
      // A loaded machine's DynamoDB Local may answer a 500-touch batch late: sent again, as a client does after a 503.
      if (response.status === 503) response = await api.request('POST', '/v1/touches', { key: own.keys.ingest, json: { touches: touches.slice(start, start + 500) } });
      expect(response.body.accepted + response.body.duplicates, response.text).toBe(Math.min(500, count - start));
    }
    await api.settle(); // the projector has projected them: nothing else runs while the erasure is counted
    const counter = new RequestCounter(documentClient());
    counter.reset();
    const answer = await erasePerson(stores(), own.tenantId, { anonymousId: 'heavy' });
    expect(answer.erased.touches).toBe(count);
    expect(counter.operations.ScanCommand ?? 0, JSON.stringify(counter.operations)).toBe(0);
    // Reads: the tenant, the person's links, their projections, their partition (a page per 1 MB); writes: the tombstone, the projection's hand-over, deletes 25 at a time (a touch and its id guard), the log entry.
    expect(counter.operations.BatchWriteItemCommand).toBe(Math.ceil((2 * count) / 25));
    expect(counter.operations).toMatchObject({ GetItemCommand: 1, BatchGetItemCommand: 1, PutItemCommand: 2, TransactWriteItemsCommand: 1 });
  });
});

describe('property: erasing random people never changes a report total', () => {
  it('holds for random stores and random erasures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ campaign: fc.constantFrom('a', 'b'), orders: fc.integer({ min: 0, max: 2 }), linked: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(4), { maxLength: 3 }),
        async (people, toErase) => {
          const own = await newTenant();
          const send = (path: string, json: unknown) => api.request('POST', path, { key: own.keys.ingest, json });
          for (const [i, person] of people.entries()) {
            await send('/v1/touches', {
              touches: [
                { touchId: `p${i}`, occurredAt: '2026-11-02T10:00:00Z', person: { anonymousId: `anon-${i}` }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: person.campaign } },
              ],
            });
            if (person.linked) await send('/v1/identify', { anonymousId: `anon-${i}`, customerId: `cust-${i}`, occurredAt: '2026-11-02T10:05:00Z' });
            for (let j = 0; j < person.orders; j += 1) {
              await send('/v1/transactions', {
                transactionId: `o${i}-${j}`,
                kind: 'order',
                occurredAt: `2026-11-0${3 + j}T10:00:00Z`,
                person: person.linked ? { customerId: `cust-${i}` } : { anonymousId: `anon-${i}` },
                currency: 'USD',
                gross: `${10 + i}.00`,
              });
            }
          }
          await api.settle();
          const totals = async () => {
            const read = (path: string) => api.request('GET', path, { key: path.includes('exports') ? own.keys.finance : own.keys.marketing });
            const period = 'from=2026-11-01&to=2026-11-30';
            return {
              report: (await read(`/v1/attribution/report?${period}&model=linear&groupBy=campaign`)).body.totals,
              compare: (await read(`/v1/attribution/compare?${period}`)).body.totals,
              funnel: (await read(`/v1/funnel?${period}`)).body.totals,
              sales: (await read(`/v1/sales/report?${period}`)).body.totals,
              export: (await read(`/v1/exports/transactions/summary?${period}`)).body.currencies,
            };
          };
          const before = await totals();
          for (const index of new Set(toErase)) if (index < people.length) await api.request('DELETE', `/v1/people?anonymousId=anon-${index}`, { key: own.keys.admin });
          await api.settle();
          expect(await totals()).toEqual(before);
        },
      ),
      { numRuns: 6 },
    );
  }, 180_000);
});
