import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it, type TestContext } from 'vitest';
import { DESKTOP_CHROME } from '../support/chromium.ts';
import { type Harness, startHarness } from './harness.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DAY_S = 86_400;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The stub exactly as tracker/README.md documents it. */
const STUB = /<!-- stub -->\s*```html\n([\s\S]*?)```/.exec(readFileSync(new URL('../../tracker/README.md', import.meta.url), 'utf8'))?.[1] ?? '';

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ chromiumPath: inject('chromiumPath'), trackerPath: inject('trackerPath') });
});

afterAll(async () => {
  await harness?.close();
});

/** A fresh browser profile (no cookies, no storage) for one test, closed when that test finishes (its own hook: the tests run side by side). */
async function visitor(finished: TestContext['onTestFinished']): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext();
  finished(() => context.close());
  return { context, page: await context.newPage() };
}

const storedCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name === 'baton_aid');
const storedLocal = (page: Page) => page.evaluate('localStorage.getItem("baton_aid")');

// The tests run side by side, each with its own site and browser profile: most of a test's time is the tracker's
// 1-second batch timer and the pauses that prove nothing is sent, not work.
describe.concurrent('the tracker in Chromium', () => {
  it('reports a landing from an ad: the full URL and the referrer, as text/plain without a preflight', async ({ onTestFinished }) => {
    const site = harness.site();
    const { page } = await visitor(onTestFinished);
    const landing = site.url('/landing?utm_source=google&utm_medium=cpc&utm_campaign=x&gclid=Cj0KCQiA');
    const before = Date.now();

    await page.goto(landing, { referer: 'https://www.google.com/' });

    const [event] = await site.waitForEvents(1);
    expect(event).toMatchObject({ type: 'page', url: landing, referrer: 'https://www.google.com/' });
    expect(event?.anonymousId).toMatch(UUID);
    expect(event?.eventId).toMatch(UUID);
    expect(event).not.toHaveProperty('consent');
    expect(event?.occurredAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(event?.occurredAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    const [request] = site.requests();
    expect(request).toMatchObject({ key: site.key, origin: harness.storeOrigin });
    expect(request?.contentType.toLowerCase()).toBe('text/plain;charset=utf-8'); // the Blob lower-cases its type
    expect(harness.preflights).toBe(0);
  });

  it('tells a developer testing from a headless browser, in the console, that its events are dropped as a bot’s; a desktop browser hears nothing', async ({ onTestFinished }) => {
    const warnings = async (context: BrowserContext) => {
      const site = harness.site();
      const page = await context.newPage();
      const said: string[] = [];
      page.on('console', (message) => message.type() === 'warning' && said.push(message.text()));
      await page.goto(site.url('/landing?utm_source=google&utm_medium=cpc'));
      await site.waitForEvents(1);
      return said;
    };
    const headless = await visitor(onTestFinished);
    expect(await warnings(headless.context)).toEqual([expect.stringMatching(/^Baton: this browser's user agent says it is headless .*\?debug=true/)]);
    const desktop = await harness.browser.newContext({ userAgent: DESKTOP_CHROME });
    onTestFinished(() => desktop.close());
    expect(await warnings(desktop)).toEqual([]);
  });

  it('keeps the anonymous id across pages in a first-party cookie, and restores it from localStorage when the cookie is gone', async ({ onTestFinished }) => {
    const site = harness.site();
    const { context, page } = await visitor(onTestFinished);

    await page.goto(site.url('/first'));
    const [first] = await site.waitForEvents(1);
    const id = first?.anonymousId ?? '';
    const cookie = await storedCookie(context);
    expect(cookie).toMatchObject({ value: id, path: '/', sameSite: 'Lax', httpOnly: false, secure: false });
    expect((cookie?.expires ?? 0) - Date.now() / 1000).toBeGreaterThan(400 * DAY_S - 120);
    expect((cookie?.expires ?? 0) - Date.now() / 1000).toBeLessThanOrEqual(400 * DAY_S);
    expect(await storedLocal(page)).toBe(id);

    await page.click('#next');
    await page.waitForURL(site.url('/next'));
    const [, second] = await site.waitForEvents(2);
    expect(second).toMatchObject({ type: 'page', url: site.url('/next'), referrer: site.url('/first'), anonymousId: id });

    // Safari expires script-set cookies after 7 days; the localStorage copy brings the id back.
    await context.clearCookies();
    await page.goto(site.url('/after-cookie-loss'));
    const [, , third] = await site.waitForEvents(3);
    expect(third?.anonymousId).toBe(id);
    expect((await storedCookie(context))?.value).toBe(id);
    expect(await page.evaluate('baton.anonymousId()')).toBe(id);
  });

  it('sends identify and checkout events with the same anonymous id', async ({ onTestFinished }) => {
    const site = harness.site();
    const { page } = await visitor(onTestFinished);
    await page.goto(site.url('/cart'));
    await site.waitForEvents(1);

    await page.evaluate(`baton.identify({ customerId: 'c-42', email: 'jane@example.com' }); baton.checkout('1001');`);

    const [page1, identify, checkout] = await site.waitForEvents(3);
    expect(identify).toMatchObject({ type: 'identify', customerId: 'c-42', email: 'jane@example.com', url: site.url('/cart'), anonymousId: page1?.anonymousId });
    expect(checkout).toMatchObject({ type: 'checkout', orderId: '1001', anonymousId: page1?.anonymousId });
    expect(new Set([page1?.eventId, identify?.eventId, checkout?.eventId]).size).toBe(3);
    expect(site.requests()[1]?.events).toHaveLength(2); // one batch

    // Never more than 50 events a request. The three requests leave together, so they may arrive in any order.
    await page.evaluate(`for (let i = 0; i < 120; i++) baton.checkout('o-' + i);`);
    await site.waitForEvents(123);
    expect(
      site
        .requests()
        .slice(2)
        .map((request) => request.events.length)
        .sort((a, b) => b - a),
    ).toEqual([50, 50, 20]);
  });

  it('falls back to fetch with keepalive (text/plain, still no preflight) where sendBeacon is missing', async ({ onTestFinished }) => {
    const site = harness.site();
    const { context, page } = await visitor(onTestFinished);
    await context.addInitScript('delete Navigator.prototype.sendBeacon;');

    await page.goto(site.url('/old-browser?utm_source=bing&msclkid=m1'));

    const [event] = await site.waitForEvents(1);
    expect(event).toMatchObject({ type: 'page', url: site.url('/old-browser?utm_source=bing&msclkid=m1') });
    expect(site.requests()[0]).toMatchObject({ fetchMode: 'cors', contentType: 'text/plain;charset=UTF-8', origin: harness.storeOrigin });
    expect(harness.preflights).toBe(0);
  });

  it('flushes the queue with sendBeacon when the visitor navigates away or closes the tab', async ({ onTestFinished }) => {
    const site = harness.site();
    const { context, page } = await visitor(onTestFinished);
    await context.clock.install();
    await page.goto(site.url('/product'));
    await site.waitForEvents(1);

    // Queued, then the page is left: the page's clock stands still, so only leaving can send it, never the 1 s batch timer.
    // (Paused ahead of now by a margin: on a loaded machine the call reaches the page a while after it is made.)
    await page.clock.pauseAt(Date.now() + 10_000);
    await page.evaluate(`baton.checkout('2002')`);
    await page.goto('about:blank');
    const [, checkout] = await site.waitForEvents(2);
    expect(checkout).toMatchObject({ type: 'checkout', orderId: '2002' });
    const beacon = site.requests().find((request) => request.events.some((event) => event.type === 'checkout'));
    expect(beacon?.fetchMode).toBe('no-cors'); // a beacon, not fetch (which is "cors")
    expect(beacon?.contentType.toLowerCase()).toBe('text/plain;charset=utf-8');

    const second = await harness.browser.newContext().then((context) => {
      onTestFinished(() => context.close());
      return context.newPage();
    });
    await second.goto(site.url('/other'));
    await site.waitForEvents(3);
    await second.evaluate(`baton.identify({ customerId: 'c-closed' })`);
    // As a visitor closes a tab: its beforeunload and unload handlers run (Playwright's default close skips the first).
    await Promise.all([second.waitForEvent('close'), second.close({ runBeforeUnload: true })]);
    const events = await site.waitForEvents(4);
    expect(events[3]).toMatchObject({ type: 'identify', customerId: 'c-closed' });
  });

  it('with consent required, sends and stores nothing until consent; then the landing goes out with its own URL, referrer and time', async ({ onTestFinished }) => {
    const site = harness.site({ consentRequired: true });
    const { context, page } = await visitor(onTestFinished);
    const landing = site.url('/landing?utm_source=newsletter&utm_medium=email&utm_campaign=nov&fbclid=IwAR0');
    const before = Date.now();

    await page.goto(landing, { referer: 'https://mail.example/' });
    const held = JSON.parse(String(await page.evaluate('sessionStorage.getItem("baton_pending")'))) as Array<Record<string, unknown>>;
    expect(held).toEqual([expect.objectContaining({ type: 'page', url: landing, referrer: 'https://mail.example/' })]);
    expect(held[0]).not.toHaveProperty('anonymousId');

    const leftLanding = Date.now();
    await page.click('#next');
    await page.waitForURL(site.url('/next'));
    await page.evaluate(`baton.identify({ email: 'jane@example.com' })`);
    await sleep(1500);
    expect(site.requests()).toEqual([]);
    expect(await storedCookie(context)).toBeUndefined();
    expect(await storedLocal(page)).toBeNull();
    expect(await page.evaluate('baton.anonymousId()')).toBeNull();

    await page.evaluate('baton.consent(true)');

    const events = await site.waitForEvents(3);
    const landed = events.find((event) => event.url === landing);
    expect(landed).toMatchObject({ type: 'page', referrer: 'https://mail.example/', consent: true, eventId: held[0]?.eventId });
    expect(landed?.occurredAt).toBe(held[0]?.occurredAt);
    expect(Date.parse(landed?.occurredAt ?? '')).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(landed?.occurredAt ?? '')).toBeLessThanOrEqual(leftLanding);
    expect(events.map((event) => [event.type, event.url, event.consent])).toEqual(
      expect.arrayContaining([
        ['page', site.url('/next'), true],
        ['identify', site.url('/next'), true],
      ]),
    );
    const id = (await storedCookie(context))?.value;
    expect(id).toMatch(UUID);
    expect(new Set(events.map((event) => event.anonymousId))).toEqual(new Set([id]));
    expect(await storedLocal(page)).toBe(id);
    expect(await page.evaluate('sessionStorage.getItem("baton_pending")')).toBeNull();
  });

  it('consent(false) sends nothing, keeps no id and discards the held landing (data-* attributes, no settings line)', async ({ onTestFinished }) => {
    const site = harness.site({ consentRequired: true, via: 'attributes' });
    const { context, page } = await visitor(onTestFinished);

    await page.goto(site.url('/landing?utm_source=google&gclid=abc'), { referer: 'https://www.google.com/' });
    await page.evaluate(`baton.identify({ customerId: 'c-1' }); baton.consent(false); baton.checkout('3003');`);
    await sleep(1500);
    expect(site.requests()).toEqual([]);
    expect(await storedCookie(context)).toBeUndefined();
    expect(await storedLocal(page)).toBeNull();
    expect(await page.evaluate('sessionStorage.getItem("baton_pending")')).toBeNull();

    // Leaving the page sends nothing either.
    await page.click('#next');
    await page.waitForURL(site.url('/next'));
    await sleep(300);
    expect(site.requests()).toEqual([]);

    // Granted later on: only what happens from then on, never the refused landing.
    await page.evaluate('baton.consent(true)');
    const [only] = await site.waitForEvents(1);
    await sleep(300);
    expect(site.events()).toHaveLength(1);
    expect(only).toMatchObject({ type: 'page', url: site.url('/next'), consent: true });
  });

  it('honours calls made through the stub before the script loaded', async ({ onTestFinished }) => {
    const calls = `<script>baton.consent(true); baton.identify({ customerId: 'c-7' }); baton.ready(function () { document.title = 'ready ' + baton.anonymousId(); });</script>`;
    const site = harness.site({ consentRequired: true, before: STUB + calls });
    const { page } = await visitor(onTestFinished);
    expect(STUB).toContain('window.baton = window.baton || { q: [] };');

    await page.goto(site.url('/stubbed?utm_source=x'));

    const events = await site.waitForEvents(2);
    expect(events.map((event) => [event.type, event.consent])).toEqual([
      ['page', true],
      ['identify', true],
    ]);
    expect(events[1]?.customerId).toBe('c-7');
    expect(await page.title()).toBe(`ready ${events[0]?.anonymousId}`);
  });

  it('without consent required, passes consent along and forgets the id when the visitor refuses', async ({ onTestFinished }) => {
    const site = harness.site();
    const { context, page } = await visitor(onTestFinished);
    await page.goto(site.url('/a'));
    const [first] = await site.waitForEvents(1);
    expect(first).not.toHaveProperty('consent');
    expect((await storedCookie(context))?.value).toBe(first?.anonymousId);

    await page.evaluate(`baton.consent(false); baton.identify({ email: 'jane@example.com' }); baton.checkout('4004');`);

    const [, checkout] = await site.waitForEvents(2);
    expect(checkout).toMatchObject({ type: 'checkout', orderId: '4004', consent: false });
    expect(checkout?.anonymousId).not.toBe(first?.anonymousId);
    await sleep(300);
    expect(site.events().some((event) => event.type === 'identify')).toBe(false);
    expect(await storedCookie(context)).toBeUndefined();
    expect(await storedLocal(page)).toBeNull();
    expect(await page.evaluate('baton.anonymousId()')).toBeNull();
  });

  it('on a Shopify storefront, writes the id (and when the session landed from a campaign) to the cart attributes once per session', async ({ onTestFinished }) => {
    const site = harness.site({ shopify: true });
    const { page } = await visitor(onTestFinished);

    await page.goto(site.url('/products/shoe?utm_source=google&utm_medium=cpc'));
    const [first] = await site.waitForEvents(1);
    expect(site.cartUpdates()).toEqual([{ contentType: 'application/json', body: { attributes: { _baton_aid: first?.anonymousId, _baton_landed_at: first?.occurredAt } } }]);

    await page.goto(site.url('/collections/all'));
    await site.waitForEvents(2);
    expect(site.cartUpdates()).toHaveLength(1);
  });
});
