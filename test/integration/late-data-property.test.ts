import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import { makeProjectHandler } from '../../shared/projection/stream-consumer.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await TestApi.start({ events: true });
});
afterAll(() => api.close());

const project = makeProjectHandler(stores());
const PEOPLE = ['ana', 'ben', 'cleo'];
const instant = fc
  .record({ day: fc.integer({ min: 1, max: 20 }), hour: fc.integer({ min: 0, max: 23 }) })
  .map(({ day, hour }) => `2026-11-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00Z`);
const who = fc.constantFrom(...PEOPLE);

type LateRecord = { path: string; json: Record<string, unknown>; item: Record<string, unknown> };

/** A touch, a stage or an identity link, as the API takes it and as the stream shows the stored item (what the projector reads of it). */
const touchArb = fc.record({ person: who, occurredAt: instant, campaign: fc.constantFrom('a', 'b'), sales: fc.boolean() }).map(
  ({ person, occurredAt, campaign, sales }, i = 0): LateRecord => ({
    path: '/v1/touches',
    json: {
      touches: [
        {
          touchId: `${person}-${occurredAt}-${campaign}-${sales}`,
          occurredAt,
          person: { customerId: person },
          ...(sales ? { kind: 'sales_call', rep: 'alice' } : { kind: 'click', utm: { source: 'google', medium: 'cpc', campaign } }),
        },
      ],
    },
    item: { entity: 'touch', touchId: `late-${i}`, identifiers: [`c:${person}`] },
  }),
);
const stageArb = fc.record({ person: who, occurredAt: instant, stage: fc.constantFrom('lead', 'qualified') }).map(
  ({ person, occurredAt, stage }): LateRecord => ({
    path: '/v1/stages',
    json: { stages: [{ person: { customerId: person }, stage, occurredAt }] },
    item: { entity: 'stage', identifiers: [`c:${person}`] },
  }),
);
const linkArb = fc.record({ from: who, to: who, occurredAt: instant }).map(
  ({ from, to, occurredAt }): LateRecord => ({
    path: '/v1/identify',
    json: { anonymousId: `anon-${from}`, customerId: to, occurredAt },
    item: { entity: 'link', from: `a:anon-${from}`, to: `c:${to}` },
  }),
);
const orderArb = fc.record({ person: who, occurredAt: instant, amount: fc.integer({ min: 1, max: 50_000 }) }).map(({ person, occurredAt, amount }) => ({
  path: '/v1/transactions',
  json: { transactionId: `${person}-${occurredAt}-${amount}`, kind: 'order', occurredAt, person: { customerId: person }, currency: 'USD', gross: (amount / 100).toFixed(2) },
}));
/** Browsing as an anonymous visitor before the link ties it to the customer. */
const anonymousTouchArb = fc.record({ person: who, occurredAt: instant }).map(({ person, occurredAt }) => ({
  path: '/v1/touches',
  json: { touches: [{ touchId: `anon-${person}-${occurredAt}`, occurredAt, person: { anonymousId: `anon-${person}` }, kind: 'click', utm: { source: 'newsletter', medium: 'email', campaign: 'c' } }] },
}));

async function record(tenant: CreatedTenant, writes: ReadonlyArray<{ path: string; json: unknown }>): Promise<void> {
  for (const write of writes) {
    const response = await api.request('POST', write.path, { key: tenant.keys.ingest, json: write.json });
    expect(response.status, JSON.stringify(response.body)).toBeLessThan(300);
  }
}

async function views(tenant: CreatedTenant): Promise<unknown> {
  const period = 'from=2026-11-01&to=2026-11-27';
  const paths = [
    `/v1/funnel?${period}&groupBy=campaign`,
    `/v1/funnel?${period}&groupBy=channel`,
    `/v1/handoffs?${period}`,
    `/v1/sales/report?${period}&groupBy=rep`,
    `/v1/attribution/paths?${period}`,
    `/v1/attribution/compare?${period}&groupBy=campaign`,
    `/v1/attribution/report?${period}&model=markov`,
    `/v1/attribution/report?${period}&model=linear&interval=day`,
    '/v1/cohorts?from=2026-11&to=2026-11&groupBy=campaign&model=linear&months=1',
  ];
  // `asOf` is the instant of the reading, not of the data.
  return Promise.all(paths.map(async (path) => ({ ...(await api.request('GET', path, { key: tenant.keys.marketing })).body, asOf: undefined })));
}

describe('late data, delivered three times at once, moves every view exactly once', () => {
  it('equals the views of the same history recorded in one go', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(touchArb, stageArb, orderArb, anonymousTouchArb), { minLength: 1, maxLength: 8 }), fc.oneof(touchArb, stageArb, linkArb), async (history, late) => {
        const [stepwise, atOnce] = await Promise.all([newTenant(), newTenant()]);
        await record(stepwise, history);
        await api.settle();
        await record(stepwise, [late]);
        // The stream delivers the late record; retries and redrives deliver it again, here three times at once.
        const replay = { Records: [{ eventName: 'INSERT', dynamodb: { SequenceNumber: '1', NewImage: marshall({ ...late.item, tenantId: stepwise.tenantId }) } }] } as unknown as DynamoDBStreamEvent;
        const outcomes = await Promise.all([project(replay), project(replay), project(replay)]);
        expect(outcomes.flatMap((outcome) => outcome.batchItemFailures)).toEqual([]);
        await api.settle();

        await record(atOnce, [...history, late]);
        await api.settle();
        expect(await views(stepwise)).toEqual(await views(atOnce));
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
