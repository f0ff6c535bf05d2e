import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityProblems, cellOf, type InPage, openTab, screenshot, settled, signIn, type Tab, textOf } from '../support/dashboard.ts';

// Months that stay closed (SPEC §11, §14) in the dashboard's finance view,
// in Debian's Chromium against the local runtime: a store's October order
// sent through the API; the finance key closes October after confirming; a
// refund dated in October arrives late and is listed as an adjustment in
// November; the admin key reopens October (an empty reason shows Baton's
// 422); a stale page's close shows Baton's 409; the marketing key reads the
// months without a button. Every list is compared with GET /v1/periods.

const TIMEZONE = 'UTC';

let api: TestApi;
let browser: Browser;
let shop: CreatedTenant;
/** Every URL the browser asked for: none may carry a key. */
const requested: string[] = [];
/** The API paths and queries the browser asked for, in order. */
const asked: URL[] = [];

const ORDER = { transactionId: 'o-oct', kind: 'order', occurredAt: '2026-10-20T10:00:00Z', person: { customerId: 'ana' }, currency: 'USD', gross: '85.00' };
/** Dated in October, sent once October is closed: posted in November as an adjustment. */
const REFUND = { transactionId: 'r-oct', kind: 'refund', orderId: 'o-oct', occurredAt: '2026-10-28T10:00:00Z', person: { customerId: 'ana' }, currency: 'USD', gross: '85.00' };
const REASON = 'the refund of o-oct belongs to October';

const open = () =>
  openTab(browser, `${api.runtime.url}/`, {
    requested,
    onRequest: (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/v1/')) asked.push(url);
    },
  });

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  const response = await api.request('POST', '/v1/transactions', { key: shop.keys.ingest, json: ORDER });
  expect(response.status, response.text).toBe(201);
  await api.settle();
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

const read = <T = any>(path: string, key = shop.keys.finance): Promise<T> => api.read<T>(path, key);
const text = textOf;
const cell = cellOf;
const rowKeys = (page: Page, table: string) => page.$$eval(`table[data-table=${table}] tbody tr`, (rows) => rows.map((row) => row.getAttribute('data-key')));
const buttons = (page: Page) =>
  page.$$eval('[data-months] button[data-action]', (found) => found.map((button) => `${button.getAttribute('data-action')} ${button.getAttribute('data-month') ?? ''}`.trim()));
