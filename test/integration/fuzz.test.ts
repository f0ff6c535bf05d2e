import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../shared/routes.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyOrder, stripeEvent, stripeSession, wooOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';

let api: TestApi;
let tenant: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  tenant = await newTenant();
});
afterAll(() => api.close());

/**
 * Per route, and five times as many mangled webhooks. `npm test` keeps to its five minutes with 50;
 * FUZZ_RUNS raises it for a longer hunt (`FUZZ_RUNS=2000 npx vitest run test/integration/fuzz.test.ts`).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);

/** Bodies a careless or hostile client could send: any JSON, near-miss shapes, and junk text. */
const body = fc.oneof(
  fc.json({ depthSize: 'medium' }),
  fc.jsonValue().map((value) => JSON.stringify({ touches: [value], stages: [value] })),
  fc
    .record({ touches: fc.array(fc.dictionary(fc.constantFrom('touchId', 'occurredAt', 'person', 'kind', 'utm', 'url', 'cost'), fc.jsonValue()), { maxLength: 5 }) })
    .map((value) => JSON.stringify(value)),
  fc
    .dictionary(
      fc.constantFrom('transactionId', 'kind', 'orderId', 'occurredAt', 'person', 'currency', 'gross', 'discount', 'tax', 'shipping'),
      fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.double()),
    )
    .map((value) => JSON.stringify(value)),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constantFrom('', '{', '[]', 'null', '"x"', '{"touches":null}', '\u0000', '{"__proto__":{"polluted":1}}'),
);

const keyFor = (scopes: readonly string[]) => tenant.keys[scopes[0] as keyof CreatedTenant['keys']];
const fill = (path: string, value: string) => path.replace(/\{(\w+)\}/g, (_match, name: string) => (name === 'tenantId' ? tenant.tenantId : name === 'provider' ? 'shopify' : value));

describe('no input a client can send yields a 5xx', () => {
  for (const route of routes) {
    it(`${route.method} ${route.path}`, async () => {
      await fc.assert(
        fc.asyncProperty(body, fc.string({ maxLength: 40 }), fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 30 }), { maxKeys: 4 }), async (text, segment, query) => {
          const path = fill(route.path, encodeURIComponent(segment) || 'x');
          const search = new URLSearchParams(query).toString();
          const headers: Record<string, string> = { 'content-type': 'application/json' };
          if (route.access.kind === 'webhook') {
            headers['x-shopify-topic'] = 'orders/create';
            headers['x-shopify-hmac-sha256'] = sign.base64(text, tenant.webhookSecrets.shopify);
          }
          const response = await api.request(route.method, `${path}${search ? `?${search}` : ''}`, {
            ...(route.access.kind === 'key' ? { key: keyFor(route.access.scopes) } : {}),
            ...(route.method === 'GET' ? {} : { body: text }),
            headers,
          });
          expect(response.status, `${response.status} ${response.text}`).toBeLessThan(500);
        }),
        { numRuns: RUNS },
      );
    }, 120_000);
  }

  it('webhook payloads with valid signatures but mangled provider fields', async () => {
    const mangle = (value: Record<string, unknown>) =>
      fc.dictionary(fc.constantFrom(...Object.keys(value)), fc.oneof(fc.jsonValue(), fc.constant(undefined)), { maxKeys: 6 }).map((changes) => ({ ...value, ...changes }));
    const cases = fc.oneof(
      mangle(shopifyOrder()).map((payload) => ({ provider: 'shopify', topic: 'orders/create', payload })),
      mangle(wooOrder()).map((payload) => ({ provider: 'woocommerce', topic: 'order.updated', payload })),
      mangle(stripeSession()).map((object) => ({ provider: 'stripe', topic: '', payload: stripeEvent('checkout.session.completed', object) })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async ({ provider, topic, payload }) => {
        const text = JSON.stringify(payload);
        const headers: Record<string, string> =
          provider === 'shopify'
            ? { 'x-shopify-topic': topic, 'x-shopify-hmac-sha256': sign.base64(text, tenant.webhookSecrets.shopify) }
            : provider === 'woocommerce'
              ? { 'x-wc-webhook-topic': topic, 'x-wc-webhook-signature': sign.base64(text, tenant.webhookSecrets.woocommerce) }
              : { 'stripe-signature': sign.timestamped(text, tenant.webhookSecrets.stripe) };
        const response = await api.request('POST', `/v1/webhooks/${provider}/${tenant.tenantId}`, { body: text, headers: { 'content-type': 'application/json', ...headers } });
        expect(response.status, response.text).toBeLessThan(500);
      }),
      { numRuns: RUNS * 5 },
    );
  }, 180_000);
});
