import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { projectRoot } from '../scripts/local/dynamodb-local.ts';
import { startLocalRuntime } from '../scripts/local/runtime.ts';
import { FolderFiles, openWarehouse } from '../scripts/warehouse/local.ts';
import { documentClient } from '../shared/adapters/dynamodb/client.ts';
import { warehouseChangeEntity } from '../shared/adapters/dynamodb/entities/warehouse-change.ts';
import { stores } from '../shared/adapters/dynamodb/stores.ts';
import { DynamoWarehouseStore } from '../shared/adapters/dynamodb/warehouse-store.ts';
import { streamConsumers } from '../shared/events/stream-consumers.ts';
import { csvHeader, csvLine, lineOf } from '../shared/exports/export.ts';
import { calendarOf, createTenant } from '../shared/tenants/use-cases.ts';
import { writeWindow } from '../shared/warehouse/export.ts';
import { encodeParquet } from '../shared/warehouse/parquet.ts';
import type { LoggedRows } from '../shared/warehouse/ports.ts';
import { rowsOf } from '../shared/warehouse/rows.ts';
import { WAREHOUSE_DEFAULTS } from '../shared/warehouse/settings.ts';
import { WAREHOUSE_TABLE_NAMES, WAREHOUSE_TABLES } from '../shared/warehouse/tables.ts';
import { stats } from './lib.ts';
import type { BenchContext } from './run.ts';
import { creditRowsOf, type MemoryFigures, PAGE_ROWS, paged, rowContext, type SyntheticOrder, syntheticOrders } from './warehouse-memory.ts';

const MINUTE = 60_000;
const format = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Issue 22, measure 3: the writer alone in a fresh process (bench/warehouse-memory.ts), fed `rows` credit rows 500 a page. */
function writerMemory(rows: number): MemoryFigures {
  const output = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(projectRoot, 'bench', 'warehouse-memory.ts'), String(rows)], {
    cwd: projectRoot,
    encoding: 'utf8',
    maxBuffer: 16 * 2 ** 20,
  });
  return JSON.parse(output) as MemoryFigures;
}

/** Orders (each with its credit set) until their credits reach `rows`. */
function ordersWithCredits(tenantId: string, rows: number, from: number): { orders: SyntheticOrder[]; rows: number } {
  const orders: SyntheticOrder[] = [];
  let count = 0;
  for (const order of syntheticOrders(Number.MAX_SAFE_INTEGER, from, 2_000)) {
    if (!order.attribution) continue;
    orders.push(order);
    count += creditRowsOf(order, tenantId, new Date(from).toISOString()).length;
    if (count >= rows) break;
  }
  return { orders, rows: count };
}

