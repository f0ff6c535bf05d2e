/**
 * Synthetic orders for the warehouse benchmark (bench/warehouse.ts), and,
 * run as a script, the Parquet writer's memory: `node --import tsx
 * bench/warehouse-memory.ts <rows>` feeds that many credit rows, 500 a page
 * as the change log yields them, to `encodeParquet('credits', pages)` in this
 * process alone, and prints what it sampled as JSON.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AttributionResult, attributeOrder, type JourneyTouch, summarise } from '../shared/attribution/engine.ts';
import type { ExportedTransaction } from '../shared/exports/ports.ts';
import { amountsOf, type SalesChannel } from '../shared/recording/transactions.ts';
import { defaultAttributionConfig } from '../shared/tenants/attribution-config.ts';
import { encodeParquet } from '../shared/warehouse/parquet.ts';
import { type RowContext, rowsOf } from '../shared/warehouse/rows.ts';
import type { WarehouseRow } from '../shared/warehouse/tables.ts';
import { CHANNELS } from './journeys.ts';

/** The change log's page, in rows, as the brief of the measure has it. */
export const PAGE_ROWS = 500;

export interface SyntheticOrder {
  transaction: ExportedTransaction;
  /** Absent for refunds: they carry no credits of their own here. */
  attribution?: { version: number; result: AttributionResult };
}

const DAY = 86_400_000;
const config = defaultAttributionConfig('UTC');

/**
 * `count` deterministic transactions from `from`, one every `step` ms or so: 95% orders
 * with a journey of 1–8 touches (most of them short) attributed by the
 * engine under all seven models, 5% refunds of the order before; varied
 * amounts, currencies and channels, hashed-looking ids, so neither CSV nor
 * Parquet gets data more repetitive than a store's.
 */
export function* syntheticOrders(count: number, from: number, step: number, seed = 7): Generator<SyntheticOrder> {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 4_294_967_296;
  };
  const hex = (length: number) => Array.from({ length }, () => Math.floor(next() * 16).toString(16)).join('');
  let previousOrder: string | undefined;
  for (let i = 0; i < count; i += 1) {
    const at = from + Math.floor(i * step + next() * step);
    const occurredAt = new Date(at).toISOString();
    const id = 5_100_000_000 + i * 3 + Math.floor(next() * 3);
    const pos = next() < 0.12;
    const salesChannel: SalesChannel = pos ? 'pos' : 'online_store';
    const currency = next() < 0.85 ? 'USD' : next() < 0.5 ? 'EUR' : 'GBP';
    const refund = previousOrder !== undefined && next() < 0.05;
    const gross = refund ? 500 + Math.floor(next() * 5_000) : 1_000 + Math.floor(next() * 40_000);
    const discount = !refund && next() < 0.3 ? Math.round(gross * 0.1) : 0;
    const amounts = amountsOf({ gross, discount, tax: Math.round((gross - discount) * 0.08), shipping: refund ? 0 : ([0, 499, 999][Math.floor(next() * 3)] ?? 0) });
    const transactionId = refund ? `shopify-refund-${id}` : `shopify-order-${id}`;
    const transaction: ExportedTransaction = {
      transactionId,
      provider: 'shopify',
      externalId: String(id),
      kind: refund ? 'refund' : 'order',
      ...(refund && previousOrder ? { orderId: previousOrder } : {}),
      occurredAt,
      currency,
      ...amounts,
      salesChannel,
      ...(pos ? { rep: `rep-${Math.floor(next() * 12)}` } : {}),
      identifiers: [`c:${7_000_000 + Math.floor(next() * 900_000)}`],
      contentHash: hex(32),
      recordedAt: new Date(at + 1_000 + Math.floor(next() * 4_000)).toISOString(),
    };
    if (refund) {
      yield { transaction };
      continue;
    }
    previousOrder = transactionId;
    const n = 1 + Math.floor(next() ** 2 * 8);
    const touches: JourneyTouch[] = Array.from({ length: n }, () => {
      const channel = CHANNELS[Math.floor(next() * CHANNELS.length)] ?? 'Direct';
      return {
        touchId: `h_${hex(24)}`,
        at: at - 60_000 - Math.floor(next() * 20 * DAY),
        side: 'marketing',
        kind: 'click',
        channel,
        ...(channel === 'Direct' ? {} : { campaign: `campaign-${Math.floor(next() * 40)}` }),
      };
    });
    const result = attributeOrder({ transactionId, at, currency, revenue: amounts.net, salesChannel }, { touches, stages: [], orderTimes: [] }, config);
    yield { transaction: { ...transaction, attributionSummary: summarise(result) }, attribution: { version: 1, result } };
  }
}

