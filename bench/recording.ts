import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { sign } from '../shared/webhooks/signatures.ts';
import { shopifyOrder } from '../test/fixtures/webhooks.ts';
import { ms, ratio, sideBySide } from './lib.ts';
import type { BenchContext } from './run.ts';

const touch = (i: number, prefix: string) => ({
  touchId: `${prefix}-${i}`,
  occurredAt: '2026-11-01T10:00:00Z',
  person: { anonymousId: `${prefix}-anon-${i % 50}` },
  kind: 'click',
  url: `https://shop.example/landing?utm_source=google&utm_medium=cpc&utm_campaign=c${i % 7}&gclid=abc${i}`,
});

/** Issue 3: requests and write units per record, webhook latency against a bare conditional put, touch throughput. */
export async function recordingBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Recording', ''];
  const key = ctx.tenant.keys.ingest;
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    ctx.call('POST', path, { key, body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  let order = 1_000_000;
  const shopify = (id: number, eventId = `evt-${id}`) => {
    // Each order its own customer, as in a store: one customer's hundreds of orders at the same instant would measure re-attribution instead.
    const email = `buyer-${id}@mail.example.com`;
    const body = JSON.stringify(shopifyOrder({ id, email, customer: { id, email, first_name: 'Bench', last_name: `Buyer ${id}` } }));
    return ctx.call('POST', `/v1/webhooks/shopify/${ctx.tenant.tenantId}`, {
      body,
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create', 'x-shopify-event-id': eventId, 'x-shopify-hmac-sha256': sign.base64(body, ctx.tenant.webhookSecrets.shopify) },
    });
  };

  const measure = async (name: string, action: () => Promise<unknown>, per = 1) => {
    ctx.counter.reset();
    await action();
    return `| ${name} | ${ctx.counter.describe()} | ${(ctx.counter.total / per).toFixed(2)} | ${(ctx.counter.writeUnits / per).toFixed(2)} |`;
  };
  // The key's authorizer answer, kept from here on as API Gateway keeps it (5 minutes): not the operations' cost.
  await post('/v1/touches', { touches: [] });
  lines.push('| operation | DynamoDB requests (the key’s authorizer answer kept) | requests per record | write units per record (estimated from item sizes) |', '|---|---|---|---|');
  lines.push(await measure('1 touch', () => post('/v1/touches', { touches: [touch(0, 'single')] })));
  lines.push(await measure('batch of 500 touches', () => post('/v1/touches', { touches: Array.from({ length: 500 }, (_, i) => touch(i, 'batch')) }), 500));
  lines.push(await measure('the same 500 again (all duplicates)', () => post('/v1/touches', { touches: Array.from({ length: 500 }, (_, i) => touch(i, 'batch')) }), 500));
  ctx.counter.reset();
  await shopify(order);
  const webhookOps = ctx.counter.describe();
  const webhookWcu = ctx.counter.writeUnits;
  ctx.counter.reset();
  await shopify(++order);
  const rememberedOps = ctx.counter.describe();
  const rememberedWcu = ctx.counter.writeUnits;
  ctx.counter.reset();
  await shopify(order);
  const duplicateOps = ctx.counter.describe();
  lines.push(`| Shopify orders/create (order + landing visit + link), the tenant's first in this function instance | ${webhookOps} | — | ${webhookWcu.toFixed(2)} |`);
  lines.push(`| the next order (the tenant and the campaign read lately) | ${rememberedOps} | — | ${rememberedWcu.toFixed(2)} |`);
  lines.push(`| the same delivery again (event id seen) | ${duplicateOps} | — | ${ctx.counter.writeUnits.toFixed(2)} |`);
  lines.push(
    '',
    'Webhooks carry no key, so their counts have no authorizer read. A touch is two items written in one transaction (the id guard and the touch in the person’s partition); transactional writes cost twice a plain write. Write units are computed from the items’ sizes by DynamoDB’s rules (1 per started KB, ×2 in a transaction): DynamoDB Local’s own consumed-capacity figures for transactions are not reliable. Batches group 50 touches per TransactWriteItems call. A new order is one transaction with its links, landing visit and delivery key; the webhook function reads a tenant once a minute at most, and remembers the campaigns it put in the catalog (docs/recording.md#what-a-webhook-costs); the same delivery again is tried that way first (the transaction is cancelled whole: its write units here are those sent), then answered from its key.',
    '',
  );

  const rounds = ctx.quick ? 100 : 300;
  let bare = 0;
  const results = await sideBySide(
    {
      webhook: () => shopify(++order),
      putItem: () => ctx.bareClient.send(new PutCommand({ TableName: ctx.tableName, Item: { pk: `bench#${++bare}`, sk: 'x', data: 'y' }, ConditionExpression: 'attribute_not_exists(pk)' })),
    },
    rounds,
  );
  const { webhook, putItem } = results as Record<'webhook' | 'putItem', { median: number; p99: number }>;
  lines.push(
    `Shopify \`orders/create\` webhook ingest through the local server vs a bare conditional \`PutItem\` on the same DynamoDB Local, interleaved, ${rounds} rounds:`,
    '',
    '| | median | p99 |',
    '|---|---|---|',
    `| webhook (verify, map, one transaction) | ${ms(webhook.median)} | ${ms(webhook.p99)} |`,
    `| conditional PutItem | ${ms(putItem.median)} | ${ms(putItem.p99)} |`,
    `| ratio | ${ratio(webhook.median, putItem.median)} | ${ratio(webhook.p99, putItem.p99)} |`,
    '',
  );

  const batches = ctx.quick ? 4 : 20;
  const started = performance.now();
  for (let b = 0; b < batches; b += 1) {
    const response = await post('/v1/touches', { touches: Array.from({ length: 500 }, (_, i) => touch(i, `tput-${b}`)) });
    if (response.status !== 202) throw new Error(`throughput batch answered ${response.status}`);
  }
  const seconds = (performance.now() - started) / 1000;
  lines.push(`Throughput: ${batches} batches of 500 new touches, one after another, through the local server: **${Math.round((batches * 500) / seconds)} touches/s**.`, '');
  return lines.join('\n');
}
