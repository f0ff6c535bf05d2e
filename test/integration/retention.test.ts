import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { personPartition } from '../../shared/adapters/dynamodb/entities/person.ts';
import { touchGuardEntity } from '../../shared/adapters/dynamodb/entities/touch-guard.ts';
import { transactionEntity } from '../../shared/adapters/dynamodb/entities/transaction.ts';
import { applyRetention } from '../../shared/adapters/dynamodb/retention.ts';
import { config } from '../../shared/config.ts';
import { type CreatedTenant, listTenants } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi, tenantStore } from '../support/api.ts';

let api: TestApi;
beforeAll(async () => {
  api = await TestApi.start({ events: true });
});
afterAll(() => api.close());

const DAY = 86_400_000;
const table = () => config().TABLE_NAME;
const daysAgo = (days: number, hour = 10) => new Date(Math.floor(Date.now() / DAY) * DAY - days * DAY + hour * 3_600_000).toISOString();
const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);

async function partition(tenant: CreatedTenant, identifier: string) {
  const { Items = [] } = await documentClient().send(
    new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': personPartition(tenant.tenantId, identifier) }, ConsistentRead: true }),
  );
  return Items;
}

const post = async (tenant: CreatedTenant, path: string, json: unknown) => {
  const response = await api.request('POST', path, { key: tenant.keys.ingest, json });
  expect(response.status, response.text).toBeLessThan(300);
};

