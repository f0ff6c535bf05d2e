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
import type { ErasureLogEntry } from '../shared/privacy/erasure.ts';
import { loggedId } from '../shared/privacy/erasure.ts';
import type { Touch } from '../shared/recording/touches.ts';
import type { TenantRecord } from '../shared/tenants/ports.ts';
import { type CreatedTenant, calendarOf, createTenant } from '../shared/tenants/use-cases.ts';
import { ERASURE_FILES_AT_ONCE, eraseFromWarehouse } from '../shared/warehouse/erasure.ts';
import { writeWindow } from '../shared/warehouse/export.ts';
import { encodeParquet } from '../shared/warehouse/parquet.ts';
import type { ChangeLog, ErasurePass, LoggedRows, WarehouseFiles } from '../shared/warehouse/ports.ts';
import { rowsOf } from '../shared/warehouse/rows.ts';
import { WAREHOUSE_DEFAULTS } from '../shared/warehouse/settings.ts';
import { CHANGE_LOG_NAMES, WAREHOUSE_TABLES, type WarehouseRow } from '../shared/warehouse/tables.ts';
import { CHANNELS } from './journeys.ts';
import { stats } from './lib.ts';
import type { BenchContext } from './run.ts';
import { creditRowsOf, type MemoryFigures, PAGE_ROWS, paged, rowContext, type SyntheticOrder, syntheticOrders } from './warehouse-memory.ts';

const MINUTE = 60_000;
const format = (value: number) => Math.round(value).toLocaleString('en-US');
const mib = (value: number) => `${value.toFixed(0)} MiB`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The window the throughput is measured on, in the past: the exporter would have written it. */
const WINDOW_START = '2026-09-15T10:00:00.000Z';
const WINDOW_END = new Date(Date.parse(WINDOW_START) + WAREHOUSE_DEFAULTS.intervalMinutes * MINUTE).toISOString();

