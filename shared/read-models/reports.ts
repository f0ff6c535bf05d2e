import * as z from 'zod';
import type { ReportRow, ReportTotals } from '../api/responses/read-models.ts';
import { allocate } from '../attribution/allocate.ts';
import { markov, type PathCount, parsePath, shapley } from '../attribution/data-driven.ts';
import { CONVERSION_SHARE_SCALE as CONVERSION_SCALE } from '../attribution/engine.ts';
import { DATA_DRIVEN_MODELS, HEURISTIC_MODELS, type HeuristicModel, MODELS } from '../attribution/models.ts';
import { ValidationError } from '../errors.ts';
import { type Cell, csvTable } from '../exports/csv.ts';
import type { FxRateStore } from '../fx/ports.ts';
import { formatAmount } from '../money/money.ts';
import { channelCampaignOf, GROUP_BYS, type GroupBy, type RowGrouping } from '../projection/groupings.ts';
import type { ProjectionStore, RollupCell } from '../projection/ports.ts';
import { type CostLine, joinSpend } from '../spend/join.ts';
import type { CampaignCatalog, PeriodSpend, SpendStore } from '../spend/ports.ts';
import { spendKey } from '../spend/spend.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { DaySchema, periodCheck } from '../time/days.ts';
import { CurrencyQuerySchema, currencyModeOf, reportingFields, spendIn } from './currency.ts';
import { periodHeader } from './period.ts';
import { cellsIn, countsOf, decodeCell, missingRatesIn } from './rollups.ts';

/** The longest period a report covers. */
export const MAX_REPORT_DAYS = 366;

const checkPeriod = periodCheck(MAX_REPORT_DAYS);

/** `format=csv` answers the rows as a CSV download (for spreadsheets), `json` (the default) as the whole answer. */
const FormatSchema = z.enum(['json', 'csv']).default('json');

/** `interval=day`: the same rows per day (`{day, key, …}`), for charts; without it, the period as one. */
const IntervalSchema = z.enum(['day']).optional();

/** `channel` (with `groupBy=campaign`): the campaigns of one channel, each row its share of that channel. */
export const ChannelFilterSchema = z.string().min(1).max(1024).optional().describe('With groupBy=campaign: only that channel’s campaigns (what the channel’s row is made of)');

const onlyCampaignsOfAChannel = (query: { groupBy: string; channel?: string | undefined }, ctx: z.RefinementCtx) => {
  if (query.channel !== undefined && query.groupBy !== 'campaign') ctx.addIssue({ code: 'custom', path: ['channel'], message: 'channel narrows groupBy=campaign only' });
};

export const ReportQuerySchema = z
  .object({
    from: DaySchema,
    to: DaySchema,
    model: z.enum(MODELS).optional(),
    groupBy: z.enum(GROUP_BYS).default('channel'),
    channel: ChannelFilterSchema,
    interval: IntervalSchema,
    format: FormatSchema,
    currency: CurrencyQuerySchema,
  })
  .strict()
  .superRefine(checkPeriod)
  .superRefine(onlyCampaignsOfAChannel);

export const CompareQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, groupBy: z.enum(GROUP_BYS).default('channel'), interval: IntervalSchema, format: FormatSchema, currency: CurrencyQuerySchema })
  .strict()
  .superRefine(checkPeriod);

/** A row as the rollups count it, before the period's spend (`POST /v1/spend`) adds its cost, ROAS and CPA. */
type CountedRow = Omit<ReportRow, 'cost' | 'roas' | 'cpa'>;
/** A currency's totals as the rollups count them, before the period's spend adds its cost and ROAS. */
type CountedTotals = Omit<ReportTotals, 'cost' | 'unmatchedCost' | 'roas'>;

export interface ReportDeps {
  tenants: TenantStore;
  projections: Pick<ProjectionStore, 'rollupCells'>;
  spend: SpendStore;
  campaigns: Pick<CampaignCatalog, 'campaigns'>;
  fxRates: Pick<FxRateStore, 'between'>;
}

/** The period's spend as cost lines: imported lines matched to the touches they pay for (the catalog and mappings read only when there are any). */
export async function costLinesOf(deps: Pick<ReportDeps, 'spend' | 'campaigns'>, tenantId: string, spend: PeriodSpend): Promise<CostLine[]> {
  if (spend.imported.length === 0) return joinSpend(spend, [], undefined);
  const [catalog, mappings] = await Promise.all([deps.campaigns.campaigns(tenantId), deps.spend.getMappings(tenantId)]);
  return joinSpend(spend, catalog, mappings);
}

const roasOf = (revenue: number, cost: number) => (cost > 0 ? Math.round((revenue / cost) * 10_000) / 10_000 : null);

