import { gzipSync } from 'node:zlib';
import { MAX_IMPORT_BYTES } from '../../shared/spend/use-cases.ts';
import type { CreatedTenant } from '../../shared/tenants/use-cases.ts';
import { sign } from '../../shared/webhooks/signatures.ts';
import { type SpendFile, spendFiles } from './spend-files.ts';
import { DEMO_SHOP_DOMAIN, type DemoStore, type IdentifyBody, type ShopifyDelivery } from './store.ts';

/** Items per batch request: half what a batch route takes (docs/contract.md#recording), so one request stays well within the server's deadline on a busy machine. */
const BATCH = 250;
/** Requests in flight at once: enough to keep a local server busy without queueing behind its event pipeline. */
const SINGLE_CONCURRENCY = 8;
const MAX_ATTEMPTS = 8;

export interface DemoTarget {
  /** Baton's base URL: `http://127.0.0.1:3000` under `npm start`. */
  url: string;
  tenant: CreatedTenant;
  /** The zone of the ad accounts' days (the tenant's): Microsoft's report names it. Default UTC. */
  timezone?: string;
}

export class DemoSendError extends Error {
  override name = 'DemoSendError';
}

/**
 * Sends like a storefront and an ad platform would: a 503 or 429 (or no
 * answer) is sent again after its Retry-After, backing off, a few times.
 */
async function post(url: string, body: string | Uint8Array, headers: Record<string, string>, method: 'POST' | 'PUT' = 'POST'): Promise<{ status: number; body: any }> {
  for (let attempt = 1; ; attempt += 1) {
    let retryAfter = 1;
    try {
      const response = await fetch(url, { method, body, headers: { 'content-type': 'application/json', ...headers } });
      const text = await response.text();
      if ((response.status !== 503 && response.status !== 429) || attempt === MAX_ATTEMPTS) return { status: response.status, body: text ? JSON.parse(text) : undefined };
      retryAfter = Number(response.headers.get('retry-after') ?? 1);
    } catch (error) {
      if (attempt === MAX_ATTEMPTS) throw new DemoSendError(`No answer from ${url}: ${(error as Error).message}`);
    }
    // At least what Retry-After says, longer each time (0.5 s, 1 s, 2 s … up to 10 s): a local store that is busy gets room to catch up.
    await new Promise((resolve) => setTimeout(resolve, Math.max(retryAfter * 1000, Math.min(10_000, 250 * 2 ** attempt))));
  }
}

async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

/**
 * People sent together: their touches, links, stages, sales touches and
 * orders follow each other closely in the table's stream, so the projector
 * (which projects each person a stream batch names once) mostly sees each
 * person once rather than once per kind of record.
 */
const PEOPLE_PER_GROUP = 25;
const GROUPS_IN_FLIGHT = 3;

function groups<T>(list: readonly T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
}

/**
 * Groups of `size` people taken across the whole period (the 1st, 41st,
 * 81st … person, then the 2nd, 42nd …): people of one day share the day's
 * rollup cells, and the projector writes each person's cells in a
 * conditional transaction, so people of many days at once seldom collide.
 */
function strided<T>(list: readonly T[], size: number): T[][] {
  const count = Math.ceil(list.length / size);
  return Array.from({ length: count }, (_, group) => list.filter((_, index) => index % count === group));
}

/**
 * Imports one platform's spend file as a marketer uploads it: the file as
 * the body (gzip-compressed if it is over the 4 MiB a body may be), the
 * profile and account as the query. The answer must hold exactly the
 * lines and totals the file was written from.
 */
async function uploadSpendFile(target: DemoTarget, file: SpendFile): Promise<void> {
  const query = new URLSearchParams(file.query);
  const large = file.bytes.length > MAX_IMPORT_BYTES;
  const answer = await post(`${target.url}/v1/spend/imports?${query}`, large ? gzipSync(file.bytes) : file.bytes, {
    authorization: `Bearer ${target.tenant.keys.ingest}`,
    'content-type': 'application/octet-stream',
    ...(large ? { 'content-encoding': 'gzip' } : {}),
  });
  const planned = new Map<string, number>();
  for (const line of file.lines) planned.set(line.currency, (planned.get(line.currency) ?? 0) + line.cost);
  const totals = (answer.body?.totals ?? []) as Array<{ currency: string; cost: number }>;
  const same = answer.body?.lines === file.lines.length && totals.length === planned.size && totals.every((total) => planned.get(total.currency) === total.cost);
  if (answer.status !== 200 || !same) throw new DemoSendError(`POST /v1/spend/imports (${file.label}, ${file.fileName}) answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 600)}`);
}

