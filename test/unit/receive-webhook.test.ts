import { beforeEach, describe, expect, it } from 'vitest';
import { UnauthenticatedError, ValidationError } from '../../shared/errors.ts';
import type { TenantRecord } from '../../shared/tenants/ports.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { type QuarantinedDelivery, quarantineId } from '../../shared/webhooks/quarantine.ts';
import { receiveWebhook, redeliverQuarantined, type WebhookDeps } from '../../shared/webhooks/receive.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../fixtures/webhooks.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { type MemoryStores, memoryStores } from '../support/memory/stores.ts';

const now = new Date('2026-11-20T12:00:00Z');

let stores: MemoryStores;
let deps: WebhookDeps;
let tenant: TenantRecord;
let created: CreatedTenant;

beforeEach(async () => {
  stores = memoryStores();
  deps = { ...stores, now: () => now };
  ({ tenant, created } = await memoryTenant(stores));
});

const shopify = (body: string, eventId = 'event-1', secret = created.webhookSecrets.shopify) =>
  receiveWebhook(deps, 'shopify', tenant.tenantId, {
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': eventId, 'x-shopify-hmac-sha256': sign.base64(body, secret), 'content-type': 'application/json' },
    rawBody: Buffer.from(body),
  });

const generic = (json: unknown) => {
  const body = JSON.stringify(json);
  return receiveWebhook(deps, 'generic', tenant.tenantId, { headers: { 'x-baton-signature': sign.timestamped(body, created.webhookSecrets.generic, now) }, rawBody: Buffer.from(body) });
};

const unmappable = JSON.stringify(shopifyOrder({ id: 777001, created_at: 1_700_000_000 }));

/** The record store, with the names of the methods called on it, in order. */
function recordingCalls<T extends object>(store: T): { records: T; calls: string[] } {
  const calls: string[] = [];
  const records = new Proxy(store, {
    get: (target, name, receiver) => {
      const value = Reflect.get(target, name, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return value.apply(target, args);
      };
    },
  });
  return { records, calls };
}

