import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityProblems, cellOf, type InPage, openTab, screenshot, settled, show, signIn, type Tab, textOf } from '../support/dashboard.ts';

// The dashboard in one reporting currency (SPEC §11, §14) in Debian's
// Chromium against the local runtime: a store selling in EUR, GBP, USD and
// CHF reports in USD at rates its finance key supplies (none for CHF). The
// currency switch asks the views for currency=reporting; the figures read
// from the page are the API's and the sums worked out by hand; what had no
// rate is said on the page; the finance view shows the summary in USD and
// the rates that convert it.

const TIMEZONE = 'UTC';
const PERIOD = { from: '2026-11-01', to: '2026-11-30' };
const PERIOD_QUERY = `from=${PERIOD.from}&to=${PERIOD.to}`;

let api: TestApi;
let browser: Browser;
let shop: CreatedTenant;
let plain: CreatedTenant;
/** Every URL the browser asked for: none may carry a key. */
const requested: string[] = [];
/** The API paths and queries the browser asked for, in order. */
const asked: URL[] = [];

const open = () =>
  openTab(browser, `${api.runtime.url}/`, {
    requested,
    onRequest: (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/v1/')) asked.push(url);
    },
  });

/** 1 EUR = 1.16 USD and 1 GBP = 1.32 USD from November 2nd; no rate for CHF. */
const RATES = [
  { day: '2026-11-02', base: 'EUR', quote: 'USD', rate: '1.16' },
  { day: '2026-11-02', base: 'GBP', quote: 'USD', rate: '1.32' },
];

/**
 * Worked out by hand, in US cents: the EUR order (100.00 at 1.16), the GBP
 * order (50.00 at 1.32), the USD order as it is, the EUR refund (20.00 at
 * its order's 1.16); the CHF order (30.00) has no rate and is left out.
 */
const EXPECTED = {
  eurOrder: 10_000 * 1.16,
  gbpOrder: 5_000 * 1.32,
  usdOrder: 2_000,
  eurRefund: -2_000 * 1.16,
  eurSpend: 1_000 * 1.16,
};
const EXPECTED_REVENUE = EXPECTED.eurOrder + EXPECTED.gbpOrder + EXPECTED.usdOrder + EXPECTED.eurRefund; // 17,880
const EXPECTED_PAID_SEARCH = EXPECTED.eurOrder + EXPECTED.eurRefund; // 9,280

const dollars = (cents: number) => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(cents / 100);

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  plain = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  const patched = await api.request('PATCH', '/v1/config', { key: shop.keys.admin, json: { reportingCurrency: 'USD' } });
  expect(patched.status, patched.text).toBe(200);
  const rates = await api.request('PUT', '/v1/fx-rates', { key: shop.keys.finance, json: { rates: RATES } });
  expect(rates.status, rates.text).toBe(200);

  const ingest = async (path: string, json: unknown, key = shop.keys.ingest) => {
    const response = await api.request('POST', path, { key, json });
    expect(response.status, response.text).toBeLessThan(300);
  };
  for (const tenant of [shop, plain]) {
    await ingest(
      '/v1/touches',
      {
        touches: [
          { touchId: 't-eu', occurredAt: '2026-11-03T10:00:00Z', person: { customerId: 'eu' }, kind: 'click', utm: { source: 'google', medium: 'cpc', campaign: 'autumn' } },
          { touchId: 't-uk', occurredAt: '2026-11-04T10:00:00Z', person: { customerId: 'uk' }, kind: 'click', utm: { source: 'newsletter', medium: 'email', campaign: 'news' } },
        ],
      },
      tenant.keys.ingest,
    );
    for (const transaction of [
      { transactionId: 'o-eu', kind: 'order', occurredAt: '2026-11-03T15:00:00Z', person: { customerId: 'eu' }, currency: 'EUR', gross: '100.00' },
      { transactionId: 'o-eu-r1', kind: 'refund', orderId: 'o-eu', occurredAt: '2026-11-10T15:00:00Z', currency: 'EUR', gross: '20.00' },
      { transactionId: 'o-uk', kind: 'order', occurredAt: '2026-11-04T15:00:00Z', person: { customerId: 'uk' }, currency: 'GBP', gross: '50.00' },
      { transactionId: 'o-us', kind: 'order', occurredAt: '2026-11-05T15:00:00Z', person: { customerId: 'us' }, currency: 'USD', gross: '20.00' },
      { transactionId: 'o-ch', kind: 'order', occurredAt: '2026-11-06T15:00:00Z', person: { customerId: 'ch' }, currency: 'CHF', gross: '30.00' },
    ]) {
      await ingest('/v1/transactions', transaction, tenant.keys.ingest);
    }
    await ingest('/v1/spend', { spend: [{ date: '2026-11-03', campaign: 'autumn', currency: 'EUR', amount: '10.00', channel: 'Paid Search', source: 'google', medium: 'cpc' }] }, tenant.keys.ingest);
  }
  await api.settle();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const read = <T = any>(path: string, key = shop.keys.marketing): Promise<T> => api.read<T>(path, key);

