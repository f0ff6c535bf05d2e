import * as z from 'zod';
import { DaySchema, periodCheck } from '../time/days.ts';
import { timezonesOf } from '../exports/export.ts';
import { ValidationError } from '../errors.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { DATA_DRIVEN_MODELS, HEURISTIC_MODELS, MODELS } from './models.ts';
import { markov, parsePath, shapley, type PathCount } from './data-driven.ts';
import { allocate } from './allocate.ts';
import { CONVERSION_SCALE, GROUP_BYS, type GroupBy } from './rollups.ts';
import type { RollupCell } from './ports.ts';
import { attributeTransaction, type AttributionDeps } from './use-cases.ts';
import type { TransactionTimeline } from '../exports/ports.ts';
import type { SpendStore } from '../spend/ports.ts';
import { spendKey, type SpendEntry } from '../spend/spend.ts';
import { csvTable, type Cell } from '../exports/csv.ts';
import { formatAmount } from '../money/money.ts';

/** The longest period a report covers. */
export const MAX_REPORT_DAYS = 366;

const checkPeriod = periodCheck(MAX_REPORT_DAYS);

/** `format=csv` answers the rows as a CSV download (for spreadsheets), `json` (the default) as the whole answer. */
const FormatSchema = z.enum(['json', 'csv']).default('json');

export const ReportQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, model: z.enum(MODELS).optional(), groupBy: z.enum(GROUP_BYS).default('channel'), format: FormatSchema })
  .strict()
  .superRefine(checkPeriod);

export const CompareQuerySchema = z.object({ from: DaySchema, to: DaySchema, groupBy: z.enum(GROUP_BYS).default('channel'), format: FormatSchema }).strict().superRefine(checkPeriod);

export const RecomputeBodySchema = z.object({ from: DaySchema, to: DaySchema, cursor: z.string().max(100).optional() }).strict().superRefine(checkPeriod);

export interface ReportRow {
  key: string;
  currency: string;
  revenue: number;
  conversions: number;
  touches: number;
}

export interface CurrencyTotals {
  currency: string;
  revenue: number;
  attributed: number;
  unattributed: number;
  transactions: number;
}

/** What the period's spend adds to a row or a currency's totals (`POST /v1/spend`). */
export interface CostFigures {
  /** Minor units. */
  cost: number;
  /** Revenue per unit of cost, to 4 decimals; null without cost. */
  roas: number | null;
  /** Cost per conversion in minor units (rounded half up); null without cost or without conversions. */
  cpa: number | null;
}

export type ReportDeps = AttributionDeps & { spend: SpendStore };

const roasOf = (revenue: number, cost: number) => (cost > 0 ? Math.round((revenue / cost) * 10_000) / 10_000 : null);

/**
 * Rows with their cost, ROAS and CPA once the period has spend; campaigns
 * (channels, sources) that cost money but earned nothing get a row of their
 * own. Under `kind` spend has no key, and a period without spend has no
 * cost to show: the rows stay as they are.
 */
function withCost(rows: ReportRow[], spend: readonly SpendEntry[], groupBy: GroupBy): Array<ReportRow | (ReportRow & CostFigures)> {
  if (groupBy === 'kind' || spend.length === 0) return rows;
  const costs = new Map<string, number>();
  const id = (currency: string, key: string) => `${currency}\u0000${key}`;
  for (const entry of spend) {
    const key = spendKey(entry, groupBy);
    if (key !== undefined) costs.set(id(entry.currency, key), (costs.get(id(entry.currency, key)) ?? 0) + entry.amount);
  }
  const all = [...rows];
  const seen = new Set(rows.map((row) => id(row.currency, row.key)));
  for (const [rowId, cost] of costs) {
    if (seen.has(rowId) || cost === 0) continue;
    const [currency, key] = rowId.split('\u0000') as [string, string];
    all.push({ key, currency, revenue: 0, conversions: 0, touches: 0 });
  }
  return all.sort(byCurrencyThenRevenue).map((row) => {
    const cost = costs.get(id(row.currency, row.key)) ?? 0;
    return { ...row, cost, roas: roasOf(row.revenue, cost), cpa: cost > 0 && row.conversions > 0 ? Math.round(cost / row.conversions) : null };
  });
}