/**
 * Rows with their cost, ROAS and CPA once the period has spend; campaigns
 * (channels, sources) that cost money but earned nothing get a row of their
 * own. Under `kind` spend has no key, and a period without spend has no
 * cost to show: the rows stay as they are.
 */
function withCost(rows: CountedRow[], spend: readonly CostLine[], groupBy: GroupBy, daily = false, spendOnlyRows = true): ReportRow[] {
  if (groupBy === 'kind' || spend.length === 0) return rows;
  const costs = new Map<string, number>();
  const id = (day: string | undefined, currency: string, key: string) => `${daily ? day : ''}\u0000${currency}\u0000${key}`;
  for (const entry of spend) {
    const key = spendKey(entry, groupBy);
    if (key !== undefined) costs.set(id(entry.day, entry.currency, key), (costs.get(id(entry.day, entry.currency, key)) ?? 0) + entry.amount);
  }
  const all = [...rows];
  const seen = new Set(rows.map((row) => id(row.day, row.currency, row.key)));
  for (const [rowId, cost] of costs) {
    if (!spendOnlyRows || seen.has(rowId) || cost === 0) continue;
    const [day, currency, key] = rowId.split('\u0000') as [string, string, string];
    all.push({ ...(daily ? { day } : {}), key, currency, revenue: 0, conversions: 0, touches: 0 });
  }
  return all.sort(byCurrencyThenRevenue).map((row) => {
    const cost = costs.get(id(row.day, row.currency, row.key)) ?? 0;
    // cpa: minor units, rounded half up
    return { ...row, cost, roas: roasOf(row.revenue, cost), cpa: cost > 0 && row.conversions > 0 ? Math.round(cost / row.conversions) : null };
  });
}

/**
 * Totals with the cost of the whole period's spend in each currency, and its
 * ROAS, once the period has spend; `unmatchedCost` is the part of it no row
 * of the grouping carries (spend that matched no touch, or has no key under
 * this grouping), so a ROAS never silently leaves spend out.
 */
function totalsWithCost(totals: CountedTotals[], spend: readonly CostLine[], groupBy: GroupBy, daily = false): ReportTotals[] {
  if (spend.length === 0) return totals;
  const costs = new Map<string, number>();
  const unmatched = new Map<string, number>();
  const id = (day: string | undefined, currency: string) => `${daily ? day : ''}\u0000${currency}`;
  for (const entry of spend) {
    const key = id(entry.day, entry.currency);
    costs.set(key, (costs.get(key) ?? 0) + entry.amount);
    if (groupBy === 'kind' || spendKey(entry, groupBy) === undefined) unmatched.set(key, (unmatched.get(key) ?? 0) + entry.amount);
  }
  const all = [...totals];
  for (const key of costs.keys()) {
    const [day, currency] = key.split('\u0000') as [string, string];
    if (!totals.some((total) => id(total.day, total.currency) === key)) all.push({ ...(daily ? { day } : {}), currency, revenue: 0, attributed: 0, unattributed: 0, transactions: 0 });
  }
  return all.sort(byDayThenCurrency).map((total) => {
    const cost = costs.get(id(total.day, total.currency)) ?? 0;
    return { ...total, cost, unmatchedCost: unmatched.get(id(total.day, total.currency)) ?? 0, roas: roasOf(total.revenue, cost) };
  });
}

const byDayThenCurrency = (a: { day?: string; currency: string }, b: { day?: string; currency: string }) =>
  (a.day ?? '') < (b.day ?? '') ? -1 : (a.day ?? '') > (b.day ?? '') ? 1 : a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0;

