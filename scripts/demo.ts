/**
 * `npm run demo [-- --months 13 | --days 90] [--visitors 45 --tenant demo --until <ISO instant>]`
 *
 * Fills a new tenant with a realistic store (scripts/demo/store.ts) through
 * the running Baton's real API and signed Shopify webhooks, with a progress
 * bar, waits until the event pipeline has projected it, and prints the
 * dashboard's URL and the tenant's keys. By default the store spans 13
 * calendar months (the current one so far), with customers who come back,
 * so the cohorts (SPEC §13) have a year of curves; the tenant's
 * configuration gets the store's gross margin and a retention long enough
 * that none of the history is final when it arrives (`PATCH /v1/config`).
 * The spend comes as the ad platforms' own files (scripts/demo/spend-files.ts),
 * one per platform for the whole span, imported through
 * `POST /v1/spend/imports` and kept in .cache/demo-spend/<tenant>/ to look
 * at or import again (`npm run spend -- import FILE --tenant T`). Needs
 * `npm start` running (at BATON_URL, default http://127.0.0.1:3000); the
 * tenant is created in the table `npm start` uses, as `npm run tenant --
 * create` does.
 */
import './local/quiet-sdk.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { Presets, SingleBar } from 'cli-progress';
import { formatAmount } from '../shared/money/money.ts';
import { TenantIdSchema } from '../shared/tenants/tenant.ts';
import { DemoSendError, sendDemoStore } from './demo/send.ts';
import { type Period, periodWindows, waitUntilProjected } from './demo/settle.ts';
import { spendFiles } from './demo/spend-files.ts';
import { DEMO_CURRENCY, DEMO_DEFAULTS, DEMO_MAX_DAYS, DEMO_MAX_MONTHS, demoConfig, demoSpan, demoStore, recordCount } from './demo/store.ts';
import { dynamoDbLocalNotRunning, isConnectionRefused, useTableFromEnvironment } from './local/cli-env.ts';
import { projectRoot } from './local/dynamodb-local.ts';

const DEMO_TIMEZONE = 'America/New_York';
const USAGE = `Usage: npm run demo -- [--months N | --days N] [--visitors N] [--tenant ID] [--until INSTANT]
  --months N        calendar months of history, the current one included (default ${DEMO_DEFAULTS.months}; 1–${DEMO_MAX_MONTHS}):
                    from the first of the month, so each month's new customers can be followed (cohorts)
  --days N          days of history ending now, instead of --months (1–${DEMO_MAX_DAYS})
  --visitors N      new visitors on an average day (default ${DEMO_DEFAULTS.visitorsPerDay}; 1–2000)
  --tenant ID       the new tenant's id (default: demo, or demo-2, demo-3 … if taken)
  --until INSTANT   the store's last moment (default now); the same flags give the same store
Needs Baton running: npm start (BATON_URL, default http://127.0.0.1:3000).`;

function fail(message: string, code = 1): never {
  console.error(message);
  process.exit(code);
}

