import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';

/**
 * What the dashboard's browser tests share: a tab that records the page's
 * console errors and the URLs it asked for, signing in, waiting for a view
 * to be drawn, and axe-core's serious and critical findings.
 */

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** What functions run in the page use of it (the tests are compiled without DOM types). */
export interface InPage {
  document: {
    querySelector(selector: string): { textContent: string | null } | null;
    activeElement: { getAttribute(name: string): string | null; closest(selector: string): { getAttribute(name: string): string | null } | null } | null;
  };
  location: { hash: string };
}

export interface Tab {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions of the page (a CSP violation is one). */
  errors: string[];
}

/** A new tab on the dashboard at `url`; `requested` collects every URL it asks for (none may carry a key), `onRequest` sees each request too. */
export async function openTab(browser: Browser, url: string, options: { width?: number; height?: number; requested?: string[]; onRequest?: (request: Request) => void } = {}): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1366, height: options.height ?? 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => {
    options.requested?.push(request.url());
    options.onRequest?.(request);
  });
  await page.goto(url);
  return { context, page, errors };
}

export async function signIn(page: Page, key: string): Promise<void> {
  await page.fill('input[name=key]', key);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav.views');
}

/** Waits until the view is drawn: its main element is there and nothing is loading. */
export async function settled(page: Page, view: string): Promise<void> {
  await page.waitForSelector(`main[data-view=${view}]`);
  await page.waitForFunction(() => !(globalThis as unknown as InPage).document.querySelector('[data-state=loading]'), null, { timeout: 20_000 });
}

export async function show(page: Page, view: string): Promise<void> {
  await page.click(`nav.views a[data-view=${view}]`);
  await settled(page, view);
}

/**
 * Where `npm run screenshots` saves pictures of the dashboard's views and drill steps. A plain test
 * run renders and checks the same pages but takes no picture: a full-page one cost Chromium about
 * 2 CPU-seconds, and the run took some forty.
 */
const SCREENSHOTS = process.env.BATON_SCREENSHOTS ? join(import.meta.dirname, '..', '..', '.cache', 'screenshots', 'dashboard') : undefined;

/** `<name>.png` of the page (the whole page unless `fullPage: false`), when pictures are asked for. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  if (!SCREENSHOTS) return;
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: options.fullPage ?? true });
}

/** axe-core's serious and critical findings on the page, one line each. */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  // Evaluated through the debugger, so the page's CSP stays as it is; once a document (views and drills change only its hash).
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as { axe: { run(options: unknown): Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }
    ).axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.map((node) => node.target.join(' ')).slice(0, 3) }));
  });
  return violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map((violation) => `${violation.id} (${violation.impact}): ${violation.help} at ${violation.targets.join(', ')}`);
}

/** An element's text, its spaces plain (Intl writes "CHF 30.00" with a no-break space) and runs of them one. */
export const textOf = async (page: Page, selector: string): Promise<string> =>
  ((await page.textContent(selector)) ?? '')
    .replace(/\u00a0/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** A data table's cell as text: the table's `data-table`, the row's `data-key`, the column's `data-col`. */
export const cellOf = (page: Page, table: string, key: string, column: string): Promise<string> => textOf(page, `table[data-table=${table}] tr[data-key="${key}"] [data-col="${column}"]`);
