import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLettersProgram } from '../../scripts/dead-letters/program.ts';
import { stores } from '../../shared/adapters/dynamodb/stores.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { quarantineId } from '../../shared/webhooks/quarantine.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { runProgram } from '../support/process.ts';

const root = join(import.meta.dirname, '..', '..');
let api: TestApi;

beforeAll(async () => {
  api = await TestApi.start();
});
afterAll(() => api.close());

function shopify(tenant: CreatedTenant, body: string, eventId: string) {
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': eventId, 'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify) },
  });
}

function stripe(tenant: CreatedTenant, body: string) {
  return api.request('POST', `/v1/webhooks/stripe/${tenant.tenantId}`, {
    body,
    headers: { 'content-type': 'application/json', 'stripe-signature': sign.timestamped(body, tenant.webhookSecrets.stripe) },
  });
}

const quarantinedOf = async (tenantId: string) => (await stores().quarantine.list()).filter((delivery) => delivery.tenantId === tenantId);

/** `npm run dead-letters -- <args>` (the program, in this process: runProgram) on this file's table, with an empty letter file. */
const deadLetters = (args: string[]) => runProgram(deadLettersProgram, [...args, '--file', join(tmpdir(), `baton-no-letters-${process.pid}.ndjson`)]);

describe('a signed, genuine delivery Baton cannot map is never lost', () => {
  it('is acknowledged with outcome quarantined, kept whole once however often the provider retries, and nothing is counted', async () => {
    const shop = await newTenant();
    // A shape Baton does not expect (a number where Shopify sends a time).
    const body = JSON.stringify(shopifyOrder({ id: 777001, created_at: 1_700_000_000 }));
    const first = await shopify(shop, body, 'event-1');
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      received: true,
      outcome: 'quarantined',
      quarantined: {
        id: quarantineId('shopify', shop.tenantId, Buffer.from(body)),
        reason: 'The shopify payload is not what Baton expects.',
        errors: [expect.objectContaining({ path: 'created_at' })],
      },
    });
    // Shopify retries the same body (same event id, then a later delivery of it): one entry.
    expect((await shopify(shop, body, 'event-1')).body.quarantined.id).toBe(first.body.quarantined.id);
    const kept = await quarantinedOf(shop.tenantId);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatchObject({ provider: 'shopify', attempts: 0, headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': 'event-1', 'content-type': 'application/json' } });
    expect(kept[0]!.headers).not.toHaveProperty('x-shopify-hmac-sha256');
    expect(kept[0]!.rawBody.equals(Buffer.from(body))).toBe(true);
    expect((await api.request('GET', '/v1/transactions/shopify-order-777001', { key: shop.keys.finance })).status).toBe(404);
  });

  it('still refuses what is not genuine or not strict: a bad signature is 401, a duplicated key 400, and Baton’s own generic format 400 for its sender to fix', async () => {
    const shop = await newTenant();
    const body = JSON.stringify(shopifyOrder({ id: 777002, created_at: 5 }));
    const forged = await api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
      body,
      headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, 'not-the-secret') },
    });
    expect(forged.status).toBe(401);
    expect((await shopify(shop, '{"id": 1, "id": 2}', 'event-dup')).status).toBe(400);
    const generic = JSON.stringify({ transactionId: 'g-1', kind: 'order', occurredAt: 'yesterday', currency: 'USD', gross: '1.00' });
    const answer = await api.request('POST', `/v1/webhooks/generic/${shop.tenantId}`, { body: generic, headers: { 'x-baton-signature': sign.timestamped(generic, shop.webhookSecrets.generic) } });
    expect(answer.status).toBe(400);
    expect(await quarantinedOf(shop.tenantId)).toEqual([]);
  });

  it('stores the Stripe CLI’s checkout.session.completed (API 2020-08-27, no created on the session) at the event’s time', async () => {
    const shop = await newTenant();
    const file = readFileSync(join(root, '..', 'shared', 'real-payloads', 'stripe', 'evt-checkout.session.completed.json'), 'utf8');
    // As it is: test-mode data, acknowledged and not counted.
    expect((await stripe(shop, file)).body).toEqual({ received: true, ignored: 'event evt_000000000000000000000000 is test-mode data (livemode false)' });
    const live = await stripe(shop, file.replaceAll('"livemode": false', '"livemode": true'));
    expect(live.status).toBe(200);
    const transactionId = 'stripe-order-cs_test_0000000000000000000000000000000000000000000000000000000000';
    expect(live.body.transactions).toEqual([{ transactionId, outcome: 'stored', status: 'counted' }]);
    const stored = await api.request('GET', `/v1/transactions/${transactionId}`, { key: shop.keys.finance });
    expect(stored.body).toMatchObject({ occurredAt: '2022-03-26T18:39:19.000Z', currency: 'USD', net: 3000, total: 3000 });
  });

  it('is listed by npm run dead-letters -- list and replayed by redrive once Baton can map it; one it still cannot map stays, with its error', async () => {
    const shop = await newTenant();
    const deps = stores();
    // As quarantined by an earlier Baton that could not map them: one this Baton reads, one nobody can.
    const readable = Buffer.from(JSON.stringify(shopifyOrder({ id: 777003, created_at: '2026-11-10T11:00:00-05:00' })));
    const unreadable = Buffer.from(JSON.stringify(shopifyOrder({ id: 777004, currency: 42 })));
    for (const [rawBody, at] of [
      [readable, '2026-12-01T10:00:00.000Z'],
      [unreadable, '2026-12-01T11:00:00.000Z'],
    ] as const) {
      await deps.quarantine.put(
        {
          id: quarantineId('shopify', shop.tenantId, rawBody),
          tenantId: shop.tenantId,
          provider: 'shopify',
          receivedAt: at,
          headers: { 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': `ev-${at}` },
          rawBody,
          reason: 'not mapped',
          errors: [],
          attempts: 0,
        },
        400,
      );
    }
    const readableId = quarantineId('shopify', shop.tenantId, readable);
    const unreadableId = quarantineId('shopify', shop.tenantId, unreadable);

    const listed = await deadLetters(['list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = JSON.parse(listed.stdout).filter((row: { tenant: string }) => row.tenant === shop.tenantId);
    expect(rows.map((row: Record<string, unknown>) => [row.id, row.kind, row.rule, row.detailType, row.attempts])).toEqual([
      [readableId, 'webhook', 'shopify webhook', 'orders/create', 0],
      [unreadableId, 'webhook', 'shopify webhook', 'orders/create', 0],
    ]);

    const one = await deadLetters(['redrive', '--id', readableId, '--json']);
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout)).toEqual([{ id: readableId, ok: true, message: 'shopify delivery processed: shopify-order-777003 stored' }]);
    expect((await api.request('GET', '/v1/transactions/shopify-order-777003', { key: shop.keys.finance })).body).toMatchObject({ net: 18900, occurredAt: '2026-11-10T16:00:00.000Z' });

    const rest = await deadLetters(['redrive', '--id', unreadableId, '--json']);
    expect(rest.code).toBe(1);
    expect(JSON.parse(rest.stdout)).toEqual([{ id: unreadableId, ok: false, message: 'The shopify payload is not what Baton expects.' }]);
    expect((await quarantinedOf(shop.tenantId)).map((delivery) => [delivery.id, delivery.attempts, delivery.lastError])).toEqual([[unreadableId, 1, expect.stringContaining('currency')]]);
  }, 60_000);
});
