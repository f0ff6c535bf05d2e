import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { newTenant, TestApi } from '../support/api.ts';
import { launchChromium } from '../support/chromium.ts';

// The finance view's download in Debian's Chromium: the file a person saves, in either flavor,
// is byte for byte the export the API answers. A few transactions are enough (no demo store).

const MONTH = '2026-10';
const RANGE = 'from=2026-10-01&to=2026-10-31';
const SCREENSHOTS = join(import.meta.dirname, '..', '..', '.cache', 'screenshots', 'dashboard');
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

let api: TestApi;
let browser: Browser;
let shop: CreatedTenant;

beforeAll(async () => {
  api = await TestApi.start();
  shop = await newTenant({ currency: 'USD', timezone: 'Asia/Kolkata' });
  const transactions = [
    { transactionId: 'fd-1', occurredAt: '2026-10-01T18:45:00Z', currency: 'USD', gross: '1234.56', tax: '0.07', rep: 'Zoë Ångström' },
    { transactionId: 'fd-2', occurredAt: '2026-10-15T09:00:00Z', currency: 'KWD', gross: '12.345' },
  ];
  for (const transaction of transactions) {
    const response = await api.request('POST', '/v1/transactions', { key: shop.keys.ingest, json: { kind: 'order', person: { customerId: 'c-1' }, ...transaction } });
    expect(response.status, response.text).toBe(201);
  }
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await api?.close();
});

/** The export's bytes as the API answers them (`Response.text()` would drop a byte-order mark). */
async function exportBytes(query: string): Promise<Buffer> {
  const response = await fetch(`${api.runtime.url}/v1/exports/transactions?${query}`, { headers: { authorization: `Bearer ${shop.keys.finance}` } });
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

describe('the finance view’s download', () => {
  it('offers Excel (the default) and raw, each byte for byte the API’s export, the choice kept in the address', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${api.runtime.url}/`);
    await page.fill('input[name=key]', shop.keys.finance);
    await page.click('button[type=submit]');
    await page.waitForSelector('nav.views');
    await financeView(page, `month=${MONTH}`);

    expect(await page.$$eval('select[name=flavor] option', (options) => options.map((option) => [(option as unknown as { value: string }).value, option.textContent]))).toEqual([
      ['excel', 'Excel'],
      ['raw', 'raw (for scripts)'],
    ]);
    expect(await page.inputValue('select[name=flavor]')).toBe('excel');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'finance-download.png') });
    const excel = await download(page);
    expect(excel.name).toBe(`${shop.tenantId}-transactions-2026-10-01-to-2026-10-31-excel.csv`);
    expect([...excel.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(excel.bytes.equals(await exportBytes(`${RANGE}&flavor=excel`))).toBe(true);
    // Kolkata's wall clock (18:45Z is 00:15 the next day there), decimals, and the name with its accents.
    expect(excel.bytes.toString('utf8')).toContain('fd-1,api,fd-1,order,counted,,2026-10-02 00:15:00,2026-10-02,Asia/Kolkata,USD,1234.56,0.00,1234.56,0.07,0.00,1234.63,online_store,Zoë Ångström,');
    expect(await page.textContent('.download [role=status]')).toContain('-excel.csv');

    await page.selectOption('select[name=flavor]', 'raw');
    await page.waitForFunction(() => (globalThis as unknown as { location: { hash: string } }).location.hash.includes('flavor=raw'));
    const raw = await download(page);
    expect(raw.name).toBe(`${shop.tenantId}-transactions-2026-10-01-to-2026-10-31.csv`);
    expect(raw.bytes.equals(await exportBytes(RANGE))).toBe(true);
    expect(raw.bytes.toString('utf8')).toMatch(/^transactionId,provider,externalId,kind,status,orderId,occurredAt,day,currency,gross,/);

    // A shared address opens with the same choice.
    await financeView(page, `month=${MONTH}&flavor=raw`);
    expect(await page.inputValue('select[name=flavor]')).toBe('raw');

    // The picker is labelled and the page keeps dashboard.test.ts's bar: no serious or critical axe finding.
    await page.evaluate(AXE); // evaluated through the debugger, so the page's CSP stays as it is
    const violations = await page.evaluate(async () => {
      const axe = (globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: Array<{ id: string; impact: string }> }> } }).axe;
      const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
      return result.violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical').map((violation) => violation.id);
    });
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});
