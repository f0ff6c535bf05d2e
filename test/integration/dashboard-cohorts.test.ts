import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityProblems, type InPage, openTab, screenshot, settled as settledView, signIn } from '../support/dashboard.ts';

// The dashboard's Cohorts view (SPEC §11, §13) in Debian's Chromium against
// the local runtime: a small store's customers sent through the real API
// (touches with utm campaigns, repeat orders over several months, a refund,
// an order in another currency, spend), then the heat map, the pickers, the
// chart and the CSV download compared with GET /v1/cohorts for the same query.

const TIMEZONE = 'America/New_York';

let api: TestApi;
let browser: Browser;
let shop: CreatedTenant;
let empty: CreatedTenant;
/** Every URL the browser asked for: none may carry a key. */
const requested: string[] = [];

/** The month (`YYYY-MM`) it is now in the tenant's zone, and months counted from one. */
const THIS_MONTH = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);
function addMonths(month: string, months: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
/** The view's default cohort range: the twelve months up to the one the dashboard's period (the last 30 days) ends in. */
const DEFAULT_RANGE = { from: addMonths(THIS_MONTH, -11), to: THIS_MONTH };

const ad = (touchId: string, customerId: string, occurredAt: string, source: string, medium: string, campaign: string) => ({
  touchId,
  occurredAt,
  person: { customerId },
  kind: 'click',
  utm: { source, medium, campaign },
});
const order = (transactionId: string, customerId: string, occurredAt: string, gross: string, currency = 'USD') => ({
  transactionId,
  kind: 'order',
  occurredAt,
  person: { customerId },
  currency,
  gross,
});
const spend = (date: string, campaign: string, amount: string, channel: string, source: string, medium: string) => ({ date, campaign, currency: 'USD', amount, channel, source, medium });

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  empty = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  const ingest = async (path: string, json: unknown) => {
    const response = await api.request('POST', path, { key: shop.keys.ingest, json });
    expect(response.status, response.text).toBeLessThan(300);
    return response;
  };
  const touches = await ingest('/v1/touches', {
    touches: [
      ad('t-ana', 'ana', '2026-06-02T15:00:00Z', 'google', 'cpc', 'spring'),
      ad('t-ben', 'ben', '2026-06-10T15:00:00Z', 'facebook', 'paid_social', 'summer'),
      ad('t-cleo', 'cleo', '2026-07-01T15:00:00Z', 'newsletter', 'email', 'news'),
      ad('t-eve', 'eve', '2026-09-01T15:00:00Z', 'google', 'cpc', 'spring'),
      ad('t-fay-1', 'fay', '2026-10-18T15:00:00Z', 'google', 'cpc', 'spring'),
      ad('t-fay-2', 'fay', '2026-10-19T15:00:00Z', 'facebook', 'paid_social', 'summer'),
      ad('t-gus', 'gus', '2026-11-03T15:00:00Z', 'google', 'cpc', 'spring'),
    ],
  });
  expect(touches.body).toMatchObject({ accepted: 7, rejected: [] });
  for (const transaction of [
    // ana comes back twice: a repeat customer of June's Paid Search.
    order('o-ana-1', 'ana', '2026-06-03T16:00:00Z', '60.00'),
    order('o-ana-2', 'ana', '2026-07-10T16:00:00Z', '30.00'),
    order('o-ana-3', 'ana', '2026-09-15T16:00:00Z', '60.00'),
    // ben's order is partly refunded two months later: the curve dips, the cohort stays.
    order('o-ben-1', 'ben', '2026-06-11T16:00:00Z', '150.00'),
    { transactionId: 'o-ben-1-r1', kind: 'refund', orderId: 'o-ben-1', occurredAt: '2026-08-05T16:00:00Z', currency: 'USD', gross: '50.00' },
    // cleo buys again in October and in the first days of this month.
    order('o-cleo-1', 'cleo', '2026-07-02T16:00:00Z', '40.00'),
    order('o-cleo-2', 'cleo', '2026-10-03T16:00:00Z', '40.00'),
    order('o-cleo-3', 'cleo', `${THIS_MONTH}-01T16:00:00Z`, '20.00'),
    // dan came with no touch: the (none) row.
    order('o-dan-1', 'dan', '2026-08-10T16:00:00Z', '80.00'),
    // eve's second order is in euros: left out of her value, counted apart.
    order('o-eve-1', 'eve', '2026-09-02T16:00:00Z', '100.00'),
    order('o-eve-2', 'eve', '2026-10-05T16:00:00Z', '30.00', 'EUR'),
    // fay's first order follows two campaigns: under linear, half a customer of each.
    order('o-fay-1', 'fay', '2026-10-20T16:00:00Z', '200.00'),
    order('o-gus-1', 'gus', '2026-11-04T16:00:00Z', '50.00'),
  ]) {
    await ingest('/v1/transactions', transaction);
  }
  await ingest('/v1/spend', {
    spend: [
      spend('2026-06-05', 'spring', '80.00', 'Paid Search', 'google', 'cpc'),
      spend('2026-06-05', 'summer', '100.00', 'Paid Social', 'facebook', 'paid_social'),
      spend('2026-09-10', 'spring', '60.00', 'Paid Search', 'google', 'cpc'),
      spend('2026-11-01', 'spring', '30.00', 'Paid Search', 'google', 'cpc'),
    ],
  });
  await api.settle();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page. */
  errors: string[];
  /** The cohorts the page asked the API for, in order: each request's query. */
  asked: URLSearchParams[];
}

