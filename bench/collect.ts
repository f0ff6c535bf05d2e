import { gzipSync } from 'node:zlib';
import type { BenchContext } from './run.ts';

const ORIGIN = 'https://shop.example';
const CHROME = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';
/** Events per request: what a tracker flushes when a tab is hidden after a few pages, well under the limit of 50. */
const BATCH = 25;
const CONCURRENCY = 32;

/**
 * Issue 10: collected events a second through the local server (80 % plain
 * pages, 20 % campaign pages), DynamoDB write requests and units per 1,000
 * events, and the tracker's size.
 */
export async function collectBench(ctx: BenchContext, trackerScript: string | undefined): Promise<string> {
  const lines = ['## Collection from the browser', ''];
  const patched = await ctx.call('PATCH', '/v1/config', { key: ctx.tenant.keys.admin, body: JSON.stringify({ allowedOrigins: [ORIGIN] }), headers: { 'content-type': 'application/json' } });
  if (patched.status !== 200) throw new Error(`PATCH /v1/config answered ${patched.status}`);
  let sequence = 0;
  const event = () => {
    sequence += 1;
    const campaign = process.env.BENCH_PLAIN ? false : sequence % 5 === 0;
    return {
      type: 'page',
      eventId: `bench${String(sequence).padStart(10, '0')}`,
      occurredAt: new Date().toISOString(),
      anonymousId: `visitor-${sequence % 5_000}`,
      url: campaign ? `${ORIGIN}/?utm_source=google&utm_medium=cpc&utm_campaign=c${sequence % 17}&gclid=g${sequence}` : `${ORIGIN}/products/${sequence % 300}`,
      referrer: campaign ? 'https://www.google.com/' : `${ORIGIN}/`,
    };
  };
  const send = async () => {
    const response = await ctx.call('POST', '/v1/collect', {
      body: JSON.stringify({ key: ctx.tenant.keys.publishable, events: Array.from({ length: BATCH }, event) }),
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': CHROME },
    });
    if (response.status !== 202) throw new Error(`collect answered ${response.status}`);
  };

  // Warm the handler and the publishable key's cache first.
  for (let i = 0; i < 20; i += 1) await send();
  const requests = ctx.quick ? 200 : 1_200;
  ctx.counter.reset();
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < requests) {
        next += 1;
        await send();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const events = requests * BATCH;
  const writes = Object.entries(ctx.counter.operations).filter(([name]) => /Write|Put|Update|Delete/.test(name)).reduce((sum, [, count]) => sum + count, 0);
  const stored = events / 5;
  lines.push(
    `${events.toLocaleString('en-US')} events in ${requests.toLocaleString('en-US')} requests of ${BATCH} (text/plain, as the tracker sends them), ${CONCURRENCY} in flight, through the local server on this machine (the load generator runs in the same process, on the same two cores):`,
    '',
    '| | figure |',
    '|---|---|',
    `| events a second | **${Math.round(events / seconds).toLocaleString('en-US')}** (target 3,000; RudderStack's gateway ≈ 2,500/s on 8 cores, Snowplow Mini ≈ 3,000/s) |`,
    `| requests a second | ${Math.round(requests / seconds).toLocaleString('en-US')} |`,
    `| DynamoDB requests | ${ctx.counter.describe()} |`,
    `| write requests per 1,000 events | ${((writes / events) * 1000).toFixed(1)} (${(writes / stored).toFixed(3)} per stored touch: touches are written in batches) |`,
    `| write units per 1,000 events (estimated from item sizes; transactional writes count twice) | ${((ctx.counter.writeUnits / events) * 1000).toFixed(0)} |`,
    `| plain pages (80 %) | no write: only pages with a campaign signal become touches |`,
    '',
  );
  if (trackerScript) {
    lines.push(`The tracker (\`GET /v1/baton.js\`): ${Buffer.byteLength(trackerScript).toLocaleString('en-US')} bytes minified, **${gzipSync(trackerScript, { level: 9 }).length.toLocaleString('en-US')} bytes gzipped** (limit 3 KB).`, '');
  }
  return lines.join('\n');
}