describe('receiveWebhook (on in-memory stores)', () => {
  it('stores what a signed delivery means: each transaction and its landing visit', async () => {
    const answer = await shopify(JSON.stringify(shopifyOrder()));

    expect(answer).toEqual({ status: 200, body: { received: true, transactions: [{ transactionId: 'shopify-order-450789469', outcome: 'stored', status: 'counted' }], touches: 1 } });
    expect(await stores.records.getTransaction(tenant.tenantId, 'shopify-order-450789469')).toMatchObject({ provider: 'shopify', net: 18_900 });
  });

  it('refuses a delivery whose signature is wrong, and writes nothing', async () => {
    await expect(shopify(JSON.stringify(shopifyOrder()), 'event-1', 'not-the-secret')).rejects.toThrow(UnauthenticatedError);
    expect(stores.table.of(tenant.tenantId).transactions.size).toBe(0);
  });

  it('answers an unknown tenant as it answers a bad signature', async () => {
    const body = JSON.stringify(shopifyOrder());
    const request = { headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, created.webhookSecrets.shopify) }, rawBody: Buffer.from(body) };

    await expect(receiveWebhook(deps, 'shopify', 'nobody', request)).rejects.toThrow(UnauthenticatedError);
  });

  it('answers a delivery it processed before from its key, without reading it again', async () => {
    await shopify(JSON.stringify(shopifyOrder()));

    const retried = await shopify(JSON.stringify(shopifyOrder({ total_tax: '1.00' })));

    expect(retried).toEqual({ status: 200, body: { received: true, duplicate: true } });
  });

  it('writes a new order with its links, landing visit and delivery key in one write, reading nothing first', async () => {
    const { records, calls } = recordingCalls(stores.records);

    const answer = await receiveWebhook({ ...deps, records }, 'shopify', tenant.tenantId, {
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'event-1', 'x-shopify-hmac-sha256': sign.base64(JSON.stringify(shopifyOrder()), created.webhookSecrets.shopify) },
      rawBody: Buffer.from(JSON.stringify(shopifyOrder())),
    });

    expect(answer.body).toMatchObject({ transactions: [{ transactionId: 'shopify-order-450789469', outcome: 'stored', status: 'counted' }], touches: 1 });
    expect(calls).toEqual(['recordNewOrder']);
    const items = stores.table.of(tenant.tenantId);
    expect(items.deliveries.has('shopify:orders/create:event-1')).toBe(true);
    expect(items.touchGuards.size).toBe(1);
    expect(items.settlements.get('shopify-order-450789469')).toMatchObject({ version: 1 });
  });

  it('writes a returning customer’s new order in one write too: the links stored before are left out', async () => {
    await shopify(JSON.stringify(shopifyOrder()));
    const { records, calls } = recordingCalls(stores.records);
    const second = JSON.stringify(shopifyOrder({ id: 450789470 }));

    const answer = await receiveWebhook({ ...deps, records }, 'shopify', tenant.tenantId, {
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'event-2', 'x-shopify-hmac-sha256': sign.base64(second, created.webhookSecrets.shopify) },
      rawBody: Buffer.from(second),
    });

    expect(answer.body).toMatchObject({ transactions: [{ transactionId: 'shopify-order-450789470', outcome: 'stored', status: 'counted' }] });
    expect(calls).toEqual(['recordNewOrder']);
  });

  it('takes the careful path when anything of the order is there already: a refund that came first is counted against it', async () => {
    const refund = JSON.stringify({
      id: 5001,
      order_id: 450789469,
      created_at: '2026-11-20T10:00:00Z',
      refund_line_items: [],
      order_adjustments: [],
      transactions: [{ id: 5001, kind: 'refund', status: 'success', amount: '10.00', currency: 'USD' }],
    });
    await receiveWebhook(deps, 'shopify', tenant.tenantId, {
      headers: { 'x-shopify-topic': 'refunds/create', 'x-shopify-event-id': 'event-r', 'x-shopify-hmac-sha256': sign.base64(refund, created.webhookSecrets.shopify) },
      rawBody: Buffer.from(refund),
    });

    const answer = await shopify(JSON.stringify(shopifyOrder()));

    expect(answer.body).toMatchObject({ transactions: [{ transactionId: 'shopify-order-450789469', outcome: 'stored', status: 'counted' }] });
    expect(await stores.records.getTransaction(tenant.tenantId, 'shopify-refund-5001')).toMatchObject({ status: 'counted' });
    expect(stores.table.of(tenant.tenantId).deliveries.has('shopify:orders/create:event-1')).toBe(true);
  });

  it('answers a reused transaction id with other content 200, outcome conflict (a provider would retry anything else for days)', async () => {
    await shopify(JSON.stringify(shopifyOrder()), 'event-1');

    const changed = await shopify(JSON.stringify(shopifyOrder({ total_tax: '1.00' })), 'event-2');

    expect(changed.body.transactions).toEqual([{ transactionId: 'shopify-order-450789469', outcome: 'conflict' }]);
  });

  it('quarantines a genuine delivery it cannot map: acknowledged, kept whole once however often it is retried, nothing counted', async () => {
    const first = await shopify(unmappable, 'event-1');
    const retried = await shopify(unmappable, 'event-2');

    const id = quarantineId('shopify', tenant.tenantId, Buffer.from(unmappable));
    expect(first.body).toMatchObject({ received: true, outcome: 'quarantined', quarantined: { id, reason: 'The shopify payload is not what Baton expects.' } });
    expect(retried.body.quarantined?.id).toBe(id);
    expect((await stores.quarantine.list()).map((delivery) => [delivery.id, delivery.rawBody.toString()])).toEqual([[id, unmappable]]);
    expect(stores.table.of(tenant.tenantId).transactions.size).toBe(0);
  });

  it('refuses an unmappable delivery of Baton’s own format (400): its sender fixes it', async () => {
    await expect(generic({ transactionId: 'g-1', kind: 'order', occurredAt: 'yesterday', gross: '10.00' })).rejects.toThrow(ValidationError);
    expect(await stores.quarantine.list()).toEqual([]);
  });

  it('acknowledges a WooCommerce activation ping and does nothing', async () => {
    const answer = await receiveWebhook(deps, 'woocommerce', tenant.tenantId, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, rawBody: Buffer.from('webhook_id=12') });

    expect(answer.body).toEqual({ received: true, ignored: 'webhook activation ping' });
  });
});

describe('redeliverQuarantined (on in-memory stores)', () => {
  const quarantined = (rawBody: Buffer): QuarantinedDelivery => ({
    id: quarantineId('shopify', tenant.tenantId, rawBody),
    tenantId: tenant.tenantId,
    provider: 'shopify',
    receivedAt: '2026-11-01T10:00:00.000Z',
    headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'event-9' },
    rawBody,
    reason: 'not mapped',
    errors: [],
    attempts: 0,
  });

  it('processes a delivery it can now map, as it came (its signature was checked on arrival), and removes it', async () => {
    const delivery = quarantined(Buffer.from(JSON.stringify(shopifyOrder())));
    await stores.quarantine.put(delivery, 400);

    const answer = await redeliverQuarantined(deps, delivery);

    expect(answer.body.transactions).toEqual([{ transactionId: 'shopify-order-450789469', outcome: 'stored', status: 'counted' }]);
    expect(await stores.quarantine.list()).toEqual([]);
  });

  it('keeps a delivery it still cannot map, with one more attempt and the new error', async () => {
    const delivery = quarantined(Buffer.from(unmappable));
    await stores.quarantine.put(delivery, 400);

    await expect(redeliverQuarantined(deps, delivery)).rejects.toThrow(ValidationError);

    expect((await stores.quarantine.list()).map(({ attempts, lastError }) => ({ attempts, lastError }))).toEqual([{ attempts: 1, lastError: expect.stringContaining('created_at') }]);
  });
});
