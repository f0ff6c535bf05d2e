import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { shopifyGuestOrder } from '../fixtures/webhooks.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { DESKTOP_CHROME, launchChromium } from '../support/chromium.ts';

// The whole path a shopper's visit takes, in a real browser: Debian's
// Chromium loads the tracker from the API, lands from an ad, browses,
// signs in, checks out; the store's signed order webhook follows; the
// order's attribution must hold the browser's touch.

let api: TestApi;
/** The shopper's browser: an ordinary desktop Chrome's user agent (headless Chromium names itself in its own, and Baton drops bots). */
let browser: Browser;
/** Headless Chromium as it comes: a bot by its user agent. */
let headless: Browser;
let store: Server;
let storeOrigin: string;
/** Pages of the test store, each including the tracker for the tenant whose key the path names. */
const page = (key: string, body: string) =>
  `<!doctype html><html><head><title>Shop</title><script>window.baton=window.baton||{q:[]};['identify','checkout','consent','ready'].forEach(function(m){baton[m]=baton[m]||function(){baton.q.push([m,arguments])}});</script><script async src="${api.runtime.url}/v1/baton.js?key=${key}"></script></head><body>${body}</body></html>`;

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  browser = await launchChromium({ userAgent: DESKTOP_CHROME });
  headless = await launchChromium();
  store = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const key = url.searchParams.get('k') ?? '';
    const script = url.pathname === '/account' ? '<script>baton.identify({ customerId: "cust-e2e" })</script>' : url.pathname === '/thanks' ? '<script>baton.checkout("7500")</script>' : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(page(key, `<h1>${url.pathname}</h1>${script}`));
  });
  await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', () => resolve()));
  storeOrigin = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await headless?.close();
  await new Promise<void>((resolve) => store?.close(() => resolve()));
  await api?.close();
});

async function shopFor(config: Record<string, unknown> = {}): Promise<CreatedTenant> {
  const tenant = await newTenant();
  const patched = await api.request('PATCH', '/v1/config', { key: tenant.keys.admin, json: { allowedOrigins: [storeOrigin], ...config } });
  expect(patched.status, patched.text).toBe(200);
  return tenant;
}

/** A shopper's visit: lands from a Google ad, browses, signs in, checks out, leaves. */
async function visit(tenant: CreatedTenant): Promise<void> {
  const context = await browser.newContext();
  const tab = await context.newPage();
  const errors: string[] = [];
  tab.on('pageerror', (error) => errors.push(String(error)));
  const k = `k=${tenant.keys.publishable}`;
  await tab.goto(`${storeOrigin}/?${k}&utm_source=google&utm_medium=cpc&utm_campaign=black-friday&gclid=Cj0e2e`, { referer: 'https://www.google.com/' });
  await tab.waitForFunction(() => typeof (globalThis as { baton?: { anonymousId?: unknown } }).baton?.anonymousId === 'function');
  // Each navigation flushes the page it leaves with sendBeacon (pagehide).
  for (const path of ['/products/red-shoes', '/account', '/thanks', '/']) await tab.goto(`${storeOrigin}${path}?${k}`);
  await tab.waitForTimeout(500);
  await context.close();
  expect(errors).toEqual([]);
}

function shopify(tenant: CreatedTenant, payload: unknown) {
  const body = JSON.stringify(payload);
  return api.request('POST', `/v1/webhooks/shopify/${tenant.tenantId}`, {
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-event-id': `e2e-${Math.random()}`,
      'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify),
    },
  });
}

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('collection from a real browser (Chromium + the tracker served by the API)', () => {
  it('drops the visits of a headless browser as a bot’s', async () => {
    const tenant = await shopFor();
    const context = await headless.newContext();
    const tab = await context.newPage();
    await tab.goto(`${storeOrigin}/?k=${tenant.keys.publishable}&utm_source=google&utm_medium=cpc&utm_campaign=bot`);
    await tab.waitForFunction(() => typeof (globalThis as { baton?: { anonymousId?: unknown } }).baton?.anonymousId === 'function');
    const id = await tab.evaluate(() => (globalThis as unknown as { baton: { anonymousId(): string } }).baton.anonymousId());
    await context.close();
    await api.settle();
    expect((await api.request('GET', `/v1/people/journey?anonymousId=${id}`, { key: tenant.keys.marketing })).status).toBe(404);
  }, 60_000);

  it('puts the browser’s landing in the journey of the order the store’s webhook reports', async () => {
    const tenant = await shopFor();
    await visit(tenant);
    const journey = await until(
      () => api.request('GET', '/v1/people/journey?customerId=cust-e2e', { key: tenant.keys.marketing }),
      (response) => response.status === 200 && response.body.touches.length > 0,
    );
    expect(journey.body.touches).toEqual([expect.objectContaining({ channel: 'Paid Search', campaign: 'black-friday', kind: 'visit', consent: 'not_required' })]);

    // A guest order (no email): the browser's checkout event is what joins it to the journey.
    expect((await shopify(tenant, shopifyGuestOrder({ id: 7500, created_at: new Date().toISOString(), landing_site: null, referring_site: null }))).status).toBe(200);
    await api.settle();
    const attribution = await api.request('GET', '/v1/transactions/shopify-order-7500/attribution', { key: tenant.keys.marketing });
    expect(attribution.status).toBe(200);
    expect(attribution.body.marketing.touches).toEqual([expect.objectContaining({ channel: 'Paid Search', campaign: 'black-friday' })]);
    expect(attribution.body.marketing.unattributed).toBe(0);
  }, 60_000);

  it('stores nothing that identifies the browser when the tenant requires consent and the visitor gives none', async () => {
    const tenant = await shopFor({ consentRequired: true });
    await visit(tenant);
    await api.settle();
    expect((await api.request('GET', '/v1/people/journey?customerId=cust-e2e', { key: tenant.keys.marketing })).status).toBe(404);
    const report = await api.request('GET', '/v1/attribution/report?from=2026-01-01&to=2026-12-31', { key: tenant.keys.marketing });
    expect(report.body.rows).toEqual([]);
  }, 60_000);
});
