import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendDemoStore } from '../../scripts/demo/send.ts';
import { type DemoStore, demoStore } from '../../scripts/demo/store.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityProblems, type InPage, openTab, screenshot, settled, show, signIn, type Tab } from '../support/dashboard.ts';

const open = (options: { width?: number; height?: number } = {}) => openTab(browser, `${api.runtime.url}/`, { ...options, requested });

// The dashboard in Debian's Chromium against the local runtime, after a small
// demo store went through the real API and signed webhooks. Figures are read
// from the page's text and compared with the API's own answers.

const TIMEZONE = 'America/New_York';
const MARKETING_VIEWS = ['overview', 'channels', 'models', 'funnel', 'handoff', 'paths', 'cohorts', 'journey', 'spend'];

let api: TestApi;
let browser: Browser;
let store: DemoStore;
let shop: CreatedTenant;
let empty: CreatedTenant;
/** Every URL the browser asked for, across all tests: none may carry a key. */
const requested: string[] = [];

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  empty = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  store = demoStore({ days: 21, visitorsPerDay: 12, until: new Date(), timezone: TIMEZONE });
  await sendDemoStore({ url: api.runtime.url, tenant: shop }, store);
  await api.settle();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

interface Tagged {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  querySelectorAll(selector: string): ArrayLike<Tagged>;
}

/** The rows of a `data-table`, each as its `data-key` and the text of every `data-col` cell. */
function table(page: Page, name: string, part: 'tbody' | 'tfoot' = 'tbody'): Promise<Array<{ key: string; cells: Record<string, string> }>> {
  return page.$$eval(`table[data-table="${name}"] ${part} tr`, (rows) =>
    rows.map((element) => {
      const row = element as unknown as Tagged;
      return { key: row.dataset.key ?? '', cells: Object.fromEntries(Array.from(row.querySelectorAll('[data-col]')).map((cell) => [cell.dataset.col, (cell.textContent ?? '').trim()])) };
    }),
  );
}

/** The `data-view` of each link of the views' navigation. */
const navigation = (page: Page) => page.$$eval('nav.views a', (links) => links.map((link) => (link as unknown as Tagged).dataset.view));

async function figure(page: Page, name: string): Promise<string> {
  return ((await page.textContent(`[data-figure="${name}"] .kpi-value`)) ?? '').trim();
}

/** "$1,142.99" → 114299, "-$18.45" → -1845 (the tenant's currency is USD). */
function cents(text: string): number {
  const match = /^(-)?\$([\d,]+)\.(\d\d)$/.exec(text.replace(/\s.*$/, ''));
  if (!match) throw new Error(`not a dollar amount: "${text}"`);
  return (match[1] ? -1 : 1) * Number(`${match[2]!.replace(/,/g, '')}${match[3]}`);
}

/** A ratio as shown ("4.11×", "—" for none) against the API's (four decimals, or null). */
function expectRatio(text: string, value: number | null | undefined): void {
  if (value === null || value === undefined) expect(text).toBe('—');
  else expect(Number(text.replace('×', ''))).toBeCloseTo(value, 2);
}

const number = (text: string) => Number(text.replace(/,/g, '').replace(/\s.*$/, ''));
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

async function period(page: Page): Promise<string> {
  const from = await page.inputValue('input[name=from]');
  const to = await page.inputValue('input[name=to]');
  return `from=${from}&to=${to}`;
}

