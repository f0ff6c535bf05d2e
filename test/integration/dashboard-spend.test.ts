import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';
import { accessibilityProblems, type InPage, openTab, screenshot, settled, show, signIn, type Tab } from '../support/dashboard.ts';

const open = () => openTab(browser, `${api.runtime.url}/`, { requested });

// The dashboard's Spend view (SPEC §11, §12) in Debian's Chromium against the
// local runtime: ad platforms' files uploaded through the file input and by
// drag and drop, a refused file's bad lines, the audit, and a mapping saved
// from the audit's "map to campaign…". Figures are read from the page and
// compared with the API's own answers.

const TIMEZONE = 'America/New_York';

let api: TestApi;
let browser: Browser;
let shop: CreatedTenant;
let empty: CreatedTenant;
/** Every URL the browser asked for: none may carry a key. */
const requested: string[] = [];

/** `YYYY-MM-DD` in the tenant's zone, `days` from today: inside the dashboard's default period (the last 30 days). */
function dayFromToday(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: TIMEZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  return new Date(Date.parse(`${today}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}
const D1 = dayFromToday(-5);
const D2 = dayFromToday(-4);
/** Outside the default period: the large file's day, so it leaves the audit as it is. */
const OLD_DAY = dayFromToday(-60);
const longDate = (day: string) => new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', dateStyle: 'long' }).format(new Date(`${day}T00:00:00Z`));

/** A file as Google Ads writes it: UTF-16LE with its byte-order mark, tab-separated, a title and a date range above the header, totals rows below. */
const utf16le = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const GOOGLE = utf16le(
  [
    'Campaign report',
    `${longDate(D1)} - ${longDate(D2)}`,
    'Day\tCampaign\tCampaign ID\tCurrency code\tCost',
    `${D1}\tSpring Sale\t9001\tUSD\t1,200.50`,
    `${D2}\tSpring Sale\t9001\tUSD\t99.50`,
    `${D2}\tDisplay Remarketing\t9002\tUSD\t10.00`,
    'Total: Account\t\t\t\t1,310.00',
    'Total: Campaigns\t\t\t\t1,310.00',
    '',
  ].join('\r\n'),
);

/** Meta's export: comma-separated UTF-8, a period per row (daily), the currency in the cost's heading. */
const META = [
  'Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)',
  `${D1},${D1},FB Prospecting,120210000000001,40.00`,
  `${D2},${D2},FB Prospecting,120210000000001,60.00`,
  '',
].join('\n');

/** A Meta file that cannot be imported: a row spanning two days, a negative cost, a cost that is not a number. */
const BAD = [
  'Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)',
  `${D1},${D2},FB Prospecting,120210000000001,40.00`,
  `${D1},${D1},FB Prospecting,120210000000001,-5.00`,
  `${D2},${D2},FB Retargeting,120210000000002,lots`,
  '',
].join('\n');

/** Over 1 MiB: the dashboard sends it gzip-compressed. One campaign on one day, its rows summed into one line. */
const LARGE_ROWS = 30_000;
const LARGE = [
  'Reporting starts,Reporting ends,Campaign name,Campaign ID,Amount spent (USD)',
  ...Array.from({ length: LARGE_ROWS }, () => `${OLD_DAY},${OLD_DAY},Bulk Awareness,777000000000001,0.01`),
  '',
].join('\n');

beforeAll(async () => {
  api = await TestApi.start({ events: true });
  shop = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  empty = await newTenant({ currency: 'USD', timezone: TIMEZONE });
  // Two Google campaigns' visitors bought: Spring Sale by its name (the file's name matches), retargeting-q4 under a name no file has.
  const touch = (touchId: string, customerId: string, url: string) => ({ touchId, occurredAt: `${D1}T15:00:00Z`, person: { customerId }, kind: 'click', url });
  const touches = await api.request('POST', '/v1/touches', {
    key: shop.keys.ingest,
    json: {
      touches: [
        touch('t-gina', 'gina', 'https://shop.example/?utm_source=google&utm_medium=cpc&utm_campaign=Spring%20Sale'),
        touch('t-rita', 'rita', 'https://shop.example/?utm_source=google&utm_medium=display&utm_campaign=retargeting-q4'),
      ],
    },
  });
  expect(touches.body, JSON.stringify(touches.body)).toMatchObject({ accepted: 2, rejected: [] });
  for (const [customerId, gross] of [
    ['gina', '500.00'],
    ['rita', '200.00'],
  ] as const) {
    const order = await api.request('POST', '/v1/transactions', {
      key: shop.keys.ingest,
      json: { transactionId: `o-${customerId}`, kind: 'order', occurredAt: `${D2}T17:00:00Z`, person: { customerId }, currency: 'USD', gross },
    });
    expect(order.status, JSON.stringify(order.body)).toBeLessThan(300);
  }
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

/** The rows of a `data-table`, each as the text of every `data-col` cell. */
function table(page: Page, name: string): Promise<Array<Record<string, string>>> {
  return page.$$eval(`table[data-table="${name}"] tbody tr`, (rows) =>
    rows.map((element) => Object.fromEntries(Array.from((element as unknown as Tagged).querySelectorAll('[data-col]')).map((cell) => [cell.dataset.col, (cell.textContent ?? '').trim()]))),
  );
}

/** A headline figure's value and the note under it ('' when it has none). */
async function figure(page: Page, name: string): Promise<{ value: string; note: string }> {
  return page.$eval(`[data-figure="${name}"]`, (element) => {
    const text = (selector: string) => ((element as unknown as { querySelector(selector: string): Tagged | null }).querySelector(selector)?.textContent ?? '').trim();
    return { value: text('.kpi-value'), note: text('.kpi-note') };
  });
}

/** Chromium logs a refused request ("Failed to load resource: … status of 422"): those the test asked for are expected, nothing else. */
function unexpected(errors: string[], statuses: number[]): string[] {
  return errors.filter((error) => !statuses.some((status) => error.includes(`status of ${status}`)));
}

const SPEND_PERIOD = () => `from=${dayFromToday(-29)}&to=${dayFromToday(0)}`;

describe('the Spend view with a marketing key', () => {
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

  it('is in the navigation, and before any file shows empty imports and an empty audit with the campaigns that have revenue but no spend', async () => {
    expect(await page.$$eval('nav.views a', (links) => links.map((link) => (link as unknown as Tagged).dataset.view))).toContain('spend');
    await show(page, 'spend');
    expect(await page.textContent('main h2')).toBe('Spend');
    expect(await page.$('[data-state=error]')).toBeNull();
    expect(await page.textContent('main')).toContain('No spend file imported yet');
    expect(await page.textContent('[data-audit]')).toContain('No spend in this period');
    const without = await table(page, 'without-spend');
    expect(without.map((row) => [row.campaign, row.revenue]).sort()).toEqual([
      ['retargeting-q4', '$200.00'],
      ['spring sale', '$500.00'],
    ]);
    expect(await page.inputValue('select[name=profile]')).toBe('auto');
    expect(tab.errors).toEqual([]);
  });

  it('uploads Google Ads’ UTF-16 file through the file input and shows what it imported, as the API lists it', async () => {
    await page.setInputFiles('input[type=file][name=file]', { name: 'Campaign report.csv', mimeType: 'text/csv', buffer: GOOGLE });
    await page.waitForSelector('[data-result=imported]');
    await settled(page, 'spend');
    expect(await page.textContent('[data-result=imported] h4')).toBe('What Campaign report.csv imported');
    expect(await figure(page, 'importProfile')).toEqual({ value: 'Google Ads', note: 'detected from the file' });
    expect((await figure(page, 'importDays')).value).toBe(`${D1} – ${D2}`);
    expect(await figure(page, 'importLines')).toEqual({ value: '3', note: '3 daily rows read; a campaign’s rows of one day add up' });
    expect((await figure(page, 'importCampaigns')).value).toBe('2');
    expect((await figure(page, 'importCost-USD')).value).toBe('$1,310.00');
    expect((await figure(page, 'importReplaced')).value).toBe('0');
    expect(await figure(page, 'importSkipped')).toEqual({ value: '2', note: '0 blank, 2 totals, 0 footer' });
    expect(await page.textContent('[data-fact=file]')).toBe('UTF-16LE, tab-separated');
    expect(await page.textContent('[data-fact=preamble]')).toBe(`Campaign report${longDate(D1)} - ${longDate(D2)}`);
    expect(await page.textContent('[data-import-status]')).toBe(`Imported Campaign report.csv: 3 lines of spend, ${D1} to ${D2}.`);

    const listed = (await api.request('GET', '/v1/spend/imports', { key: shop.keys.marketing })).body.imports;
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ profile: 'google_ads', encoding: 'utf-16le', lines: 3, campaigns: 2, totals: [{ currency: 'USD', cost: 131000 }], skipped: { blank: 0, totals: 2, footer: 0 } });
    const rows = await table(page, 'imports');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      profile: 'Google Ads',
      account: listed[0].account,
      days: `${D1} – ${D2}`,
      lines: '3',
      campaigns: '2',
      cost: '$1,310.00',
      replaced: '0',
      skipped: '2 totals',
      warnings: '0',
    });
    await screenshot(page, 'spend-imported');
    expect(tab.errors).toEqual([]);
  });

  it('imports a second file dropped on the drop zone (Meta’s CSV), and lists it first', async () => {
    await page.evaluate(
      ({ name, text }) => {
        const scope = globalThis as unknown as {
          DataTransfer: new () => { items: { add(file: unknown): void } };
          File: new (parts: string[], name: string, options: { type: string }) => unknown;
          DragEvent: new (type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: unknown }) => unknown;
          document: { querySelector(selector: string): { dispatchEvent(event: unknown): boolean } };
        };
        const transfer = new scope.DataTransfer();
        transfer.items.add(new scope.File([text], name, { type: 'text/csv' }));
        const zone = scope.document.querySelector('[data-drop-zone]');
        for (const type of ['dragenter', 'dragover', 'drop']) zone.dispatchEvent(new scope.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      { name: 'meta-ads.csv', text: META },
    );
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('[data-result=imported] h4')?.textContent === 'What meta-ads.csv imported');
    await settled(page, 'spend');
    expect(await figure(page, 'importProfile')).toEqual({ value: 'Meta', note: 'detected from the file' });
    expect((await figure(page, 'importDays')).value).toBe(`${D1} – ${D2}`);
    expect((await figure(page, 'importLines')).value).toBe('2');
    expect((await figure(page, 'importCampaigns')).value).toBe('1');
    expect((await figure(page, 'importCost-USD')).value).toBe('$100.00');
    expect(await figure(page, 'importSkipped')).toEqual({ value: '0', note: '0 blank, 0 totals, 0 footer' });
    expect(await page.textContent('[data-fact=file]')).toBe('UTF-8, comma-separated');
    expect(await page.$('[data-fact=preamble]')).toBeNull();
    const rows = await table(page, 'imports');
    expect(rows.map((row) => [row.profile, row.cost])).toEqual([
      ['Meta', '$100.00'],
      ['Google Ads', '$1,310.00'],
    ]);
    expect(tab.errors).toEqual([]);
  });

  it('refuses a bad file and lists every bad line with its number and why, as the API’s 422 names them', async () => {
    const refused = await api.request('POST', '/v1/spend/imports?profile=auto', { key: shop.keys.marketing, body: Buffer.from(BAD), headers: { 'content-type': 'application/octet-stream' } });
    expect(refused.status).toBe(422);
    const details = refused.body.error.details as Array<{ line: number; message: string }>;
    expect(details.map((detail) => detail.line)).toEqual([2, 3, 4]);

    await page.setInputFiles('input[type=file][name=file]', { name: 'bad-export.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    await page.waitForSelector('[data-result=refused]');
    const alert = (await page.textContent('[data-result=refused] [role=alert]')) ?? '';
    expect(alert).toBe('bad-export.csv was not imported. 3 lines could not be read, each listed below with why; nothing was stored.');
    const lines = await table(page, 'bad-lines');
    expect(lines).toEqual(details.map((detail) => ({ line: `line ${detail.line}`, reason: detail.message })));
    expect(lines.map((line) => line.reason).join(' ')).toMatch(/negative/i);
    // Nothing was stored: still two imports.
    expect(await table(page, 'imports')).toHaveLength(2);
    await screenshot(page, 'spend-refused');
    expect(unexpected(tab.errors, [422])).toEqual([]);
    tab.errors.length = 0;
  });

  it('audits the period: the spend that matched no touch per platform campaign, as the API answers it, and the overview says so beside its spend', async () => {
    await show(page, 'spend');
    const audit = (await api.request('GET', `/v1/spend/audit?${SPEND_PERIOD()}`, { key: shop.keys.marketing })).body;
    expect(audit.unmatchedSpend.map((line: { campaign: string; cost: number }) => [line.campaign, line.cost]).sort()).toEqual([
      ['Display Remarketing', 1000],
      ['FB Prospecting', 10000],
    ]);
    const unmatched = await table(page, 'unmatched');
    expect(unmatched.map((row) => ({ campaign: row.campaign, platform: row.platform, cost: row.cost })).sort((a, b) => a.campaign!.localeCompare(b.campaign!))).toEqual([
      { campaign: 'Display Remarketing id 9002', platform: 'Google Ads', cost: '$10.00' },
      { campaign: 'FB Prospecting id 120210000000001', platform: 'Meta', cost: '$100.00' },
    ]);
    expect(unmatched.find((row) => row.campaign!.startsWith('FB'))?.days).toBe(`${D1} – ${D2} (2 days)`);
    const spend = await table(page, 'audit-spend');
    expect(spend).toEqual(
      audit.spend.map((line: { platform: string; cost: number; matchedCost: number; unmatchedCost: number }) => ({
        platform: line.platform === 'google_ads' ? 'Google Ads' : 'Meta',
        currency: 'USD',
        cost: `$${(line.cost / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
        matchedCost: `$${(line.matchedCost / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
        unmatchedCost: `$${(line.unmatchedCost / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`,
      })),
    );
    expect(spend.find((row) => row.platform === 'Google Ads')).toEqual({ platform: 'Google Ads', currency: 'USD', cost: '$1,310.00', matchedCost: '$1,300.00', unmatchedCost: '$10.00' });
    expect((await table(page, 'without-spend')).map((row) => row.campaign)).toEqual(['retargeting-q4']);

    // The overview's spend is all of it; what matched no campaign is said beside it, with the way here.
    const report = (await api.request('GET', `/v1/attribution/report?${SPEND_PERIOD()}`, { key: shop.keys.marketing })).body;
    const total = report.totals.find((line: { currency: string }) => line.currency === 'USD');
    expect(total).toMatchObject({ cost: 141000, unmatchedCost: 11000 });
    await show(page, 'overview');
    const overviewSpend = await figure(page, 'spend');
    expect(overviewSpend).toEqual({ value: '$1,410.00', note: 'of which $110.00 matched no campaign — see Spend' });
    expect((await figure(page, 'roas')).note).toBe('revenue ÷ all spend, unmatched included');
    await show(page, 'channels');
    expect((await figure(page, 'spend')).note).toBe(`of which $${(total.unmatchedCost / 100).toFixed(2)} is on no row below — see Spend`);
    await page.click('[data-figure=spend] [data-unmatched] a');
    await settled(page, 'spend');
    expect(tab.errors).toEqual([]);
  });

  it('maps an unmatched campaign in one click from the audit, saves it, and the audit changes', async () => {
    expect(await page.$$('form[data-form=mappings] tbody tr[data-row]')).toHaveLength(0);
    await page.click('table[data-table=unmatched] tr:has-text("Display Remarketing") [data-action=map]');
    // A row filled with the platform campaign, its campaign input focused for the touch campaign.
    const row = page.locator('form[data-form=mappings] tbody tr[data-row]');
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('input[name=campaignId]').inputValue()).toBe('9002');
    expect(await row.locator('select[name=platform]').inputValue()).toBe('google_ads');
    expect(await page.evaluate(() => (globalThis as unknown as InPage).document.activeElement?.getAttribute('name'))).toBe('campaign');
    expect(await page.textContent('[data-mappings-status]')).toContain('Display Remarketing');
    await page.keyboard.type('retargeting-q4');
    await page.click('[data-action=save-mappings]');
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('[data-mappings-status]')?.textContent?.startsWith('Saved 1 mapping'));
    await settled(page, 'spend');

    expect((await api.request('GET', '/v1/spend/mappings', { key: shop.keys.marketing })).body.mappings).toEqual([{ campaign: 'retargeting-q4', campaignId: '9002', platform: 'google_ads' }]);
    const audit = (await api.request('GET', `/v1/spend/audit?${SPEND_PERIOD()}`, { key: shop.keys.marketing })).body;
    expect(audit.unmatchedSpend.map((line: { campaign: string }) => line.campaign)).toEqual(['FB Prospecting']);
    expect((await table(page, 'unmatched')).map((line) => line.campaign)).toEqual(['FB Prospecting id 120210000000001']);
    expect(await page.$('table[data-table=without-spend]')).toBeNull();
    expect(await page.textContent('[data-audit]')).toContain('No campaign earned revenue in this period without spend paying for it.');
    expect((await table(page, 'audit-spend')).find((line) => line.platform === 'Google Ads')).toMatchObject({ matchedCost: '$1,310.00', unmatchedCost: '$0.00' });

    await show(page, 'overview');
    expect((await figure(page, 'spend')).note).toBe('of which $100.00 matched no campaign — see Spend');
    expect(tab.errors).toEqual([]);
  });

  it('shows why the API refuses the mappings (400): each refused row marked with its reason, nothing saved', async () => {
    await show(page, 'spend');
    await page.click('[data-action=add-mapping]');
    const last = page.locator('form[data-form=mappings] tbody tr[data-row]').last();
    await last.locator('input[name=campaign]').fill('Retargeting-Q4');
    await last.locator('input[name=campaignId]').fill('120210000000001');
    await last.locator('select[name=platform]').selectOption('google_ads');
    await page.click('[data-action=save-mappings]');
    await page.waitForSelector('[data-result=mappings-refused]');
    const alert = (await page.textContent('[data-result=mappings-refused] [role=alert]')) ?? '';
    expect(alert).toContain('The mappings were not saved.');
    expect(alert).toContain('A touch campaign maps to one platform campaign per platform.');
    expect(alert).toContain('One row needs a change');
    expect(await page.textContent('[data-problem]')).toBe('Row 2: campaign "retargeting-q4" is mapped already for google_ads, by mapping 1 of the list');
    expect(await last.locator('input[name=campaign]').getAttribute('aria-invalid')).toBe('true');
    expect((await api.request('GET', '/v1/spend/mappings', { key: shop.keys.marketing })).body.mappings).toHaveLength(1);

    // Removing the row leaves nothing to save.
    await last.locator('[data-action=remove]').click();
    expect(await page.$$('form[data-form=mappings] tbody tr[data-row]')).toHaveLength(1);
    expect(await page.isDisabled('[data-action=save-mappings]')).toBe(true);
    expect(await page.$('[data-result=mappings-refused]')).toBeNull();
    expect(await page.$('[data-problem]')).toBeNull();
    expect(unexpected(tab.errors, [400])).toEqual([]);
    tab.errors.length = 0;
  });

  it('sends a file over 1 MiB gzip-compressed, and reads it whole', async () => {
    expect(Buffer.byteLength(LARGE)).toBeGreaterThan(1024 * 1024);
    const [request] = await Promise.all([
      page.waitForRequest((candidate) => candidate.method() === 'POST' && candidate.url().includes('/v1/spend/imports')),
      page.setInputFiles('input[type=file][name=file]', { name: 'bulk.csv', mimeType: 'text/csv', buffer: Buffer.from(LARGE) }),
    ]);
    const headers = await request.allHeaders();
    expect(headers['content-encoding']).toBe('gzip');
    expect(headers['content-type']).toBe('application/octet-stream');
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('[data-result=imported] h4')?.textContent === 'What bulk.csv imported', null, { timeout: 30_000 });
    expect(await figure(page, 'importLines')).toEqual({ value: '1', note: `${LARGE_ROWS.toLocaleString('en-US')} daily rows read; a campaign’s rows of one day add up` });
    expect((await figure(page, 'importCost-USD')).value).toBe('$300.00');
    expect((await figure(page, 'importDays')).value).toBe(`${OLD_DAY} – ${OLD_DAY}`);
    expect(tab.errors).toEqual([]);
  });

  it('has no serious accessibility problem, at 1366 px and at 768 px', async () => {
    await show(page, 'spend');
    // A refusal on screen too: the bad lines' table is part of the view.
    await page.setInputFiles('input[type=file][name=file]', { name: 'bad-export.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) });
    await page.waitForSelector('[data-result=refused]');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.setViewportSize({ width: 768, height: 1024 });
    expect(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth')).toBeLessThanOrEqual(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'spend-tablet');
    await page.setViewportSize({ width: 1366, height: 900 });
    await page.setInputFiles('input[type=file][name=file]', { name: 'meta-ads.csv', mimeType: 'text/csv', buffer: Buffer.from(META) });
    await page.waitForFunction(() => (globalThis as unknown as InPage).document.querySelector('[data-result=imported] h4')?.textContent === 'What meta-ads.csv imported');
    await settled(page, 'spend');
    expect((await figure(page, 'importReplaced')).value).toBe('2');
    expect(await accessibilityProblems(page)).toEqual([]);
    await screenshot(page, 'spend');
    expect(unexpected(tab.errors, [422])).toEqual([]);
  });
});

describe('the Spend view for other keys and tenants', () => {
  it('with a finance key, opened by address, says the key cannot import and shows Baton’s 403 when it tries', async () => {
    const before = (await api.request('GET', '/v1/spend/imports', { key: shop.keys.marketing })).body.imports.length;
    const { context, page, errors } = await open();
    await signIn(page, shop.keys.finance);
    expect(await page.$$eval('nav.views a', (links) => links.map((link) => (link as unknown as Tagged).dataset.view))).toEqual(['finance']);
    await page.goto(`${api.runtime.url}/#/spend`);
    await page.waitForSelector('main[data-view=spend] input[type=file]');
    expect(await page.textContent('[data-note=spend-scope]')).toContain('You are signed in with a finance key');
    expect(await page.$('[data-audit]')).toBeNull();
    await page.setInputFiles('input[type=file][name=file]', { name: 'meta-ads.csv', mimeType: 'text/csv', buffer: Buffer.from(META) });
    await page.waitForSelector('[data-result=refused]');
    expect(await page.getAttribute('[data-result=refused]', 'data-status')).toBe('403');
    const alert = (await page.textContent('[data-result=refused] [role=alert]')) ?? '';
    expect(alert).toContain('meta-ads.csv was not imported.');
    expect(alert).toContain('This finance key may not import spend files. Baton answered 403 Forbidden');
    expect(alert).toContain('Sign in with the tenant’s marketing key');
    expect((await api.request('GET', '/v1/spend/imports', { key: shop.keys.marketing })).body.imports).toHaveLength(before);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(unexpected(errors, [403])).toEqual([]);
    await context.close();
  });

  it('works for a tenant with no data yet: empty states, not errors', async () => {
    const { context, page, errors } = await open();
    await signIn(page, empty.keys.marketing);
    await show(page, 'spend');
    expect(await page.$('[data-state=error]')).toBeNull();
    const text = (await page.textContent('main')) ?? '';
    expect(text).toContain('No spend file imported yet');
    expect(text).toContain('No spend in this period');
    expect(text).toContain('No mappings yet');
    expect(await page.$$('[data-state=empty]')).toHaveLength(5);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(errors).toEqual([]);
    for (const url of requested) for (const key of [...Object.values(shop.keys), ...Object.values(empty.keys)]) expect(url).not.toContain(key);
    await context.close();
  });
});
