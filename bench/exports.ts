import { spawn } from 'node:child_process';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { transactionEntity } from '../shared/adapters/dynamodb/entities/transaction.ts';
import { stores } from '../shared/adapters/dynamodb/stores.ts';
import { HEURISTIC_MODELS } from '../shared/attribution/models.ts';
import { createTenant } from '../shared/tenants/use-cases.ts';
import type { BenchContext } from './run.ts';

/** Writes `count` transactions straight to the table (export benchmarks need volume, not the ingest path). */
async function seed(ctx: BenchContext, tenantId: string, count: number): Promise<void> {
  const start = Date.parse('2026-09-01T00:00:00Z');
  const span = 30 * 86_400_000;
  const items = Array.from({ length: count }, (_, i) => {
    const occurredAt = new Date(start + Math.floor((i / count) * span)).toISOString();
    const transactionId = `bench-${String(i).padStart(7, '0')}`;
    return {
      ...transactionEntity.key(tenantId, transactionId),
      gsi1pk: transactionEntity.dayPartition(tenantId, occurredAt),
      gsi1sk: transactionEntity.position({ occurredAt, transactionId }),
      entity: 'transaction',
      tenantId,
      transactionId,
      provider: 'api',
      externalId: transactionId,
      kind: i % 10 === 9 ? 'refund' : 'order',
      ...(i % 10 === 9 ? { orderId: `bench-${String(i - 1).padStart(7, '0')}` } : {}),
      occurredAt,
      currency: 'USD',
      gross: 2599,
      discount: 100,
      net: 2499,
      tax: 200,
      shipping: 500,
      total: 3199,
      salesChannel: 'online_store',
      identifiers: [`c:${i}`],
      contentHash: 'bench',
      recordedAt: '2026-10-01T00:00:00.000Z',
      attributionSummary: {
        sourcedBy: 'marketing',
        boundaryAt: occurredAt,
        top: Object.fromEntries(HEURISTIC_MODELS.map((model) => [model, { campaign: `campaign-${i % 40}`, channel: 'Paid Search' }])),
      },
    };
  });
  const batches: Array<typeof items> = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  const worker = async () => {
    for (let batch = batches.shift(); batch; batch = batches.shift()) {
      let pending: Array<Record<string, unknown>> = batch.map((Item) => ({ PutRequest: { Item } }));
      while (pending.length > 0) {
        const result = await ctx.bareClient.send(new BatchWriteCommand({ RequestItems: { [ctx.tableName]: pending as never } }));
        pending = (result.UnprocessedItems?.[ctx.tableName] ?? []) as Array<Record<string, unknown>>;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/**
 * The export server's JavaScript heap cap: an export that piled up its
 * lines or items would fail rather than just grow, whatever the garbage
 * collector's timing does to the peak RSS.
 */
const HEAP_CAP_MIB = 64;

/** Peak RSS of a fresh server process (heap capped) that serves one export, and its lines per second. */
async function exportInChild(ctx: BenchContext, key: string, format: string): Promise<{ lines: number; seconds: number; peakRssMiB: number; baseRssMiB: number }> {
  const child = spawn(process.execPath, [`--max-old-space-size=${HEAP_CAP_MIB}`, '--import', 'tsx', 'bench/export-server.ts'], {
    env: { ...process.env, DYNAMODB_ENDPOINT: process.env.DYNAMODB_ENDPOINT, TABLE_NAME: ctx.tableName, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((resolve) => child.once('message', (message) => resolve(String(message))));
  const sample = () =>
    new Promise<number>((resolve) => {
      child.once('message', (message) => resolve(Number(message)));
      child.send('rss');
    });
  // Warm up: load the handler modules and the SDK with a one-line page, so the baseline is a ready server.
  await (await fetch(`${url}/v1/exports/transactions?from=2026-09-01&to=2026-09-01&limit=1`, { headers: { authorization: `Bearer ${key}` } })).text();
  const baseRssMiB = (await sample()) / 2 ** 20;
  let peak = baseRssMiB;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, (await sample()) / 2 ** 20);
      await new Promise((wait) => setTimeout(wait, 20));
    }
  })();
  const started = performance.now();
  const response = await fetch(`${url}/v1/exports/transactions?from=2026-09-01&to=2026-10-15&format=${format}`, { headers: { authorization: `Bearer ${key}` } });
  let lines = 0;
  const decoder = new TextDecoder();
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) lines += (decoder.decode(chunk, { stream: true }).match(/\n/g) ?? []).length;
  const seconds = (performance.now() - started) / 1000;
  sampling = false;
  await sampler;
  child.kill();
  return { lines: format === 'csv' ? lines - 1 : lines, seconds, peakRssMiB: peak, baseRssMiB };
}

/** Issue 5: lines per second and memory exporting 10k and 100k transactions; read units per 1,000 lines. */
export async function exportsBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Exports', ''];
  const deps = stores();
  lines.push('| transactions | format | lines/s | server RSS before → peak | growth |', '|---|---|---|---|---|');
  for (const count of ctx.quick ? [1_000, 10_000] : [10_000, 100_000]) {
    const tenant = await createTenant(deps.tenants, { tenantId: `bench-export-${count}`, currency: 'USD', timezone: 'UTC' });
    await seed(ctx, tenant.tenantId, count);
    for (const format of ['csv', 'ndjson']) {
      const run = await exportInChild(ctx, tenant.keys.finance, format);
      if (run.lines !== count) throw new Error(`exported ${run.lines} of ${count} lines`);
      lines.push(
        `| ${count.toLocaleString('en-US')} | ${format} | ${Math.round(run.lines / run.seconds).toLocaleString('en-US')} | ${run.baseRssMiB.toFixed(0)} → ${run.peakRssMiB.toFixed(0)} MiB | ${(run.peakRssMiB - run.baseRssMiB).toFixed(0)} MiB |`,
      );
    }
  }
  // Read units of the time-index queries, as DynamoDB reports them, per 1,000 lines read.
  const tenantId = `bench-export-${ctx.quick ? 1_000 : 10_000}`;
  ctx.counter.reset();
  let read = 0;
  for await (const _line of deps.timeline.between(tenantId, '2026-09-01T00:00:00.000Z', '2026-10-15T00:00:00.000Z')) {
    read += 1;
    if (read === 1_000) break;
  }
  const perThousand = (ctx.counter.readUnits / ctx.counter.itemsRead) * 1000;
  lines.push(
    '',
    `Reading the first 1,000 lines took ${ctx.counter.describe()} on the time index: ${ctx.counter.readUnits} read units for the ${ctx.counter.itemsRead.toLocaleString('en-US')} items those pages held, ${perThousand.toFixed(1)} read units per 1,000 lines (eventually consistent; DynamoDB bills a query by the total size it reads, in 4 KB units).`,
    '',
    `The export is served by a fresh server process per run, its JavaScript heap capped at ${HEAP_CAP_MIB} MiB (\`--max-old-space-size\`), so that an export which piled up its lines or items would fail rather than just grow. Its peak RSS is sampled every 20 ms while the whole period streams; the growth between 10k and 100k lines is the figure that must stay small.`,
    '',
  );
  return lines.join('\n');
}