describe('the dashboard with a marketing key', () => {
  /** One signed-in tab for these tests, as a marketer would use it: view after view. */
  let tab: Tab;
  let page: Page;
  beforeAll(async () => {
    tab = await open();
    page = tab.page;
    await signIn(page, shop.keys.marketing);
    await settled(page, 'overview');
  });
  afterAll(async () => {
    await tab?.context.close();
  });

  it('serves the page at / and its assets, with a content security policy that allows only its own origin', async () => {
    const page = await fetch(`${api.runtime.url}/`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets).toHaveLength(2);
    for (const asset of assets) {
      const answer = await fetch(`${api.runtime.url}${asset}`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('cache-control')).toContain('immutable');
      expect(await answer.text()).not.toMatch(/https?:\/\/(?!www\.w3\.org)[a-z0-9.-]+\//i); // no CDN: everything is bundled
    }
    expect((await fetch(`${api.runtime.url}/assets/missing.js`)).status).toBe(404);
  });

  it('renders every marketing view with no console error and no serious accessibility problem, hides the finance view (and for `npm run screenshots` saves a picture of each)', async () => {
    expect(await navigation(page)).toEqual(MARKETING_VIEWS);
    const problems: Record<string, string[]> = {};
    for (const view of MARKETING_VIEWS) {
      await show(page, view);
      if (view === 'journey') {
        await page.fill('input[name=lookup]', draftOrder());
        await page.click('form[aria-label="Find an order"] button[type=submit]');
        await settled(page, view);
        await page.waitForSelector('[data-timeline]');
      }
      expect(await page.$('[data-state=error]'), view).toBeNull();
      problems[view] = await accessibilityProblems(page);
      await screenshot(page, `${view}`);
    }
    expect(problems).toEqual(Object.fromEntries(MARKETING_VIEWS.map((view) => [view, []])));
    expect(tab.errors).toEqual([]);
  });

  it('shows the overview’s figures exactly as the API answers them for the same period', async () => {
    await show(page, 'overview');
    const range = await period(page);
    const whole = (await api.request('GET', `/v1/attribution/report?${range}`, { key: shop.keys.marketing })).body;
    const byDay = (await api.request('GET', `/v1/attribution/report?${range}&interval=day`, { key: shop.keys.marketing })).body;
    const total = whole.totals.find((line: { currency: string }) => line.currency === 'USD');
    expect(total.transactions).toBeGreaterThan(0);

    expect(cents(await figure(page, 'revenue'))).toBe(total.revenue);
    expect(cents(await figure(page, 'attributed'))).toBe(total.attributed);
    expect(cents(await figure(page, 'unattributed'))).toBe(total.unattributed);
    expect(cents(await figure(page, 'spend'))).toBe(total.cost);
    expectRatio(await figure(page, 'roas'), total.roas);

    const days = await table(page, 'overview-days');
    expect(days.map((row) => row.key)).toEqual(byDay.totals.map((line: { day: string }) => line.day));
    for (const [index, line] of byDay.totals.entries()) {
      const cells = days[index]!.cells;
      expect({
        day: line.day,
        revenue: cents(cells.revenue!),
        attributed: cents(cells.attributed!),
        unattributed: cents(cells.unattributed!),
        spend: cents(cells.spend!),
        transactions: number(cells.transactions!),
      }).toEqual({
        day: line.day,
        revenue: line.revenue,
        attributed: line.attributed,
        unattributed: line.unattributed,
        spend: line.cost ?? 0,
        transactions: line.transactions,
      });
      expectRatio(cells.roas!, line.roas);
    }
    expect(tab.errors).toEqual([]);
  });

  it('shows campaigns under the chosen model with cost, ROAS and CPA as the report answers them', async () => {
    await show(page, 'channels');
    await page.selectOption('select[name=model]', 'linear');
    await page.selectOption('select[name=groupBy]', 'campaign');
    await page.waitForFunction(() => /model=linear/.test((globalThis as unknown as InPage).location.hash) && /groupBy=campaign/.test((globalThis as unknown as InPage).location.hash));
    await settled(page, 'channels');
    const report = (await api.request('GET', `/v1/attribution/report?${await period(page)}&groupBy=campaign&model=linear`, { key: shop.keys.marketing })).body;
    const rows = await table(page, 'report');
    expect(rows.map((row) => row.key)).toEqual(report.rows.map((row: { key: string }) => row.key));
    for (const [index, row] of report.rows.entries()) {
      const cells = rows[index]!.cells;
      expect(cents(cells.revenue!)).toBe(row.revenue);
      expect(Number(cells.conversions)).toBeCloseTo(row.conversions, 2);
      expect(cents(cells.cost!)).toBe(row.cost);
      if (row.cpa === null) expect(cells.cpa).toBe('—');
      else expect(cents(cells.cpa!)).toBe(row.cpa);
      expectRatio(cells.roas!, row.roas);
    }
    expect(tab.errors).toEqual([]);
  });

  it('shows every model side by side as compare answers', async () => {
    await show(page, 'models');
    const compare = (await api.request('GET', `/v1/attribution/compare?${await period(page)}&groupBy=channel`, { key: shop.keys.marketing })).body;
    const rows = await table(page, 'compare');
    expect(Object.keys(compare.models)).toEqual(expect.arrayContaining(['first_touch', 'linear', 'markov', 'shapley']));
    for (const [model, answer] of Object.entries(compare.models as Record<string, Array<{ key: string; revenue: number }>>)) {
      for (const row of answer) expect(cents(rows.find((candidate) => candidate.key === row.key)!.cells[model]!), `${model} ${row.key}`).toBe(row.revenue);
    }
    // A row opens the same row of Channels & campaigns, where its orders are.
    const [view, search] = (await page.getAttribute(`table[data-table=compare] tbody tr[data-key=${JSON.stringify(rows[0]!.key)}] a[data-drill]`, 'href'))!.split('?');
    const opens = new URLSearchParams(search);
    expect([view, opens.get('groupBy'), opens.get('key')]).toEqual(['#/channels', 'channel', rows[0]!.key]);
    expect(tab.errors).toEqual([]);
  });

  it('shows the funnel with each campaign’s disqualification reasons, and the handoff, as the API answers them', async () => {
    await show(page, 'funnel');
    const range = await period(page);
    const funnel = (await api.request('GET', `/v1/funnel?${range}&groupBy=campaign`, { key: shop.keys.marketing })).body;
    const rows = await table(page, 'funnel');
    expect(rows.map((row) => row.key)).toEqual(funnel.rows.map((row: { key: string }) => row.key));
    for (const [index, row] of funnel.rows.entries()) {
      const cells = rows[index]!.cells;
      expect([cells.peopleReached, cells.acquired, cells.leads, cells.qualified, cells.customers, cells.orders].map((text) => number(text!))).toEqual([
        row.peopleReached,
        row.acquired,
        row.leads,
        row.qualified,
        row.customers,
        row.orders,
      ]);
    }
    const reasons = await table(page, 'disqualified');
    const disqualifiedRows = funnel.rows.filter((row: { disqualified: Record<string, number> }) => Object.values(row.disqualified).some((count) => count > 0));
    expect(disqualifiedRows.length).toBeGreaterThan(0);
    for (const row of disqualifiedRows) {
      const cells = reasons.find((candidate) => candidate.key === row.key)!.cells;
      expect(Object.fromEntries(Object.keys(row.disqualified).map((reason) => [reason, number(cells[reason]!)]))).toEqual(row.disqualified);
    }

    await show(page, 'handoff');
    const handoffs = (await api.request('GET', `/v1/handoffs?${range}`, { key: shop.keys.marketing })).body;
    expect(handoffs.qualified).toBeGreaterThan(0);
    expect([await figure(page, 'qualified'), await figure(page, 'contacted'), await figure(page, 'withinSla')].map(number)).toEqual([handoffs.qualified, handoffs.contacted, handoffs.withinSla]);
    expect(await figure(page, 'medianHours')).toBe(handoffs.medianHours === null ? '—' : `${Number(handoffs.medianHours.toFixed(2))} h`);
    expect((await table(page, 'dropped')).length).toBe(handoffs.dropped.length);
    const sales = (await api.request('GET', `/v1/sales/report?${range}&groupBy=rep`, { key: shop.keys.marketing })).body;
    const reps = await table(page, 'sales');
    for (const row of sales.rows) expect(cents(reps.find((candidate) => candidate.key === row.key)!.cells.revenue!), row.key).toBe(row.revenue);
    expect(tab.errors).toEqual([]);
  });

  it('shows paths, path length and time lag as the API answers them', async () => {
    await show(page, 'paths');
    const paths = (await api.request('GET', `/v1/attribution/paths?${await period(page)}&limit=20`, { key: shop.keys.marketing })).body;
    expect((await table(page, 'path-lengths')).map((row) => [row.key, number(row.cells.orders!)])).toEqual(
      paths.pathLengths.map((bucket: { touches: string; orders: number }) => [bucket.touches, bucket.orders]),
    );
    expect((await table(page, 'time-lags')).map((row) => [row.key, number(row.cells.orders!)])).toEqual(paths.timeLags.map((bucket: { days: string; orders: number }) => [bucket.days, bucket.orders]));
    const rows = await table(page, 'paths');
    expect(rows.map((row) => number(row.cells.orders!))).toEqual(paths.paths.map((path: { orders: number }) => path.orders));
    // The empty path (orders with no marketing touch) is named for what it is.
    const empty = paths.paths.findIndex((path: { path: string[] }) => path.path.filter(Boolean).length === 0);
    if (empty >= 0) expect(rows[empty]!.cells.path).toBe('(no marketing touch)');
    expect(tab.errors).toEqual([]);
  });

  it('draws one order’s journey as a line: marketing touches before H, sales touches after it, the order at the end', async () => {
    const order = draftOrder();
    await page.goto(`${api.runtime.url}/#/journey?order=${order}`);
    await settled(page, 'journey');
    await page.waitForSelector('[data-timeline]');
    const attribution = (await api.request('GET', `/v1/transactions/${order}/attribution`, { key: shop.keys.marketing })).body;
    expect(attribution.boundary.reason).not.toBe('transaction');
    expect(await page.$$eval('[data-mark=marketing]', (marks) => marks.length)).toBe(attribution.marketing.touches.length);
    expect(await page.$$eval('[data-mark=sales]', (marks) => marks.length)).toBe(attribution.sales.touches.length);
    expect(await page.$$eval('[data-mark=after]', (marks) => marks.length)).toBe(attribution.afterBoundary.length);
    // Marketing marks lie left of H, sales marks right of it, the order last.
    const geometry = (await page.evaluate(`(() => {
      const x = (element) => element.getBoundingClientRect().left + element.getBoundingClientRect().width / 2;
      return {
        boundary: x(document.querySelector('[data-boundary]')),
        marketing: [...document.querySelectorAll('[data-mark=marketing]')].map(x),
        sales: [...document.querySelectorAll('[data-mark=sales]')].map(x),
        order: x(document.querySelector('[data-mark=order]')),
      };
    })()`)) as { boundary: number; marketing: number[]; sales: number[]; order: number };
    for (const at of geometry.marketing) expect(at).toBeLessThanOrEqual(geometry.boundary + 0.5);
    for (const at of geometry.sales) expect(at).toBeGreaterThanOrEqual(geometry.boundary - 0.5);
    expect(geometry.order).toBeGreaterThanOrEqual(Math.max(geometry.boundary, ...geometry.sales));
    expect(cents(await figure(page, 'revenue'))).toBe(attribution.revenue);
    // Marketing and sales credit in their own columns, each adding up to its own share of the order (never the two summed into one column).
    const credits = await table(page, 'journey');
    for (const credit of attribution.marketing.credits.last_non_direct) expect(cents(credits.find((row) => row.key === credit.touchId)!.cells.marketingCredit!)).toBe(credit.amount);
    for (const credit of attribution.sales.credits.filter((credit: { touchId: string | null }) => credit.touchId !== null)) {
      expect(cents(credits.find((row) => row.key === credit.touchId)!.cells.salesCredit!)).toBe(credit.amount);
      expect(credits.find((row) => row.key === credit.touchId)!.cells.marketingCredit).toBe('—');
    }
    const [sums] = await table(page, 'journey', 'tfoot');
    expect(cents(sums!.cells.marketingCredit!)).toBe(sum(attribution.marketing.credits.last_non_direct.map((credit: { amount: number }) => credit.amount)));
    expect(cents(sums!.cells.salesCredit!)).toBe(
      sum(attribution.sales.credits.filter((credit: { touchId: string | null }) => credit.touchId !== null).map((credit: { amount: number }) => credit.amount)),
    );

    // An order that does not exist is an error state with Baton's message and a way to retry, not a blank page.
    await page.goto(`${api.runtime.url}/#/journey?order=no-such-order`);
    await page.waitForSelector('[data-state=error]');
    expect(await page.textContent('[data-state=error]')).toContain('No transaction no-such-order');
    expect(await page.$('[data-state=error] button')).not.toBeNull();
    // Chromium logs the API's 404 for the unknown order; nothing else may have gone wrong.
    expect(tab.errors).toEqual([expect.stringContaining('status of 404')]);
    tab.errors.length = 0;
  });

  it('is usable on a laptop and on a tablet: every view in the navigation, nothing wider than the screen but the tables, which say they scroll and keep their first column', async () => {
    const problems: Record<string, string[]> = {};
    for (const size of [
      { width: 1280, height: 720 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      // Every view's link is on screen, none hidden off the edge.
      const links = (await page.$$eval('nav.views a', (links) =>
        links.map((link) => {
          const box = (link as unknown as { getBoundingClientRect(): { left: number; right: number; width: number } }).getBoundingClientRect();
          return { left: box.left, right: box.right, width: box.width };
        }),
      )) as Array<{ left: number; right: number; width: number }>;
      expect(links).toHaveLength(MARKETING_VIEWS.length);
      for (const link of links) expect(link.left >= 0 && link.right <= size.width && link.width > 0, `a view's link at ${size.width}px`).toBe(true);
      for (const view of size.width === 768 ? MARKETING_VIEWS.filter((name) => name !== 'journey') : ['overview', 'funnel']) {
        await show(page, view);
        expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'), `${view} at ${size.width}px`).toBeLessThanOrEqual(0);
        if (size.width === 768) problems[view] = await accessibilityProblems(page);
      }
      if (size.width === 768) await screenshot(page, 'funnel-tablet');
    }
    expect(problems).toEqual(Object.fromEntries(MARKETING_VIEWS.filter((name) => name !== 'journey').map((view) => [view, []])));

    // At 1366 px, every model side by side is wider than the screen: the table says it scrolls, and its first column stays while the rest scroll.
    await page.setViewportSize({ width: 1366, height: 900 });
    await show(page, 'models');
    expect(await page.textContent('[data-scroll-hint]')).toContain('scroll sideways');
    const before = await page.$eval('table[data-table=compare] tbody th', (cell) => (cell as unknown as { getBoundingClientRect(): { left: number } }).getBoundingClientRect().left);
    await page.$eval('table[data-table=compare]', (table) => {
      const region = (table as unknown as { parentElement: { scrollLeft: number; scrollWidth: number } }).parentElement;
      region.scrollLeft = region.scrollWidth;
    });
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('[data-scroll-hint]')?.textContent?.includes('first columns'));
    const after = await page.$eval('table[data-table=compare] tbody th', (cell) => (cell as unknown as { getBoundingClientRect(): { left: number } }).getBoundingClientRect().left);
    expect(after).toBeCloseTo(before, 0);
    await screenshot(page, 'models-scrolled', { fullPage: false });
    expect(tab.errors).toEqual([]);
  });

  it('says on the page what each figure counts: order date against acquisition date, H, (none) and the 90th percentile', async () => {
    await show(page, 'overview');
    expect(await page.textContent('[data-note=period]')).toMatch(/order date.*Funnel.*acquisition date/s);
    await show(page, 'funnel');
    expect(await page.textContent('[data-note=period]')).toMatch(/acquired.*Overview.*Handoff.*qualifications dated in the period/s);
    await show(page, 'handoff');
    expect(await page.textContent('[data-note=boundary]')).toContain('H is the moment marketing hands a person over to sales');
    expect(await page.textContent('[data-figure=p90Hours] .kpi-label')).toBe('90th percentile time to first contact');
    expect(await page.textContent('[data-figure=p90Hours] .kpi-note')).toContain('within it');
    const text = (await page.textContent('main')) ?? '';
    expect(text).not.toContain('((none)');
    for (const row of await table(page, 'sales')) if (row.key === '(none)') expect(row.cells.key).toBe('(none) no rep');
    expect(tab.errors).toEqual([]);
  });

  it('can be used from the keyboard alone: tab to a view’s link, Enter opens it and puts the focus on its heading', async () => {
    await show(page, 'overview');
    await page.reload(); // the focus starts at the top of the page; the session survives a reload
    await settled(page, 'overview');
    let focused = '';
    for (let presses = 0; presses < 20 && focused !== 'paths'; presses += 1) {
      await page.keyboard.press('Tab');
      focused = (await page.evaluate('document.activeElement?.dataset.view ?? ""')) as string;
    }
    expect(focused).toBe('paths');
    await page.keyboard.press('Enter');
    await settled(page, 'paths');
    expect(await page.evaluate('document.activeElement?.tagName')).toBe('H2');
    expect(tab.errors).toEqual([]);
  });
});

/** Every line of a listing (`GET /v1/attribution/orders`, `GET /v1/funnel/people`), page after page. */
async function listing<T>(path: string, field: 'orders' | 'people'): Promise<T[]> {
  const lines: T[] = [];
  let cursor: string | undefined;
  do {
    const answer = (await api.request('GET', `${path}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { key: shop.keys.marketing })).body;
    lines.push(...answer[field]);
    cursor = answer.nextCursor;
  } while (cursor);
  return lines;
}

interface OrderLine {
  transactionId: string;
  credit: number;
  revenue: number;
  currency: string;
}

describe('drilling from a figure to what it is made of', () => {
  let tab: Tab;
  let page: Page;
  let range: string;
  beforeAll(async () => {
    tab = await open();
    page = tab.page;
    await signIn(page, shop.keys.marketing);
    await settled(page, 'overview');
    range = await period(page);
  });
  afterAll(async () => {
    await tab?.context.close();
  });

  /** The drilled level's heading, once its figures are in. */
  async function level(view: string): Promise<string> {
    await settled(page, view);
    return ((await page.textContent('[data-drill-heading]')) ?? '').trim();
  }

  const crumbs = (page: Page) => page.$$eval('nav.breadcrumb li', (items) => items.map((item) => ((item as unknown as Tagged).textContent ?? '').trim()));

  /**
   * Opens a row of a table: by mouse, a click on the row away from its link; by keyboard, Enter on the
   * row's link (a link: Tab reaches it, as the overview test walks it).
   */
  async function openRow(view: string, name: string, key: string, how: 'mouse' | 'keyboard'): Promise<void> {
    const row = `table[data-table="${name}"] tbody tr[data-key=${JSON.stringify(key)}]`;
    const from = page.url();
    if (how === 'mouse') {
      await page.click(`${row} > :last-child`);
    } else {
      await page.focus(`${row} a[data-drill]`);
      await page.keyboard.press('Enter');
    }
    // The view it leaves is settled already: wait for the drill's own address first, then for its figures.
    await page.waitForFunction((left) => (globalThis as unknown as { location: { href: string } }).location.href !== left, from);
    await settled(page, view);
  }

  /** Presses Tab until the focus is on `selector`, as someone without a mouse would. */
  async function tabTo(selector: string): Promise<void> {
    for (let presses = 0; presses < 60; presses += 1) {
      if (await page.$eval(selector, (element) => element === (element as unknown as { ownerDocument: { activeElement: unknown } }).ownerDocument.activeElement)) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`Tab never reached ${selector}`);
  }

  /** Loads every page of the orders shown, then reads them and their footer. */
  async function shownOrders(): Promise<{ rows: Array<{ key: string; cells: Record<string, string> }>; footer: Array<{ key: string; cells: Record<string, string> }> }> {
    // The level's figures can be drawn before its orders' first page: every drill here lists some.
    await page.waitForSelector('table[data-table=orders] tbody tr', { timeout: 20_000 });
    while (await page.$('[data-action=more-orders]')) {
      await page.click('[data-action=more-orders]');
      await page.waitForFunction(() => !(globalThis as unknown as InPage).document.querySelector('[data-action=more-orders]')?.textContent?.includes('Loading'));
    }
    return { rows: await table(page, 'orders'), footer: await table(page, 'orders', 'tfoot') };
  }

  /**
   * The orders shown are the API's, credit by credit, and add up to the row's figure (a day's orders,
   * listed by sales channel, show their revenue only: the sales channel's credit is all of it).
   */
  function expectOrders(shown: Awaited<ReturnType<typeof shownOrders>>, lines: OrderLine[], figure: number, column: 'credit' | 'revenue' = 'credit'): void {
    const usd = lines.filter((line) => line.currency === 'USD');
    expect(shown.rows.map((row) => row.key.split('|').pop()).sort()).toEqual(lines.map((line) => line.transactionId).sort());
    for (const line of usd) {
      const row = shown.rows.find((candidate) => candidate.key.endsWith(`|${line.transactionId}`))!;
      expect(cents(row.cells.revenue!), line.transactionId).toBe(line.revenue);
      if (column === 'credit') expect(cents(row.cells.credit!), line.transactionId).toBe(line.credit);
      else expect(line.credit, line.transactionId).toBe(line.revenue);
    }
    expect(sum(usd.map((line) => line.credit))).toBe(figure);
    expect(cents(shown.footer.find((row) => row.cells.order?.startsWith('All'))!.cells[column]!)).toBe(figure);
  }

  /** An order's journey as drawn at the end of a drill: its revenue and its marks are the API's. */
  async function expectJourney(transactionId: string): Promise<void> {
    await page.waitForSelector('[data-timeline]');
    const attribution = (await api.request('GET', `/v1/transactions/${encodeURIComponent(transactionId)}/attribution`, { key: shop.keys.marketing })).body;
    expect(await level(await page.$eval('main', (main) => (main as unknown as Tagged).dataset.view!))).toBe(`Journey of order ${transactionId}`);
    expect(cents(await figure(page, 'revenue'))).toBe(attribution.revenue);
    expect(await page.$$eval('[data-mark=marketing]', (marks) => marks.length)).toBe(attribution.marketing.touches.length);
  }

  const snap = (name: string) => screenshot(page, `drill-${name}`);

  it('overview day → its orders → an order’s journey, by mouse and by keyboard, each step the API’s figures; the breadcrumb leads back', async () => {
    const byDay = (await api.request('GET', `/v1/attribution/report?${range}&interval=day`, { key: shop.keys.marketing })).body;
    const busiest = [...byDay.totals].sort((a: { transactions: number }, b: { transactions: number }) => b.transactions - a.transactions)[0];
    const sales = (await api.request('GET', `/v1/sales/report?from=${busiest.day}&to=${busiest.day}&groupBy=sales_channel`, { key: shop.keys.marketing })).body;
    const lines = (
      await Promise.all(
        [...new Set(sales.rows.map((row: { key: string }) => row.key))].map((key) =>
          listing<OrderLine>(`/v1/attribution/orders?from=${busiest.day}&to=${busiest.day}&groupBy=sales_channel&key=${encodeURIComponent(String(key))}`, 'orders'),
        ),
      )
    ).flat();
    for (const how of ['mouse', 'keyboard'] as const) {
      await show(page, 'overview');
      await openRow('overview', 'overview-days', busiest.day, how);
      expect(await level('overview')).toBe(`Orders of ${busiest.day}`);
      expect(cents(await figure(page, 'dayRevenue'))).toBe(busiest.revenue);
      const shown = await shownOrders();
      expectOrders(shown, lines, busiest.revenue, 'revenue');
      if (how === 'mouse') await snap('overview-1-day');
      const newest = shown.rows.find((row) => row.cells.kind === 'Order')!;
      const order = newest.key.split('|').pop()!;
      if (how === 'mouse') await openRow('overview', 'orders', newest.key, how);
      else {
        // Opening a level puts the focus on its heading; from there Tab reaches the newest order, and Enter opens it.
        expect(await page.evaluate('document.activeElement?.hasAttribute("data-drill-heading")')).toBe(true);
        await tabTo(`table[data-table=orders] tbody tr[data-key=${JSON.stringify(newest.key)}] a[data-drill]`);
        await page.keyboard.press('Enter');
        await settled(page, 'overview');
      }
      await expectJourney(order);
      expect(await crumbs(page)).toEqual(['Overview', busiest.day, `Order ${order}`]);
      if (how === 'mouse') await snap('overview-2-journey');
      // The breadcrumb leads back up, one level at a time.
      await page.click('nav.breadcrumb a[data-crumb="1"]');
      expect(await level('overview')).toBe(`Orders of ${busiest.day}`);
      await page.click('nav.breadcrumb a[data-crumb="0"]');
      await settled(page, 'overview');
      expect(await page.$('[data-drill-heading]')).toBeNull();
    }
    expect(tab.errors).toEqual([]);
  });

  it('channel → its orders → a journey, and a campaign under another model → its orders, each the report row’s figure; unattributed → the orders no touch earned', async () => {
    for (const [how, model, groupBy] of [
      ['mouse', 'last_non_direct', 'channel'],
      ['keyboard', 'linear', 'campaign'],
    ] as const) {
      await page.goto(`${api.runtime.url}/#/channels?${range}&model=${model}&groupBy=${groupBy}`);
      await settled(page, 'channels');
      const report = (await api.request('GET', `/v1/attribution/report?${range}&groupBy=${groupBy}&model=${model}`, { key: shop.keys.marketing })).body;
      const row = report.rows.find((candidate: { key: string }) => candidate.key !== '(none)');
      await openRow('channels', 'report', row.key, how);
      expect(await level('channels')).toContain(row.key);
      expect(cents(await figure(page, 'rowRevenue'))).toBe(row.revenue);
      const lines = await listing<OrderLine>(`/v1/attribution/orders?${range}&model=${model}&groupBy=${groupBy}&key=${encodeURIComponent(row.key)}`, 'orders');
      const shown = await shownOrders();
      expectOrders(shown, lines, row.revenue);
      if (how === 'mouse') await snap(`channels-1-${groupBy}`);
      const order = lines.find((line) => line.credit > 0)!.transactionId;
      await openRow('channels', 'orders', `${row.key}|${order}`, how);
      await expectJourney(order);
      if (how === 'mouse') await snap('channels-2-journey');
      expect(await crumbs(page)).toEqual([`Channels & campaigns · by ${groupBy}`, row.key, `Order ${order}`]);
    }
    // Unattributed: the orders no marketing touch earned, adding up to the report's unattributed revenue.
    await page.goto(`${api.runtime.url}/#/overview?${range}`);
    await settled(page, 'overview');
    await page.click('[data-figure=unattributed] a');
    expect(await level('channels')).toContain('(none)');
    const total = (await api.request('GET', `/v1/attribution/report?${range}`, { key: shop.keys.marketing })).body.totals.find((line: { currency: string }) => line.currency === 'USD');
    expect(cents(await figure(page, 'rowRevenue'))).toBe(total.unattributed);
    expectOrders(await shownOrders(), await listing<OrderLine>(`/v1/attribution/orders?${range}&model=last_non_direct&groupBy=channel&key=(none)`, 'orders'), total.unattributed);
    expect(tab.errors).toEqual([]);
  });

  it('channel → its campaigns → a campaign’s orders → a journey; the campaigns add up to the channel', async () => {
    const model = 'linear';
    await page.goto(`${api.runtime.url}/#/channels?${range}&model=${model}&groupBy=channel`);
    await settled(page, 'channels');
    const channels = (await api.request('GET', `/v1/attribution/report?${range}&groupBy=channel&model=${model}`, { key: shop.keys.marketing })).body;
    const channel = channels.rows.find((row: { key: string; currency: string }) => row.key !== '(none)' && row.currency === 'USD');
    await openRow('channels', 'report', channel.key, 'mouse');
    await page.waitForSelector('table[data-table=campaigns]');
    const campaigns = (await api.request('GET', `/v1/attribution/report?${range}&groupBy=campaign&channel=${encodeURIComponent(channel.key)}&model=${model}`, { key: shop.keys.marketing })).body;
    const usd = campaigns.rows.filter((row: { currency: string }) => row.currency === 'USD');
    expect(sum(usd.map((row: { revenue: number }) => row.revenue))).toBe(channel.revenue);
    // Spend names campaigns, not channels: a campaign of another channel's spend is not listed as this one's.
    for (const row of usd) expect(row.touches, row.key).toBeGreaterThan(0);
    const shownCampaigns = await table(page, 'campaigns');
    expect(shownCampaigns.map((row) => row.key).sort()).toEqual(usd.map((row: { key: string }) => row.key).sort());
    for (const row of usd) expect(cents(shownCampaigns.find((shown) => shown.key === row.key)!.cells.revenue!)).toBe(row.revenue);
    await snap('channels-3-campaigns');

    const campaign = usd[0];
    await openRow('channels', 'campaigns', campaign.key, 'keyboard');
    expect(await crumbs(page)).toEqual(['Channels & campaigns · by channel', channel.key, campaign.key]);
    expect(cents(await figure(page, 'rowRevenue'))).toBe(campaign.revenue);
    const lines = await listing<OrderLine>(
      `/v1/attribution/orders?${range}&model=${model}&groupBy=campaign&channel=${encodeURIComponent(channel.key)}&key=${encodeURIComponent(campaign.key)}`,
      'orders',
    );
    const shown = await shownOrders();
    expectOrders(shown, lines, campaign.revenue);
    await snap('channels-4-campaign-orders');
    const order = lines.find((line) => line.credit > 0)!.transactionId;
    await openRow('channels', 'orders', `${campaign.key}|${order}`, 'mouse');
    await expectJourney(order);
    expect(await crumbs(page)).toEqual(['Channels & campaigns · by channel', channel.key, campaign.key, `Order ${order}`]);
    // The address is the whole state: reopened, the same journey with the same trail.
    await page.goto(page.url());
    await expectJourney(order);
    await page.click('nav.breadcrumb a[data-crumb="2"]');
    await settled(page, 'channels');
    expect(await crumbs(page)).toEqual(['Channels & campaigns · by channel', channel.key, campaign.key]);
    expect(tab.errors).toEqual([]);
  });

  it('funnel row → its people → a person’s journey → one of their orders, by mouse and by keyboard; the address reopens the same place', async () => {
    const funnel = (await api.request('GET', `/v1/funnel?${range}&groupBy=campaign`, { key: shop.keys.marketing })).body;
    const row = [...funnel.rows].filter((candidate: { key: string }) => candidate.key !== '(none)').sort((a: { customers: number }, b: { customers: number }) => b.customers - a.customers)[0];
    const people = await listing<{ person: string; orders: number }>(`/v1/funnel/people?${range}&groupBy=campaign&key=${encodeURIComponent(row.key)}`, 'people');
    expect(people).toHaveLength(row.acquired);
    const buyer = people.find((person) => person.orders > 0)!;
    const journey = (await api.request('GET', `/v1/people/journey?person=${encodeURIComponent(buyer.person)}`, { key: shop.keys.marketing })).body;
    const order = journey.transactions.find((transaction: { kind: string }) => transaction.kind === 'order').transactionId;
    let address = '';
    for (const how of ['mouse', 'keyboard'] as const) {
      await show(page, 'funnel');
      await openRow('funnel', 'funnel', row.key, how);
      expect(await level('funnel')).toBe(`People acquired by ${row.key}`);
      while (await page.$('[data-action=more-people]')) await page.click('[data-action=more-people]');
      expect((await table(page, 'people')).map((line) => line.key).sort()).toEqual(people.map((person) => person.person).sort());
      if (how === 'mouse') await snap('funnel-1-people');
      await openRow('funnel', 'people', buyer.person, how);
      expect(await level('funnel')).toBe("A person's journey");
      expect(await table(page, 'person-journey')).toHaveLength(journey.touches.length + journey.stages.length + journey.transactions.length);
      if (how === 'mouse') await snap('funnel-2-person');
      await openRow('funnel', 'person-journey', `o:${order}`, how);
      await expectJourney(order);
      if (how === 'mouse') await snap('funnel-3-journey');
      expect(await crumbs(page)).toEqual(['Funnel · by campaign', `${row.key}: people`, 'Person', `Order ${order}`]);
      address = page.url();
    }
    // A shared address opens the same drill in another browser once signed in.
    const other = await open();
    await other.page.goto(address);
    await signIn(other.page, shop.keys.marketing);
    await settled(other.page, 'funnel');
    await other.page.waitForSelector('[data-timeline]');
    expect(await crumbs(other.page)).toEqual(await crumbs(page));
    expect(await figure(other.page, 'revenue')).toBe(await figure(page, 'revenue'));
    expect(other.page.url()).toBe(address);
    expect(other.errors).toEqual([]);
    await other.context.close();
    expect(tab.errors).toEqual([]);
  });

  it('handoff: a dropped baton → the person’s journey, a rep → their orders → a journey', async () => {
    const handoffs = (await api.request('GET', `/v1/handoffs?${range}`, { key: shop.keys.marketing })).body;
    const sales = (await api.request('GET', `/v1/sales/report?${range}&groupBy=rep`, { key: shop.keys.marketing })).body;
    const rep = sales.rows.find((row: { key: string; currency: string }) => row.key !== '(none)' && row.currency === 'USD');
    expect(handoffs.dropped.length).toBeGreaterThan(0);
    const baton = handoffs.dropped[0];
    for (const how of ['mouse', 'keyboard'] as const) {
      await show(page, 'handoff');
      await openRow('handoff', 'dropped', `${baton.identifiers.join(' ')}|${baton.qualifiedAt}`, how);
      expect(await level('handoff')).toBe("A person's journey");
      // The address names the person by one of the baton's identifiers; their journey links them all.
      const person = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('person')!;
      expect(baton.identifiers).toContain(person);
      const journey = (await api.request('GET', `/v1/people/journey?person=${encodeURIComponent(person)}`, { key: shop.keys.marketing })).body;
      expect(journey.identifiers).toEqual(expect.arrayContaining(baton.identifiers));
      expect(await table(page, 'person-journey')).toHaveLength(journey.touches.length + journey.stages.length + journey.transactions.length);
      if (how === 'mouse') await snap('handoff-1-dropped');
      await page.click('nav.breadcrumb a[data-crumb="0"]');
      await settled(page, 'handoff');
      await openRow('handoff', 'sales', rep.key, how);
      expect(await level('handoff')).toBe(`Orders of rep ${rep.key}`);
      expect(cents(await figure(page, 'repRevenue'))).toBe(rep.revenue);
      const lines = await listing<OrderLine>(`/v1/attribution/orders?${range}&groupBy=rep&key=${encodeURIComponent(rep.key)}`, 'orders');
      const shown = await shownOrders();
      expectOrders(shown, lines, rep.revenue);
      if (how === 'mouse') await snap('handoff-2-rep');
      const order = lines.find((line) => line.credit > 0)!.transactionId;
      await openRow('handoff', 'orders', `${rep.key}|${order}`, how);
      await expectJourney(order);
      if (how === 'mouse') await snap('handoff-3-journey');
    }
    expect(tab.errors).toEqual([]);
  });

  it('path → the orders of its last channel → a journey; the empty path → the orders with no marketing touch', async () => {
    const paths = (await api.request('GET', `/v1/attribution/paths?${range}&limit=20`, { key: shop.keys.marketing })).body;
    const row = paths.paths.find((candidate: { path: string[] }) => candidate.path.length > 1);
    const key = row.path.join(' > ');
    const last = row.path[row.path.length - 1];
    const lastTouch = (await api.request('GET', `/v1/attribution/report?${range}&model=last_touch`, { key: shop.keys.marketing })).body;
    const lines = await listing<OrderLine>(`/v1/attribution/orders?${range}&model=last_touch&groupBy=channel&key=${encodeURIComponent(last)}`, 'orders');
    for (const how of ['mouse', 'keyboard'] as const) {
      await show(page, 'paths');
      await openRow('paths', 'paths', key, how);
      expect(await level('paths')).toBe(`Orders of the path ${row.path.join(' › ')}`);
      expect(number(await figure(page, 'pathOrders'))).toBe(row.orders);
      expectOrders(await shownOrders(), lines, lastTouch.rows.find((candidate: { key: string; currency: string }) => candidate.key === last && candidate.currency === 'USD').revenue);
      if (how === 'mouse') await snap('paths-1-orders');
      const order = lines.find((line) => line.credit > 0)!.transactionId;
      await openRow('paths', 'orders', `${last}|${order}`, how);
      await expectJourney(order);
      if (how === 'mouse') await snap('paths-2-journey');
    }
    // The demo store has walk-ins and direct buyers: orders with no marketing touch, the empty path.
    expect(paths.paths.some((candidate: { path: string[] }) => candidate.path.length === 0)).toBe(true);
    await show(page, 'paths');
    await openRow('paths', 'paths', '(none)', 'mouse');
    expect(await level('paths')).toBe('Orders of the path (no marketing touch)');
    const total = (await api.request('GET', `/v1/attribution/report?${range}&model=last_touch`, { key: shop.keys.marketing })).body.totals.find(
      (line: { currency: string }) => line.currency === 'USD',
    );
    expectOrders(await shownOrders(), await listing<OrderLine>(`/v1/attribution/orders?${range}&model=last_touch&groupBy=channel&key=(none)`, 'orders'), total.unattributed);
    expect(tab.errors).toEqual([]);
  });

  it('has no serious accessibility problem on a drilled page at 1366×900 and at 768×1024', async () => {
    const funnel = (await api.request('GET', `/v1/funnel?${range}&groupBy=campaign`, { key: shop.keys.marketing })).body;
    const people = await listing<{ person: string }>(`/v1/funnel/people?${range}&groupBy=campaign&key=${encodeURIComponent(funnel.rows[0].key)}`, 'people');
    const channel = (await api.request('GET', `/v1/attribution/report?${range}`, { key: shop.keys.marketing })).body.rows[0].key;
    const pages = {
      orders: `#/channels?${range}&groupBy=channel&key=${encodeURIComponent(channel)}`,
      people: `#/funnel?${range}&groupBy=campaign&key=${encodeURIComponent(funnel.rows[0].key)}`,
      person: `#/funnel?${range}&groupBy=campaign&key=${encodeURIComponent(funnel.rows[0].key)}&person=${encodeURIComponent(people[0]!.person)}`,
      journey: `#/overview?${range}&day=${range.slice(-10)}&order=${encodeURIComponent(draftOrder())}`,
    };
    const problems: Record<string, string[]> = {};
    for (const size of [
      { width: 1366, height: 900 },
      { width: 768, height: 1024 },
    ]) {
      await page.setViewportSize(size);
      for (const [name, address] of Object.entries(pages)) {
        await page.goto(`${api.runtime.url}/${address}`);
        await settled(page, address.slice(2, address.indexOf('?')));
        await page.waitForSelector('[data-drill-heading]');
        problems[`${name} at ${size.width}`] = await accessibilityProblems(page);
        if (size.width === 768) await screenshot(page, `drill-${name}-tablet`);
      }
    }
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(problems).toEqual(Object.fromEntries(Object.keys(problems).map((name) => [name, []])));
    expect(tab.errors).toEqual([]);
  });
});

describe('signing in', () => {
  it('with a finance key shows the finance view only; its summary is the API’s and its download is the export, fetched with the key in a header', async () => {
    const { context, page, errors } = await open();
    await signIn(page, shop.keys.finance);
    expect(await navigation(page)).toEqual(['finance']);
    // A marketing view asked for by address is not shown: the key's own view is.
    await page.goto(`${api.runtime.url}/#/overview`);
    await settled(page, 'finance');
    expect(await page.$('table[data-table=overview-days]')).toBeNull();

    const month = await page.inputValue('input[name=month]');
    const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
    const range = `from=${month}-01&to=${month}-${String(last).padStart(2, '0')}`;
    const summary = (await api.request('GET', `/v1/exports/transactions/summary?${range}`, { key: shop.keys.finance })).body;
    const [line] = await table(page, 'summary');
    const usd = summary.currencies.find((entry: { currency: string }) => entry.currency === 'USD');
    expect(line?.key).toBe('USD');
    expect([line!.cells.orders, line!.cells.refunds, line!.cells.cancellations].map((text) => number(text!))).toEqual([usd.orders, usd.refunds, usd.cancellations]);
    expect(['gross', 'discount', 'net', 'tax', 'shipping', 'total', 'revenue'].map((name) => cents(line!.cells[name]!))).toEqual(
      ['gross', 'discount', 'net', 'tax', 'shipping', 'total', 'revenue'].map((name) => usd[name]),
    );
    await screenshot(page, 'finance');

    // The download is the export, byte for byte: for Excel by default, raw (for scripts) when chosen.
    for (const flavor of ['excel', 'raw']) {
      if (flavor === 'raw') await page.selectOption('select[name=flavor]', 'raw');
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
      const exported = readFileSync((await download.path())!, 'utf8');
      expect(download.suggestedFilename()).toBe(`${shop.tenantId}-transactions-${month}-01-to-${month}-${String(last).padStart(2, '0')}${flavor === 'excel' ? '-excel' : ''}.csv`);
      // fetch's text() drops a byte order mark: the Excel file starts with one, the raw file does not.
      expect(exported.startsWith('\uFEFF')).toBe(flavor === 'excel');
      expect(exported.replace(/^\uFEFF/, '')).toBe((await api.request('GET', `/v1/exports/transactions?${range}&format=csv&flavor=${flavor}`, { key: shop.keys.finance })).text);
    }
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the key in sessionStorage only: never in a URL, localStorage or a cookie, and gone after signing out or in a new session', async () => {
    const { context, page } = await open();
    await signIn(page, shop.keys.marketing);
    await show(page, 'channels');
    await show(page, 'overview');
    const storage = (await page.evaluate('({ local: JSON.stringify({ ...localStorage }), session: JSON.stringify({ ...sessionStorage }), url: location.href })')) as {
      local: string;
      session: string;
      url: string;
    };
    expect(storage.session).toContain(shop.keys.marketing);
    expect(storage.local).not.toContain(shop.keys.marketing);
    expect(storage.url).not.toContain(shop.keys.marketing);
    expect(await context.cookies()).toEqual([]);

    // A new tab is a new browser session: it starts signed out.
    const other = await context.newPage();
    await other.goto(`${api.runtime.url}/`);
    await other.waitForSelector('input[name=key]');
    expect(await other.evaluate('sessionStorage.length')).toBe(0);

    await page.click('button.sign-out');
    await page.waitForSelector('input[name=key]');
    expect(await page.evaluate('sessionStorage.length + localStorage.length')).toBe(0);
    for (const url of requested) for (const key of Object.values(shop.keys)) expect(url).not.toContain(key);
    expect(requested.length).toBeGreaterThan(10);
    await context.close();
  });

  it('refuses an unknown key and a key of a scope with no views, saying why', async () => {
    const { context, page } = await open();
    await page.fill('input[name=key]', 'bk_marketing_not-a-real-key');
    await page.click('button[type=submit]');
    await page.waitForSelector('.field-error');
    expect(await page.textContent('.field-error')).toContain('not valid');
    await page.fill('input[name=key]', shop.keys.ingest);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('.field-error')?.textContent?.includes('ingest key'));
    expect(await page.$('nav.views')).toBeNull();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await context.close();
  });

  it('shows a tenant with no data yet empty states, not errors, in every view', async () => {
    const { context, page, errors } = await open();
    await signIn(page, empty.keys.marketing);
    for (const view of MARKETING_VIEWS.filter((name) => name !== 'journey')) {
      await show(page, view);
      expect(await page.$('[data-state=error]'), view).toBeNull();
      expect(await page.$('[data-state=empty]'), view).not.toBeNull();
    }
    await page.click('button.sign-out');
    await signIn(page, empty.keys.finance);
    await settled(page, 'finance');
    expect(await page.$('[data-state=empty]')).not.toBeNull();
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** An order a rep closed: its journey has marketing touches before H and sales touches after. */
function draftOrder(): string {
  for (const person of store.people) {
    const order = person.deliveries.find((delivery) => delivery.topic === 'orders/create' && delivery.payload.source_name === 'shopify_draft_order');
    if (order && person.touches.length > 1 && person.salesTouches.length > 1) return `shopify-order-${order.payload.id}`;
  }
  throw new Error('the demo store has no order closed by a rep');
}

describe('the finance view’s download, for a store in Kolkata with a KWD order and a rep’s accented name', () => {
  const MONTH = '2026-10';
  const RANGE = 'from=2026-10-01&to=2026-10-31';
  let kolkata: CreatedTenant;
  beforeAll(async () => {
    kolkata = await newTenant({ currency: 'USD', timezone: 'Asia/Kolkata' });
    const transactions = [
      { transactionId: 'fd-1', occurredAt: '2026-10-01T18:45:00Z', currency: 'USD', gross: '1234.56', tax: '0.07', rep: 'Zoë Ångström' },
      { transactionId: 'fd-2', occurredAt: '2026-10-15T09:00:00Z', currency: 'KWD', gross: '12.345' },
    ];
    for (const transaction of transactions) {
      const response = await api.request('POST', '/v1/transactions', { key: kolkata.keys.ingest, json: { kind: 'order', person: { customerId: 'c-1' }, ...transaction } });
      expect(response.status, response.text).toBe(201);
    }
  });

  /** The export's bytes as the API answers them (`Response.text()` would drop a byte-order mark). */
  async function exportBytes(query: string): Promise<Buffer> {
    const response = await fetch(`${api.runtime.url}/v1/exports/transactions?${query}`, { headers: { authorization: `Bearer ${kolkata.keys.finance}` } });
    expect(response.status).toBe(200);
    return Buffer.from(await response.arrayBuffer());
  }

  /** Clicks the download and reads the file Chromium saved. */
  async function download(page: Page): Promise<{ name: string; bytes: Buffer }> {
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
    return { name: saved.suggestedFilename(), bytes: readFileSync((await saved.path())!) };
  }

  async function financeView(page: Page, search: string): Promise<void> {
    await page.goto(`${api.runtime.url}/#/finance?${search}`);
    await page.waitForSelector('main[data-view=finance] table[data-table=summary]');
  }

  it('offers Excel (the default) and raw, each byte for byte the API’s export, the choice kept in the address', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${api.runtime.url}/`);
    await page.fill('input[name=key]', kolkata.keys.finance);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.views');
    await financeView(page, `month=${MONTH}`);

    expect(await page.$$eval('select[name=flavor] option', (options) => options.map((option) => [(option as unknown as { value: string }).value, option.textContent]))).toEqual([
      ['excel', 'Excel'],
      ['raw', 'raw (for scripts)'],
    ]);
    expect(await page.inputValue('select[name=flavor]')).toBe('excel');
    await screenshot(page, 'finance-download', { fullPage: false });
    const excel = await download(page);
    expect(excel.name).toBe(`${kolkata.tenantId}-transactions-2026-10-01-to-2026-10-31-excel.csv`);
    expect([...excel.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.bytes.equals(await exportBytes(`${RANGE}&flavor=excel`))).toBe(true);
    // Kolkata's wall clock (18:45Z is 00:15 the next day there), decimals, and the name with its accents.
    expect(excel.bytes.toString('utf8')).toContain('fd-1,api,fd-1,order,counted,,2026-10-02 00:15:00,2026-10-02,Asia/Kolkata,USD,1234.56,0.00,1234.56,0.07,0.00,1234.63,online_store,Zoë Ångström,');
    expect(await page.textContent('.download [role=status]')).toContain('-excel.csv');

    await page.selectOption('select[name=flavor]', 'raw');
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('flavor=raw'));
    const raw = await download(page);
    expect(raw.name).toBe(`${kolkata.tenantId}-transactions-2026-10-01-to-2026-10-31.csv`);
    expect(raw.bytes.equals(await exportBytes(RANGE))).toBe(true);
    expect(raw.bytes.toString('utf8')).toMatch(/^transactionId,provider,externalId,kind,status,orderId,occurredAt,day,currency,gross,/);

    // A shared address opens with the same choice.
    await financeView(page, `month=${MONTH}&flavor=raw`);
    expect(await page.inputValue('select[name=flavor]')).toBe('raw');

    // The picker is labelled and the page keeps dashboard.test.ts's bar: no serious or critical axe finding.
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