/** The address's parameters (after `#/<view>?`). */
async function address(page: Page): Promise<URLSearchParams> {
  const hash = (await page.evaluate(() => (globalThis as unknown as InPage).location.hash)) as string;
  return new URLSearchParams(hash.split('?')[1] ?? '');
}

const text = textOf;
const figure = (page: Page, name: string) => text(page, `[data-figure=${name}] .kpi-value`);
const cell = cellOf;

/** Does what changes the view's query, and waits for `path`'s answer to be drawn. */
async function asking(page: Page, view: string, path: string, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForResponse((response) => new URL(response.url()).pathname === path), action()]);
  await settled(page, view);
}

describe('the dashboard of a tenant reporting in USD, with a marketing key', () => {
  let tab: Tab;
  let page: Page;
  beforeAll(async () => {
    tab = await open();
    page = tab.page;
    await signIn(page, shop.keys.marketing);
  });
  afterAll(async () => {
    await tab?.context.close();
  });

  it('offers the switch beside the period; each currency by default, as before', async () => {
    await page.goto(`${api.runtime.url}/#/overview?${PERIOD_QUERY}`);
    await settled(page, 'overview');
    const labels = await page.$$eval('[data-switch=currency] label', (elements) => elements.map((element) => (element.textContent ?? '').trim()));
    expect(labels).toEqual(['Each currency', 'In USD']);
    expect(await page.textContent('[data-switch=currency] legend')).toBe('Amounts');
    expect(await page.isChecked('input[name=amounts][value=each]')).toBe(true);
    expect(await page.$('select[name=currency]')).not.toBeNull();
    // In each currency's own figures, the USD revenue is the USD order alone.
    expect(await figure(page, 'revenue')).toBe(dollars(EXPECTED.usdOrder));
    expect(asked.filter((url) => url.pathname === '/v1/attribution/report').every((url) => !url.searchParams.has('currency'))).toBe(true);
    expect(await page.$('[data-notice=missing-rates]')).toBeNull();
    expect(tab.errors).toEqual([]);
  });

  it('in USD, asks the overview with currency=reporting and shows the sum worked out by hand, what had no rate said on the page', async () => {
    await asking(page, 'overview', '/v1/attribution/report', () => page.check('input[name=amounts][value=reporting]'));
    expect((await address(page)).get('currency')).toBe('reporting');
    const reports = asked.filter((url) => url.pathname === '/v1/attribution/report').slice(-2);
    expect(reports.map((url) => url.searchParams.get('currency'))).toEqual(['reporting', 'reporting']);
    // The currency picker gives way to the switch: every figure is in USD.
    expect(await page.$('select[name=currency]')).toBeNull();

    const answer = await read(`/v1/attribution/report?${PERIOD_QUERY}&currency=reporting`);
    expect(answer.reportingCurrency).toBe('USD');
    expect(answer.totals).toHaveLength(1);
    const [total] = answer.totals;
    expect(total).toMatchObject({ currency: 'USD', revenue: EXPECTED_REVENUE, cost: EXPECTED.eurSpend });
    expect(await figure(page, 'revenue')).toBe(dollars(EXPECTED_REVENUE));
    expect(await figure(page, 'revenue')).toBe('$178.80');
    expect(await figure(page, 'spend')).toBe(dollars(EXPECTED.eurSpend));
    expect(await figure(page, 'attributed')).toBe(dollars(total.attributed));
    expect(await figure(page, 'unattributed')).toBe(dollars(total.unattributed));
    // The day table, converted too: the EUR order's day.
    expect(await cell(page, 'overview-days', '2026-11-03', 'revenue')).toBe(dollars(EXPECTED.eurOrder));

    // The CHF order had no rate: left out, and said.
    expect(answer.missingRates).toEqual([{ currency: 'CHF', day: '2026-11-06', amount: 3_000, source: 'transactions' }]);
    const notice = page.locator('[data-notice=missing-rates]');
    expect(await notice.getAttribute('role')).toBe('status');
    expect(await notice.isVisible()).toBe(true);
    const said = await text(page, '[data-notice=missing-rates]');
    expect(said).toContain('CHF 30.00');
    expect(said).toContain('2026-11-06');
    expect(said).toContain('PUT /v1/fx-rates');
    expect(said).toContain('at most 7 days old');
    expect(await page.getAttribute('[data-notice=missing-rates] li[data-currency=CHF]', 'data-amount')).toBe('3000');
    await screenshot(page, 'currency-overview');
    expect(tab.errors).toEqual([]);
  });

  it('keeps USD across views and a reload; channels, models, funnel, handoff and cohorts all ask in USD', async () => {
    await page.reload();
    await settled(page, 'overview');
    expect(await page.isChecked('input[name=amounts][value=reporting]')).toBe(true);
    expect(await figure(page, 'revenue')).toBe(dollars(EXPECTED_REVENUE));

    await show(page, 'channels');
    expect((await address(page)).get('currency')).toBe('reporting');
    expect(
      asked
        .filter((url) => url.pathname === '/v1/attribution/report')
        .at(-1)!
        .searchParams.get('currency'),
    ).toBe('reporting');
    const channels = await read(`/v1/attribution/report?${PERIOD_QUERY}&groupBy=channel&model=last_non_direct&currency=reporting`);
    const paidSearch = channels.rows.find((row: { key: string }) => row.key === 'Paid Search');
    expect(paidSearch).toMatchObject({ currency: 'USD', revenue: EXPECTED_PAID_SEARCH, cost: EXPECTED.eurSpend });
    expect(await cell(page, 'report', 'Paid Search', 'revenue')).toBe(dollars(EXPECTED_PAID_SEARCH));
    expect(await cell(page, 'report', 'Email', 'revenue')).toBe(dollars(EXPECTED.gbpOrder));
    expect(await page.textContent('table[data-table=report] caption')).toContain('(USD)');
    expect(await text(page, '[data-notice=missing-rates]')).toContain('CHF');

    await show(page, 'models');
    expect(
      asked
        .filter((url) => url.pathname === '/v1/attribution/compare')
        .at(-1)!
        .searchParams.get('currency'),
    ).toBe('reporting');
    const compare = await read(`/v1/attribution/compare?${PERIOD_QUERY}&groupBy=channel&currency=reporting`);
    const linear = compare.models.linear.find((row: { key: string }) => row.key === 'Paid Search');
    expect(await cell(page, 'compare', 'Paid Search', 'linear')).toBe(dollars(linear.revenue));

    await show(page, 'funnel');
    expect(
      asked
        .filter((url) => url.pathname === '/v1/funnel')
        .at(-1)!
        .searchParams.get('currency'),
    ).toBe('reporting');
    const funnel = await read(`/v1/funnel?${PERIOD_QUERY}&groupBy=campaign&currency=reporting`);
    expect(await figure(page, 'revenue')).toBe(dollars(funnel.totals.revenue.find((line: { currency: string }) => line.currency === 'USD').revenue));

    await show(page, 'handoff');
    expect(
      asked
        .filter((url) => url.pathname === '/v1/sales/report')
        .at(-1)!
        .searchParams.get('currency'),
    ).toBe('reporting');
    const sales = await read(`/v1/sales/report?${PERIOD_QUERY}&groupBy=rep&currency=reporting`);
    expect(sales.totals).toEqual([{ currency: 'USD', revenue: EXPECTED_REVENUE, transactions: expect.any(Number) }]);
    expect(await cell(page, 'sales', 'All', 'revenue')).toBe(dollars(EXPECTED_REVENUE));

    await show(page, 'cohorts');
    expect(
      asked
        .filter((url) => url.pathname === '/v1/cohorts')
        .at(-1)!
        .searchParams.get('currency'),
    ).toBe('reporting');
    expect(await page.isChecked('input[name=amounts][value=reporting]')).toBe(true);
    expect(await text(page, '[data-notice=missing-rates]')).toContain('CHF');
    expect(tab.errors).toEqual([]);
  });

  it('drills from a USD figure to its orders, which say they are in their own currency', async () => {
    await page.goto(`${api.runtime.url}/#/channels?${PERIOD_QUERY}&currency=reporting`);
    await settled(page, 'channels');
    await page.click('table[data-table=report] tr[data-key="Paid Search"] th a[data-drill]');
    await page.waitForSelector('[data-drill-heading]');
    await settled(page, 'channels');
    expect((await address(page)).get('key')).toBe('Paid Search');
    expect(await figure(page, 'rowRevenue')).toBe(dollars(EXPECTED_PAID_SEARCH));
    expect(await page.textContent('[data-note=native-amounts]')).toContain('not converted to USD');
    // The orders are the API's, in euros: the order and its refund.
    const orders = await page.$$eval('table[data-table=orders] tbody tr', (rows) => rows.map((row) => (row.getAttribute('data-key') ?? '').split('|')[1]));
    expect(orders.sort()).toEqual(['o-eu', 'o-eu-r1']);
    const euros = await page.$$eval('table[data-table=orders] tbody [data-col=revenue]', (cells) => cells.map((element) => (element.textContent ?? '').replace(/\u00a0/g, ' ').trim()));
    expect(euros.sort()).toEqual(['-€20.00', '€100.00']);
    expect(await accessibilityProblems(page)).toEqual([]);

    // An overview day: its revenue in USD, its orders in their own currency.
    await page.goto(`${api.runtime.url}/#/overview?${PERIOD_QUERY}&currency=reporting&day=2026-11-04`);
    await settled(page, 'overview');
    expect(asked.filter((url) => url.pathname === '/v1/sales/report').some((url) => url.searchParams.get('currency') === 'reporting' && url.searchParams.get('from') === '2026-11-04')).toBe(true);
    expect(await figure(page, 'dayRevenue')).toBe(dollars(EXPECTED.gbpOrder));
    expect(await page.textContent('[data-note=native-amounts]')).toContain('not converted to USD');
    expect(await text(page, 'table[data-table=orders] tbody [data-col=revenue]')).toBe('£50.00');

    // The CHF order's day: nothing converted, the order listed, and the notice.
    await page.goto(`${api.runtime.url}/#/overview?${PERIOD_QUERY}&currency=reporting&day=2026-11-06`);
    await settled(page, 'overview');
    expect(await figure(page, 'dayRevenue')).toBe('$0.00');
    expect(await text(page, '[data-notice=missing-rates]')).toContain('CHF 30.00');
    expect(await text(page, 'table[data-table=orders] tbody [data-col=revenue]')).toBe('CHF 30.00');
    expect(tab.errors).toEqual([]);
  });

  it('shows Paths, whose answer does not convert, in each currency and says so', async () => {
    await page.goto(`${api.runtime.url}/#/paths?${PERIOD_QUERY}&currency=reporting`);
    await settled(page, 'paths');
    expect(await page.$('[data-switch=currency]')).toBeNull();
    expect(await page.textContent('[data-note=unconverted]')).toContain('not converted to USD');
    expect(await page.$('select[name=currency]')).not.toBeNull();
    expect(asked.filter((url) => url.pathname === '/v1/attribution/paths').every((url) => !url.searchParams.has('currency'))).toBe(true);
    expect(tab.errors).toEqual([]);
  });

  it('goes back to each currency with the switch, and has no serious accessibility problem either way', async () => {
    await page.goto(`${api.runtime.url}/#/overview?${PERIOD_QUERY}&currency=reporting`);
    await settled(page, 'overview');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'currency-overview-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });

    await asking(page, 'overview', '/v1/attribution/report', () => page.check('input[name=amounts][value=each]'));
    expect((await address(page)).has('currency')).toBe(false);
    expect(await figure(page, 'revenue')).toBe(dollars(EXPECTED.usdOrder));
    expect(await page.$('[data-notice=missing-rates]')).toBeNull();
    await page.selectOption('select[name=currency]', 'EUR');
    await page.waitForFunction(() => (globalThis as unknown as InPage).location.hash.includes('currency=EUR'));
    await settled(page, 'overview');
    expect(await figure(page, 'revenue')).toBe('€80.00');
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(tab.errors).toEqual([]);
  });
});