let options: { days: number | undefined; months: number; visitors: number; tenant: string | undefined; until: Date };
try {
  const { values } = parseArgs({
    options: {
      months: { type: 'string', default: String(DEMO_DEFAULTS.months) },
      days: { type: 'string' },
      visitors: { type: 'string', default: String(DEMO_DEFAULTS.visitorsPerDay) },
      tenant: { type: 'string' },
      until: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const days = values.days === undefined ? undefined : Number(values.days);
  const months = Number(values.months);
  const visitors = Number(values.visitors);
  if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > DEMO_MAX_DAYS)) throw new Error(`--days must be a whole number from 1 to ${DEMO_MAX_DAYS}, not "${values.days}"`);
  if (!Number.isInteger(months) || months < 1 || months > DEMO_MAX_MONTHS) throw new Error(`--months must be a whole number from 1 to ${DEMO_MAX_MONTHS}, not "${values.months}"`);
  if (!Number.isInteger(visitors) || visitors < 1 || visitors > 2000) throw new Error(`--visitors must be a whole number from 1 to 2000, not "${values.visitors}"`);
  const until = values.until ? new Date(values.until) : new Date();
  if (Number.isNaN(until.getTime()) || until.getTime() > Date.now() + 60_000) throw new Error(`--until must be an ISO-8601 instant no later than now, not "${values.until}"`);
  if (values.tenant !== undefined && !TenantIdSchema.safeParse(values.tenant).success) throw new Error(`--tenant "${values.tenant}": a tenant id is 1–63 lower-case letters, digits or dashes`);
  options = { days, months, visitors, tenant: values.tenant, until };
} catch (error) {
  fail(`${(error as Error).message}\n${USAGE}`, 2);
}

const url = (process.env.BATON_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
const health = await fetch(`${url}/v1/health`).catch(() => undefined);
if (!health?.ok) fail(`Baton is not answering at ${url}. Start it in another terminal with npm start (or set BATON_URL), then run npm run demo again.`);

// The tenant goes into the table npm start serves, by the same path as `npm run tenant -- create`.
useTableFromEnvironment();
const { config } = await import('../shared/config.ts');
const { documentClient } = await import('../shared/adapters/dynamodb/client.ts');
const { DynamoTenantStore } = await import('../shared/adapters/dynamodb/tenant-store.ts');
const { createTenant } = await import('../shared/tenants/use-cases.ts');
const { ConflictError } = await import('../shared/errors.ts');
const tenants = new DynamoTenantStore(documentClient(), config().TABLE_NAME);
const candidates = options.tenant ? [options.tenant] : ['demo', ...Array.from({ length: 98 }, (_, i) => `demo-${i + 2}`)];
let tenant: Awaited<ReturnType<typeof createTenant>> | undefined;
for (const tenantId of candidates) {
  try {
    tenant = await createTenant(tenants, { tenantId, currency: DEMO_CURRENCY, timezone: DEMO_TIMEZONE });
    break;
  } catch (error) {
    if (isConnectionRefused(error)) fail(dynamoDbLocalNotRunning(process.env.DYNAMODB_ENDPOINT));
    if (!(error instanceof ConflictError)) throw error;
    if (options.tenant) fail(`Tenant ${options.tenant} exists already (its keys were printed when it was created). Choose another --tenant, or leave it out.`);
  }
}
if (!tenant) fail('Tenants demo to demo-99 exist already: name one with --tenant.');

const started = performance.now();
const length = options.days === undefined ? { months: options.months } : { days: options.days };
const span = demoSpan({ ...length, until: options.until, timezone: DEMO_TIMEZONE });
const store = demoStore({ ...length, visitorsPerDay: options.visitors, until: options.until, timezone: DEMO_TIMEZONE });
const total = recordCount(store);
// The spend files as the platforms would have written them, kept to look at (the demo imports the same bytes).
const files = spendFiles(store.spend, { timezone: DEMO_TIMEZONE });
const spendDir = join(projectRoot, '.cache', 'demo-spend', tenant.tenantId);
mkdirSync(spendDir, { recursive: true });
for (const file of files) writeFileSync(join(spendDir, file.fileName), file.bytes);

console.log(`Filling tenant ${tenant.tenantId} with ${span.days} days of a store (${total.toLocaleString('en-US')} records) through ${url}, ${span.from} to ${span.to} …`);
// The store's margin (cohorts' payback), and a retention that keeps the whole history open while it arrives.
const configured = await fetch(`${url}/v1/config`, {
  method: 'PATCH',
  headers: { authorization: `Bearer ${tenant.keys.admin}`, 'content-type': 'application/json' },
  body: JSON.stringify(demoConfig(span)),
}).catch((error: Error) => fail(`PATCH /v1/config: no answer from ${url} (${error.message})`));
if (!configured.ok) fail(`PATCH /v1/config answered ${configured.status}: ${(await configured.text()).slice(0, 600)}`);
const bar = new SingleBar({ format: ' {bar} {percentage}% | {value}/{total} records | {phase}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
bar.start(total, 0, { phase: `importing ${files.length} spend files` });
const target = { url, tenant, timezone: DEMO_TIMEZONE };
const period: Period = { from: span.from, to: span.to };
try {
  let spendLines = store.spend.length;
  await sendDemoStore(target, store, (sent) => {
    spendLines -= sent;
    bar.increment(sent, spendLines <= 0 ? { phase: 'sending' } : {});
  });
  bar.update(total, { phase: 'waiting for the reports to catch up …' });
  await waitUntilProjected(target, period);
  bar.update(total, { phase: 'done' });
} catch (error) {
  bar.stop();
  if (error instanceof DemoSendError) fail(error.message);
  throw error;
}
bar.stop();
const seconds = (performance.now() - started) / 1000;
console.log(
  [
    '',
    `Done in ${seconds.toFixed(1)} s (${Math.round(total / seconds).toLocaleString('en-US')} records a second).`,
    '',
    ...(await spendSummary(period)),
    '',
    `Dashboard: ${url}/`,
    `  sign in with the marketing key to see attribution, or the finance key for exports.`,
    `Cohorts: GET ${url}/v1/cohorts?from=${period.from.slice(0, 7)}&to=${period.to.slice(0, 7)}&groupBy=channel (marketing key)`,
    `  what each month's new customers brought in the months since, by the channel that won them.`,
    '',
    JSON.stringify(tenant, null, 2),
  ].join('\n'),
);
process.exit(0);

interface Audit {
  spend: Array<{ platform: string; currency: string; cost: number; matchedCost: number }>;
  unmatchedSpend: Array<{ platform: string; campaign: string; currency: string; cost: number; days: number }>;
  campaignsWithoutSpend: Array<{ campaign: string; currency: string; revenue: number }>;
}

/** Two windows' audits as one: figures of the same platform, campaign and currency added. */
function addAudits(a: Audit, b: Audit): Audit {
  const merge = <T extends object>(lists: T[][], key: (item: T) => string, add: (sum: T, item: T) => T): T[] => {
    const sums = new Map<string, T>();
    for (const item of lists.flat()) sums.set(key(item), sums.has(key(item)) ? add(sums.get(key(item))!, item) : { ...item });
    return [...sums.values()];
  };
  return {
    spend: merge(
      [a.spend, b.spend],
      (line) => `${line.platform} ${line.currency}`,
      (sum, line) => ({ ...sum, cost: sum.cost + line.cost, matchedCost: sum.matchedCost + line.matchedCost }),
    ),
    unmatchedSpend: merge(
      [a.unmatchedSpend, b.unmatchedSpend],
      (line) => `${line.platform} ${line.campaign} ${line.currency}`,
      (sum, line) => ({ ...sum, cost: sum.cost + line.cost, days: sum.days + line.days }),
    ),
    campaignsWithoutSpend: merge(
      [a.campaignsWithoutSpend, b.campaignsWithoutSpend],
      (line) => `${line.campaign} ${line.currency}`,
      (sum, line) => ({ ...sum, revenue: sum.revenue + line.revenue }),
    ),
  };
}

/** What the spend audit says of the imported files: how much of each platform's spend found its touches, and what did not. */
async function spendSummary(period: Period): Promise<string[]> {
  const money = (minor: number, currency: string) => `${currency} ${formatAmount(minor, currency).replace(/\B(?=(\d{3})+(?!\d))/g, ',')}`;
  // The audit answers for at most a year and a day: a longer demo is asked in windows, and their answers added up.
  let response: Response | undefined;
  let audit: Audit | undefined = { spend: [], unmatchedSpend: [], campaignsWithoutSpend: [] };
  for (const window of periodWindows(period)) {
    response = await fetch(`${url}/v1/spend/audit?from=${window.from}&to=${window.to}`, { headers: { authorization: `Bearer ${tenant!.keys.marketing}` } }).catch(() => undefined);
    if (!response?.ok) {
      audit = undefined;
      break;
    }
    audit = addAudits(audit!, (await response.json()) as Audit);
  }
  const rows = files.map((file) => {
    const spent = audit?.spend.find((line) => line.platform === file.platform);
    const matched = spent ? `${money(spent.matchedCost, spent.currency)} of ${money(spent.cost, spent.currency)} matched touches` : '';
    return [file.label, file.fileName, `${file.lines.length.toLocaleString('en-US')} lines`, matched];
  });
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  const lines = [`Spend, imported from the ad platforms' own files (kept in ${relative(process.cwd(), spendDir) || '.'}):`];
  for (const row of rows) lines.push(`  ${row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  ')}`.trimEnd());
  if (!audit) return [...lines, `  (the spend audit did not answer: ${response ? response.status : 'no answer'})`];
  for (const entry of audit.unmatchedSpend) lines.push(`  Matched no touch: ${entry.campaign} (${entry.platform}), ${money(entry.cost, entry.currency)} over ${entry.days} days`);
  for (const entry of audit.campaignsWithoutSpend) lines.push(`  Revenue without spend: ${entry.campaign}, ${money(entry.revenue, entry.currency)}`);
  lines.push('  GET /v1/spend/audit lists the same; PUT /v1/spend/mappings joins a campaign it lists.');
  return lines;
}
