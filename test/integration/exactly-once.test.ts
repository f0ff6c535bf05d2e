import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/adapters/dynamodb/client.ts';
import { personPartition } from '../../shared/adapters/dynamodb/entities/person.ts';
import { config } from '../../shared/config.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  tenant = await newTenant();
});
afterAll(() => api.close());

async function partition(identifier: string) {
  const { Items } = await documentClient().send(
    new QueryCommand({
      TableName: config().TABLE_NAME,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': personPartition(tenant.tenantId, identifier) },
      ConsistentRead: true,
    }),
  );
  return Items ?? [];
}

/**
 * Ten deliveries at once, each sent again after a 503 as a client does
 * (Retry-After): on a loaded machine DynamoDB Local can take longer than a
 * request's budget to settle ten racing transactions. A delivery whose write
 * landed but whose answer missed the deadline reads as a duplicate when sent
 * again, so what holds is: every delivery ends answered, each accounts for
 * every item, at most one accepts each item, and the table holds it once.
 */
const tenTimes = <T extends { status: number; headers: Headers }>(send: () => Promise<T>) =>
  Promise.all(
    Array.from({ length: 10 }, async () => {
      for (let attempt = 1; ; attempt += 1) {
        const answer = await send();
        if (answer.status !== 503 || attempt === 10) return answer;
        await new Promise((resolve) => setTimeout(resolve, Number(answer.headers.get('retry-after') ?? 1) * 1000));
      }
    }),
  );

describe('ten identical deliveries at once are stored once (on DynamoDB Local)', () => {
  it('a batch of touches', async () => {
    const touches = Array.from({ length: 60 }, (_, i) => ({ touchId: `once-${i}`, occurredAt: '2026-11-01T10:00:00Z', person: { anonymousId: 'once-anon', customerId: 'once-cust' }, kind: 'click' }));
    const answers = await tenTimes(() => api.request('POST', '/v1/touches', { key: tenant.keys.ingest, json: { touches } }));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    for (const answer of answers) expect(answer.body.accepted + answer.body.duplicates).toBe(60);
    expect(answers.reduce((sum, answer) => sum + answer.body.accepted, 0)).toBeLessThanOrEqual(60);
    const stored = await partition('c:once-cust');
    expect(stored.filter((item) => item.entity === 'touch')).toHaveLength(60);
    expect(stored.filter((item) => item.entity === 'link' || item.entity === 'link_mirror')).toHaveLength(1);
  });

  it('a stage', async () => {
    const stage = { person: { customerId: 'once-stage' }, stage: 'qualified', occurredAt: '2026-11-01T10:00:00Z' };
    const answers = await tenTimes(() => api.request('POST', '/v1/stages', { key: tenant.keys.ingest, json: { stages: [stage] } }));
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    for (const answer of answers) expect(answer.body.accepted + answer.body.duplicates).toBe(1);
    expect(answers.reduce((sum, answer) => sum + answer.body.accepted, 0)).toBeLessThanOrEqual(1);
    expect((await partition('c:once-stage')).filter((item) => item.entity === 'stage')).toHaveLength(1);
  });

  it('an identity link', async () => {
    const answers = await tenTimes(() =>
      api.request('POST', '/v1/identify', { key: tenant.keys.ingest, json: { anonymousId: 'once-link', customerId: 'once-linked', occurredAt: '2026-11-01T10:00:00Z' } }),
    );
    expect(answers.map((answer) => answer.status)).toEqual(Array(10).fill(202));
    expect(answers.reduce((sum, answer) => sum + answer.body.linked, 0)).toBeLessThanOrEqual(1);
    expect((await partition('a:once-link')).filter((item) => String(item.sk).startsWith('LINK#'))).toHaveLength(1);
  });

  it('a transaction through the API', async () => {
    const body = { transactionId: 'once-order', kind: 'order', occurredAt: '2026-11-01T10:00:00Z', person: { customerId: 'once-buyer' }, currency: 'USD', gross: '9.99' };
    const answers = await tenTimes(() => api.request('POST', '/v1/transactions', { key: tenant.keys.ingest, json: body }));
    const statuses = answers.map((answer) => answer.status);
    expect(
      statuses.every((status) => status === 200 || status === 201),
      statuses.join(),
    ).toBe(true);
    expect(statuses.filter((status) => status === 201).length).toBeLessThanOrEqual(1);
    expect((await partition('c:once-buyer')).filter((item) => item.entity === 'tx_ref')).toHaveLength(1);
  });
});

describe('oversized bodies are refused with 413 and write nothing', () => {
  it('on POST /v1/touches', async () => {
    const touch = { touchId: 'big', occurredAt: '2026-11-01T10:00:00Z', person: { anonymousId: 'big' }, kind: 'click', url: `https://x.example/?q=${'a'.repeat(4000)}` };
    const response = await api.request('POST', '/v1/touches', { key: tenant.keys.ingest, json: { touches: Array.from({ length: 300 }, (_, i) => ({ ...touch, touchId: `big-${i}` })) } });
    expect(response.status).toBe(413);
    expect(await partition('a:big')).toHaveLength(0);
  });

  it('on a signed webhook', async () => {
    const body = JSON.stringify({ id: 1, padding: 'x'.repeat(1_100_000) });
    const response = await api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
      body,
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify) },
    });
    expect(response.status).toBe(413);
  });
});