describe('retention (docs/contract.md#privacy-and-the-data-lifecycle)', () => {
  it('writes every touch, stage and link with its expiry, retentionDays after it happened; transactions carry none', async () => {
    const tenant = await newTenant();
    await post(tenant, '/v1/touches', {
      touches: [{ touchId: 'r-1', occurredAt: '2026-11-02T10:00:00Z', person: { anonymousId: 'r-anon' }, kind: 'click', utm: { source: 'google', medium: 'cpc' } }],
    });
    await post(tenant, '/v1/identify', { anonymousId: 'r-anon', customerId: 'r-cust', occurredAt: '2026-11-02T11:00:00Z' });
    await post(tenant, '/v1/stages', { stages: [{ person: { customerId: 'r-cust' }, stage: 'lead', occurredAt: '2026-11-02T12:00:00Z' }] });
    await post(tenant, '/v1/transactions', { transactionId: 'r-order', kind: 'order', occurredAt: '2026-11-03T10:00:00Z', person: { customerId: 'r-cust' }, currency: 'USD', gross: '10.00' });
    const items = [...(await partition(tenant, 'a:r-anon')), ...(await partition(tenant, 'c:r-cust'))];
    const expiry = (entity: string) => items.filter((item) => item.entity === entity).map((item) => item.expiresAt);
    expect(expiry('touch')).toEqual([seconds('2026-11-02T10:00:00Z') + 400 * 86_400]);
    expect(expiry('link')).toEqual([seconds('2026-11-02T11:00:00Z') + 400 * 86_400]);
    expect(expiry('link_mirror')).toEqual([seconds('2026-11-02T11:00:00Z') + 400 * 86_400]);
    expect(expiry('stage')).toEqual([seconds('2026-11-02T12:00:00Z') + 400 * 86_400]);
    expect(expiry('tx_ref')).toEqual([undefined]);
    const { Item: guard } = await documentClient().send(new GetCommand({ TableName: table(), Key: touchGuardEntity.key(tenant.tenantId, 'r-1') }));
    expect(guard?.expiresAt).toBe(seconds('2026-11-02T10:00:00Z') + 400 * 86_400);
    const { Item: transaction } = await documentClient().send(new GetCommand({ TableName: table(), Key: transactionEntity.key(tenant.tenantId, 'r-order') }));
    expect(transaction?.expiresAt).toBeUndefined();
  });

  it('follows the tenant’s retentionDays, within its bounds', async () => {
    const tenant = await newTenant();
    expect((await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { retentionDays: 30 } })).status).toBe(400);
    const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { retentionDays: 180 } });
    expect(patched.body.recompute).toMatchObject({ advised: false, laterTouchesOnly: ['retentionDays'] });
    await post(tenant, '/v1/touches', { touches: [{ touchId: 'r-2', occurredAt: '2026-11-02T10:00:00Z', person: { anonymousId: 'r2' }, kind: 'click' }] });
    expect((await partition(tenant, 'a:r2')).find((item) => item.entity === 'touch')?.expiresAt).toBe(seconds('2026-11-02T10:00:00Z') + 180 * 86_400);
  });

  it('does not move a past period when its touches expire: days beyond the horizon are final', async () => {
    const tenant = await newTenant();
    await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { retentionDays: 120 } });
    // 45 days ago: beyond the horizon of 120 − 91 = 29 days.
    const [touchAt, orderAt] = [daysAgo(45, 9), daysAgo(45, 15)];
    const oldDay = orderAt.slice(0, 10);
    await post(tenant, '/v1/touches', {
      touches: [{ touchId: 'old-ad', occurredAt: touchAt, person: { customerId: 'loyal' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'spring' } }],
    });
    await post(tenant, '/v1/transactions', { transactionId: 'old-order', kind: 'order', occurredAt: orderAt, person: { customerId: 'loyal' }, currency: 'USD', gross: '40.00' });
    await api.settle();
    const read = (path: string) => api.request('GET', path, { key: tenant.keys.marketing });
    const report = `/v1/attribution/report?from=${oldDay}&to=${oldDay}&model=linear&groupBy=campaign`;
    const funnel = `/v1/funnel?from=${oldDay}&to=${oldDay}`;
    const before = { report: (await read(report)).body, funnel: (await read(funnel)).body, attribution: (await read('/v1/transactions/old-order/attribution')).body };
    expect(before.report.rows).toEqual([expect.objectContaining({ key: 'spring', revenue: 4000 })]);

    // DynamoDB's TTL deletes the touch (DynamoDB Local keeps expired items: done by hand, as the TTL would).
    const [touch] = (await partition(tenant, 'c:loyal')).filter((item) => item.entity === 'touch');
    await documentClient().send(new DeleteCommand({ TableName: table(), Key: { pk: touch!.pk, sk: touch!.sk } }));
    await documentClient().send(new DeleteCommand({ TableName: table(), Key: touchGuardEntity.key(tenant.tenantId, 'old-ad') }));

    // The person comes back: their projection is computed again, without the expired touch.
    await post(tenant, '/v1/transactions', { transactionId: 'new-order', kind: 'order', occurredAt: daysAgo(1), person: { customerId: 'loyal' }, currency: 'USD', gross: '25.00' });
    await api.settle();
    expect((await read(report)).body).toEqual(before.report);
    expect((await read(funnel)).body).toEqual(before.funnel);
    expect((await read('/v1/transactions/old-order/attribution')).body).toEqual(before.attribution);
    const today = daysAgo(1).slice(0, 10);
    expect((await read(`/v1/attribution/report?from=${today}&to=${today}`)).body.totals).toEqual([expect.objectContaining({ revenue: 2500, transactions: 1 })]);
  });

  it('sets the expiry on records written before it existed, once (npm run tenant -- apply-retention)', async () => {
    const tenant = await newTenant();
    const old = {
      pk: personPartition(tenant.tenantId, 'a:legacy'),
      sk: 'TOUCH#2026-10-01T10:00:00.000Z#legacy-1',
      entity: 'touch',
      tenantId: tenant.tenantId,
      touchId: 'legacy-1',
      occurredAt: '2026-10-01T10:00:00.000Z',
    };
    await documentClient().send(new PutCommand({ TableName: table(), Item: old }));
    const first = await applyRetention(documentClient(), table(), tenant.tenantId, 400);
    expect(first.updated).toBe(1);
    const { Item } = await documentClient().send(new GetCommand({ TableName: table(), Key: { pk: old.pk, sk: old.sk } }));
    expect(Item?.expiresAt).toBe(seconds('2026-10-01T10:00:00Z') + 400 * 86_400);
    expect((await applyRetention(documentClient(), table(), tenant.tenantId, 400)).updated).toBe(0);
  });
});

describe('tenants without secrets (npm run tenant -- list)', () => {
  it('lists every tenant with its settings and key ages, and nothing secret', async () => {
    const tenant = await newTenant({ currency: 'EUR', timezone: 'Europe/Berlin' });
    const listed = await listTenants(tenantStore());
    const mine = listed.find((entry) => entry.tenantId === tenant.tenantId);
    expect(mine).toEqual({
      tenantId: tenant.tenantId,
      currency: 'EUR',
      timezone: 'Europe/Berlin',
      createdAt: expect.any(String),
      retentionDays: 400,
      keysCreatedAt: expect.objectContaining({ ingest: expect.any(String), admin: expect.any(String) }),
    });
    const text = JSON.stringify(listed);
    for (const secret of [...Object.values(tenant.keys), ...Object.values(tenant.webhookSecrets)]) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/keyHash|cursorKey|webhookSecrets/);
  });
});