async function open(): Promise<Tab> {
  const asked: URLSearchParams[] = [];
  const tab = await openTab(browser, `${api.runtime.url}/`, {
    requested,
    onRequest: (request) => {
      const url = new URL(request.url());
      if (url.pathname === '/v1/cohorts') asked.push(url.searchParams);
    },
  });
  return { ...tab, asked };
}

const settled = (page: Page) => settledView(page, 'cohorts');

/** Does what changes the view's query, and waits for the API's answer to be drawn. */
async function asking(page: Page, action: () => Promise<unknown>): Promise<void> {
  await Promise.all([page.waitForResponse((response) => new URL(response.url()).pathname === '/v1/cohorts'), action()]);
  await settled(page);
}

/** The address's parameters (after `#/cohorts?`). */
async function address(page: Page): Promise<URLSearchParams> {
  const hash = (await page.evaluate(() => (globalThis as unknown as InPage).location.hash)) as string;
  return new URLSearchParams(hash.split('?')[1] ?? '');
}

interface Tagged {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  checked?: boolean;
  querySelector(selector: string): Tagged | null;
  querySelectorAll(selector: string): ArrayLike<Tagged>;
}

interface Cell {
  text: string;
  value: string | undefined;
  state: string | undefined;
  tone: string | undefined;
  payback: boolean;
}
interface HeatRow {
  key: string;
  charted: boolean;
  cells: Record<string, Cell>;
}

/** The heat map's rows: each row's `data-key`, whether it is ticked for the chart, and every `data-col` cell's text and data attributes. */
function heatMap(page: Page): Promise<HeatRow[]> {
  return page.$$eval('table[data-table=cohorts] tbody tr', (rows) =>
    rows.map((element) => {
      const row = element as unknown as Tagged;
      return {
        key: row.dataset.key ?? '',
        charted: row.querySelector('input[name=chart]')?.checked === true,
        cells: Object.fromEntries(
          Array.from(row.querySelectorAll('[data-col]')).map((cell) => [
            cell.dataset.col,
            { text: (cell.textContent ?? '').trim(), value: cell.dataset.value, state: cell.dataset.state, tone: cell.dataset.tone, payback: cell.dataset.payback !== undefined },
          ]),
        ),
      };
    }),
  );
}

