import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashEmail } from '../../shared/identity/identity.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let acme: CreatedTenant;
let other: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  [acme, other] = await Promise.all([newTenant(), newTenant()]);
});
afterAll(() => api.close());

const touch = (overrides: Record<string, unknown> = {}) => ({
  touchId: `t-${Math.random().toString(36).slice(2)}`,
  occurredAt: '2026-11-01T10:00:00+01:00',
  person: { anonymousId: 'anon-1' },
  kind: 'click',
  utm: { source: 'google', medium: 'cpc', campaign: 'brand' },
  ...overrides,
});

describe('POST /v1/touches', () => {
  it('stores good touches, rejects bad ones by index with zod paths, and counts duplicates', async () => {
    const good = touch();
    const response = await api.request('POST', '/v1/touches', {
      key: acme.keys.ingest,
      json: { touches: [good, touch({ occurredAt: 'yesterday' }), touch({ person: {} }), good, touch({ kind: 'carrier_pigeon', extra: 1 })] },
    });
    expect(response.status).toBe(202);
    expect(response.body.accepted).toBe(1);
    expect(response.body.duplicates).toBe(1);
    expect(response.body.rejected.map((entry: { index: number }) => entry.index)).toEqual([1, 2, 4]);
    const paths = response.body.rejected.flatMap((entry: { errors: Array<{ path: string }> }) => entry.errors.map((error) => error.path));
    expect(paths).toEqual(expect.arrayContaining(['occurredAt', 'person', 'kind', 'extra']));
  });

  it('answers a resend as duplicates and a changed resend as a conflict', async () => {
    const sent = touch();
    await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json: { touches: [sent] } });
    const again = await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json: { touches: [sent] } });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
    const changed = await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json: { touches: [{ ...sent, kind: 'visit' }] } });
    expect(changed.body.rejected).toEqual([{ index: 0, errors: [expect.objectContaining({ path: 'touchId', code: 'conflict' })] }]);
  });

  it('gives a touch without an id a content hash id, so a resend is a duplicate', async () => {
    const { touchId: _drop, ...anonymous } = touch({ person: { anonymousId: 'hash-id' } });
    const first = await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json: { touches: [anonymous] } });
    const second = await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json: { touches: [anonymous] } });
    expect(first.body.accepted).toBe(1);
    expect(second.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it('refuses more than 500 touches, an empty batch and a non-array with 400', async () => {
    const many = Array.from({ length: 501 }, () => touch());
    for (const json of [{ touches: many }, { touches: [] }, { touches: 'no' }, [touch()]]) {
      const response = await api.request('POST', '/v1/touches', { key: acme.keys.ingest, json });
      expect(response.status).toBe(400);
    }
  });

  it('needs the ingest scope', async () => {
    expect((await api.request('POST', '/v1/touches', { key: acme.keys.marketing, json: { touches: [touch()] } })).status).toBe(403);
    expect((await api.request('POST', '/v1/touches', { json: { touches: [touch()] } })).status).toBe(401);
  });
});

describe('identity and journeys', () => {
  it('joins touches recorded under an anonymous id before the link to the person, in time order, without storing the email', async () => {
    const anonymousId = `anon-${Date.now()}`;
    const email = ` Jane.Doe+${Date.now()}@Example.com `;
    await api.request('POST', '/v1/touches', {
      key: acme.keys.ingest,
      json: {
        touches: [
          touch({ touchId: `${anonymousId}-2`, person: { anonymousId }, occurredAt: '2026-11-02T10:00:00Z', utm: { source: 'newsletter', medium: 'email' } }),
          touch({ touchId: `${anonymousId}-1`, person: { anonymousId }, occurredAt: '2026-11-01T10:00:00Z' }),
        ],
      },
    });
    await api.request('POST', '/v1/touches', {
      key: acme.keys.ingest,
      json: { touches: [touch({ touchId: `${anonymousId}-3`, person: { email }, occurredAt: '2026-11-03T10:00:00Z', kind: 'sales_call', utm: undefined, rep: 'rep-7' })] },
    });
    const linked = await api.request('POST', '/v1/identify', { key: acme.keys.ingest, json: { anonymousId, email, occurredAt: '2026-11-03T12:00:00Z' } });
    expect(linked.status).toBe(202);
    expect(linked.body.linked).toBe(1);

    const journey = await api.request('GET', `/v1/people/journey?email=${encodeURIComponent(email.trim().toUpperCase())}`, { key: acme.keys.marketing });
    expect(journey.status).toBe(200);
    expect(journey.body.identifiers).toEqual([`a:${anonymousId}`, `e:${hashEmail(email)}`].sort());
    expect(journey.body.touches.map((t: { touchId: string }) => t.touchId)).toEqual([`${anonymousId}-1`, `${anonymousId}-2`, `${anonymousId}-3`]);
    expect(journey.body.touches.map((t: { channel: string; side: string }) => [t.channel, t.side])).toEqual([
      ['Paid Search', 'marketing'],
      ['Email', 'marketing'],
      ['Sales', 'sales'],
    ]);
    expect(journey.text).not.toContain('Example.com');
    expect(journey.text.toLowerCase()).not.toContain('jane.doe');
  });

  it('answers 404 for a person nobody recorded, and for another tenant’s person', async () => {
    expect((await api.request('GET', '/v1/people/journey?anonymousId=nobody', { key: acme.keys.marketing })).status).toBe(404);
    expect((await api.request('GET', '/v1/people/journey?anonymousId=anon-1', { key: other.keys.marketing })).status).toBe(404);
    expect((await api.request('GET', '/v1/people/journey', { key: acme.keys.marketing })).status).toBe(400);
  });

  it('records stages, requiring a reason for a disqualification', async () => {
    const response = await api.request('POST', '/v1/stages', {
      key: acme.keys.ingest,
      json: {
        stages: [
          { person: { customerId: 'c-9' }, stage: 'lead', occurredAt: '2026-11-01T00:00:00Z' },
          { person: { customerId: 'c-9' }, stage: 'disqualified', occurredAt: '2026-11-02T00:00:00Z' },
          { person: { customerId: 'c-9' }, stage: 'disqualified', occurredAt: '2026-11-02T00:00:00Z', reason: 'no_budget' },
        ],
      },
    });
    expect(response.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: [{ index: 1, errors: [{ path: 'reason' }] }] });
    const again = await api.request('POST', '/v1/stages', { key: acme.keys.ingest, json: { stages: [{ person: { customerId: 'c-9' }, stage: 'lead', occurredAt: '2026-11-01T00:00:00Z' }] } });
    expect(again.body).toEqual({ accepted: 0, duplicates: 1, rejected: [] });
  });
});

