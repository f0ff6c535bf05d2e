/**
 * A test storefront and a stub collector on two loopback origins, and the
 * machine's Chromium driven by playwright-core.
 *
 * Each test registers its own site (`harness.site(…)`): a path prefix on the
 * store and a publishable key of its own, so a beacon that arrives late from
 * one test never lands in another's assertions.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';

/** How a site includes the tracker. */
export interface SiteOptions {
  /** The tenant's consentRequired. */
  consentRequired?: boolean;
  /** `settings`: `/v1/baton.js?key=…` with the server's settings line (as Baton serves it); `attributes`: the bare script with data-key / data-consent-required. */
  via?: 'settings' | 'attributes';
  /** HTML put before the script tag (a stub snippet, calls made before the script loads). */
  before?: string;
  /** Pretend to be a Shopify storefront whose routes root is the site's own prefix. */
  shopify?: boolean;
}

export interface Site {
  key: string;
  /** An absolute URL on the store for a path of this site (`/landing?utm_source=…`). */
  url(path: string): string;
  /** The `page` / `identify` / `checkout` events the collector received for this key, in arrival order. */
  events(): CollectedEvent[];
  requests(): CollectRequest[];
  /** Waits until at least `count` events have arrived (fails after `timeoutMs`, 10 s by default: the tests run side by side on a busy machine). */
  waitForEvents(count: number, timeoutMs?: number): Promise<CollectedEvent[]>;
  /** Bodies the store received at `<root>cart/update.js`. */
  cartUpdates(): Array<{ contentType: string; body: unknown }>;
}

export interface CollectedEvent {
  type: string;
  eventId: string;
  occurredAt: string;
  anonymousId: string;
  url: string;
  referrer: string;
  consent?: boolean;
  customerId?: string;
  email?: string;
  orderId?: string;
}

export interface CollectRequest {
  key: string;
  events: CollectedEvent[];
  contentType: string;
  /** `no-cors` for sendBeacon with a text/plain Blob, `cors` for fetch. */
  fetchMode: string;
  origin: string;
}

export interface Harness {
  browser: Browser;
  storeOrigin: string;
  collectorOrigin: string;
  /** OPTIONS requests the collector saw: a text/plain beacon needs none. */
  preflights: number;
  site(options?: SiteOptions): Site;
  close(): Promise<void>;
}

async function listen(handler: (request: IncomingMessage, response: ServerResponse) => void): Promise<{ server: Server; origin: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

export async function startHarness(options: { chromiumPath: string; trackerPath: string }): Promise<Harness> {
  const script = readFileSync(options.trackerPath, 'utf8');
  const sites = new Map<string, Required<Omit<SiteOptions, 'before'>> & { before: string; key: string }>();
  const requests: CollectRequest[] = [];
  const carts = new Map<string, Array<{ contentType: string; body: unknown }>>();
  let storeOrigin = '';
  let preflights = 0;

  const collector = await listen((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://collector');
      const cors = { 'access-control-allow-origin': storeOrigin, vary: 'Origin' };
      if (request.method === 'GET' && url.pathname === '/v1/baton.js') {
        // What Baton's server does: the tenant's settings in one line, then the script.
        const site = [...sites.values()].find((candidate) => candidate.key === url.searchParams.get('key'));
        const settings = JSON.stringify({ key: site?.key ?? '', consentRequired: site?.consentRequired ?? false });
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        response.end(`window.__batonSettings = ${settings};\n${script}`);
      } else if (request.method === 'GET' && url.pathname === '/static/baton.js') {
        response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
        response.end(script);
      } else if (request.method === 'OPTIONS') {
        preflights += 1;
        response.writeHead(204, { ...cors, 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' });
        response.end();
      } else if (request.method === 'POST' && url.pathname === '/v1/collect') {
        const body = JSON.parse(await readBody(request)) as { key: string; events: CollectedEvent[] };
        requests.push({
          key: body.key,
          events: body.events,
          contentType: request.headers['content-type'] ?? '',
          fetchMode: String(request.headers['sec-fetch-mode'] ?? ''),
          origin: String(request.headers.origin ?? ''),
        });
        response.writeHead(202, { ...cors, 'content-type': 'application/json' });
        response.end('{"accepted":true}');
      } else {
        response.writeHead(404).end();
      }
    })();
  });

  const store = await listen((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://store');
      const siteId = url.pathname.split('/')[1] ?? '';
      const site = sites.get(siteId);
      if (!site) {
        response.writeHead(404).end();
        return;
      }
      if (request.method === 'POST' && url.pathname === `/${siteId}/cart/update.js`) {
        const text = await readBody(request);
        carts.get(siteId)?.push({ contentType: request.headers['content-type'] ?? '', body: JSON.parse(text) });
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(text);
        return;
      }
      const shopify = site.shopify ? `<script>window.Shopify = { shop: 'acme.myshopify.com', routes: { root: '/${siteId}/' } };</script>` : '';
      const tag =
        site.via === 'settings'
          ? `<script async src="${collectorOrigin}/v1/baton.js?key=${site.key}"></script>`
          : `<script async src="${collectorOrigin}/static/baton.js" data-key="${site.key}" data-consent-required="${site.consentRequired}"></script>`;
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(
        `<!doctype html><html><head><meta charset="utf-8"><title>${url.pathname}</title>${shopify}${site.before}${tag}</head>` +
          `<body><h1>${url.pathname}</h1><a id="next" href="/${siteId}/next">next</a></body></html>`,
      );
    })();
  });
  storeOrigin = store.origin;
  const collectorOrigin = collector.origin;

  const browser = await launchChromium({ path: options.chromiumPath });
  let count = 0;

  return {
    browser,
    storeOrigin,
    collectorOrigin,
    get preflights() {
      return preflights;
    },
    site(siteOptions = {}) {
      count += 1;
      const id = `s${count}`;
      const key = `pk_test_${count}_${Math.random().toString(36).slice(2, 8)}`;
      sites.set(id, {
        key,
        consentRequired: siteOptions.consentRequired ?? false,
        via: siteOptions.via ?? 'settings',
        before: siteOptions.before ?? '',
        shopify: siteOptions.shopify ?? false,
      });
      carts.set(id, []);
      const mine = () => requests.filter((request) => request.key === key);
      const events = () => mine().flatMap((request) => request.events);
      return {
        key,
        url: (path) => `${storeOrigin}/${id}${path}`,
        events,
        requests: mine,
        cartUpdates: () => carts.get(id) ?? [],
        async waitForEvents(wanted, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          while (events().length < wanted) {
            if (Date.now() > deadline) throw new Error(`expected ${wanted} events for ${key}, got ${JSON.stringify(events(), null, 2)}`);
            await new Promise((resolve) => setTimeout(resolve, 25));
          }
          return events();
        },
      };
    },
    async close() {
      await browser.close();
      await Promise.all([close(store.server), close(collector.server)]);
    },
  };
}