interface CohortRow {
  cohort: string;
  key: string;
  currency: string;
  customers: number;
  spend: number;
  cac: number | null;
  repeatRate: number | null;
  crossCurrencyOrders: number;
  revenue: Array<number | null>;
  cumulativePerCustomer: Array<number | null>;
  marginPerCustomer?: Array<number | null>;
  paybackMonth: number | null;
  partialOffset: number | null;
}
interface CohortsAnswer {
  model: string;
  groupBy: string;
  months: number;
  basis: 'revenue' | 'margin';
  grossMarginPercent?: number;
  rows: CohortRow[];
}

async function cohorts(query: Record<string, string | number>, key = shop.keys.marketing): Promise<CohortsAnswer> {
  const response = await api.request('GET', `/v1/cohorts?${new URLSearchParams(Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]))}`, { key });
  expect(response.status, response.text).toBe(200);
  return response.body;
}

const text = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));

/** The heat map holds the answer's USD rows, in its order, each figure in its data attributes; `shown` picks the offsets' figures (value per customer, margin, or revenue). */
function expectHeatMap(shownRows: HeatRow[], answer: CohortsAnswer, shown: (row: CohortRow) => Array<number | null>): void {
  const rows = answer.rows.filter((row) => row.currency === 'USD');
  expect(shownRows.map((row) => row.key)).toEqual(rows.map((row) => `${row.cohort}|${row.key}|${row.currency}`));
  for (const [index, row] of rows.entries()) {
    const cells = shownRows[index]!.cells;
    const where = `${row.cohort} ${row.key}`;
    expect(cells.customers!.value, where).toBe(text(row.customers));
    expect(cells.spend!.value, where).toBe(text(row.spend));
    expect(cells.cac!.value, where).toBe(text(row.cac));
    expect(cells.repeatRate!.value, where).toBe(text(row.repeatRate));
    expect(cells.payback!.value, where).toBe(text(row.paybackMonth));
    const offsets = Object.keys(cells).filter((column) => /^m\d+$/.test(column));
    expect(offsets, where).toEqual(Array.from({ length: answer.months }, (_, k) => `m${k}`));
    for (let k = 0; k < answer.months; k += 1) {
      const cell = cells[`m${k}`]!;
      expect(cell.value, `${where} M${k}`).toBe(text(shown(row)[k]));
      expect(cell.state, `${where} M${k}`).toBe(row.revenue[k] === null ? 'not-reached' : k === row.partialOffset ? 'partial' : 'closed');
      expect(cell.payback, `${where} M${k}`).toBe(k === row.paybackMonth);
      // A month not reached is empty on screen (its words are for screen readers only); a reached one shows its figure.
      if (row.revenue[k] === null) expect(cell.text).toBe('not reached yet');
    }
  }
}