/** Issue 22: the warehouse exporter against a bare Query loop, Parquet against CSV, the writer's memory, the lag to the change log. */
export async function warehouseBench(ctx: BenchContext): Promise<string> {
  const lines = ['## Warehouse export', ''];
  const target = ctx.quick ? 20_000 : 100_000;

  // 3. The writer's memory first, while nothing else of this section runs.
  const sizes = ctx.quick ? [100_000, 200_000] : [100_000, 1_000_000];
  const memory = writerMemory(sizes[1] ?? 1_000_000);
  const at = (rows: number) => (rows === memory.rows ? memory.final : memory.checkpoints.find((checkpoint) => checkpoint.rows >= rows));

  // 1. A window of `target` credit rows in the change log, one item per order's credit set, as the stream consumer writes them.
  const tenantId = 'bench-warehouse';
  const start = '2026-09-15T10:00:00.000Z';
  const end = new Date(Date.parse(start) + WAREHOUSE_DEFAULTS.intervalMinutes * MINUTE).toISOString();
  const seeded = ordersWithCredits(tenantId, target, Date.parse(start) - 3_600_000);
  const bareStore = new DynamoWarehouseStore(ctx.bareClient, ctx.tableName);
  const windowMs = Date.parse(end) - Date.parse(start);
  const entries: LoggedRows[] = seeded.orders.map((order, i) => {
    const changedAt = new Date(Date.parse(start) + Math.floor((i * windowMs) / seeded.orders.length)).toISOString();
    return { table: 'credits', changedAt, rows: creditRowsOf(order, tenantId, changedAt) };
  });
  for (let i = 0; i < entries.length; i += 500) await bareStore.append(tenantId, entries.slice(i, i + 500));

  const directory = mkdtempSync(join(tmpdir(), 'baton-bench-warehouse-'));
  const creditFile = { rows: 0, bytes: 0, orders: seeded.orders.length };
  try {
    const files = new FolderFiles(directory);
    // The exporter's requests, counted once (the shared client), then both timed on the bare client.
    ctx.counter.reset();
    const manifest = await writeWindow({ changes: new DynamoWarehouseStore(documentClient(), ctx.tableName), files }, tenantId, start, end);
    const exporterRequests = ctx.counter.describe();
    const readUnits = ctx.counter.readUnits;
    const credits = manifest.files.find((file) => file.table === 'credits');
    if (credits?.rows !== seeded.rows) throw new Error(`the credits file holds ${credits?.rows} of ${seeded.rows} rows`);
    creditFile.rows = credits.rows;
    creditFile.bytes = credits.bytes;
    const warehouse = await openWarehouse(directory);
    const [check] = await warehouse.query(`SELECT count(*) AS n, sum(credit_minor) AS credit FROM credits`);
    warehouse.close();
    const expectedCredit = entries.reduce((sum, entry) => sum + entry.rows.reduce((rows, row) => rows + Number(row.credit_minor), 0), 0);
    if (Number(check?.n) !== seeded.rows || Number(check?.credit) !== expectedCredit) throw new Error(`DuckDB reads ${JSON.stringify(check)} from the credits file`);

    let pages = 0;
    let items = 0;
    const bareLoop = async () => {
      pages = 0;
      items = 0;
      for (const table of WAREHOUSE_TABLE_NAMES) {
        for (const pk of warehouseChangeEntity.partitions(tenantId, table, start, end)) {
          let ExclusiveStartKey: Record<string, unknown> | undefined;
          do {
            const page = await ctx.bareClient.send(
              new QueryCommand({
                TableName: ctx.tableName,
                KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
                ExpressionAttributeValues: { ':pk': pk, ':from': start, ':to': `${new Date(Date.parse(end) - 1).toISOString()}~` },
                ConsistentRead: true,
                ExclusiveStartKey,
              }),
            );
            pages += 1;
            items += page.Items?.length ?? 0;
            ExclusiveStartKey = page.LastEvaluatedKey;
          } while (ExclusiveStartKey);
        }
      }
    };
    // Interleaved rounds after a warm-up of each, alternating which goes first.
    const exporterMs: number[] = [];
    const bareMs: number[] = [];
    const timed = async (fn: () => Promise<unknown>, into?: number[]) => {
      const started = performance.now();
      await fn();
      into?.push(performance.now() - started);
    };
    const exporter = () => writeWindow({ changes: bareStore, files }, tenantId, start, end);
    await timed(exporter);
    await timed(bareLoop);
    const rounds = 3;
    for (let round = 0; round < rounds; round += 1) {
      if (round % 2 === 0) {
        await timed(exporter, exporterMs);
        await timed(bareLoop, bareMs);
      } else {
        await timed(bareLoop, bareMs);
        await timed(exporter, exporterMs);
      }
    }
    if (items !== entries.length) throw new Error(`the bare loop read ${items} of ${entries.length} items`);
    const rate = (samples: number[]) => seeded.rows / (stats(samples).median / 1000);
    const range = (samples: number[]) => {
      const rates = samples.map((ms) => seeded.rows / (ms / 1000)).sort((a, b) => a - b);
      return `${format(rates[0] ?? NaN)}–${format(rates[rates.length - 1] ?? NaN)}`;
    };
    const exporterRate = rate(exporterMs);
    const bareRate = rate(bareMs);
    lines.push(
      `### Exporter throughput`,
      '',
      `One ${WAREHOUSE_DEFAULTS.intervalMinutes}-minute window holding ${format(seeded.rows)} credit rows (${format(seeded.orders.length)} orders' credit sets under the seven models, ${(seeded.rows / seeded.orders.length).toFixed(1)} rows each, from the attribution engine on journeys of 1–8 touches), one change-log item per order as the stream consumer writes them. \`writeWindow\` reads each of the four tables' partitions of the window page by page, unpacks the items, writes each table's Parquet file (row groups of 50,000, Snappy) into a folder (\`FolderFiles\`) with its sha256, then the manifest; the bare loop sends the same \`Query\` pages over the same partitions and only counts the items (${pages} pages). Interleaved, one warm-up each, then ${rounds} rounds alternating which goes first; both on the same uncounted client.`,
      '',
      '| | rows/s (median of 3) | range |',
      '|---|---|---|',
      `| exporter (\`writeWindow\`: Query, unpack, Parquet, file, manifest) | ${format(exporterRate)} | ${range(exporterMs)} |`,
      `| bare paginated \`Query\` loop, same partitions | ${format(bareRate)} | ${range(bareMs)} |`,
      `| **ratio** (goal ≥ 0.7×) | **${(exporterRate / bareRate).toFixed(2)}×** | |`,
      '',
      `The exporter's requests for the window: ${exporterRequests}, ${readUnits.toFixed(0)} read units (strongly consistent), ${(readUnits / (seeded.rows / 1000)).toFixed(1)} per 1,000 rows. The credits file: ${format(credits.bytes)} bytes, ${(credits.bytes / credits.rows).toFixed(1)} bytes a row; DuckDB (\`openWarehouse\`) reads back its ${format(seeded.rows)} rows and their credit sum.`,
      '',
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }

  // 2. Parquet against the CSV export's lines, for the same transactions.
  const lagTenant = await createTenant(stores().tenants, { tenantId: 'bench-warehouse-lag', currency: 'USD', timezone: 'UTC' });
  const tenantRecord = await stores().tenants.getTenant(lagTenant.tenantId);
  if (!tenantRecord) throw new Error('the bench tenant is missing');
  const calendar = calendarOf(tenantRecord);
  const transactions = [...syntheticOrders(target, Date.parse('2026-09-01T00:00:00Z'), (30 * 86_400_000) / target, 11)].map((order) => order.transaction);
  const csvBytes = transactions.reduce(
    (sum, transaction) => sum + Buffer.byteLength(csvLine(lineOf(transaction, calendar, tenantRecord.config.defaultModel, tenantRecord.config.reportingCurrency))),
    0,
  );
  const transactionRows = transactions.map(
    (transaction, i) => rowsOf({ entity: 'transaction', op: 'upsert', transaction }, rowContext(tenantRecord.tenantId, transaction.recordedAt, i % 100)).rows[0] ?? {},
  );
  const parquet = await encodeParquet('transactions', paged(transactionRows));
  const small = await encodeParquet('transactions', paged(transactionRows.slice(0, 1_000)));
  const csvPerLine = csvBytes / transactions.length;
  const parquetPerRow = parquet.body.byteLength / parquet.rows;
  lines.push(
    '### Parquet against the CSV export',
    '',
    `${format(transactions.length)} synthetic transactions (95% orders with their attribution summary, 5% refunds; varied amounts, three currencies, online and POS), each as the CSV export's line (\`csvLine(lineOf(…))\`, the tenant's default model \`${tenantRecord.config.defaultModel}\`, the header not counted) and as the \`transactions\` table's row (\`rowsOf\`) in one Parquet file:`,
    '',
    '| | bytes | per transaction | vs CSV |',
    '|---|---|---|---|',
    `| CSV export lines (${csvHeader().split(',').length} columns) | ${format(csvBytes)} | ${csvPerLine.toFixed(1)} | 1× |`,
    `| \`transactions\` Parquet, ${format(parquet.rows)} rows in one file | ${format(parquet.body.byteLength)} | ${parquetPerRow.toFixed(1)} | **${(parquetPerRow / csvPerLine).toFixed(2)}×** (goal ≤ 0.3×) |`,
    `| \`transactions\` Parquet, a window of 1,000 rows | ${format(small.body.byteLength)} | ${(small.body.byteLength / small.rows).toFixed(1)} | ${(small.body.byteLength / small.rows / csvPerLine).toFixed(2)}× |`,
    '',
    `| \`credits\` Parquet (the window above), ${format(creditFile.rows)} rows | ${format(creditFile.bytes)} | ${(creditFile.bytes / creditFile.rows).toFixed(1)} a credit row, ${(creditFile.bytes / creditFile.orders).toFixed(0)} an order | — |`,
    '',
    `The Parquet row has ${WAREHOUSE_TABLES.transactions.columns.length} columns: the CSV line's without its model, top campaign and top channel (an order's credits are in \`credits\`, ${(creditFile.rows / creditFile.orders).toFixed(1)} rows an order here), with \`tenant_id\`, \`op\`, \`version\` and \`updated_at\`. Both from memory: no DynamoDB in these figures.`,
    '',
  );

  lines.push(
    '### The writer’s memory',
    '',
    `\`encodeParquet('credits', pages)\` alone in a fresh process (\`bench/warehouse-memory.ts\`), fed ${format(memory.rows)} generated credit rows ${PAGE_ROWS} a page as the change log yields them; peak RSS as the kernel counts it (getrusage), after a warm-up file. Writing took ${memory.seconds.toFixed(1)} s, generating the rows included.`,
    '',
    '| rows fed | peak RSS so far | heap used | file buffer (ArrayBuffers) |',
    '|---|---|---|---|',
    `| 0 (ready) | ${mib(memory.base.peakRssMiB)} | ${mib(memory.base.heapUsedMiB)} | ${mib(memory.base.arrayBuffersMiB)} |`,
    ...sizes.map((rows) => {
      const checkpoint = at(rows);
      return checkpoint ? `| ${format(checkpoint.rows)} | ${mib(checkpoint.peakRssMiB)} | ${mib(checkpoint.heapUsedMiB)} | ${mib(checkpoint.arrayBuffersMiB)} |` : `| ${format(rows)} | — | — | — |`;
    }),
    '',
    `Heap used peaked at ${mib(memory.peakHeapUsedMiB)} (one row group of 50,000 rows converted, whatever the window's size); the file is ${format(memory.bytes)} bytes (${(memory.bytes / memory.rows).toFixed(1)} a row), held whole in the writer's buffer, which doubles as it grows (${mib(memory.peakArrayBuffersMiB)} at its peak).`,
    '',
  );

  // 4. Lag from a touch's write to its row in the change log, with the warehouse's stream consumer running.
  if (!streamConsumers.some((consumer) => consumer.name === 'warehouse-changes')) throw new Error('no warehouse-changes stream consumer');
  const runtime = await startLocalRuntime({ port: 0, dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT!, tableName: ctx.tableName, streamConsumers: ['warehouse-changes'] });
  try {
    const backlogStarted = performance.now();
    await runtime.settle();
    const backlogSeconds = (performance.now() - backlogStarted) / 1000;
    const changes = new DynamoWarehouseStore(ctx.bareClient, ctx.tableName);
    const touchLag = async (i: number) => {
      const touchId = `bench-lag-${i}`;
      const from = new Date(Date.now() - 1_000).toISOString();
      const sent = performance.now();
      const response = await fetch(`${runtime.url}/v1/touches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${lagTenant.keys.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          touches: [{ touchId, occurredAt: new Date().toISOString(), person: { anonymousId: `bench-lag-anon-${i}` }, kind: 'click', url: 'https://shop.example/?utm_source=google&utm_medium=cpc' }],
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`the touch answered ${response.status}`);
      const answered = performance.now();
      const to = new Date(Date.now() + 3_600_000).toISOString();
      for (;;) {
        for await (const page of changes.between(lagTenant.tenantId, 'touches', from, to)) {
          if (page.some((row) => row.touch_id === touchId)) return { fromSent: performance.now() - sent, fromAnswer: performance.now() - answered };
        }
        if (performance.now() - sent > 30_000) throw new Error(`touch ${touchId} never reached the change log`);
        await sleep(5);
      }
    };
    await touchLag(0); // warm: the handler modules loaded
    const lags: Array<{ fromSent: number; fromAnswer: number }> = [];
    for (let i = 1; i <= 20; i += 1) {
      lags.push(await touchLag(i));
      await sleep(100);
    }
    const fromAnswer = stats(lags.map((lag) => lag.fromAnswer));
    const fromSent = stats(lags.map((lag) => lag.fromSent));
    const { intervalMinutes, lagMinutes } = WAREHOUSE_DEFAULTS;
    lines.push(
      '### Lag to the warehouse',
      '',
      `${lags.length} touches posted one at a time (\`POST /v1/touches\`, ingest key) to a local runtime running the \`warehouse-changes\` stream consumer alone (on AWS each consumer reads the stream on its own); the change log (\`DynamoWarehouseStore.between\`) polled every 5 ms until the touch's row is there. The poller reads DynamoDB Local's stream every 50 ms while busy and is nudged by each answered request. It first caught up on the stream's backlog from its trim horizon in ${backlogSeconds.toFixed(1)} s.`,
      '',
      '| from | median | p99 (max of 20) |',
      '|---|---|---|',
      `| the request sent to the row in the change log | ${fromSent.median.toFixed(0)} ms | ${fromSent.p99.toFixed(0)} ms |`,
      `| the touch stored (202 answered) to the row in the change log | ${fromAnswer.median.toFixed(0)} ms | ${fromAnswer.p99.toFixed(0)} ms |`,
      '',
      `To a file, as configured (computed, not waited for): a window of ${intervalMinutes} minutes is written by the first run at least ${lagMinutes} minutes after it ended, so its rows are in a file from ${intervalMinutes + lagMinutes} minutes after it opened when a run falls then; with runs every ${intervalMinutes} minutes at any phase, by ${2 * intervalMinutes + lagMinutes} minutes at the latest. A row recorded at the window's end waits at least ${lagMinutes} minutes, one at its start at most ${2 * intervalMinutes + lagMinutes}. The ${lagMinutes}-minute lag covers the recording lag above ${format((lagMinutes * MINUTE) / Math.max(1, fromSent.p99))} times over.`,
      '',
    );
  } finally {
    await runtime.close();
  }
  return lines.join('\n');
}
