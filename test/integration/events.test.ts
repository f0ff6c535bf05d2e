import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatonEvent } from '../../shared/events/catalog.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;
const seen: BatonEvent[] = [];

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  api.runtime.bus.subscribe((event) => seen.push(event));
  tenant = await newTenant();
});
afterAll(() => api.close());

describe('events from the table stream (docs/contract.md#events)', () => {
  it('emits one event per stored record, with the tenant and the ids it is about, and none for duplicates', async () => {
    const touch = { touchId: 'ev-touch-1', occurredAt: '2026-11-01T10:00:00Z', person: { anonymousId: 'ev-anon', customerId: 'ev-cust' }, kind: 'visit' };
    await api.request('POST', '/v1/touches', { key: tenant.keys.ingest, json: { touches: [touch] } });
    await api.request('POST', '/v1/touches', { key: tenant.keys.ingest, json: { touches: [touch] } });
    await api.request('POST', '/v1/stages', { key: tenant.keys.ingest, json: { stages: [{ person: { customerId: 'ev-cust' }, stage: 'lead', occurredAt: '2026-11-01T11:00:00Z' }] } });
    await api.request('POST', '/v1/identify', { key: tenant.keys.ingest, json: { anonymousId: 'ev-anon-2', customerId: 'ev-cust', occurredAt: '2026-11-01T12:00:00Z' } });
    await api.request('POST', '/v1/transactions', {
      key: tenant.keys.ingest,
      json: { transactionId: 'ev-order-1', kind: 'order', occurredAt: '2026-11-02T10:00:00Z', person: { customerId: 'ev-cust' }, currency: 'USD', gross: '10.00' },
    });
    await api.settle();

    const ours = seen.filter((event) => event.detail.tenantId === tenant.tenantId);
    const byType = (type: string) => ours.filter((event) => event['detail-type'] === type);
    expect(byType('TouchRecorded').map((event) => event.detail.touchId)).toEqual(['ev-touch-1']);
    expect(byType('StageRecorded')).toHaveLength(1);
    expect(byType('IdentityLinked').map((event) => event.detail.identifiers)).toEqual(
      expect.arrayContaining([
        ['a:ev-anon', 'c:ev-cust'],
        ['a:ev-anon-2', 'c:ev-cust'],
      ]),
    );
    expect(byType('TransactionRecorded')).toEqual([
      expect.objectContaining({ source: 'baton', detail: expect.objectContaining({ tenantId: tenant.tenantId, transactionId: 'ev-order-1', kind: 'order', eventId: expect.any(String) }) }),
    ]);
  });
});