function byCurrencyThenRevenue(a: CountedRow, b: CountedRow): number {
  return byDayThenCurrency(a, b) || b.revenue - a.revenue || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Which rows a report reads: a grouping's, or one channel's campaigns (their keys less the channel's prefix). */
function rowsRead(groupBy: GroupBy, channel?: string): { grouping: RowGrouping; keyOf: (key: string) => string | undefined } {
  if (channel === undefined) return { grouping: groupBy, keyOf: (key) => key };
  return {
    grouping: 'channel_campaign',
    keyOf: (key) => {
      const row = channelCampaignOf(key);
      return row.channel === channel ? row.campaign : undefined;
    },
  };
}

/** Rows from a model's cells: the period's sum, or (daily) one row per day. */
export function rowsOf(model: HeuristicModel, cells: RollupCell[], groupBy: GroupBy, daily = false, channel?: string): CountedRow[] {
  const rows = new Map<string, CountedRow>();
  const read = rowsRead(groupBy, channel);
  for (const cell of cells) {
    for (const [{ measure, groupBy: rowGroupBy, key: stored }, value] of decodeCell(model, cell)) {
      if (rowGroupBy !== read.grouping) continue;
      const key = read.keyOf(stored);
      if (key === undefined) continue;
      const id = `${daily ? cell.day : ''}\u0000${cell.part}\u0000${key}`;
      let row = rows.get(id);
      if (!row) rows.set(id, (row = { ...(daily ? { day: cell.day } : {}), key, currency: cell.part, revenue: 0, conversions: 0, touches: 0 }));
      row[measure] += value;
    }
  }
  return [...rows.values()]
    .map((row) => ({ ...row, conversions: row.conversions / CONVERSION_SCALE }))
    .filter((row) => row.revenue !== 0 || row.conversions !== 0 || row.touches !== 0)
    .sort(byCurrencyThenRevenue);
}

function totalsOf(cells: RollupCell[], daily = false): CountedTotals[] {
  const totals = new Map<string, CountedTotals>();
  for (const cell of cells) {
    const id = `${daily ? cell.day : ''}\u0000${cell.part}`;
    let total = totals.get(id);
    if (!total) totals.set(id, (total = { ...(daily ? { day: cell.day } : {}), currency: cell.part, revenue: 0, attributed: 0, unattributed: 0, transactions: 0 }));
    const { revenue, unattributed, transactions } = countsOf('totals', cell);
    total.revenue += revenue;
    total.unattributed += unattributed;
    total.transactions += transactions;
    for (const [attribute, value] of decodeCell('totals', cell)) {
      if (attribute.measure !== 'adjustment' || value === 0) continue;
      const adjustments = (total.adjustments ??= []);
      const same = adjustments.find((one) => one.originalPeriod === attribute.period && one.reason === attribute.reason);
      if (same) same.revenue += value;
      else adjustments.push({ originalPeriod: attribute.period, reason: attribute.reason, revenue: value });
    }
  }
  return [...totals.values()]
    .filter((total) => total.revenue !== 0 || total.unattributed !== 0 || total.transactions !== 0) // cells whose contributions cancelled out
    .map(({ adjustments, ...total }) => {
      const posted = (adjustments ?? [])
        .filter((one) => one.revenue !== 0)
        .sort((a, b) => (a.originalPeriod < b.originalPeriod ? -1 : a.originalPeriod > b.originalPeriod ? 1 : a.reason < b.reason ? -1 : 1));
      return { ...total, attributed: total.revenue - total.unattributed, ...(posted.length > 0 ? { adjustments: posted } : {}) };
    })
    .sort(byDayThenCurrency);
}

/**
 * `GET /v1/attribution/report`: rows by channel, campaign, source/medium or
 * kind under one model, and per-currency totals, summed from the daily
 * rollups, with the period's spend: three queries whatever the number of
 * transactions.
 */
export async function report(
  deps: ReportDeps,
  tenantId: string,
  query: { from: string; to: string; model?: (typeof MODELS)[number]; groupBy: GroupBy; channel?: string | undefined; interval?: 'day'; currency?: 'reporting' | undefined },
) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const mode = currencyModeOf(tenant, query.currency);
  const model = query.model ?? tenant.config.defaultModel;
  const dataDriven = model === 'markov' || model === 'shapley';
  const daily = query.interval === 'day';
  if (dataDriven && (query.groupBy !== 'channel' || query.channel !== undefined)) {
    throw new ValidationError('Data-driven models attribute by channel only.', [{ path: 'query.groupBy', message: 'markov and shapley support groupBy=channel', code: 'invalid_value' }]);
  }
  if (dataDriven && daily) {
    throw new ValidationError('Data-driven models weigh the whole period’s journeys: they have no daily rows.', [
      { path: 'query.interval', message: 'markov and shapley answer the period as one', code: 'invalid_value' },
    ]);
  }
  const family = dataDriven ? 'paths' : model;
  const [cells, totalCells, costs] = await Promise.all([
    deps.projections.rollupCells(tenantId, family, query.from, query.to).then((all) => cellsIn(mode, family, all)),
    deps.projections.rollupCells(tenantId, 'totals', query.from, query.to).then((all) => cellsIn(mode, 'totals', all)),
    deps.spend
      .spendBetween(tenantId, query.from, query.to)
      .then((period) => costLinesOf(deps, tenantId, period))
      .then((lines) => spendIn(mode, deps.fxRates, tenant, lines)),
  ]);
  const spend = costs.lines;
  const { rows, totals } = dataDriven ? dataDrivenRows(model, cells, totalCells) : { rows: rowsOf(model, cells, query.groupBy, daily, query.channel), totals: totalsOf(totalCells, daily) };
  return {
    ...periodHeader(tenant, query),
    model,
    groupBy: query.groupBy,
    ...(query.channel !== undefined ? { channel: query.channel } : {}),
    ...(daily ? { interval: 'day' as const } : {}),
    // A channel's campaigns: spend names campaigns, not channels, so campaigns that earned it nothing are not listed as its.
    rows: withCost(rows, spend, query.groupBy, daily, query.channel === undefined),
    totals: totalsWithCost(totals, spend, query.groupBy, daily),
    ...reportingFields(mode, missingRatesIn('totals', totalCells), costs.missing),
  };
}

/** Path counts of the period, summed over days and shards. */
function pathCounts(cells: RollupCell[]): PathCount[] {
  const counts = new Map<string, PathCount>();
  for (const cell of cells) {
    for (const [attribute, value] of decodeCell('paths', cell)) {
      if (attribute.measure !== 'conversions' && attribute.measure !== 'openJourneys') continue;
      let count = counts.get(attribute.path);
      if (!count) counts.set(attribute.path, (count = { channels: parsePath(attribute.path), conversions: 0, nulls: 0 }));
      if (attribute.measure === 'conversions') count.conversions += value;
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
  for (const cell of totalCells) orders.set(cell.part, (orders.get(cell.part) ?? 0) + countsOf('totals', cell).orders);
  const rows: CountedRow[] = [];
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
export async function compare(deps: ReportDeps, tenantId: string, query: { from: string; to: string; groupBy: GroupBy; interval?: 'day'; currency?: 'reporting' | undefined }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const mode = currencyModeOf(tenant, query.currency);
  const daily = query.interval === 'day';
  // all in parallel: the path counts (data-driven models) only under groupBy=channel, for the period as one
  const [totals, costs, paths, ...perModel] = await Promise.all([
    deps.projections.rollupCells(tenantId, 'totals', query.from, query.to).then((all) => cellsIn(mode, 'totals', all)),
    deps.spend
      .spendBetween(tenantId, query.from, query.to)
      .then((period) => costLinesOf(deps, tenantId, period))
      .then((lines) => spendIn(mode, deps.fxRates, tenant, lines)),
    query.groupBy === 'channel' && !daily ? deps.projections.rollupCells(tenantId, 'paths', query.from, query.to) : undefined,
    ...HEURISTIC_MODELS.map((model) => deps.projections.rollupCells(tenantId, model, query.from, query.to).then((all) => cellsIn(mode, model, all))),
  ]);
  const spend = costs.lines;
  const models: Record<string, CountedRow[]> = Object.fromEntries(HEURISTIC_MODELS.map((model, i) => [model, rowsOf(model, perModel[i]!, query.groupBy, daily)]));
  if (paths) for (const model of DATA_DRIVEN_MODELS) models[model] = dataDrivenRows(model, paths, totals).rows;
  const withCosts = Object.fromEntries(Object.entries(models).map(([model, rows]) => [model, withCost(rows, spend, query.groupBy, daily)]));
  return {
    ...periodHeader(tenant, query),
    groupBy: query.groupBy,
    ...(daily ? { interval: 'day' as const } : {}),
    models: withCosts,
    totals: totalsWithCost(totalsOf(totals, daily), spend, query.groupBy, daily),
    ...reportingFields(mode, missingRatesIn('totals', totals), costs.missing),
  };
}

const decimalOf = (minor: number | null | undefined, currency: string) => (minor === null || minor === undefined ? null : formatAmount(minor, currency));

/** A report's columns as CSV: minor units and the decimal strings beside them, as the finance export has them. */
const DAY_COLUMN = { name: 'day', value: (row: ReportRow): Cell => row.day };
const ROW_COLUMNS: Array<{ name: string; value: (row: ReportRow) => Cell }> = [
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

const columnsOf = (daily: boolean) => (daily ? [DAY_COLUMN, ...ROW_COLUMNS] : ROW_COLUMNS);

/** `GET /v1/attribution/report?format=csv`: one record per row (per day and row with `interval=day`). */
export function reportCsv(answer: { rows: ReportRow[]; interval?: 'day' }): string {
  return csvTable(columnsOf(answer.interval === 'day'), answer.rows);
}

/** `GET /v1/attribution/compare?format=csv`: one record per model and row. */
export function compareCsv(answer: { models: Record<string, ReportRow[]>; interval?: 'day' }): string {
  const rows = Object.entries(answer.models).flatMap(([model, modelRows]) => modelRows.map((row) => ({ model, row })));
  return csvTable(
    [
      { name: 'model', value: (entry: { model: string }) => entry.model },
      ...columnsOf(answer.interval === 'day').map((column) => ({ name: column.name, value: (entry: { row: ReportRow }) => column.value(entry.row) })),
    ],
    rows,
  );
}