/** Totals with the cost of the whole period's spend in each currency, and its ROAS, once the period has spend. */
function totalsWithCost(totals: CurrencyTotals[], spend: readonly SpendEntry[]): Array<CurrencyTotals | (CurrencyTotals & Pick<CostFigures, 'cost' | 'roas'>)> {
  if (spend.length === 0) return totals;
  const costs = new Map<string, number>();
  for (const entry of spend) costs.set(entry.currency, (costs.get(entry.currency) ?? 0) + entry.amount);
  const all = [...totals];
  for (const currency of costs.keys()) {
    if (!totals.some((total) => total.currency === currency)) all.push({ currency, revenue: 0, attributed: 0, unattributed: 0, transactions: 0 });
  }
  return all.sort((a, b) => (a.currency < b.currency ? -1 : 1)).map((total) => {
    const cost = costs.get(total.currency) ?? 0;
    return { ...total, cost, roas: roasOf(total.revenue, cost) };
  });
}

function byCurrencyThenRevenue(a: ReportRow, b: ReportRow): number {
  return a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : b.revenue - a.revenue || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

function rowsOf(cells: RollupCell[], groupBy: GroupBy): ReportRow[] {
  const rows = new Map<string, ReportRow>();
  for (const cell of cells) {
    for (const [attribute, value] of Object.entries(cell.attributes)) {
      const [measure, dimension, ...rest] = attribute.split('|');
      if (dimension !== groupBy) continue;
      const key = rest.join('|');
      const id = `${cell.currency}\u0000${key}`;
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { key, currency: cell.currency, revenue: 0, conversions: 0, touches: 0 }));
      if (measure === 'r') row.revenue += value;
      else if (measure === 'c') row.conversions += value;
      else if (measure === 'n') row.touches += value;
    }
  }
  return [...rows.values()]
    .map((row) => ({ ...row, conversions: row.conversions / CONVERSION_SCALE }))
    .filter((row) => row.revenue !== 0 || row.conversions !== 0 || row.touches !== 0)
    .sort(byCurrencyThenRevenue);
}

function totalsOf(cells: RollupCell[]): CurrencyTotals[] {
  const totals = new Map<string, CurrencyTotals>();
  for (const cell of cells) {
    let total = totals.get(cell.currency);
    if (!total) totals.set(cell.currency, (total = { currency: cell.currency, revenue: 0, attributed: 0, unattributed: 0, transactions: 0 }));
    total.revenue += cell.attributes.revenue ?? 0;
    total.unattributed += cell.attributes.unattributed ?? 0;
    total.transactions += cell.attributes.transactions ?? 0;
  }
  return [...totals.values()].map((total) => ({ ...total, attributed: total.revenue - total.unattributed })).sort((a, b) => (a.currency < b.currency ? -1 : 1));
}

/**
 * `GET /v1/attribution/report`: rows by channel, campaign, source/medium or
 * kind under one model, and per-currency totals, summed from the daily
 * rollups, with the period's spend: three queries whatever the number of
 * transactions.
 */
export async function report(deps: ReportDeps, tenantId: string, query: { from: string; to: string; model?: (typeof MODELS)[number]; groupBy: GroupBy }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const model = query.model ?? tenant.config.defaultModel;
  const dataDriven = model === 'markov' || model === 'shapley';
  if (dataDriven && query.groupBy !== 'channel') {
    throw new ValidationError('Data-driven models attribute by channel only.', [{ path: 'query.groupBy', message: 'markov and shapley support groupBy=channel', code: 'invalid_value' }]);
  }
  const [cells, totalCells, spend] = await Promise.all([
    deps.attributions.rollupCells(tenantId, dataDriven ? 'paths' : model, query.from, query.to),
    deps.attributions.rollupCells(tenantId, 'totals', query.from, query.to),
    deps.spend.spendBetween(tenantId, query.from, query.to),
  ]);
  const { rows, totals } = dataDriven ? dataDrivenRows(model, cells, totalCells) : { rows: rowsOf(cells, query.groupBy), totals: totalsOf(totalCells) };
  return { from: query.from, to: query.to, ...timezonesOf(calendarOf(tenant), query.from, query.to), model, groupBy: query.groupBy, rows: withCost(rows, spend, query.groupBy), totals: totalsWithCost(totals, spend) };
}