const order = (overrides: Record<string, unknown> = {}) => ({
  transactionId: `o-${Math.random().toString(36).slice(2)}`,
  kind: 'order',
  occurredAt: '2026-11-05T09:30:00-05:00',
  person: { customerId: 'cust-1', email: 'buyer@example.com' },
  currency: 'USD',
  gross: '120.00',
  discount: '20.00',
  tax: '8.25',
  shipping: '5',
  salesChannel: 'online_store',
  landingUrl: 'https://shop.example/?utm_source=facebook&utm_medium=paid_social&utm_campaign=fall',
  ...overrides,
});

describe('POST /v1/transactions and GET /v1/transactions/{id}', () => {
  it('stores an order with exact minor units and shows it', async () => {
    const sent = order();
    const created = await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: sent });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ transactionId: sent.transactionId, outcome: 'stored', status: 'counted' });
    const shown = await api.request('GET', `/v1/transactions/${sent.transactionId}`, { key: acme.keys.finance });
    expect(shown.status).toBe(200);
    expect(shown.body).toMatchObject({
      transactionId: sent.transactionId,
      provider: 'api',
      externalId: sent.transactionId,
      kind: 'order',
      occurredAt: '2026-11-05T14:30:00.000Z',
      currency: 'USD',
      gross: 12000,
      discount: 2000,
      net: 10000,
      tax: 825,
      shipping: 500,
      total: 11325,
      salesChannel: 'online_store',
    });
    expect(shown.text).not.toContain('buyer@example.com');
    const journey = await api.request('GET', '/v1/people/journey?customerId=cust-1', { key: acme.keys.marketing });
    expect(journey.body.touches).toEqual(expect.arrayContaining([expect.objectContaining({ touchId: `${sent.transactionId}-landing`, channel: 'Paid Social' })]));
  });

  it('answers a resend with 200 duplicate and a changed resend with 409', async () => {
    const sent = order();
    await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: sent });
    const again = await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: sent });
    expect(again.status).toBe(200);
    expect(again.body.outcome).toBe('duplicate');
    const changed = await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: { ...sent, gross: '130.00' } });
    expect(changed.status).toBe(409);
    expect(changed.body.error.code).toBe('conflict');
  });

  it('keeps a refund that arrives before its order', async () => {
    const orderId = `o-late-${Date.now()}`;
    const refund = await api.request('POST', '/v1/transactions', {
      key: acme.keys.ingest,
      json: { transactionId: `${orderId}-r1`, kind: 'refund', orderId, occurredAt: '2026-11-06T00:00:00Z', currency: 'USD', gross: '10.00' },
    });
    expect(refund.status).toBe(201);
    expect(refund.body.status).toBe('pending');
    const placed = await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: order({ transactionId: orderId }) });
    expect(placed.status).toBe(201);
    const shown = await api.request('GET', `/v1/transactions/${orderId}-r1`, { key: acme.keys.marketing });
    expect(shown.body).toMatchObject({ kind: 'refund', orderId, net: 1000, status: 'counted', counted: { net: 1000 } });
  });

  it.each([
    [{ gross: '19.999' }, 'gross'],
    [{ currency: 'XYZ' }, 'currency'],
    [{ currency: 'JPY', gross: '100.5' }, 'gross'],
    [{ gross: '-1.00' }, 'gross'],
    [{ gross: 12.5 }, 'gross'],
    [{ discount: '200.00' }, 'discount'],
    [{ kind: 'refund' }, 'orderId'],
    [{ occurredAt: '2026-11-05T09:30:00' }, 'occurredAt'],
    [{ salesChannel: 'carrier' }, 'salesChannel'],
  ])('refuses %j with 400 naming %s', async (change, path) => {
    const response = await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: order(change) });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((detail: { path: string }) => detail.path)).toContain(path);
  });

  it('answers 404 for an unknown id and for another tenant’s id', async () => {
    const sent = order();
    await api.request('POST', '/v1/transactions', { key: acme.keys.ingest, json: sent });
    expect((await api.request('GET', `/v1/transactions/${sent.transactionId}`, { key: other.keys.finance })).status).toBe(404);
    expect((await api.request('GET', '/v1/transactions/nope', { key: acme.keys.finance })).status).toBe(404);
    expect((await api.request('GET', `/v1/transactions/${sent.transactionId}`, { key: acme.keys.ingest })).status).toBe(403);
  });
});