describe('the Cohorts view with a marketing key', () => {
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

  it('is in the navigation after Paths and draws the heat map exactly as GET /v1/cohorts answers the same query', async () => {
    const views = await page.$$eval('nav.views a', (links) => links.map((link) => (link as unknown as Tagged).dataset.view));
    expect(views.indexOf('cohorts')).toBe(views.indexOf('paths') + 1);
    await asking(page, () => page.click('nav.views a[data-view=cohorts]'));
    expect(await page.textContent('main h2')).toBe('Cohorts');
    expect(await page.$('[data-state=error]')).toBeNull();

    // By default: the twelve cohort months up to the month the period ends in, by channel under last non-direct, twelve months since the first order.
    expect([await page.inputValue('input[name=cohortFrom]'), await page.inputValue('input[name=cohortTo]')]).toEqual([DEFAULT_RANGE.from, DEFAULT_RANGE.to]);
    expect([
      await page.inputValue('select[name=model]'),
      await page.inputValue('select[name=groupBy]'),
      await page.inputValue('select[name=months]'),
      await page.inputValue('select[name=show]'),
    ]).toEqual(['last_non_direct', 'channel', '12', 'cumulative']);
    const query = { from: DEFAULT_RANGE.from, to: DEFAULT_RANGE.to, groupBy: 'channel', model: 'last_non_direct', months: 12 };
    expect(Object.fromEntries(tab.asked.at(-1)!)).toEqual({ ...query, months: '12' });
    const answer = await cohorts(query);
    const shown = await heatMap(page);
    expectHeatMap(shown, answer, (row) => row.cumulativePerCustomer);

    // Figures worked out by hand: June's Paid Search customer brought $60.00, then $30.00, against a CAC of $80.00 — paid back in month 1.
    const june = shown.find((row) => row.key === '2026-06|Paid Search|USD')!;
    expect([june.cells.customers!.text, june.cells.spend!.text, june.cells.cac!.text, june.cells.repeatRate!.text, june.cells.payback!.text]).toEqual(['1', '$80.00', '$80.00', '100.0%', 'M1']);
    expect([june.cells.m0!.value, june.cells.m1!.value, june.cells.m3!.value]).toEqual(['6000', '9000', '15000']);
    expect([june.cells.m0!.tone, june.cells.m1!.tone, june.cells.m3!.tone]).toEqual(['cac-1', 'cac-2', 'cac-3']);
    expect(june.cells.m1!.text).toBe('$90.00✓ (pays back its CAC this month)');
    // ben's refund two months later dips Paid Social's curve: $150.00, $150.00, $100.00.
    const social = shown.find((row) => row.key === '2026-06|Paid Social|USD')!;
    expect([social.cells.m0!.value, social.cells.m1!.value, social.cells.m2!.value]).toEqual(['15000', '15000', '10000']);
    // The current month is marked, the months not reached yet are empty; a row without a CAC is shaded by value.
    const email = shown.find((row) => row.key === '2026-07|Email|USD')!;
    const current = `m${Number(THIS_MONTH.slice(5)) - 7 + (Number(THIS_MONTH.slice(0, 4)) - 2026) * 12}`;
    expect(email.cells[current]).toMatchObject({ state: 'partial', value: '10000' });
    expect(email.cells[current]!.text).toContain('*');
    expect(email.cells.m11!.state).toBe('not-reached');
    expect(email.cells.cac!.text).toBe('—');
    expect(email.cells.m0!.tone).toMatch(/^value-/);
    expect(shown.some((row) => row.key === '2026-08|(none)|USD')).toBe(true);

    // eve's euro order: its own column and a note, the basis stated.
    const september = shown.find((row) => row.key === '2026-09|Paid Search|USD')!;
    expect(september.cells.crossCurrencyOrders!.value).toBe('1');
    expect(await page.textContent('[data-note=cross-currency]')).toContain('1 in 2026-09 · Paid Search');
    expect(await page.textContent('[data-note=basis]')).toContain('Payback is judged on revenue');
    await screenshot(page, 'cohorts');
    expect(tab.errors).toEqual([]);
  });

  it('asks again when the model, the grouping, the months, the cohort range or the cells change, and the address keeps every choice', async () => {
    await asking(page, () => page.selectOption('select[name=model]', 'linear'));
    expect((await address(page)).get('model')).toBe('linear');
    expect(tab.asked.at(-1)!.get('model')).toBe('linear');
    expectHeatMap(await heatMap(page), await cohorts({ ...DEFAULT_RANGE, groupBy: 'channel', model: 'linear', months: 12 }), (row) => row.cumulativePerCustomer);

    // Not grouped: one row per cohort month, every customer of it, named by the month alone.
    await asking(page, () => page.selectOption('select[name=groupBy]', 'none'));
    expect((await address(page)).get('groupBy')).toBe('none');
    const whole = await cohorts({ ...DEFAULT_RANGE, groupBy: 'none', model: 'linear', months: 12 });
    const months = await heatMap(page);
    expectHeatMap(months, whole, (row) => row.cumulativePerCustomer);
    expect(months.map((row) => row.cells.cohort!.text)).toEqual(whole.rows.map((row) => row.cohort));
    expect(months.find((row) => row.key === '2026-06|(all)|USD')!.cells.customers!.value).toBe('2');

    await asking(page, () => page.selectOption('select[name=groupBy]', 'campaign'));
    expect((await address(page)).get('groupBy')).toBe('campaign');
    const byCampaign = await cohorts({ ...DEFAULT_RANGE, groupBy: 'campaign', model: 'linear', months: 12 });
    const campaigns = await heatMap(page);
    expectHeatMap(campaigns, byCampaign, (row) => row.cumulativePerCustomer);
    // fay's order followed two campaigns: half a customer of each, her $200.00 worth $200.00 per (half) customer.
    expect(campaigns.find((row) => row.key === '2026-10|spring|USD')!.cells.customers).toMatchObject({ value: '0.5', text: '0.5' });
    expect(campaigns.find((row) => row.key === '2026-10|summer|USD')!.cells.m0!.value).toBe('20000');

    await asking(page, () => page.selectOption('select[name=months]', '24'));
    expect((await address(page)).get('months')).toBe('24');
    const longer = await cohorts({ ...DEFAULT_RANGE, groupBy: 'campaign', model: 'linear', months: 24 });
    expectHeatMap(await heatMap(page), longer, (row) => row.cumulativePerCustomer);

    await asking(page, () => page.fill('input[name=cohortFrom]', '2026-08'));
    expect((await address(page)).get('cohortFrom')).toBe('2026-08');
    expect(tab.asked.at(-1)!.get('from')).toBe('2026-08');
    const later = await cohorts({ from: '2026-08', to: DEFAULT_RANGE.to, groupBy: 'campaign', model: 'linear', months: 24 });
    expect(later.rows.every((row) => row.cohort >= '2026-08')).toBe(true);
    expectHeatMap(await heatMap(page), later, (row) => row.cumulativePerCustomer);

    // The cells can show the month's revenue instead: the same answer, read again from the page.
    await page.selectOption('select[name=show]', 'revenue');
    await page.waitForFunction(() => (globalThis as unknown as InPage).location.hash.includes('show=revenue'));
    expectHeatMap(await heatMap(page), later, (row) => row.revenue);

    // A range the API would refuse is said on the page and never asked.
    const before = tab.asked.length;
    await page.fill('input[name=cohortTo]', '2026-07');
    expect(await page.textContent('form[aria-label="Cohorts and currency"] .field-error')).toBe('The range ends before it starts.');
    expect(tab.asked.length).toBe(before);

    // The address holds every choice: reopened, the view asks the same question and draws the same figures.
    const kept = await address(page);
    expect(Object.fromEntries(kept)).toMatchObject({ model: 'linear', groupBy: 'campaign', months: '24', cohortFrom: '2026-08', show: 'revenue' });
    await asking(page, () => page.reload());
    expect([
      await page.inputValue('select[name=model]'),
      await page.inputValue('select[name=groupBy]'),
      await page.inputValue('select[name=months]'),
      await page.inputValue('select[name=show]'),
    ]).toEqual(['linear', 'campaign', '24', 'revenue']);
    expect(await page.inputValue('input[name=cohortFrom]')).toBe('2026-08');
    expect(Object.fromEntries(tab.asked.at(-1)!)).toEqual({ from: '2026-08', to: DEFAULT_RANGE.to, groupBy: 'campaign', model: 'linear', months: '24' });
    expectHeatMap(await heatMap(page), later, (row) => row.revenue);
    expect(tab.errors).toEqual([]);
  });

  it('draws the ticked rows in the chart, each against its CAC, and keeps the ticks in the address', async () => {
    await page.goto(`${api.runtime.url}/#/cohorts?groupBy=channel&model=last_non_direct`);
    await settled(page);
    await page.waitForSelector('figure[data-chart=cohorts] canvas');
    const answer = await cohorts({ ...DEFAULT_RANGE, groupBy: 'channel', model: 'last_non_direct', months: 12 });
    const rowName = (row: CohortRow) => `${row.cohort} · ${row.key}`;
    const byKey = new Map(answer.rows.map((row) => [`${row.cohort}|${row.key}|${row.currency}`, row]));
    /** What the chart should draw for the ticked rows: each row's line, and a dashed CAC line for a row that has one. */
    const expected = (keys: string[]) =>
      keys.flatMap((key) => {
        const row = byKey.get(key)!;
        return row.cac === null ? [rowName(row)] : [rowName(row), `CAC ${rowName(row)}`];
      });
    const drawn = async () => ({
      series: JSON.parse((await page.getAttribute('figure[data-chart=cohorts]', 'data-series')) ?? '[]') as string[],
      legend: await page.$$eval('figure[data-chart=cohorts] .u-legend .u-label', (labels) => labels.map((label) => (label as unknown as Tagged).textContent ?? '')),
    });

    // A few rows are ticked by default: those with a CAC first, then the most customers.
    const ticked = (await heatMap(page)).filter((row) => row.charted).map((row) => row.key);
    expect(ticked).toHaveLength(3);
    expect(ticked.every((key) => byKey.get(key)!.cac !== null)).toBe(true);
    expect(await drawn()).toEqual({ series: expected(ticked), legend: ['Month', ...expected(ticked)] });

    // Untick one, tick the Email row: the chart follows, and the address says which rows.
    await page.click(`table[data-table=cohorts] tr[data-key="${ticked[0]}"] input[name=chart]`);
    await page.click('table[data-table=cohorts] tr[data-key="2026-07|Email|USD"] input[name=chart]');
    const order = (await heatMap(page)).map((row) => row.key);
    const now = [...ticked.slice(1), '2026-07|Email|USD'].sort((a, b) => order.indexOf(a) - order.indexOf(b));
    await expect.poll(async () => (await drawn()).legend).toEqual(['Month', ...expected(now)]);
    expect((await drawn()).series).toEqual(expected(now));
    expect(JSON.parse((await address(page)).get('chart')!)).toEqual(now.map((key) => key.split('|').slice(0, 2)));
    // The chart is a picture: hidden from screen readers, which read the table.
    expect(await page.getAttribute('figure[data-chart=cohorts] > div', 'aria-hidden')).toBe('true');
    await screenshot(page, 'cohorts-chart');

    // Reopened from the address, the same rows are ticked and drawn.
    await page.reload();
    await settled(page);
    await page.waitForSelector('figure[data-chart=cohorts] canvas');
    expect((await heatMap(page)).filter((row) => row.charted).map((row) => row.key)).toEqual(now);
    expect((await drawn()).series).toEqual(expected(now));

    // Nothing ticked: the chart says how to draw one.
    for (const key of now) await page.click(`table[data-table=cohorts] tr[data-key="${key}"] input[name=chart]`);
    await page.waitForSelector('[data-chart-empty]');
    expect(await page.$('figure[data-chart=cohorts]')).toBeNull();
    expect(tab.errors).toEqual([]);
  });

  it('downloads the CSV the API answers for the same query, byte for byte, fetched with the key in a header', async () => {
    await asking(page, () => page.goto(`${api.runtime.url}/#/cohorts?groupBy=campaign&model=linear&months=6&cohortFrom=2026-06&cohortTo=2026-11`));
    const [saved] = await Promise.all([page.waitForEvent('download'), page.click('[data-action=download]')]);
    const bytes = readFileSync((await saved.path())!);
    expect(saved.suggestedFilename()).toBe(`${shop.tenantId}-cohorts-linear-campaign-2026-06-to-2026-11.csv`);
    const response = await fetch(`${api.runtime.url}/v1/cohorts?from=2026-06&to=2026-11&groupBy=campaign&model=linear&months=6&format=csv`, {
      headers: { authorization: `Bearer ${shop.keys.marketing}` },
    });
    expect(response.status).toBe(200);
    expect(bytes.equals(Buffer.from(await response.arrayBuffer()))).toBe(true);
    expect(bytes.toString('utf8')).toMatch(/^cohort,key,currency,customers,spend,cac,repeatRate,crossCurrencyOrders,paybackMonth,paybackBasis,partialOffset,revenue_m0,/);
    expect(bytes.toString('utf8')).toContain('2026-10,spring,USD,0.5,');
    expect(await page.textContent('.download [role=status]')).toContain(`${shop.tenantId}-cohorts-linear-campaign-2026-06-to-2026-11.csv`);
    expect(tab.errors).toEqual([]);
  });

  it('has no serious accessibility problem, at 1366 px and at 768 px, and nothing wider than the screen but its table', async () => {
    await asking(page, () => page.goto(`${api.runtime.url}/#/cohorts?groupBy=channel&months=24`));
    await page.waitForSelector('figure[data-chart=cohorts] canvas');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 768, height: 1024 });
    await expect.poll(() => page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    expect(await page.textContent('[data-scroll-hint]')).toContain('scroll sideways');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'cohorts-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(tab.errors).toEqual([]);
  });

  it('states the basis: margin once the tenant sets a gross margin, the cells and payback then on margin per customer', async () => {
    const patched = await api.request('PATCH', '/v1/config', { key: shop.keys.admin, json: { grossMarginPercent: 40 } });
    expect(patched.status, patched.text).toBe(200);
    await asking(page, () => page.goto(`${api.runtime.url}/#/cohorts?groupBy=channel&model=last_non_direct&chart=[]`));
    const answer = await cohorts({ ...DEFAULT_RANGE, groupBy: 'channel', model: 'last_non_direct', months: 12 });
    expect(answer).toMatchObject({ basis: 'margin', grossMarginPercent: 40 });
    expect(await page.textContent('[data-note=basis]')).toContain('Payback is judged on margin');
    expect(await page.textContent('[data-note=basis]')).toContain('40% gross margin');
    expect(await page.inputValue('select[name=show]')).toBe('margin');
    expectHeatMap(await heatMap(page), answer, (row) => row.marginPerCustomer!);
    // On margin, June's Paid Search has not paid back its $80.00 yet ($150.00 × 40% = $60.00).
    expect((await heatMap(page)).find((row) => row.key === '2026-06|Paid Search|USD')!.cells.payback!.text).toBe('not yet');
    await page.selectOption('select[name=show]', 'cumulative');
    await page.waitForFunction(() => (globalThis as unknown as InPage).location.hash.includes('show=cumulative'));
    expectHeatMap(await heatMap(page), answer, (row) => row.cumulativePerCustomer);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(tab.errors).toEqual([]);
  });
});

describe('the Cohorts view for a tenant with no customers', () => {
  it('shows an empty state, not an error, with nothing to chart, and the CSV download still offered', async () => {
    const { context, page, errors, asked } = await open();
    await signIn(page, empty.keys.marketing);
    await asking(page, () => page.click('nav.views a[data-view=cohorts]'));
    expect(asked).toHaveLength(1);
    expect(await page.$('[data-state=error]')).toBeNull();
    expect(await page.textContent('[data-state=empty]')).toContain(`No USD customers in the cohorts ${DEFAULT_RANGE.from} to ${DEFAULT_RANGE.to} yet.`);
    expect(await page.$('table[data-table=cohorts]')).toBeNull();
    expect(await page.$('figure[data-chart=cohorts]')).toBeNull();
    expect(await page.$('[data-action=download]')).not.toBeNull();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    for (const url of requested) for (const key of [...Object.values(shop.keys), ...Object.values(empty.keys)]) expect(url).not.toContain(key);
    await context.close();
  });
});