/**
 * Delivers the planned store through Baton's own doors: each ad platform's
 * spend file to `POST /v1/spend/imports` and the one mapping the join needs
 * to `PUT /v1/spend/mappings`, ingest-key batches for touches and stages,
 * `POST /v1/identify` per link, and signed Shopify webhooks for orders,
 * refunds and cancellations. Any item Baton refuses is an error of the
 * plan: it stops the run with Baton's answer. `onProgress` hears of each
 * acknowledged record (an imported file's lines once it is imported).
 */
export async function sendDemoStore(target: DemoTarget, store: DemoStore, onProgress: (sent: number) => void = () => undefined): Promise<void> {
  const ingest = { authorization: `Bearer ${target.tenant.keys.ingest}` };
  const batch = async (path: string, field: string, items: readonly unknown[]) => {
    for (const chunk of groups(items, BATCH)) {
      const answer = await post(`${target.url}${path}`, JSON.stringify({ [field]: chunk }), ingest);
      if (answer.status !== 202 || answer.body?.rejected?.length) throw new DemoSendError(`POST ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 600)}`);
      onProgress(chunk.length);
    }
  };
  const identify = async (link: IdentifyBody) => {
    const answer = await post(`${target.url}/v1/identify`, JSON.stringify(link), ingest);
    if (answer.status !== 202) throw new DemoSendError(`POST /v1/identify answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 600)}`);
    onProgress(1);
  };
  const shopify = async (delivery: ShopifyDelivery) => {
    const body = JSON.stringify(delivery.payload);
    const answer = await post(`${target.url}/v1/webhooks/shopify/${target.tenant.tenantId}`, body, {
      'x-shopify-topic': delivery.topic,
      'x-shopify-event-id': delivery.eventId,
      'x-shopify-shop-domain': DEMO_SHOP_DOMAIN,
      'x-shopify-hmac-sha256': sign.base64(body, target.tenant.webhookSecrets.shopify),
    });
    const conflict = (answer.body?.transactions ?? []).find((transaction: { outcome?: string; status?: string }) => transaction.outcome === 'conflict' || transaction.status === 'conflict');
    if (answer.status !== 200 || conflict) throw new DemoSendError(`Shopify ${delivery.topic} ${delivery.eventId} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 600)}`);
    onProgress(1);
  };

  for (const file of spendFiles(store.spend, { timezone: target.timezone ?? 'UTC' })) {
    await uploadSpendFile(target, file);
    onProgress(file.lines.length);
  }
  if (store.mappings.length > 0) {
    const answer = await post(`${target.url}/v1/spend/mappings`, JSON.stringify({ mappings: store.mappings }), { authorization: `Bearer ${target.tenant.keys.marketing}` }, 'PUT');
    if (answer.status !== 200) throw new DemoSendError(`PUT /v1/spend/mappings answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 600)}`);
  }
  await inParallel(strided(store.people, PEOPLE_PER_GROUP), GROUPS_IN_FLIGHT, async (people) => {
    // What each kind needs comes before it: touches before the links that join them, the sale's journey before the order.
    await batch(
      '/v1/touches',
      'touches',
      people.flatMap((person) => person.touches),
    );
    await inParallel(
      people.flatMap((person) => person.identities),
      SINGLE_CONCURRENCY,
      identify,
    );
    await batch(
      '/v1/stages',
      'stages',
      people.flatMap((person) => person.stages),
    );
    await batch(
      '/v1/touches',
      'touches',
      people.flatMap((person) => person.salesTouches),
    );
    // A person's refund or cancellation after their order; different people's orders at once.
    await inParallel(
      people.filter((person) => person.deliveries.length > 0),
      SINGLE_CONCURRENCY,
      async (person) => {
        for (const delivery of person.deliveries) await shopify(delivery);
      },
    );
  });
}
