import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procStat } from '../../scripts/local/proc-stat.ts';
import { config } from '../../shared/config.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';

// This file pauses the DynamoDB Local the test setup lends it (by Java's PID, integration-setup.ts), and
// resumes it before the file ends.
const javaPid = Number(process.env.DYNAMODB_LOCAL_PID);
let api: TestApi;
let shop: CreatedTenant;

/** The bound docs/contract.md#errors's 503 must come within: 2 s for the authorizer's key lookup, 6 s for the route, and some slack for a loaded machine. */
const ANSWER_WITHIN_MS = 10_000;

beforeAll(async () => {
  expect(javaPid).toBeGreaterThan(0);
  api = await TestApi.start({ events: true });
  shop = await newTenant();
});

afterAll(async () => {
  process.kill(javaPid, 'SIGCONT');
  await api?.close();
});

const order = {
  transactionId: 'stall-o1',
  kind: 'order',
  occurredAt: '2026-11-10T10:00:00Z',
  person: { customerId: 'c-stall' },
  currency: 'USD',
  gross: '50.00',
  landingUrl: 'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=stall',
};
const touches = {
  touches: [{ touchId: 'stall-t1', occurredAt: '2026-11-09T10:00:00Z', person: { customerId: 'c-stall' }, kind: 'click', utm: { source: 'newsletter', medium: 'email', campaign: 'stall' } }],
};
const webhookBody = JSON.stringify(shopifyOrder({ id: 990001 }));

/**
 * SIGSTOP, then wait until every thread of Java has stopped. kill() returns before they have: the stop begins when one
 * of them runs, and on a busy machine the others can answer a request in the meantime (the health read did, 24 ms
 * after the signal, while every other route waited for the store).
 */
async function pause(pid: number): Promise<void> {
  process.kill(pid, 'SIGSTOP');
  const deadline = Date.now() + 5_000;
  while (!readdirSync(`/proc/${pid}/task`).every((thread) => ['T', 't', 'Z', 'X'].includes(procStat(pid, thread)?.state ?? 'X'))) {
    if (Date.now() > deadline) throw new Error(`Java (pid ${pid}) did not stop within 5 s of SIGSTOP`);
    await new Promise((wait) => setTimeout(wait, 5));
  }
}

function requests() {
  return {
    health: () => api.request('GET', '/v1/health'),
    config: () => api.request('GET', '/v1/config', { key: shop.keys.admin }),
    touches: () => api.request('POST', '/v1/touches', { key: shop.keys.ingest, json: touches }),
    transaction: () => api.request('POST', '/v1/transactions', { key: shop.keys.ingest, json: order }),
    webhook: () =>
      api.request('POST', `/v1/webhooks/shopify/${shop.tenantId}`, {
        body: webhookBody,
        headers: {
          'content-type': 'application/json',
          'x-shopify-topic': 'orders/create',
          'x-shopify-event-id': 'stall-ev-1',
          'x-shopify-hmac-sha256': sign.base64(webhookBody, shop.webhookSecrets.shopify),
        },
      }),
    report: () => api.request('GET', '/v1/attribution/report?from=2026-11-01&to=2026-11-30', { key: shop.keys.marketing }),
    summary: () => api.request('GET', '/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30', { key: shop.keys.finance }),
  };
}

describe('a store that stalls (DynamoDB Local paused with SIGSTOP)', () => {
  it('answers every request with 503 and Retry-After in bounded time, and the same requests recover everything once it resumes', async () => {
    const calls = requests();
    expect((await calls.health()).status).toBe(200);

    await pause(javaPid);
    const stalled = await Promise.all(
      Object.entries(calls).map(async ([name, call]) => {
        const started = Date.now();
        const response = await call();
        return { name, status: response.status, retryAfter: response.headers.get('retry-after'), ms: Date.now() - started, code: response.body?.error?.code };
      }),
    );
    // What a failure below needs to be understood: every answer, where the API's store is, and whether the paused Java was.
    const context = JSON.stringify({ stalled, api: api.runtime.url, endpoint: config().DYNAMODB_ENDPOINT, javaPid, javaState: procStat(javaPid)?.state ?? 'gone' });
    process.kill(javaPid, 'SIGCONT');

    for (const answer of stalled) {
      expect(answer, context).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
      expect(answer.ms, answer.name).toBeLessThan(ANSWER_WITHIN_MS);
      if (answer.name !== 'health') expect(answer.code).toBe('store_unavailable');
    }

    // What a client does after a 503: send the same request again. Writes that landed late count once.
    expect((await calls.touches()).status).toBe(202);
    expect([200, 201]).toContain((await calls.transaction()).status);
    expect((await calls.webhook()).status).toBe(200);
    expect((await calls.transaction()).body.outcome).toBe('duplicate');
    await api.settle();

    const journey = await api.request('GET', '/v1/people/journey?customerId=c-stall', { key: shop.keys.marketing });
    expect(journey.body.touches.map((touch: { touchId: string }) => touch.touchId).sort()).toEqual(['stall-o1-landing', 'stall-t1']);
    expect(journey.body.transactions.map((tx: { transactionId: string }) => tx.transactionId)).toEqual(['stall-o1']);
    const summary = (await calls.summary()).body;
    expect(summary.currencies).toEqual([expect.objectContaining({ currency: 'USD', orders: 2, net: 5_000 + 18_900 })]);
    const report = (await calls.report()).body;
    expect(report.totals).toEqual([expect.objectContaining({ currency: 'USD', revenue: 5_000 + 18_900, transactions: 2 })]);
  }, 60_000);
});