export const rowContext = (tenantId: string, changedAt: string, sequence = 0): RowContext => ({ tenantId, dayOf: (at) => at.slice(0, 10), hashKey: 'bench', changedAt, sequence });

/** An order's credit set as the stream consumer derives it (`rowsOf`): what one change-log item holds. */
export function creditRowsOf(order: SyntheticOrder, tenantId: string, changedAt: string): WarehouseRow[] {
  return order.attribution ? rowsOf({ entity: 'attribution', op: 'upsert', attribution: order.attribution }, rowContext(tenantId, changedAt)).rows : [];
}

/** Rows in pages of PAGE_ROWS. */
export function* paged(rows: Iterable<WarehouseRow>): Generator<WarehouseRow[]> {
  let page: WarehouseRow[] = [];
  for (const row of rows) {
    page.push(row);
    if (page.length === PAGE_ROWS) {
      yield page;
      page = [];
    }
  }
  if (page.length > 0) yield page;
}

export interface MemoryCheckpoint {
  rows: number;
  /** The process's peak resident set so far (getrusage), MiB. */
  peakRssMiB: number;
  heapUsedMiB: number;
  /** ArrayBuffers outside the JavaScript heap: the file being written. */
  arrayBuffersMiB: number;
}

export interface MemoryFigures {
  rows: number;
  bytes: number;
  seconds: number;
  /** After the imports and a warm-up file, before the window. */
  base: MemoryCheckpoint;
  checkpoints: MemoryCheckpoint[];
  /** The peaks over every page sampled. */
  peakHeapUsedMiB: number;
  peakArrayBuffersMiB: number;
  final: MemoryCheckpoint;
}

const MiB = 2 ** 20;

async function measureMemory(total: number): Promise<MemoryFigures> {
  const checkpoint = (rows: number): MemoryCheckpoint => {
    const usage = process.memoryUsage();
    return { rows, peakRssMiB: (process.resourceUsage().maxRSS * 1024) / MiB, heapUsedMiB: usage.heapUsed / MiB, arrayBuffersMiB: usage.arrayBuffers / MiB };
  };
  const start = Date.parse('2026-09-15T10:00:00.000Z');
  const changedAt = '2026-09-15T10:07:00.000Z';
  // Warm-up: the modules' code compiled and the writer's paths run once, so the base is a ready process.
  await encodeParquet('credits', paged(limit(credits(), 2_000)));
  globalThis.gc?.();
  const base = checkpoint(0);
  const marks = new Set([100_000, 200_000, 500_000, 1_000_000].filter((mark) => mark < total));
  const checkpoints: MemoryCheckpoint[] = [];
  let fed = 0;
  let peakHeapUsedMiB = base.heapUsedMiB;
  let peakArrayBuffersMiB = base.arrayBuffersMiB;
  function* credits(): Generator<WarehouseRow> {
    for (const order of syntheticOrders(Number.MAX_SAFE_INTEGER, start, 100)) yield* creditRowsOf(order, 'bench-memory', changedAt);
  }
  function* limit(rows: Iterable<WarehouseRow>, count: number): Generator<WarehouseRow> {
    let given = 0;
    for (const row of rows) {
      if (given === count) return;
      given += 1;
      yield row;
    }
  }
  function* sampled(pages: Iterable<WarehouseRow[]>): Generator<WarehouseRow[]> {
    for (const page of pages) {
      const usage = process.memoryUsage();
      peakHeapUsedMiB = Math.max(peakHeapUsedMiB, usage.heapUsed / MiB);
      peakArrayBuffersMiB = Math.max(peakArrayBuffersMiB, usage.arrayBuffers / MiB);
      const before = fed;
      fed += page.length;
      for (const mark of marks) if (before < mark && fed >= mark) checkpoints.push(checkpoint(fed));
      yield page;
    }
  }
  const started = performance.now();
  const { body, rows } = await encodeParquet('credits', sampled(paged(limit(credits(), total))));
  const seconds = (performance.now() - started) / 1000;
  const final = checkpoint(rows);
  peakArrayBuffersMiB = Math.max(peakArrayBuffersMiB, final.arrayBuffersMiB);
  return { rows, bytes: body.byteLength, seconds, base, checkpoints, peakHeapUsedMiB, peakArrayBuffersMiB, final };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const total = Number(process.argv[2] ?? 1_000_000);
  process.stdout.write(`${JSON.stringify(await measureMemory(total))}\n`);
}