/** Path counts of the period, summed over days and shards. */
function pathCounts(cells: RollupCell[]): PathCount[] {
  const counts = new Map<string, PathCount>();
  for (const cell of cells) {
    for (const [attribute, value] of Object.entries(cell.attributes)) {
      const [measure, path] = [attribute.slice(0, 1), attribute.slice(2)];
      if (measure !== 'c' && measure !== 'n') continue;
      let count = counts.get(path);
      if (!count) counts.set(path, (count = { channels: parsePath(path), conversions: 0, nulls: 0 }));
      if (measure === 'c') count.conversions += value;
      else count.nulls += value;
    }
  }
  return [...counts.values()].filter((count) => count.conversions > 0 || count.nulls > 0);
}

/** Shares are turned into integer weights (billionths) so revenue is split exactly. */
const SHARE_SCALE = 1_000_000_000;

/**
 * A data-driven model's rows: each currency's attributed revenue (what the
 * heuristic models credit) split over channels by the model's shares;
 * conversions are the currency's orders times the share.
 */
function dataDrivenRows(model: 'markov' | 'shapley', pathCells: RollupCell[], totalCells: RollupCell[]) {
  const paths = pathCounts(pathCells);
  const shares = model === 'markov' ? markov(paths) : shapley(paths);
  const channels = [...shares.keys()];
  const weights = channels.map((channel) => Math.round(shares.get(channel)! * SHARE_SCALE));
  const journeys = new Map(channels.map((channel) => [channel, paths.filter((path) => path.channels.includes(channel)).reduce((sum, path) => sum + path.conversions + path.nulls, 0)]));
  const orders = new Map<string, number>();
  for (const cell of totalCells) orders.set(cell.currency, (orders.get(cell.currency) ?? 0) + (cell.attributes.orders ?? 0));
  const rows: ReportRow[] = [];
  const totals = totalsOf(totalCells).map((total) => {
    if (channels.length === 0 || weights.every((weight) => weight === 0)) return { ...total, attributed: 0, unattributed: total.revenue };
    const amounts = allocate(total.attributed, weights);
    channels.forEach((channel, i) => {
      const conversions = Math.round((orders.get(total.currency) ?? 0) * shares.get(channel)! * CONVERSION_SCALE) / CONVERSION_SCALE;
      if (amounts[i] !== 0 || conversions !== 0) rows.push({ key: channel, currency: total.currency, revenue: amounts[i]!, conversions, touches: journeys.get(channel) ?? 0 });
    });
    return total;
  });
  rows.sort(byCurrencyThenRevenue);
  return { rows, totals };
}

/** `GET /v1/attribution/compare`: every heuristic model side by side, one query per model, and the period's spend. */
export async function compare(deps: ReportDeps, tenantId: string, query: { from: string; to: string; groupBy: GroupBy }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  // all in parallel: the path counts (data-driven models) only under groupBy=channel
  const [totals, spend, paths, ...perModel] = await Promise.all([
    deps.attributions.rollupCells(tenantId, 'totals', query.from, query.to),
    deps.spend.spendBetween(tenantId, query.from, query.to),
    query.groupBy === 'channel' ? deps.attributions.rollupCells(tenantId, 'paths', query.from, query.to) : undefined,
    ...HEURISTIC_MODELS.map((model) => deps.attributions.rollupCells(tenantId, model, query.from, query.to)),
  ]);
  const models: Record<string, ReportRow[]> = Object.fromEntries(HEURISTIC_MODELS.map((model, i) => [model, rowsOf(perModel[i]!, query.groupBy)]));
  if (paths) for (const model of DATA_DRIVEN_MODELS) models[model] = dataDrivenRows(model, paths, totals).rows;
  const withCosts = Object.fromEntries(Object.entries(models).map(([model, rows]) => [model, withCost(rows, spend, query.groupBy)]));
  return { from: query.from, to: query.to, ...timezonesOf(calendarOf(tenant), query.from, query.to), groupBy: query.groupBy, models: withCosts, totals: totalsWithCost(totalsOf(totals), spend) };
}

