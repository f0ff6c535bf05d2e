/**
 * `npm run load -- --minutes 5 --rate 40 [--record]`
 *
 * Sustained load on the local server: DynamoDB Local (in memory) and the
 * API with its event pipeline, as `npm start` runs them, in this process.
 * At `rate` requests a second (open loop: requests go out on schedule
 * whether or not earlier ones have answered) it sends signed Shopify
 * webhooks (orders, their retried deliveries and partial refunds) and touch
 * batches, then waits for the pipeline to settle, reads every record back,
 * and checks that the attribution report's totals equal the export
 * summary's. It prints latency percentiles, errors and lost records (lost
 * must be 0) and exits non-zero if anything was lost or disagrees.
 * `--record` writes the result into bench/RESULTS.md ("Sustained load").
 *
 * `npm run load -- --tenant-hotspot [--minutes N] [--rate R] [--record]`:
 * a store's busiest day instead: every request a new shopper's Shopify
 * order (with its landing visit) of one tenant and one day, while the
 * report is read every 100 ms. It prints projections a second, the
 * projector's lost saves (conflicts and stale versions) and retries per
 * projection, and the time from each order's answer to the report counting
 * it (p50, p99); `--record` writes "A store’s busiest day, through the API".
 */
import './local/quiet-sdk.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { projectRoot, startDynamoDbLocal } from './local/dynamodb-local.ts';
import { ensureTable, localDynamoDbClient } from './local/table.ts';

const USAGE = `Usage: npm run load -- [--tenant-hotspot] [--minutes N] [--rate R] [--record]
  --tenant-hotspot  one tenant's busiest day: new orders only, one day, views watched
  --minutes N       how long to send (default 1; fractions allowed)
  --rate R          requests a second (default 20)
  --record          write the result into bench/RESULTS.md (section "Sustained load", or "A store’s busiest day, through the API")`;

let options: { minutes: number; rate: number; record: boolean; hotspot: boolean };
try {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '1' },
      rate: { type: 'string', default: '20' },
      record: { type: 'boolean', default: false },
      'tenant-hotspot': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  options = { minutes: Number(values.minutes), rate: Number(values.rate), record: values.record ?? false, hotspot: values['tenant-hotspot'] ?? false };
  if (!(options.minutes > 0) || !(options.rate > 0)) throw new Error('--minutes and --rate must be positive numbers');
} catch (error) {
  console.error(`${(error as Error).message}\n${USAGE}`);
  process.exit(2);
}

const dynamodb = await startDynamoDbLocal();
process.env.DYNAMODB_ENDPOINT = dynamodb.endpoint;
process.env.TABLE_NAME = 'baton-load';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const admin = localDynamoDbClient(dynamodb.endpoint);
await ensureTable(admin, 'baton-load');
admin.destroy();

const { documentClient } = await import('../shared/adapters/dynamodb/client.ts');
const { DynamoTenantStore } = await import('../shared/adapters/dynamodb/tenant-store.ts');
const { createTenant } = await import('../shared/tenants/use-cases.ts');
const { startLocalRuntime } = await import('./local/runtime.ts');
const { sign } = await import('../shared/webhooks/signatures.ts');
const { stats } = await import('../bench/lib.ts');

const { TransactionCanceledException } = await import('@aws-sdk/client-dynamodb');

// Transactions cancelled (a TransactionConflict on AWS; a condition anywhere), counted in this process, where the handlers run.
const cancelled = { conflict: 0, stale: 0, transactions: 0 };
documentClient().middlewareStack.add(
  (next, context) => async (args) => {
    if (context.commandName !== 'TransactWriteCommand') return next(args);
    cancelled.transactions += 1;
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof TransactionCanceledException) {
        if (error.CancellationReasons?.some((reason) => reason.Code === 'TransactionConflict')) cancelled.conflict += 1;
        else cancelled.stale += 1;
      }
      throw error;
    }
  },
  { step: 'initialize', name: 'loadCancelledTransactions' },
);