describe('the finance view of a tenant reporting in USD', () => {
  it('shows the summary in USD beside each currency’s, what had no rate, and the rates in use with fxMaxAgeDays', async () => {
    const { context, page, errors } = await open();
    await signIn(page, shop.keys.finance);
    await page.goto(`${api.runtime.url}/#/finance?month=2026-11`);
    await settled(page, 'finance');
    const summary = await read('/v1/exports/transactions/summary?from=2026-11-01&to=2026-11-30&currency=reporting', shop.keys.finance);
    expect(summary.reporting).toMatchObject({ currency: 'USD', orders: 3, refunds: 1, cancellations: 0, revenue: EXPECTED_REVENUE });
    // The periods panel asks for the month's summary in each currency too, in either order.
    expect(asked.filter((url) => url.pathname === '/v1/exports/transactions/summary').some((url) => url.searchParams.get('currency') === 'reporting')).toBe(true);

    // Each currency's own sums, as before.
    const currencies = await page.$$eval('table[data-table=summary] tbody tr', (rows) => rows.map((row) => row.getAttribute('data-key')));
    expect(currencies).toEqual(['CHF', 'EUR', 'GBP', 'USD']);
    expect(await cell(page, 'summary', 'EUR', 'revenue')).toBe('€80.00');
    // Beside them, in USD.
    expect(await figure(page, 'reportingOrders')).toBe('3');
    expect(await figure(page, 'reportingRefunds')).toBe('1');
    expect(await figure(page, 'reportingCancellations')).toBe('0');
    expect(await figure(page, 'reportingRevenue')).toBe(dollars(EXPECTED_REVENUE));
    expect(await figure(page, 'reportingNet')).toBe(dollars(summary.reporting.net));
    expect(await figure(page, 'reportingTotal')).toBe(dollars(summary.reporting.total));
    expect(await cell(page, 'reporting-summary', 'refund', 'net')).toBe(dollars(summary.reporting.byKind.refund.net));

    // The CHF order is in its own currency's row, not in USD: said.
    expect(await text(page, '[data-notice=missing-rates]')).toContain('CHF 30.00');

    // The rates that convert the month: from fxMaxAgeDays (7) before it.
    const rates = await read('/v1/fx-rates?from=2026-10-25&to=2026-11-30', shop.keys.finance);
    expect(rates).toMatchObject({ reportingCurrency: 'USD', fxMaxAgeDays: 7, rates: RATES });
    expect(asked.some((url) => url.pathname === '/v1/fx-rates' && url.searchParams.get('from') === '2026-10-25' && url.searchParams.get('to') === '2026-11-30')).toBe(true);
    expect(await cell(page, 'fx-rates', '2026-11-02', 'EUR/USD')).toBe('1.16');
    expect(await cell(page, 'fx-rates', '2026-11-02', 'GBP/USD')).toBe('1.32');
    expect(await page.textContent('[data-note=fx-max-age]')).toContain('fxMaxAgeDays is 7');
    await screenshot(page, 'currency-finance');
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a tenant without a reporting currency', () => {
  it('has no currency switch, asks nothing in a reporting currency, and an old link asking for one shows each currency', async () => {
    const { context, page, errors } = await open();
    await signIn(page, plain.keys.marketing);
    const before = asked.length;
    await page.goto(`${api.runtime.url}/#/overview?${PERIOD_QUERY}&currency=reporting`);
    await settled(page, 'overview');
    expect(await page.$('[data-switch=currency]')).toBeNull();
    expect(await page.$('[data-note=unconverted]')).toBeNull();
    expect(await page.$('select[name=currency]')).not.toBeNull();
    expect(await page.$('[data-state=error]')).toBeNull();
    expect(await figure(page, 'revenue')).toBe(dollars(EXPECTED.usdOrder));
    expect(asked.slice(before).every((url) => !url.searchParams.has('currency'))).toBe(true);
    await show(page, 'cohorts');
    expect(await page.$('[data-switch=currency]')).toBeNull();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();

    // Its finance key sees each currency's summary alone.
    const finance = await open();
    await signIn(finance.page, plain.keys.finance);
    await finance.page.goto(`${api.runtime.url}/#/finance?month=2026-11`);
    await settled(finance.page, 'finance');
    expect(await finance.page.$('table[data-table=summary]')).not.toBeNull();
    expect(await finance.page.$('[data-figure=reportingRevenue]')).toBeNull();
    expect(await finance.page.$('table[data-table=fx-rates]')).toBeNull();
    expect(finance.errors).toEqual([]);
    await finance.context.close();

    for (const url of requested) for (const key of [...Object.values(shop.keys), ...Object.values(plain.keys)]) expect(url).not.toContain(key);
  });
});