/** Transactions re-attributed per recompute call: one call stays well inside an API request's time. */
export const RECOMPUTE_PAGE = 100;

/**
 * `POST /v1/attribution/recompute`: re-attributes the period's transactions
 * under the current config, a page at a time in time order; `nextCursor`
 * (the position after the page) continues.
 */
export async function recompute(deps: AttributionDeps & { timeline: TransactionTimeline }, tenantId: string, input: { from: string; to: string; cursor?: string }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const { start, end } = calendarOf(tenant).dayRange(input.from, input.to);
  let after: string | undefined;
  if (input.cursor) {
    after = Buffer.from(input.cursor, 'base64url').toString('utf8');
    if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#.+$/.test(after)) throw new ValidationError('The cursor is not one this endpoint gave.', [{ path: 'cursor', message: 'invalid cursor' }]);
  }
  const page: Array<{ id: string; position: string }> = [];
  let more = false;
  for await (const transaction of deps.timeline.between(tenantId, new Date(start).toISOString(), new Date(end).toISOString(), after)) {
    if (page.length === RECOMPUTE_PAGE) {
      more = true;
      break;
    }
    page.push({ id: transaction.transactionId, position: `${transaction.occurredAt}#${transaction.transactionId}` });
  }
  let changed = 0;
  for (const { id } of page) changed += (await attributeTransaction(deps, tenantId, id, { currentConfig: true, tenant })).changed;
  const last = page.at(-1)?.position;
  return { from: input.from, to: input.to, recomputed: page.length, changed, ...(more && last ? { nextCursor: Buffer.from(last).toString('base64url') } : {}) };
}

type AnyRow = ReportRow & Partial<CostFigures>;
const decimalOf = (minor: number | null | undefined, currency: string) => (minor === null || minor === undefined ? null : formatAmount(minor, currency));

/** A report's columns as CSV: minor units and the decimal strings beside them, as the finance export has them. */
const ROW_COLUMNS: Array<{ name: string; value: (row: AnyRow) => Cell }> = [
  { name: 'key', value: (row) => row.key },
  { name: 'currency', value: (row) => row.currency },
  { name: 'revenue', value: (row) => row.revenue },
  { name: 'revenueDecimal', value: (row) => decimalOf(row.revenue, row.currency) },
  { name: 'conversions', value: (row) => row.conversions },
  { name: 'touches', value: (row) => row.touches },
  { name: 'cost', value: (row) => row.cost },
  { name: 'costDecimal', value: (row) => decimalOf(row.cost, row.currency) },
  { name: 'roas', value: (row) => row.roas },
  { name: 'cpa', value: (row) => row.cpa },
  { name: 'cpaDecimal', value: (row) => decimalOf(row.cpa, row.currency) },
];

/** `GET /v1/attribution/report?format=csv`: one record per row. */
export function reportCsv(answer: { rows: AnyRow[] }): string {
  return csvTable(ROW_COLUMNS, answer.rows);
}

/** `GET /v1/attribution/compare?format=csv`: one record per model and row. */
export function compareCsv(answer: { models: Record<string, AnyRow[]> }): string {
  const rows = Object.entries(answer.models).flatMap(([model, modelRows]) => modelRows.map((row) => ({ model, row })));
  return csvTable([{ name: 'model', value: (entry: { model: string }) => entry.model }, ...ROW_COLUMNS.map((column) => ({ name: column.name, value: (entry: { row: AnyRow }) => column.value(entry.row) }))], rows);
}
