import { beforeEach, describe, expect, it } from 'vitest';
import type { TenantRecord, TenantStore } from '../../shared/tenants/ports.ts';
import { RECENT_TENANT_MS, RecentTenants } from '../../shared/tenants/recent-tenants.ts';
import { rotateWebhookSecret } from '../../shared/tenants/use-cases.ts';
import { receiveWebhook } from '../../shared/webhooks/receive.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../fixtures/webhooks.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

let stores: MemoryStores;
let tenant: TenantRecord;
let clock: number;
/** The tenant store's reads, counted. */
let reads: number;
let counted: Pick<TenantStore, 'getTenant'>;

beforeEach(async () => {
  stores = memoryStores();
  ({ tenant } = await memoryTenant(stores));
  clock = Date.parse('2026-11-20T12:00:00Z');
  reads = 0;
  counted = {
    getTenant: (tenantId) => {
      reads += 1;
      return stores.tenants.getTenant(tenantId);
    },
  };
});

const always = () => true;

describe('RecentTenants', () => {
  it('reads a tenant once while it is recent, and again once it is older than the bound', async () => {
    const recent = new RecentTenants(counted, { now: () => clock });
    for (let i = 0; i < 5; i += 1) expect((await recent.get(tenant.tenantId, always))?.tenantId).toBe(tenant.tenantId);
    expect(reads).toBe(1);

    clock += RECENT_TENANT_MS - 1;
    await recent.get(tenant.tenantId, always);
    expect(reads).toBe(1);
    clock += 1;
    await recent.get(tenant.tenantId, always);
    expect(reads).toBe(2);
  });

  it('reads again when the remembered tenant is refused, and gives the fresh one if it is taken', async () => {
    const recent = new RecentTenants(counted, { now: () => clock });
    await recent.get(tenant.tenantId, always);
    await stores.tenants.replaceWebhookSecret(tenant.tenantId, 'shopify', { current: 'the-new-secret' });

    const fresh = await recent.get(tenant.tenantId, (candidate) => candidate.webhookSecrets.shopify.current === 'the-new-secret');
    expect(fresh?.webhookSecrets.shopify.current).toBe('the-new-secret');
    expect(reads).toBe(2);
    expect(await recent.get(tenant.tenantId, (candidate) => candidate.webhookSecrets.shopify.current === 'no-such-secret')).toBeUndefined();
    expect(reads).toBe(3);
  });

  it('does not remember a tenant that does not exist', async () => {
    const recent = new RecentTenants(counted, { now: () => clock });
    expect(await recent.get('nobody', always)).toBeUndefined();
    expect(await recent.get('nobody', always)).toBeUndefined();
    expect(reads).toBe(2);
  });

  it('with no age allowed, reads for every call (a webhook without a function instance to keep them)', async () => {
    const recent = new RecentTenants(counted, { maxAgeMs: 0, now: () => clock });
    await recent.get(tenant.tenantId, always);
    await recent.get(tenant.tenantId, always);
    expect(reads).toBe(2);
  });
});

describe('webhooks answered from the tenants read lately', () => {
  const deliver = (recent: RecentTenants, id: number, secret: string) => {
    const body = JSON.stringify(shopifyOrder({ id }));
    return receiveWebhook({ ...stores, recentTenants: recent, now: () => new Date(clock) }, 'shopify', tenant.tenantId, {
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': `event-${id}`, 'x-shopify-hmac-sha256': sign.base64(body, secret), 'content-type': 'application/json' },
      rawBody: Buffer.from(body),
    });
  };

  it('read the tenant once for many deliveries; one signed with a secret rotated since is accepted at once, the old secret still for its day', async () => {
    const recent = new RecentTenants(counted, { now: () => clock });
    const before = tenant.webhookSecrets.shopify.current;
    for (let id = 1; id <= 3; id += 1) expect((await deliver(recent, id, before)).body).toMatchObject({ received: true, transactions: [{ outcome: 'stored' }] });
    expect(reads).toBe(1);

    const rotated = await rotateWebhookSecret(stores.tenants, tenant.tenantId, 'shopify', new Date(clock));
    expect((await deliver(recent, 4, rotated)).body).toMatchObject({ transactions: [{ outcome: 'stored' }] });
    expect(reads).toBe(2);
    expect((await deliver(recent, 5, before)).body).toMatchObject({ transactions: [{ outcome: 'stored' }] });
    expect(reads).toBe(2);
    await expect(deliver(recent, 6, 'never-the-secret')).rejects.toThrow('The webhook signature is missing, wrong or stale.');
    expect(stores.table.of(tenant.tenantId).transactions.size).toBe(5);
  });
});