/** The credits file of the measured window, for the bytes comparison. */
interface CreditFile {
  rows: number;
  bytes: number;
  orders: number;
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

/** The window's credit rows in the change log, one item per order's credit set (as the stream consumer writes them), spread over the window. */
async function seedWindow(ctx: BenchContext, tenantId: string, target: number): Promise<{ entries: LoggedRows[]; rows: number }> {
  const seeded = ordersWithCredits(tenantId, target, Date.parse(WINDOW_START) - 3_600_000);
  const windowMs = Date.parse(WINDOW_END) - Date.parse(WINDOW_START);
  const entries: LoggedRows[] = seeded.orders.map((order, i) => {
    const changedAt = new Date(Date.parse(WINDOW_START) + Math.floor((i * windowMs) / seeded.orders.length)).toISOString();
    return { table: 'credits', changedAt, rows: creditRowsOf(order, tenantId, changedAt) };
  });
  const store = new DynamoWarehouseStore(ctx.bareClient, ctx.tableName);
  for (let i = 0; i < entries.length; i += 500) await store.append(tenantId, entries.slice(i, i + 500));
  return { entries, rows: seeded.rows };
}

/** The `Query` pages `DynamoWarehouseStore.between` sends for the window, every table's partitions, and nothing else: the items counted. */
async function bareQueryLoop(ctx: BenchContext, tenantId: string): Promise<{ pages: number; items: number }> {
  let pages = 0;
  let items = 0;
  for (const table of CHANGE_LOG_NAMES) {
    for (const pk of warehouseChangeEntity.partitions(tenantId, table, WINDOW_START, WINDOW_END)) {
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const page = await ctx.bareClient.send(
          new QueryCommand({
            TableName: ctx.tableName,
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
            ExpressionAttributeValues: { ':pk': pk, ':from': WINDOW_START, ':to': `${new Date(Date.parse(WINDOW_END) - 1).toISOString()}~` },
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
  return { pages, items };
}

/** `fns` in interleaved rounds after one warm-up each, the order turned round each round; milliseconds per run. */
async function interleaved(fns: Record<string, () => Promise<unknown>>, rounds: number): Promise<Record<string, number[]>> {
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
  for (const fn of Object.values(fns)) await fn();
  for (let round = 0; round < rounds; round += 1) {
    const order = Object.entries(fns);
    if (round % 2 === 1) order.reverse();
    for (const [name, fn] of order) {
      const started = performance.now();
      await fn();
      samples[name]?.push(performance.now() - started);
    }
  }
  return samples;
}

/** Measure 1: `writeWindow` of one window against the bare Query loop over the same items. */
async function exporterThroughput(ctx: BenchContext, target: number): Promise<{ lines: string[]; creditFile: CreditFile }> {
  const tenantId = 'bench-warehouse';
  const { entries, rows } = await seedWindow(ctx, tenantId, target);
  const directory = mkdtempSync(join(tmpdir(), 'baton-bench-warehouse-'));
  try {
    const files = new FolderFiles(directory);
    // The exporter's requests, counted once on the shared client; then everything timed on the bare client.
    ctx.counter.reset();
    const manifest = await writeWindow({ changes: new DynamoWarehouseStore(documentClient(), ctx.tableName), files }, tenantId, WINDOW_START, WINDOW_END);
    const requests = ctx.counter.describe();
    const readUnits = ctx.counter.readUnits;
    const credits = manifest.files.find((file) => file.table === 'credits');
    if (credits?.rows !== rows) throw new Error(`the credits file holds ${credits?.rows} of ${rows} rows`);
    const warehouse = await openWarehouse(directory);
    const [check] = await warehouse.query('SELECT count(*) AS n, sum(credit_minor) AS credit FROM credits');
    warehouse.close();
    const credit = entries.reduce((sum, entry) => sum + entry.rows.reduce((total, row) => total + Number(row.credit_minor), 0), 0);
    if (Number(check?.n) !== rows || Number(check?.credit) !== credit) throw new Error(`DuckDB reads ${JSON.stringify(check)} from the credits file`);

    const store = new DynamoWarehouseStore(ctx.bareClient, ctx.tableName);
    let bare = { pages: 0, items: 0 };
    const rounds = 3;
    const samples = await interleaved(
      {
        exporter: () => writeWindow({ changes: store, files }, tenantId, WINDOW_START, WINDOW_END),
        unpacked: async () => {
          let unpacked = 0;
          for (const table of CHANGE_LOG_NAMES) for await (const page of store.between(tenantId, table, WINDOW_START, WINDOW_END)) unpacked += page.length;
          if (unpacked !== rows) throw new Error(`the change log gave ${unpacked} of ${rows} rows`);
        },
        bare: async () => (bare = await bareQueryLoop(ctx, tenantId)),
        writer: async () => {
          const file = await encodeParquet('credits', paged(entries.flatMap((entry) => entry.rows)));
          if (file.rows !== rows) throw new Error(`the writer wrote ${file.rows} of ${rows} rows`);
        },
      },
      rounds,
    );
    if (bare.items !== entries.length) throw new Error(`the bare loop read ${bare.items} of ${entries.length} items`);
    const rate = (name: string) => rows / (stats(samples[name] ?? []).median / 1000);
    const row = (label: string, name: string) => {
      const rates = (samples[name] ?? []).map((ms) => rows / (ms / 1000)).sort((a, b) => a - b);
      return `| ${label} | ${format(rate(name))} | ${format(rates[0] ?? NaN)}–${format(rates[rates.length - 1] ?? NaN)} | ${(rate(name) / rate('bare')).toFixed(2)}× |`;
    };
    const perOrder = (rows / entries.length).toFixed(1);
    const lines = [
      '### Exporter throughput',
      '',
      `One ${WAREHOUSE_DEFAULTS.intervalMinutes}-minute window of the change log holding ${format(rows)} credit rows: ${format(entries.length)} orders' credit sets under the seven models (${perOrder} rows each, the attribution engine's credits on journeys of 1–8 touches), one item per order as the stream consumer writes them. \`writeWindow\` reads the four tables' partitions of the window a \`Query\` page at a time (${bare.pages} pages: the credits in ${bare.pages - 3} pages of ${format(rows / Math.max(1, bare.pages - 3))} rows, an empty page for each other table), unpacks the items, writes each table's Parquet file (row groups of 50,000, Snappy) with its sha256 into a folder (\`FolderFiles\`), then the manifest. The bare loop sends the same \`Query\` requests and only counts the items. Interleaved: one warm-up each, then ${rounds} rounds, the order turned round each round; all on the same uncounted client.`,
      '',
      '| | rows/s (median of 3) | range | vs the bare loop |',
      '|---|---|---|---|',
      row('exporter (`writeWindow`: Query, unpack, Parquet, file, manifest)', 'exporter'),
      row('the change log alone (`DynamoWarehouseStore.between`: Query, unpack)', 'unpacked'),
      row('bare paginated `Query` loop, same partitions', 'bare'),
      row('the Parquet writer alone (`encodeParquet`, the same rows from memory)', 'writer'),
      '',
      `**Exporter against the bare loop: ${(rate('exporter') / rate('bare')).toFixed(2)}×** (goal ≥ 0.7×). The exporter's requests for the window: ${requests}, ${readUnits.toFixed(0)} read units (strongly consistent), ${(readUnits / (rows / 1000)).toFixed(1)} per 1,000 rows. DuckDB (\`openWarehouse\`) reads back the credits file's ${format(rows)} rows and their credit sum. Why the goal is missed: the writer alone, with no DynamoDB at all, runs at ${(rate('writer') / rate('bare')).toFixed(2)}× the bare loop (about ${(1e6 / rate('writer')).toFixed(1)} µs a row of ${WAREHOUSE_TABLES.credits.columns.length} columns: hyparquet-writer's per-value conversion, dictionaries and statistics, and the garbage they leave), so no reading, however fast, brings the exporter to 0.7× on one core; the Lambda's 1,024 MB give it less than one.`,
      '',
    ];
    return { lines, creditFile: { rows: credits.rows, bytes: credits.bytes, orders: entries.length } };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Measure 2: the `transactions` table's Parquet against the CSV export's lines, for the same transactions (in memory). */
async function bytesAgainstCsv(tenant: TenantRecord, count: number, creditFile: CreditFile): Promise<string[]> {
  const calendar = calendarOf(tenant);
  const transactions = [...syntheticOrders(count, Date.parse('2026-09-01T00:00:00Z'), (30 * 86_400_000) / count, 11)].map((order) => order.transaction);
  const csvBytes = transactions.reduce((sum, transaction) => sum + Buffer.byteLength(csvLine(lineOf(transaction, calendar, tenant.config.defaultModel, tenant.config.reportingCurrency))), 0);
  const rows = transactions.flatMap((transaction, i) => rowsOf({ entity: 'transaction', op: 'upsert', transaction }, rowContext(tenant.tenantId, transaction.recordedAt, i % 100)).rows);
  const whole = await encodeParquet('transactions', paged(rows));
  const small = await encodeParquet('transactions', paged(rows.slice(0, 1_000)));
  const csvPerLine = csvBytes / transactions.length;
  const perRow = (file: { body: Uint8Array; rows: number }) => file.body.byteLength / file.rows;
  return [
    '### Parquet against the CSV export',
    '',
    `${format(transactions.length)} synthetic transactions (95% orders with their attribution summary, 5% refunds; varied amounts, three currencies, online and POS), each as the CSV export's line (\`csvLine(lineOf(…))\` as \`GET /v1/exports/transactions\` streams it, the tenant's default model \`${tenant.config.defaultModel}\`, the header not counted) and as the \`transactions\` table's row (\`rowsOf\`) in Parquet. In memory: no DynamoDB in these figures.`,
    '',
    '| | bytes | per transaction | vs CSV |',
    '|---|---|---|---|',
    `| CSV export lines (${csvHeader().split(',').length} columns) | ${format(csvBytes)} | ${csvPerLine.toFixed(1)} | 1× |`,
    `| \`transactions\` Parquet, ${format(whole.rows)} rows in one file | ${format(whole.body.byteLength)} | ${perRow(whole).toFixed(1)} | **${(perRow(whole) / csvPerLine).toFixed(2)}×** (goal ≤ 0.3×) |`,
    `| \`transactions\` Parquet, a window of 1,000 rows | ${format(small.body.byteLength)} | ${perRow(small).toFixed(1)} | ${(perRow(small) / csvPerLine).toFixed(2)}× |`,
    `| \`credits\` Parquet (the window above), ${format(creditFile.rows)} rows | ${format(creditFile.bytes)} | ${(creditFile.bytes / creditFile.rows).toFixed(1)} a credit row, ${format(creditFile.bytes / creditFile.orders)} an order | — |`,
    '',
    `The \`transactions\` row has ${WAREHOUSE_TABLES.transactions.columns.length} columns: the CSV line's without its model, top campaign and top channel (an order's credits are the \`credits\` table's, ${(creditFile.rows / creditFile.orders).toFixed(1)} rows an order here), with \`tenant_id\`, \`op\`, \`version\` and \`updated_at\`.`,
    '',
  ];
}

/** Measure 3, in fresh processes (bench/warehouse-memory.ts): the JavaScript heap as Node sizes it, then capped. */
function writerMemory(rows: number, heapCapMiB?: number): MemoryFigures {
  const flags = ['--expose-gc', ...(heapCapMiB ? [`--max-old-space-size=${heapCapMiB}`] : []), '--import', 'tsx'];
  const output = execFileSync(process.execPath, [...flags, join(projectRoot, 'bench', 'warehouse-memory.ts'), String(rows)], { cwd: projectRoot, encoding: 'utf8', maxBuffer: 16 * 2 ** 20 });
  return JSON.parse(output) as MemoryFigures;
}

const HEAP_CAP_MIB = 128;

function memoryLines(quick: boolean): string[] {
  const total = quick ? 200_000 : 1_000_000;
  const runs = [
    { label: 'default heap', figures: writerMemory(total) },
    { label: `heap capped at ${HEAP_CAP_MIB} MiB`, figures: writerMemory(total, HEAP_CAP_MIB) },
  ];
  const marks = [100_000, ...(quick ? [] : [500_000]), total];
  const at = (figures: MemoryFigures, rows: number) => (rows === figures.rows ? figures.final : figures.checkpoints.find((checkpoint) => checkpoint.rows >= rows));
  const [first] = runs;
  return [
    '### The writer’s memory',
    '',
    `\`encodeParquet('credits', pages)\` alone in a fresh process (\`bench/warehouse-memory.ts\`), fed ${format(total)} generated credit rows ${PAGE_ROWS} a page; peak RSS as the kernel counts it (getrusage) after a warm-up file, heap and ArrayBuffers sampled at each page. Run twice: with the heap Node sizes by itself, and with \`--max-old-space-size=${HEAP_CAP_MIB}\`, which a writer holding the window's rows would not survive.`,
    '',
    `| | ready | ${marks.map((rows) => `${format(rows)} rows`).join(' | ')} | heap used, peak | file buffer, peak | time (rows generated too) |`,
    `|---|---|${marks.map(() => '---|').join('')}---|---|---|`,
    ...runs.map(
      ({ label, figures }) =>
        `| peak RSS, ${label} | ${mib(figures.base.peakRssMiB)} | ${marks.map((rows) => (at(figures, rows) ? mib(at(figures, rows)?.peakRssMiB ?? NaN) : '—')).join(' | ')} | ${mib(figures.peakHeapUsedMiB)} | ${mib(figures.peakArrayBuffersMiB)} | ${figures.seconds.toFixed(1)} s |`,
    ),
    '',
    `What stays flat: the rows of one row group (50,000) as the writer converts them, whatever the window's size. What grows: the file, held whole in the writer's buffer until it is put — ${format(first?.figures.bytes ?? NaN)} bytes for ${format(total)} rows (${((first?.figures.bytes ?? NaN) / total).toFixed(1)} a row), in a buffer that doubles as it grows (up to twice the file, three times while it copies). Without a cap V8 lets the heap run well past what is live before collecting; the capped run shows what is.`,
    '',
  ];
}

/** Measure 4: a touch's write to its row in the change log, through the local runtime with the warehouse's stream consumer. */
async function lagLines(ctx: BenchContext, tenant: CreatedTenant): Promise<string[]> {
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
      const to = new Date(Date.now() + 3_600_000).toISOString();
      const sent = performance.now();
      const response = await fetch(`${runtime.url}/v1/touches`, {
        method: 'POST',
        headers: { authorization: `Bearer ${tenant.keys.ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          touches: [{ touchId, occurredAt: new Date().toISOString(), person: { anonymousId: `bench-lag-${i}` }, kind: 'click', url: 'https://shop.example/?utm_source=google&utm_medium=cpc' }],
        }),
      });
      await response.arrayBuffer();
      if (response.status !== 202) throw new Error(`the touch answered ${response.status}`);
      const answered = performance.now();
      while (performance.now() - sent < 30_000) {
        for await (const page of changes.between(tenant.tenantId, 'touches', from, to)) {
          if (page.some((row) => row.touch_id === touchId)) return { sent: performance.now() - sent, answered: performance.now() - answered };
        }
        await sleep(5);
      }
      throw new Error(`touch ${touchId} never reached the change log`);
    };
    await touchLag(0); // warm: the handler modules loaded
    const lags: Array<{ sent: number; answered: number }> = [];
    for (let i = 1; i <= 20; i += 1) {
      lags.push(await touchLag(i));
      await sleep(100);
    }
    const fromSent = stats(lags.map((lag) => lag.sent));
    const fromAnswer = stats(lags.map((lag) => lag.answered));
    const { intervalMinutes, lagMinutes } = WAREHOUSE_DEFAULTS;
    return [
      '### Lag to the warehouse',
      '',
      `${lags.length} touches posted one at a time (\`POST /v1/touches\`, ingest key) to a local runtime running the \`warehouse-changes\` stream consumer (alone: on AWS each consumer reads the stream by itself); the change log (\`DynamoWarehouseStore.between\`) polled every 5 ms until the touch's row is there. The local poller reads DynamoDB Local's stream every 50 ms while busy and is nudged by each answered request. It first caught up on the stream from its trim horizon (${backlogSeconds.toFixed(1)} s).`,
      '',
      '| recording lag | median | p99 (max of 20) |',
      '|---|---|---|',
      `| request sent → row in the change log | ${fromSent.median.toFixed(0)} ms | ${fromSent.p99.toFixed(0)} ms |`,
      `| touch stored (202 answered) → row in the change log | ${fromAnswer.median.toFixed(0)} ms | ${fromAnswer.p99.toFixed(0)} ms |`,
      '',
      `To a file, as configured (computed, not waited for; \`intervalMinutes\` ${intervalMinutes}, \`lagMinutes\` ${lagMinutes}): a window is written by the first run once it ended ${lagMinutes} minutes ago, so its rows are in a file ${intervalMinutes + lagMinutes} minutes after it opened if a run falls then, and with a run every ${intervalMinutes} minutes at any phase ${2 * intervalMinutes + lagMinutes} minutes after at the latest: a row waits from ${lagMinutes} minutes (recorded as its window ends) to ${2 * intervalMinutes + lagMinutes} (recorded as it opens). The lag's ${lagMinutes} minutes leave the recording lag above far behind.`,
      '',
    ];
  } finally {
    await runtime.close();
  }
}

/** Touch rows of `people` shoppers (one touch each), one of them `erased`, as the stream consumer derives them. */
function touchRows(tenantId: string, at: number, people: number, erased: boolean): WarehouseRow[] {
  const changedAt = new Date(at).toISOString();
  return Array.from({ length: people }, (_, i) => {
    const touch: Touch = {
      touchId: `t-${at}-${i}`,
      occurredAt: new Date(at - 60_000).toISOString(),
      identifiers: [erased && i === 0 ? 'c:erased' : `c:${at}-${i}`],
      kind: 'click',
      side: 'marketing',
      channel: CHANNELS[i % CHANNELS.length] ?? 'Direct',
      campaign: `campaign-${i % 7}`,
      url: `https://shop.example/products/${i}?utm_source=google&utm_medium=cpc`,
      contentHash: `h-${at}-${i}`,
    };
    return rowsOf({ entity: 'touch', op: 'upsert', touch }, rowContext(tenantId, changedAt, i)).rows[0]!;
  });
}

/** The warehouse's files with `latencyMs` added to each get and put, as a bucket in the function's region adds it. */
const withLatency = (files: WarehouseFiles, latencyMs: number): WarehouseFiles => ({
  get: async (path) => (await sleep(latencyMs), files.get(path)),
  put: async (path, body, contentType) => (await sleep(latencyMs), files.put(path, body, contentType)),
  list: (prefix) => files.list(prefix),
});

/** Measure 5: an erasure pass over a tenant's files (in a folder; then with a bucket's latency added to each request). */
async function erasurePassLines(quick: boolean): Promise<string[]> {
  const windows = quick ? 100 : 500;
  const people = 40;
  const every = 50;
  const tenantId = 'bench-erasure';
  const size = WAREHOUSE_DEFAULTS.intervalMinutes * MINUTE;
  const first = Date.parse('2026-09-01T00:00:00.000Z');
  const logged = new Map<string, LoggedRows[]>();
  const changes: ChangeLog = {
    append: async () => undefined,
    async *between(_tenantId, table, from, to) {
      const rows = (logged.get(`${table}|${from}`) ?? []).flatMap((entry) => entry.rows);
      if (rows.length > 0 && to > from) yield rows;
    },
  };
  for (let w = 0; w < windows; w += 1) {
    const start = new Date(first + w * size).toISOString();
    logged.set(`touches|${start}`, [{ table: 'touches', changedAt: start, rows: touchRows(tenantId, first + w * size + 1_000, people, w % every === 0) }]);
  }
  const erasedId = loggedId({ cursorKey: rowContext(tenantId, '').hashKey }, 'c:erased');
  const run = async (latencyMs: number) => {
    const directory = mkdtempSync(join(tmpdir(), 'baton-bench-erasure-'));
    try {
      const folder = new FolderFiles(directory);
      for (let w = 0; w < windows; w += 1) await writeWindow({ changes, files: folder }, tenantId, new Date(first + w * size).toISOString(), new Date(first + (w + 1) * size).toISOString());
      const erasedAt = new Date(first + windows * size).toISOString();
      let recorded: { files: number } | undefined;
      let pass: ErasurePass | undefined;
      const deps = {
        files: withLatency(folder, latencyMs),
        watermarks: { erasurePass: async () => pass, saveErasurePass: async (_tenantId: string, saved: ErasurePass | undefined) => void (pass = saved) },
        erasures: { recordWarehouse: async (_tenantId: string, _entry: unknown, warehouse: { files: number }) => void (recorded = warehouse) },
      };
      const log: ErasureLogEntry[] = [{ erasureId: 'er_bench', erasedAt, identifiers: [erasedId], erased: {} as ErasureLogEntry['erased'] }];
      const through = new Date(first + (windows + 1) * size).toISOString();
      const started = performance.now();
      const outcome = await eraseFromWarehouse(deps, tenantId, log, through, new Date(through));
      const seconds = (performance.now() - started) / 1000;
      const expected = Math.ceil(windows / every);
      if (outcome.files !== expected || recorded?.files !== expected) throw new Error(`the pass wrote ${outcome.files} files again, not ${expected}`);
      for (const path of await folder.list('v1/touches/')) if (Buffer.from(await folder.get(path)).includes(erasedId)) throw new Error(`${path} still names the erased person`);
      return { seconds, files: windows * 2, rewritten: outcome.files };
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  };
  const local = await run(0);
  const latency = 30;
  const remote = await run(latency);
  const yearFiles = 365 * 96 * 2;
  const minutes = (figures: { seconds: number; files: number }) => (yearFiles / (figures.files / figures.seconds) / 60).toFixed(0);
  return [
    '### An erasure pass',
    '',
    `One tenant's ${format(windows)} windows (${people} touches each, every ${every}th window holding the erased person): ${format(windows * 2)} files (\`touches\` and empty \`stages\`), every one read, ${format(local.rewritten)} written again with their manifests (\`eraseFromWarehouse\`, ${ERASURE_FILES_AT_ONCE} files at a time). First in a folder, then with ${latency} ms added to each get and put (a bucket's first-byte latency in the function's region; a model of S3, not S3).`,
    '',
    '| | files/s | seconds | a year of 15-minute windows (70,080 files) |',
    '|---|---|---|---|',
    `| in a folder | ${format(local.files / local.seconds)} | ${local.seconds.toFixed(1)} | ${minutes(local)} min |`,
    `| ${latency} ms a request | ${format(remote.files / remote.seconds)} | ${remote.seconds.toFixed(1)} | ${minutes(remote)} min |`,
    '',
    `A pass keeps to the function’s 10 minutes: it stops a minute before, and the next run, ${WAREHOUSE_DEFAULTS.intervalMinutes} minutes on, goes on after the last files it went through. At ${latency} ms a request a year-old tenant’s pass is ${minutes(remote)} minutes of function time, spread over as many runs as the tenant’s windows and the other tenants leave it room in: far within SPEC §15’s day unless the export is overloaded.`,
    '',
  ];
}

/** Issue 22: the warehouse exporter against a bare Query loop, Parquet against CSV, the writer's memory, the lag to the change log. */
export async function warehouseBench(ctx: BenchContext): Promise<string> {
  const target = ctx.quick ? 20_000 : 100_000;
  // The writer's memory first, in processes of their own, while nothing else of this section runs.
  const memory = memoryLines(ctx.quick);
  const throughput = await exporterThroughput(ctx, target);
  const tenant = await createTenant(stores().tenants, { tenantId: 'bench-warehouse-lag', currency: 'USD', timezone: 'UTC' });
  const record = await stores().tenants.getTenant(tenant.tenantId);
  if (!record) throw new Error('the bench tenant is missing');
  const bytes = await bytesAgainstCsv(record, target, throughput.creditFile);
  const lag = await lagLines(ctx, tenant);
  const erasure = await erasurePassLines(ctx.quick);
  return ['## Warehouse export', '', ...throughput.lines, ...bytes, ...memory, ...lag, ...erasure].join('\n');
}
