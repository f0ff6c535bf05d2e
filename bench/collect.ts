import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { BenchContext } from './run.ts';

const ORIGIN = 'https://shop.example';
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
  // The load comes from a process of its own, so this process (the server) only serves.
  const client = async (requests: number, concurrency: number) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'collect-client.ts'), ctx.url, ctx.tenant.keys.publishable, String(requests), String(concurrency), String(BATCH)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    if (status !== 0) throw new Error(`the collect load generator failed: ${stderr}`);
    const answer = JSON.parse(stdout.trim().split('\n').pop()!) as { seconds: number; statuses: Record<string, number> };
    if (Object.keys(answer.statuses).some((status) => status !== '202')) throw new Error(`collect answered ${JSON.stringify(answer.statuses)}`);
    return answer.seconds;
  };
  await client(40, 4); // warm the handler and the publishable key's cache
  const requests = ctx.quick ? 400 : 2_400;
  ctx.counter.reset();
  const cpuBefore = process.cpuUsage();
  const seconds = await client(requests, CONCURRENCY);
  const cpu = process.cpuUsage(cpuBefore);
  /** CPU seconds the server's process (this one) spent serving: user + system. */
  const serverCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const events = requests * BATCH;
  // What DynamoDB Local itself sustains for the same writes: batches of the touch items one request stores, sent directly.
  const items = Array.from({ length: BATCH / 5 }, (_, i) => i);
  let bare = 0;
  const bareStarted = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (bare < requests) {
        const n = (bare += 1);
        await ctx.bareClient.send(
          new BatchWriteCommand({
            RequestItems: {
              [ctx.tableName]: items.map((i) => ({
                PutRequest: {
                  Item: {
                    pk: `T#bare#P#a:visitor-${n}-${i}`,
                    sk: `TOUCH#2026-11-20T10:00:00.000Z#b-bare${n}-${i}`,
                    entity: 'bare',
                    touchId: `b-bare${n}-${i}`,
                    occurredAt: '2026-11-20T10:00:00.000Z',
                    identifiers: [`a:visitor-${n}`],
                    kind: 'visit',
                    side: 'marketing',
                    channel: 'Paid Search',
                    source: 'google',
                    medium: 'cpc',
                    campaign: `c${i}`,
                    clickIds: ['gclid'],
                    url: `${ORIGIN}/?utm_source=google&utm_medium=cpc&utm_campaign=c${i}&gclid=g${n}`,
                    referrer: 'https://www.google.com/',
                    consent: 'not_required',
                    contentHash: 'x'.repeat(32),
                  },
                },
              })),
            },
          }),
        );
      }
    }),
  );
  const bareSeconds = (performance.now() - bareStarted) / 1000;
  const writes = Object.entries(ctx.counter.operations)
    .filter(([name]) => /Write|Put|Update|Delete/.test(name))
    .reduce((sum, [, count]) => sum + count, 0);
  const stored = events / 5;
  const reads = Object.entries(ctx.counter.operations)
    .filter(([name]) => /Get|Query/.test(name))
    .reduce((sum, [, count]) => sum + count, 0);
  lines.push(
    `${events.toLocaleString('en-US')} events in ${requests.toLocaleString('en-US')} requests of ${BATCH} (text/plain, as the tracker sends them), ${CONCURRENCY} in flight from a load generator in a process of its own, through the local server on this two-core machine (server, load generator and DynamoDB Local share the cores):`,
    '',
    '| | figure |',
    '|---|---|',
    `| events a second | **${Math.round(events / seconds).toLocaleString('en-US')}** (target 3,000; RudderStack's gateway ≈ 2,500/s on 8 cores, Snowplow Mini ≈ 3,000/s) |`,
    `| requests a second | ${Math.round(requests / seconds).toLocaleString('en-US')} |`,
    `| the server's own cost: CPU time of its process per 1,000 events | ${((serverCpuSeconds / events) * 1000 * 1000).toFixed(0)} ms, so **${Math.round(events / serverCpuSeconds).toLocaleString('en-US')} events per CPU-second** on one core |`,
    `| the same writes sent straight to DynamoDB Local (${BATCH / 5}-item BatchWriteItem, ${CONCURRENCY} in flight) | ${Math.round(requests / bareSeconds).toLocaleString('en-US')} a second: collection runs at **${((requests / seconds / (requests / bareSeconds)) * 100).toFixed(0)} %** of what the local store takes |`,
    `| DynamoDB requests | ${ctx.counter.describe()} |`,
    `| write requests per 1,000 events | ${((writes / events) * 1000).toFixed(1)} (${(writes / stored).toFixed(3)} per stored touch: touches are written in batches) |`,
    `| read requests per collect request | ${(reads / requests).toFixed(2)}: the publishable key and its tenant, read strongly consistent on every request (no cache), so consentRequired, allowedOrigins and a key's revocation apply to the next event |`,
    `| write units per 1,000 events (estimated from item sizes; transactional writes count twice) | ${((ctx.counter.writeUnits / events) * 1000).toFixed(0)} |`,
    `| plain pages (80 %) | no write: only pages with a campaign signal become touches |`,
    '',
  );
  if (trackerScript) {
    lines.push(
      `The tracker (\`GET /v1/baton.js\`): ${Buffer.byteLength(trackerScript).toLocaleString('en-US')} bytes minified, **${gzipSync(trackerScript, { level: 9 }).length.toLocaleString('en-US')} bytes gzipped** (limit 3 KB).`,
      '',
    );
  }
  return lines.join('\n');
}
