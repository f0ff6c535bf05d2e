import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { projectionEntity } from '../../shared/adapters/dynamodb/entities/projection.ts';
import { transactionEntity } from '../../shared/adapters/dynamodb/entities/transaction.ts';
import { DynamoProjectionStore } from '../../shared/adapters/dynamodb/projection-store.ts';
import type { AttributionResult } from '../../shared/attribution/engine.ts';
import { config } from '../../shared/config.ts';
import type { Identifier } from '../../shared/identity/identity.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';

// A change too large for one transaction (more than 100 items) is written ahead and applied step by step.
// What it must survive: binary attributions inside the steps, and steps that together weigh more than one item may.

let api: TestApi;
let shop: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant();
});
afterAll(() => api.close());

describe('a person whose change is larger than one transaction', () => {
  it('a customer’s 60 orders sent at once: every order’s attribution reads back through the API', async () => {
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) => {
        const body = JSON.stringify(shopifyOrder({ id: i + 1 }));
        return api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
          body,
          headers: {
            'content-type': 'application/json',
            'x-shopify-topic': 'orders/create',
            'x-shopify-event-id': `large-${i + 1}`,
            'x-shopify-hmac-sha256': sign.base64(body, shop.webhookSecrets.shopify),
          },
        });
      }),
    );
    expect(answers.map((answer) => answer.body.transactions?.[0]?.outcome)).toEqual(Array(60).fill('stored'));
    await api.settle();
    for (const id of [1, 30, 60]) {
      const attribution = await api.request('GET', `/v1/transactions/shopify-order-${id}/attribution`, { key: shop.keys.marketing });
      expect(attribution.status, JSON.stringify(attribution.body)).toBe(200);
      expect(attribution.body.transactionId).toBe(`shopify-order-${id}`);
    }
  }, 120_000);

  it('400 attributions of 3 KB each (1.2 MB in all): saved, every one read back, no step left behind', async () => {
    const tenantId = (await newTenant()).tenantId;
    const store = new DynamoProjectionStore(documentClient(), config().TABLE_NAME);
    const personKey = 'c:heavy' as Identifier;
    const transactionIds = Array.from({ length: 400 }, (_, i) => `heavy-${i}`);
    for (const transactionId of transactionIds) await documentClient().send(new PutCommand({ TableName: config().TABLE_NAME, Item: transactionEntity.key(tenantId, transactionId) }));
    // Random text does not compress: each attribution stays about 3 KB gzipped.
    const results = new Map(transactionIds.map((transactionId) => [transactionId, { transactionId, padding: randomBytes(2300).toString('base64') } as unknown as AttributionResult]));
    const saved = await store.save(tenantId, {
      projection: { personKey, identifiers: [personKey], orders: {}, configs: {}, contributions: {}, dropped: [] },
      expectedVersion: 0,
      retired: [],
      listings: { put: [], remove: [] },
      attributions: transactionIds.map((transactionId) => ({ transactionId, personKey, version: 1, result: results.get(transactionId)!, summary: {} as never })),
      delta: {},
      dropped: { add: [], remove: [] },
    });
    expect(saved).toBe('saved');
    for (const transactionId of transactionIds) expect((await store.getAttribution(tenantId, transactionId))?.result).toEqual(results.get(transactionId));
    const projections = await store.getProjections(tenantId, [personKey]);
    expect(projections.get(personKey)).toMatchObject({ version: 1 });
    expect(projections.get(personKey)?.pending).toBeUndefined();
    const { Items } = await documentClient().send(
      new QueryCommand({
        TableName: config().TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': projectionEntity.key(tenantId, personKey).pk },
        ConsistentRead: true,
      }),
    );
    expect(Items?.map((item) => item.sk)).toEqual(['PROJ']);
  }, 120_000);
});
