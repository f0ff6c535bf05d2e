import { readFileSync } from 'node:fs';
import { createContext, runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';

/**
 * tracker/shopify-pixel.js in a fake custom-pixel sandbox: the globals
 * Shopify gives a custom pixel (`analytics`, `browser`, `init`, `api`) and
 * `fetch`, all stubbed; what it sends is read off the stubbed fetch.
 */

const SOURCE = readFileSync(new URL('../../tracker/shopify-pixel.js', import.meta.url), 'utf8');

interface Privacy {
  analyticsProcessingAllowed: boolean;
  marketingAllowed?: boolean;
  preferencesProcessingAllowed?: boolean;
  saleOfDataAllowed?: boolean;
}

interface SandboxOptions {
  consentRequired: boolean;
  themeScript?: boolean;
  privacy: Privacy;
  cookie?: string;
  localStorage?: string | null;
}

interface Sent {
  url: string;
  init: { method: string; keepalive: boolean; headers: Record<string, string>; body: string };
}

function setConstant(source: string, name: string, value: string): string {
  const line = new RegExp(`^const ${name} = .*$`, 'm');
  if (!line.test(source)) throw new Error(`the pixel has no line "const ${name} = …"`);
  return source.replace(line, `const ${name} = ${value};`);
}

function loadPixel(options: SandboxOptions) {
  let source = setConstant(SOURCE, 'BATON', `'https://baton.test'`);
  source = setConstant(source, 'KEY', `'pk_live_test'`);
  source = setConstant(source, 'CONSENT_REQUIRED', String(options.consentRequired));
  source = setConstant(source, 'THEME_SCRIPT', String(options.themeScript ?? true));
  const subscribers = new Map<string, (event: unknown) => unknown>();
  const privacyListeners = new Map<string, (event: unknown) => unknown>();
  const sent: Sent[] = [];
  const context = createContext({
    analytics: { subscribe: (name: string, callback: (event: unknown) => unknown) => subscribers.set(name, callback) },
    browser: {
      cookie: { get: async (name: string) => (name === 'baton_aid' ? (options.cookie ?? '') : '') },
      localStorage: { getItem: async (name: string) => (name === 'baton_aid' ? (options.localStorage ?? null) : null) },
    },
    init: { customerPrivacy: options.privacy, context: {}, data: {} },
    api: { customerPrivacy: { subscribe: async (name: string, callback: (event: unknown) => unknown) => void privacyListeners.set(name, callback) } },
    fetch: async (url: string, init: Sent['init']) => {
      sent.push({ url, init });
      return { ok: true, status: 202 };
    },
  });
  runInContext(source, context, { filename: 'shopify-pixel.js' });
  return {
    sent,
    events: () => sent.flatMap((request) => (JSON.parse(request.init.body) as { events: Array<Record<string, unknown>> }).events),
    subscribed: () => [...subscribers.keys()],
    fire: async (name: string, event: unknown) => {
      await subscribers.get(name)?.(event);
    },
    consentCollected: async (privacy: Privacy) => {
      await privacyListeners.get('visitorConsentCollected')?.({ customerPrivacy: privacy });
    },
  };
}

const documentAt = (href: string, referrer = '') => ({ document: { location: { href, pathname: new URL(href).pathname }, referrer } });

const pageViewed = (href: string, referrer = '') => ({
  id: 'sh-page-1',
  clientId: 'shopify-client-1',
  name: 'page_viewed',
  timestamp: '2026-11-27T10:00:00.000Z',
  type: 'standard',
  context: documentAt(href, referrer),
  data: {},
});

const checkoutCompleted = (orderId: string | null) => ({
  id: 'sh-checkout-1',
  clientId: 'shopify-client-1',
  name: 'checkout_completed',
  timestamp: '2026-11-27T10:05:00.000Z',
  type: 'standard',
  context: documentAt('https://shop.example/checkouts/cn/abc/thank-you'),
  data: {
    checkout: {
      token: 'abc',
      email: 'jane@example.com',
      order: { id: orderId, customer: { id: 'gid://shopify/Customer/777' } },
      attributes: [],
    },
  },
});

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const checkoutStarted = () => ({
  id: 'sh-checkout-start-1',
  clientId: 'shopify-client-1',
  name: 'checkout_started',
  timestamp: '2026-11-27T10:01:00.000Z',
  type: 'standard',
  context: documentAt('https://shop.example/checkouts/cn/abc/information'),
  data: { checkout: { token: 'abc', email: 'jane@example.com', attributes: [] } },
});

describe('the Shopify custom pixel', () => {
  it('sends a started checkout as a checkout event with started: true and no order (the shopper is qualified)', async () => {
    const pixel = loadPixel({ consentRequired: false, privacy: { analyticsProcessingAllowed: false }, cookie: 'b6f1c0de-0000-4000-8000-000000000003' });
    await pixel.fire('checkout_started', checkoutStarted());
    await flush();
    expect(pixel.events()).toEqual([
      expect.objectContaining({
        type: 'checkout',
        started: true,
        eventId: 'sh-checkout-start-1',
        anonymousId: 'b6f1c0de-0000-4000-8000-000000000003',
        url: 'https://shop.example/checkouts/cn/abc/information',
      }),
    ]);
    expect(pixel.events()[0]).not.toHaveProperty('orderId');
  });

  it('keeps the placeholders a merchant fills in at the top', () => {
    const lines = SOURCE.split('\n').filter((line) => line.startsWith('const '));
    expect(lines[0]).toMatch(/^const BATON = 'https:\/\/<your-baton-api>';/);
    expect(lines[1]).toMatch(/^const KEY = 'pk_…';/);
    expect(lines[2]).toMatch(/^const CONSENT_REQUIRED = true;/);
  });

  it('with consent required, sends nothing until analytics is allowed, then the held events with consent and email', async () => {
    const pixel = loadPixel({ consentRequired: true, privacy: { analyticsProcessingAllowed: false }, cookie: 'b6f1c0de-0000-4000-8000-000000000001' });
    expect(pixel.subscribed().sort()).toEqual(['checkout_completed', 'checkout_started', 'page_viewed']);

    await pixel.fire('page_viewed', pageViewed('https://shop.example/checkouts/cn/abc?utm_source=shopify_email&utm_medium=email', 'https://mail.example/'));
    await pixel.fire('checkout_completed', checkoutCompleted('gid://shopify/Order/5551234567'));
    await flush();
    expect(pixel.sent).toEqual([]);

    await pixel.consentCollected({ analyticsProcessingAllowed: true, marketingAllowed: false });
    await flush();

    expect(pixel.sent).toHaveLength(1);
    const [request] = pixel.sent;
    expect(request?.url).toBe('https://baton.test/v1/collect');
    expect(request?.init).toMatchObject({ method: 'POST', keepalive: true, headers: { 'content-type': 'text/plain;charset=UTF-8' } });
    expect(JSON.parse(request?.init.body ?? '{}').key).toBe('pk_live_test');
    expect(pixel.events()).toEqual([
      {
        type: 'page',
        eventId: 'sh-page-1',
        occurredAt: '2026-11-27T10:00:00.000Z',
        anonymousId: 'b6f1c0de-0000-4000-8000-000000000001',
        url: 'https://shop.example/checkouts/cn/abc?utm_source=shopify_email&utm_medium=email',
        referrer: 'https://mail.example/',
        consent: true,
      },
      {
        type: 'checkout',
        eventId: 'sh-checkout-1',
        occurredAt: '2026-11-27T10:05:00.000Z',
        anonymousId: 'b6f1c0de-0000-4000-8000-000000000001',
        url: 'https://shop.example/checkouts/cn/abc/thank-you',
        referrer: '',
        orderId: '5551234567',
        email: 'jane@example.com',
        customerId: '777',
        consent: true,
      },
    ]);
  });

  it('with consent required and refused, sends nothing, then or later', async () => {
    const pixel = loadPixel({ consentRequired: true, privacy: { analyticsProcessingAllowed: false }, cookie: 'b6f1c0de-0000-4000-8000-000000000001' });
    await pixel.fire('checkout_completed', checkoutCompleted('5551234567'));
    await pixel.consentCollected({ analyticsProcessingAllowed: false });
    await pixel.fire('checkout_completed', checkoutCompleted('5551234568'));
    await flush();
    expect(pixel.sent).toEqual([]);
  });

  it('with consent already given at page load, sends at once', async () => {
    const pixel = loadPixel({ consentRequired: true, privacy: { analyticsProcessingAllowed: true }, localStorage: 'b6f1c0de-0000-4000-8000-000000000002' });
    await pixel.fire('checkout_completed', checkoutCompleted('1001'));
    expect(pixel.events()).toEqual([expect.objectContaining({ type: 'checkout', orderId: '1001', anonymousId: 'b6f1c0de-0000-4000-8000-000000000002', consent: true })]);
  });

  it('without consent required, sends at once with consent false, and never the email or customer id', async () => {
    const pixel = loadPixel({ consentRequired: false, privacy: { analyticsProcessingAllowed: false } });
    await pixel.fire('checkout_completed', checkoutCompleted('gid://shopify/Order/42'));

    const [event] = pixel.events();
    expect(event).toMatchObject({ type: 'checkout', orderId: '42', consent: false, anonymousId: 'shopify-client-1' });
    expect(event).not.toHaveProperty('email');
    expect(event).not.toHaveProperty('customerId');
  });

  it('leaves storefront page views to the theme script, unless told it is not installed', async () => {
    const withTheme = loadPixel({ consentRequired: false, privacy: { analyticsProcessingAllowed: true } });
    await withTheme.fire('page_viewed', pageViewed('https://shop.example/products/shoe?utm_source=google&gclid=abc'));
    await withTheme.fire('page_viewed', pageViewed('https://shop.example/checkouts/cn/abc/information'));
    expect(withTheme.events().map((event) => event.url)).toEqual(['https://shop.example/checkouts/cn/abc/information']);

    const pixelOnly = loadPixel({ consentRequired: false, themeScript: false, privacy: { analyticsProcessingAllowed: true } });
    await pixelOnly.fire('page_viewed', pageViewed('https://shop.example/products/shoe?utm_source=google&gclid=abc', 'https://www.google.com/'));
    expect(pixelOnly.events()).toEqual([expect.objectContaining({ type: 'page', url: 'https://shop.example/products/shoe?utm_source=google&gclid=abc', referrer: 'https://www.google.com/' })]);
  });

  it('skips a checkout without an order id, and ignores an anonymous id that is not one of ours', async () => {
    const pixel = loadPixel({ consentRequired: false, privacy: { analyticsProcessingAllowed: true }, cookie: 'x; other=1' });
    await pixel.fire('checkout_completed', checkoutCompleted(null));
    expect(pixel.sent).toEqual([]);
    await pixel.fire('checkout_completed', checkoutCompleted('7'));
    expect(pixel.events()[0]).toMatchObject({ orderId: '7', anonymousId: 'shopify-client-1', eventId: 'sh-checkout-1' });
  });

  it('gives an event whose id the collector would refuse an id of its own', async () => {
    const pixel = loadPixel({ consentRequired: false, privacy: { analyticsProcessingAllowed: true } });
    await pixel.fire('checkout_completed', { ...checkoutCompleted('8'), id: 'odd id!' });
    expect(pixel.events()[0]?.eventId).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });
});