const navigation = (page: Page) => page.$$eval('nav.views a', (links) => links.map((link) => link.getAttribute('data-view')));
/** The focused element's `data-` attribute, or its tag and name. */
const focused = (page: Page, attribute: string) => page.evaluate((name) => (globalThis as unknown as InPage).document.activeElement?.getAttribute(name) ?? null, attribute);
const focusedText = (page: Page) =>
  page.evaluate(() => ((globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '').trim());

/** Waits until the outcome line of the months says `words`. */
async function outcome(page: Page, words: string): Promise<void> {
  await page.waitForFunction((expected) => ((globalThis as unknown as InPage).document.querySelector('[data-period-status]')?.textContent ?? '').includes(expected), words);
}

/** Chromium logs every refused request; only the statuses a step expects may be among the page's errors. */
function unexpected(errors: string[], statuses: number[]): string[] {
  return errors.filter((error) => !statuses.some((status) => error.includes(`status of ${status}`)));
}

/** Opens the finance view of `month` by address: from another month of it, only the address's hash changes, so the view is waited for until it shows `month`. */
async function financeView(page: Page, month: string): Promise<void> {
  await page.goto(`${api.runtime.url}/#/finance?month=${month}`);
  await page.waitForFunction(
    (expected) => (globalThis as unknown as { document: { querySelector(selector: string): { value: string } | null } }).document.querySelector('input[name=month]')?.value === expected,
    month,
  );
  await settled(page, 'finance');
  await page.waitForSelector('table[data-table=periods]');
}

describe('closing months in the finance view', () => {
  let finance: Tab;
  const last4 = () => shop.keys.finance.slice(-4);
  beforeAll(async () => {
    finance = await open();
    await signIn(finance.page, shop.keys.finance);
  });
  afterAll(async () => {
    await finance?.context.close();
  });

  it('a finance key sees the months, October open with a Close button, and closes it after confirming', async () => {
    const { page } = finance;
    expect(await navigation(page)).toEqual(['finance']);
    await financeView(page, '2026-10');
    const periods = await read('/v1/periods');
    expect(periods).toMatchObject({ firstCloseable: '2026-10', closedThrough: null });
    expect(periods.months.map((line: { month: string }) => line.month).at(-1)).toBe('2026-10');
    // The list is the API's, newest first, with its status.
    expect(await rowKeys(page, 'periods')).toEqual(periods.months.map((line: { month: string }) => line.month));
    expect(await page.getAttribute('table[data-table=periods] tr[data-key="2026-10"] [data-col=status]', 'data-status')).toBe('open');
    expect(await cell(page, 'periods', '2026-10', 'status')).toBe('Open');
    expect(await cell(page, 'periods', periods.currentMonth, 'status')).toContain('current month');
    // October is the month that can be closed next (the first closeable, open, before the current one): its button alone.
    expect(await buttons(page)).toEqual(['close 2026-10']);
    expect(await text(page, '[data-action=close][data-month="2026-10"]')).toBe('Close 2026-10');
    expect(await page.$('[data-notice=closed-month]')).toBeNull();
    expect(await page.textContent('[data-note=period-scope]')).toContain('only an admin key reopens');

    // Closing asks first; cancelling asks nothing of Baton and leaves the focus on the button.
    await page.click('[data-action=close][data-month="2026-10"]');
    await page.waitForSelector('[data-confirm=close]');
    expect(await focusedText(page)).toBe('Close 2026-10?');
    expect(await text(page, '[data-confirm=close]')).toContain('posted as an adjustment in 2026-11');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.click('[data-confirm=close] [data-action=cancel]');
    expect(await page.$('[data-confirm=close]')).toBeNull();
    expect(await focused(page, 'data-action')).toBe('close');
    expect(asked.some((url) => url.pathname.endsWith('/close'))).toBe(false);

    const summaries = asked.filter((url) => url.pathname === '/v1/exports/transactions/summary').length;
    await page.click('[data-action=close][data-month="2026-10"]');
    await page.click('[data-action=confirm-close]');
    await outcome(page, '2026-10 is closed (version 1)');
    await settled(page, 'finance');
    expect(await focused(page, 'data-period-status')).not.toBeNull();

    // October as the API now lists it: closed, version 1, by this finance key.
    const after = await read('/v1/periods');
    const october = after.months.find((line: { month: string }) => line.month === '2026-10');
    expect(october).toMatchObject({ status: 'closed', version: 1, closedBy: `finance key …${last4()}` });
    expect(await cell(page, 'periods', '2026-10', 'status')).toBe('Closed');
    expect(await cell(page, 'periods', '2026-10', 'version')).toBe('1');
    expect(await cell(page, 'periods', '2026-10', 'closedBy')).toBe(`finance key …${last4()}`);
    expect(await cell(page, 'periods', '2026-10', 'closedAt')).not.toBe('—');
    // The month shown is closed: said above its figures, which were read again.
    const notice = await text(page, '[data-notice=closed-month]');
    expect(notice).toContain('Closed');
    expect(notice).toContain('2026-10 is closed: its figures are final.');
    expect(notice).toContain(`by finance key …${last4()}`);
    expect(notice).toContain('posted as an adjustment in 2026-11');
    // The summary table and the adjustments (a finance key's come from the summary) are each read again.
    expect(asked.filter((url) => url.pathname === '/v1/exports/transactions/summary').length).toBe(summaries + 2);
    // November is next; a finance key never reopens.
    expect(await buttons(page)).toEqual(['close 2026-11']);

    await screenshot(page, 'periods-finance');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 1366, height: 900 });
    expect(finance.errors).toEqual([]);
  });

  it('lists a refund dated in October that arrived after it closed as November’s adjustment from 2026-10, late_transaction, −$85.00', async () => {
    const response = await api.request('POST', '/v1/transactions', { key: shop.keys.ingest, json: REFUND });
    expect(response.status, response.text).toBe(201);
    await api.settle();
    const november = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&groupBy=channel', shop.keys.marketing);
    expect(november.totals).toEqual([expect.objectContaining({ currency: 'USD', adjustments: [{ originalPeriod: '2026-10', reason: 'late_transaction', revenue: -8_500 }] })]);

    // A marketing key reads the adjustments on the attribution report's totals, and opens the finance view by address.
    const { context, page, errors } = await open();
    await signIn(page, shop.keys.marketing);
    expect(await navigation(page)).not.toContain('finance');
    await financeView(page, '2026-11');
    expect(asked.some((url) => url.pathname === '/v1/attribution/report' && url.searchParams.get('from') === '2026-11-01' && url.searchParams.get('to') === '2026-11-30')).toBe(true);
    expect(await rowKeys(page, 'adjustments')).toEqual(['2026-10|late_transaction|USD']);
    expect(await cell(page, 'adjustments', '2026-10|late_transaction|USD', 'originalPeriod')).toBe('2026-10');
    expect(await page.getAttribute('table[data-table=adjustments] tr[data-key="2026-10|late_transaction|USD"] [data-col=reason]', 'data-reason')).toBe('late_transaction');
    expect(await cell(page, 'adjustments', '2026-10|late_transaction|USD', 'reason')).toContain('Late transaction');
    expect(await cell(page, 'adjustments', '2026-10|late_transaction|USD', 'revenue')).toBe('-$85.00');
    expect(await page.getAttribute('table[data-table=adjustments] tr[data-key="2026-10|late_transaction|USD"] [data-col=revenue]', 'data-value')).toBe('-8500');
    // November is open: no closed notice. The months, without a button; no export for this key.
    expect(await page.$('[data-notice=closed-month]')).toBeNull();
    expect(await buttons(page)).toEqual([]);
    expect(await page.$('[data-months] [data-col=action], [data-months] [data-confirm]')).toBeNull();
    expect(await page.textContent('[data-note=period-scope]')).toContain('a finance or admin key closes them');
    expect(await page.$('table[data-table=summary]')).toBeNull();
    expect(await page.$('[data-action=download]')).toBeNull();
    expect(await page.textContent('[data-note=export-scope]')).toContain('finance key');
    expect(await rowKeys(page, 'periods')).toEqual((await read('/v1/periods', shop.keys.marketing)).months.map((line: { month: string }) => line.month));
    await screenshot(page, 'periods-adjustments');
    expect(await accessibilityProblems(page)).toEqual([]);

    // October itself stays as it closed, and says so.
    await financeView(page, '2026-10');
    expect(await text(page, '[data-notice=closed-month]')).toContain('2026-10 is closed');
    expect(await page.$('table[data-table=adjustments]')).toBeNull();
    expect(errors).toEqual([]);
    await context.close();

    // The finance key reads them from the export summary (it asks no report, which Baton would answer 403): the same adjustment.
    const reports = asked.filter((url) => url.pathname === '/v1/attribution/report').length;
    await financeView(finance.page, '2026-11');
    expect(await rowKeys(finance.page, 'adjustments')).toEqual(['2026-10|late_transaction|USD']);
    expect(await cell(finance.page, 'adjustments', '2026-10|late_transaction|USD', 'revenue')).toBe('-$85.00');
    expect(asked.filter((url) => url.pathname === '/v1/attribution/report').length).toBe(reports);
    expect(finance.errors).toEqual([]);
  });

  it('an admin key reopens October: an empty reason shows Baton’s 422, a reason reopens it and takes the adjustment back', async () => {
    const { context, page, errors } = await open();
    await signIn(page, shop.keys.admin);
    expect(await navigation(page)).toEqual(['finance']);
    await financeView(page, '2026-11');
    // An admin key closes the next month and reopens the latest closed one; it reads no export.
    expect(await buttons(page)).toEqual(['close 2026-11', 'reopen 2026-10']);
    expect(await page.$('table[data-table=summary]')).toBeNull();

    await page.click('[data-action=reopen][data-month="2026-10"]');
    await page.waitForSelector('[data-confirm=reopen]');
    expect(await focused(page, 'name')).toBe('reason');
    await page.click('[data-action=confirm-reopen]');
    await page.waitForSelector('[data-confirm=reopen] [data-problem][data-status="422"]');
    const problem = await text(page, '[data-problem]');
    expect(problem).toBe('Reopening 2026-10 was refused. Baton answered 422: Reopening a closed month needs a reason.');
    expect(await page.getAttribute('[data-problem]', 'role')).toBe('alert');
    expect(await page.getAttribute('textarea[name=reason]', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('textarea[name=reason]', 'aria-describedby')).toBe(await page.getAttribute('[data-problem]', 'id'));
    expect(await focused(page, 'name')).toBe('reason');
    expect((await read('/v1/periods')).closedThrough).toBe('2026-10');
    await screenshot(page, 'periods-reopen-422');
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.fill('textarea[name=reason]', REASON);
    await page.click('[data-action=confirm-reopen]');
    await outcome(page, '2026-10 is reopened: 1 adjustment taken back into it from later months.');
    await settled(page, 'finance');
    expect(await page.$('[data-confirm=reopen]')).toBeNull();
    expect(await page.$('[data-problem]')).toBeNull();

    const periods = await read('/v1/periods', shop.keys.admin);
    const october = periods.months.find((line: { month: string }) => line.month === '2026-10');
    expect(periods.closedThrough).toBeNull();
    expect(october).toMatchObject({ status: 'open', version: 1, closedBy: null });
    expect(october.closings).toEqual([expect.objectContaining({ version: 1, closedBy: `finance key …${last4()}`, reopenedBy: `admin key …${shop.keys.admin.slice(-4)}`, reason: REASON })]);
    expect(await cell(page, 'periods', '2026-10', 'status')).toBe('Open');
    const history = await text(page, 'table[data-table=periods] tr[data-key="2026-10"] [data-col=history] li[data-version="1"]');
    expect(history).toContain(`closed`);
    expect(history).toContain(`by finance key …${last4()}`);
    expect(history).toContain(`by admin key …${shop.keys.admin.slice(-4)}`);
    expect(history).toContain(`“${REASON}”`);
    // October is next to close again (as version 2); nothing is closed to reopen.
    expect(await buttons(page)).toEqual(['close 2026-10']);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(unexpected(errors, [422])).toEqual([]);
    await context.close();

    // The adjustment went back into October: November lists none.
    await api.settle();
    const november = await read('/v1/attribution/report?from=2026-11-01&to=2026-11-30&groupBy=channel', shop.keys.marketing);
    expect(november.totals.flatMap((totals: { adjustments?: unknown[] }) => totals.adjustments ?? [])).toEqual([]);
    const marketing = await open();
    await signIn(marketing.page, shop.keys.marketing);
    await financeView(marketing.page, '2026-11');
    expect(await marketing.page.$('table[data-table=adjustments]')).toBeNull();
    expect(await text(marketing.page, 'main')).toContain('No adjustments posted in 2026-11.');
    expect(await cell(marketing.page, 'periods', '2026-10', 'history')).toContain(REASON);
    expect(marketing.errors).toEqual([]);
    await marketing.context.close();
  });

  it('a page left open shows Baton’s 409 where it refused, and reads the months again', async () => {
    // The finance tab, left open on November since October closed, still offers November, though the admin has reopened October since.
    const { page } = finance;
    expect(await buttons(page)).toEqual(['close 2026-11']);
    await page.click('[data-action=close][data-month="2026-11"]');
    await page.click('[data-action=confirm-close]');
    await page.waitForSelector('[data-months] > [data-problem][data-status="409"]');
    expect(await text(page, '[data-problem]')).toBe('Closing 2026-11 was refused. Baton answered 409: Months close in order: close 2026-10 first.');
    expect(await page.getAttribute('[data-problem]', 'role')).toBe('alert');
    expect(await focused(page, 'data-status')).toBe('409');
    expect(await page.$('[data-confirm]')).toBeNull();
    // The list as it is now: October open, with its reopening, and next to close.
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('table[data-table=periods] tr[data-key="2026-10"] [data-col=status]')?.textContent === 'Open');
    expect(await cell(page, 'periods', '2026-10', 'history')).toContain(REASON);
    expect(await buttons(page)).toEqual(['close 2026-10']);
    expect(await accessibilityProblems(page)).toEqual([]);

    // Closing it again is its version 2; the error gives way to the outcome.
    await page.click('[data-action=close][data-month="2026-10"]');
    await page.click('[data-action=confirm-close]');
    await outcome(page, '2026-10 is closed (version 2)');
    expect(await page.$('[data-problem]')).toBeNull();
    expect(await cell(page, 'periods', '2026-10', 'version')).toBe('2');
    const october = (await read('/v1/periods')).months.find((line: { month: string }) => line.month === '2026-10');
    expect(october).toMatchObject({ status: 'closed', version: 2, closedBy: `finance key …${last4()}` });
    expect(october.closings).toHaveLength(2);
    await financeView(page, '2026-10');
    expect(await text(page, '[data-notice=closed-month]')).toContain('Version 2');
    expect(unexpected(finance.errors, [409])).toEqual([]);

    for (const url of requested) for (const key of Object.values(shop.keys)) expect(url).not.toContain(key);
  });
});