const runtime = await startLocalRuntime({ port: 0, ...(process.env.LOAD_NO_EVENTS ? {} : { dynamodbEndpoint: dynamodb.endpoint, tableName: 'baton-load' }) });
const tenant = await createTenant(new DynamoTenantStore(documentClient(), 'baton-load'), { tenantId: 'load', currency: 'USD', timezone: 'UTC' });

interface Sent {
  kind: 'touches' | 'order' | 'retry' | 'refund';
  status: number;
  ms: number;
}
const sent: Sent[] = [];
const people = Array.from({ length: 500 }, (_, i) => `load-customer-${i}`);
const touchIds: string[] = [];
const orders: Array<{ id: number; customer: string; net: number }> = [];
const refunds: string[] = [];
let seed = 42;
/** A small deterministic generator: the same run sends the same traffic. */
const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
const campaigns = [
  ['google', 'cpc', 'brand'],
  ['google', 'cpc', 'generic'],
  ['facebook', 'paid_social', 'retarget'],
  ['newsletter', 'email', 'weekly'],
  ['instagram', 'social', 'stories'],
] as const;

/** Sends like a storefront would: a 503 (or no answer) is sent again after its Retry-After, up to three times. */
async function call(kind: Sent['kind'], path: string, body: string, headers: Record<string, string>): Promise<{ status: number; answer: any }> {
  for (let attempt = 1; ; attempt += 1) {
    const started = performance.now();
    let status = 0;
    let retryAfter = 1;
    let answer: any;
    try {
      const response = await fetch(`${runtime.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
      answer = await response.json().catch(() => undefined);
      status = response.status;
      retryAfter = Number(response.headers.get('retry-after') ?? 1);
    } catch {
      status = 0;
    }
    sent.push({ kind, status, ms: performance.now() - started });
    if ((status !== 0 && status !== 503) || attempt === 4) return { status, answer };
    await new Promise((resolve) => setTimeout(resolve, retryAfter * 1000));
  }
}

/** A webhook's answer stored (or had stored) the transaction: not a conflict, such as a refund beyond what is left of its order. */
const stored = ({ status, answer }: { status: number; answer: any }) =>
  status === 200 && (answer?.transactions ?? []).some((transaction: { outcome: string }) => transaction.outcome === 'stored' || transaction.outcome === 'duplicate');

/** A webhook as Shopify sends it; its answer's outcome says whether the record was stored (a refund beyond what is left of its order is a conflict, by design: not stored, not lost). */
function shopify(kind: Sent['kind'], topic: string, payload: unknown, eventId: string) {
  const body = JSON.stringify(payload);
  return call(kind, `/v1/webhooks/shopify/${tenant.tenantId}`, body, {
    'x-shopify-topic': topic,
    'x-shopify-event-id': eventId,
    'x-shopify-hmac-sha256': sign.base64(body, tenant.webhookSecrets.shopify),
  });
}

/** When each order of the busiest day was answered stored, in order. */
const acknowledged: number[] = [];

/** A Shopify `orders/create` body: a customer's order of `cents`, landing from a campaign. */
function orderPayload(id: number, customer: string, cents: number, at: Date) {
  const [source, medium, campaign] = pick(campaigns);
  return {
    id,
    created_at: at.toISOString(),
    currency: 'USD',
    email: `${customer}@example.com`,
    customer: { id: customer },
    total_line_items_price: (cents / 100).toFixed(2),
    total_discounts: '0.00',
    total_tax: '0.00',
    shipping_lines: [],
    landing_site: `/?utm_source=${source}&utm_medium=${medium}&utm_campaign=${campaign}`,
    referring_site: '',
    source_name: 'web',
  };
}

/** A new shopper's order of the busiest day. */
function hotspotOrder(): Promise<unknown> {
  const id = 7_000_000 + sequence;
  return shopify('order', 'orders/create', orderPayload(id, `hot-${sequence}`, 1_000 + Math.floor(random() * 20_000), new Date()), `hot-ev-${id}`).then((answer) => {
    if (stored(answer)) acknowledged.push(performance.now());
  });
}

let sequence = 0;
function nextRequest(): Promise<unknown> {
  sequence += 1;
  if (options.hotspot) return hotspotOrder();
  const now = Date.now();
  const roll = random();
  if (roll < 0.5) {
    const batch = Array.from({ length: 10 }, (_, i) => {
      const [source, medium, campaign] = pick(campaigns);
      return {
        touchId: `load-t-${sequence}-${i}`,
        occurredAt: new Date(now - Math.floor(random() * 3_600_000)).toISOString(),
        person: { customerId: pick(people) },
        kind: 'click',
        utm: { source, medium, campaign },
      };
    });
    return call('touches', '/v1/touches', JSON.stringify({ touches: batch }), { authorization: `Bearer ${tenant.keys.ingest}` }).then(({ status }) => {
      if (status === 202) touchIds.push(...batch.map((touch) => touch.touchId));
    });
  }
  if (roll < 0.8 || orders.length === 0) {
    const id = 9_000_000 + sequence;
    const customer = pick(people);
    const cents = 1_000 + Math.floor(random() * 20_000);
    return shopify('order', 'orders/create', orderPayload(id, customer, cents, new Date(now)), `load-ev-${id}`).then((answer) => {
      if (stored(answer)) orders.push({ id, customer, net: cents });
    });
  }
  const order = pick(orders);
  if (roll < 0.9) {
    // A retried delivery of an order already sent (new event id: only the order id makes it the same)
    return shopify('retry', 'orders/paid', { id: order.id, created_at: new Date(now).toISOString(), currency: 'USD' }, `load-paid-${order.id}-${sequence}`);
  }
  const refundId = 8_000_000 + sequence;
  const cents = Math.max(1, Math.floor(order.net / 4));
  return shopify(
    'refund',
    'refunds/create',
    {
      id: refundId,
      order_id: order.id,
      created_at: new Date(now).toISOString(),
      refund_line_items: [],
      order_adjustments: [],
      transactions: [{ id: refundId, kind: 'refund', status: 'success', amount: (cents / 100).toFixed(2), currency: 'USD' }],
    },
    `load-refund-${refundId}`,
  ).then((answer) => {
    if (stored(answer)) refunds.push(`shopify-refund-${refundId}`);
  });
}

/** What the report counted, every 100 ms while the busiest day runs: [when, transactions]. */
const counted: Array<[number, number]> = [];
const today = new Date().toISOString().slice(0, 10);
let watching = options.hotspot;
const watcher = (async () => {
  while (watching) {
    const response = await fetch(`${runtime.url}/v1/attribution/report?from=${today}&to=${today}`, { headers: { authorization: `Bearer ${tenant.keys.marketing}` } });
    const body = (await response.json().catch(() => undefined)) as { totals?: Array<{ transactions: number }> } | undefined;
    counted.push([performance.now(), (body?.totals ?? []).reduce((sum, total) => sum + total.transactions, 0)]);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
})();

/** Writes `section` into bench/RESULTS.md in place of the one under `heading` (at the end when there is none). */
function record(heading: string, section: string): void {
  const path = join(projectRoot, 'bench', 'RESULTS.md');
  const current = readFileSync(path, 'utf8');
  const start = current.indexOf(heading);
  const next = start === -1 ? -1 : current.indexOf('\n## ', start + 1);
  const updated = start === -1 ? `${current.trimEnd()}\n\n${section}` : `${current.slice(0, start)}${section}${next === -1 ? '' : current.slice(next + 1)}`;
  writeFileSync(path, updated);
  console.log('written to bench/RESULTS.md');
}

const durationMs = options.minutes * 60_000;
const interval = 1_000 / options.rate;
const startedAt = Date.now();
const inFlight = new Set<Promise<unknown>>();
console.log(`Sending ${options.rate} requests a second for ${options.minutes} minute(s) to ${runtime.url} …`);
for (let n = 0; Date.now() - startedAt < durationMs; n += 1) {
  const due = startedAt + n * interval;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  const request = nextRequest().finally(() => inFlight.delete(request));
  inFlight.add(request);
  if (n % Math.max(1, Math.round(options.rate * 10)) === 0 && n > 0) process.stdout.write(`  ${n} sent, ${inFlight.size} in flight\n`);
}
await Promise.all([...inFlight]);
const sendSeconds = (Date.now() - startedAt) / 1000;

console.log('Waiting for the event pipeline to settle …');
const settleStarted = Date.now();
await runtime.settle();
const settleSeconds = (Date.now() - settleStarted) / 1000;

if (options.hotspot) {
  // Until the report counts every order (the stream's consumers may still be on their way after settle's last look).
  while (acknowledged.length > 0 && (counted[counted.length - 1]?.[1] ?? 0) < acknowledged.length && performance.now() - acknowledged[acknowledged.length - 1]! < 120_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  watching = false;
  await watcher;
  // The k-th order answered is in the views once the report counts k: the first look that does.
  const lags = acknowledged.map((at, k) => (counted.find(([, count]) => count >= k + 1)?.[0] ?? Number.NaN) - at);
  const inViews = counted.find(([, count]) => count >= acknowledged.length)?.[0] ?? Number.NaN;
  const lag = stats(lags.filter((value) => Number.isFinite(value)));
  const answer = stats(sent.map((request) => request.ms));
  const projectionsPerSecond = acknowledged.length / ((inViews - (acknowledged[0]! - answer.median)) / 1000);
  const missing = lags.filter((value) => !Number.isFinite(value)).length;
  await runtime.close();
  await dynamodb.stop();
  const section = [
    '## A store’s busiest day, through the API',
    '',
    `Made by \`npm run load -- --tenant-hotspot --minutes ${options.minutes} --rate ${options.rate}${options.record ? ' --record' : ''}\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${cpus().length} cores, DynamoDB Local in memory and the local runtime in one process): one tenant, one day, every request a new shopper's signed Shopify \`orders/create\` with its landing visit, open loop; the report read every 100 ms.`,
    '',
    '| orders answered stored | webhook answer p50 | p99 | into the report, p50 | p99 | projections/s (first order sent to the last counted) | transactions cancelled: TransactionConflict | by a condition | cancelled a projection | not counted |',
    '|---|---|---|---|---|---|---|---|---|---|',
    `| ${acknowledged.length} | ${answer.median.toFixed(1)} ms | ${answer.p99.toFixed(1)} ms | ${lag.median.toFixed(0)} ms | ${lag.p99.toFixed(0)} ms | ${projectionsPerSecond.toFixed(1)} | ${cancelled.conflict} | ${cancelled.stale} | ${((cancelled.conflict + cancelled.stale) / Math.max(1, acknowledged.length)).toFixed(3)} | ${missing} |`,
    '',
    `The local runtime runs one projector (a stream batch of up to 100 records, its people projected at once) and one rollup applier; on AWS each stream shard has its own. A projection saves the person's own items only (its rollup delta waits in an item of its own), so projections of the same day never contend; the applier adds the deltas to the day's cells many at a time. DynamoDB Local never answers TransactionConflict, so that column is 0 here by construction. Cancelled transactions are counted for every writer in the process (the webhook's records, the projector's saves, the applier's writes): one cancelled by a condition is a save another projection of the same person got to first, or a delta another applier took. "Into the report" is from the webhook's answer to the first read of the report that counts the order.`,
    '',
  ].join('\n');
  console.log(`\n${section}`);
  if (options.record) record('## A store’s busiest day, through the API', section);
  process.exit(missing > 0 ? 1 : 0);
}

console.log('Reading everything back …');
const get = async (path: string, key: string) => {
  const response = await fetch(`${runtime.url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
};
let lostOrders = 0;
let lostRefunds = 0;
for (const order of orders) if ((await get(`/v1/transactions/shopify-order-${order.id}`, tenant.keys.finance)).status !== 200) lostOrders += 1;
for (const refund of refunds) if ((await get(`/v1/transactions/${refund}`, tenant.keys.finance)).status !== 200) lostRefunds += 1;
const seenTouches = new Set<string>();
for (const person of people) {
  const journey = await get(`/v1/people/journey?customerId=${person}`, tenant.keys.marketing);
  for (const touch of journey.body?.touches ?? []) seenTouches.add(touch.touchId);
}
const lostTouches = touchIds.filter((id) => !seenTouches.has(id)).length;

const day = new Date(startedAt).toISOString().slice(0, 10);
const lastDay = new Date().toISOString().slice(0, 10);
const report = await get(`/v1/attribution/report?from=${day}&to=${lastDay}`, tenant.keys.marketing);
const summary = await get(`/v1/exports/transactions/summary?from=${day}&to=${lastDay}`, tenant.keys.finance);
const reportRevenue = Object.fromEntries((report.body?.totals ?? []).map((total: { currency: string; revenue: number }) => [total.currency, total.revenue]));
const summaryRevenue = Object.fromEntries((summary.body?.currencies ?? []).map((entry: { currency: string; revenue: number }) => [entry.currency, entry.revenue]));
const agree = JSON.stringify(reportRevenue) === JSON.stringify(summaryRevenue);

await runtime.close();
await dynamodb.stop();

const latency = stats(sent.map((request) => request.ms));
const retried = sent.filter((request) => request.status === 503 || request.status === 0).length;
const errors = sent.filter((request) => request.status === 0 || (request.status >= 500 && request.status !== 503)).length;
const byKind = (kind: Sent['kind']) => {
  const of = sent.filter((request) => request.kind === kind);
  const s = stats(of.map((request) => request.ms));
  return `| ${kind} | ${of.length} | ${s.median.toFixed(1)} ms | ${s.p99.toFixed(1)} ms | ${of.filter((request) => request.status === 503).length} | ${of.filter((request) => request.status === 0 || (request.status >= 500 && request.status !== 503)).length} |`;
};
const lost = lostOrders + lostRefunds + lostTouches;
const section = [
  '## Sustained load',
  '',
  `Made by \`npm run load -- --minutes ${options.minutes} --rate ${options.rate} --record\` on ${new Date().toISOString().slice(0, 10)} (Node ${process.version}, ${cpus().length} cores, DynamoDB Local in memory and the local server in one process, so the load and the server share the machine): ${sent.length} requests in ${sendSeconds.toFixed(0)} s (${(sent.length / sendSeconds).toFixed(1)}/s), open loop.`,
  '',
  '| request | sent (attempts) | p50 | p99 | 503 (retried) | errors (other 5xx, no answer) |',
  '|---|---|---|---|---|---|',
  `| all | ${sent.length} | ${latency.median.toFixed(1)} ms | ${latency.p99.toFixed(1)} ms | ${retried} | ${errors} |`,
  byKind('touches'),
  byKind('order'),
  byKind('retry'),
  byKind('refund'),
  '',
  `Every record acknowledged (orders and refunds answered 200 with outcome stored or duplicate — a refund beyond what is left of its order is a conflict, by design, and not counted —, touches in batches answered 202; a 503 was sent again after its Retry-After, as providers do) was read back after the pipeline settled (${settleSeconds.toFixed(1)} s): ${orders.length} orders (${lostOrders} lost), ${refunds.length} refunds (${lostRefunds} lost), ${touchIds.length} touches (${lostTouches} lost). **Lost: ${lost}.** Answers 503 then retried: ${retried}.`,
  '',
  `Report totals ${agree ? 'equal' : 'DO NOT equal'} the export summary: revenue ${JSON.stringify(reportRevenue)} vs ${JSON.stringify(summaryRevenue)}.`,
  '',
].join('\n');
console.log(`\n${section}`);

if (options.record) record('## Sustained load', section);
process.exit(lost > 0 || !agree || errors > 0 ? 1 : 0);
