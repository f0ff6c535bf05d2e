import * as z from 'zod';
import type { FunnelMeasures, FunnelRow, PathRow, SalesRow, SalesTotals } from '../api/responses/read-models.ts';
import { PATH_SEPARATOR } from '../attribution/data-driven.ts';
import { CONVERSION_SHARE_SCALE } from '../attribution/engine.ts';
import { decodeCursor, encodeCursor } from '../exports/export.ts';
import { LAG_BUCKETS, PATH_LENGTH_BUCKETS, quantileHours } from '../projection/cells.ts';
import { FUNNEL_GROUP_BYS, type FunnelGroupBy, SALES_DIMENSIONS, type SalesDimension } from '../projection/groupings.ts';
import type { ProjectionStore } from '../projection/ports.ts';
import { DISQUALIFICATION_REASONS } from '../recording/vocabulary.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { DaySchema, periodCheck } from '../time/days.ts';
import { CurrencyQuerySchema, currencyModeOf, reportingFields } from './currency.ts';
import { periodHeader } from './period.ts';
import { type AttributeOf, cellsIn, countsOf, decodeCell, missingRatesIn } from './rollups.ts';

/**
 * The views of docs/contract.md#reading-attribution, §5.1 and §5.2 beside the attribution report: the
 * funnel, the handoff, the sales side and the paths. Each sums the daily
 * rollup cells the person projection keeps (shared/projection/person.ts),
 * so its DynamoDB requests do not grow with the number of people.
 */

const MAX_VIEW_DAYS = 366;
const checkPeriod = periodCheck(MAX_VIEW_DAYS);

export const FunnelQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, groupBy: z.enum(FUNNEL_GROUP_BYS).default('campaign'), currency: CurrencyQuerySchema })
  .strict()
  .superRefine(checkPeriod);
export const HandoffsQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, cursor: z.string().min(1).max(2000).optional() })
  .strict()
  .superRefine(checkPeriod);
export const SalesQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, groupBy: z.enum(SALES_DIMENSIONS).default('rep'), currency: CurrencyQuerySchema })
  .strict()
  .superRefine(checkPeriod);
export const PATHS_LIMIT = { default: 20, max: 200 } as const;
export const PathsQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, limit: z.coerce.number().int().min(1).max(PATHS_LIMIT.max).default(PATHS_LIMIT.default) })
  .strict()
  .superRefine(checkPeriod);

export interface ViewDeps {
  tenants: TenantStore;
  projections: Pick<ProjectionStore, 'rollupCells' | 'droppedBatons'>;
}

type Money = PathRow['revenue'];

/** Adds to the amount of a key (a currency, a reason, a bucket). */
function addTo<K>(into: Map<K, number>, key: K, amount: number): void {
  into.set(key, (into.get(key) ?? 0) + amount);
}

const moneyOf = (byCurrency: Map<string, number>): Money =>
  [...byCurrency]
    .filter(([, amount]) => amount !== 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([currency, amount]) => ({ currency, amount }));

// ---- the funnel (docs/contract.md#the-funnel)

/** What a funnel row is worked out from, summed over the period's cells. */
interface FunnelSums {
  acquired: number;
  leads: number;
  qualified: number;
  disqualified: Map<string, number>;
  customers: number;
  orders: number;
  revenue: Map<string, number>;
  ordered: Map<string, number>;
  refunded: Map<string, number>;
  marketingCycle: Map<number, number>;
  salesCycle: Map<number, number>;
  touches: number;
  peopleReached: number;
}

const emptySums = (): FunnelSums => ({
  acquired: 0,
  leads: 0,
  qualified: 0,
  disqualified: new Map(),
  customers: 0,
  orders: 0,
  revenue: new Map(),
  ordered: new Map(),
  refunded: new Map(),
  marketingCycle: new Map(),
  salesCycle: new Map(),
  touches: 0,
  peopleReached: 0,
});

const rate = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null);

function funnelRow(key: string, sums: FunnelSums): FunnelRow {
  const currencies = [...new Set([...sums.ordered.keys(), ...sums.revenue.keys(), ...sums.refunded.keys()])].sort();
  // A cell keeps an attribute whose contributions cancelled out (a late record moved an order to another row):
  // a currency with nothing in it is left out, as if it had never been there.
  const revenue = currencies
    .map((currency) => {
      const ordered = sums.ordered.get(currency) ?? 0;
      const refunded = sums.refunded.get(currency) ?? 0;
      return { currency, revenue: sums.revenue.get(currency) ?? 0, ordered, refunded, refundRate: rate(refunded, ordered) };
    })
    .filter((line) => line.revenue !== 0 || line.ordered !== 0 || line.refunded !== 0);
  return {
    key,
    acquired: sums.acquired,
    leads: sums.leads,
    qualified: sums.qualified,
    disqualified: Object.fromEntries(DISQUALIFICATION_REASONS.map((reason) => [reason, sums.disqualified.get(reason) ?? 0])) as FunnelRow['disqualified'],
    customers: sums.customers,
    orders: sums.orders,
    revenue,
    refundRate: revenue.length === 1 ? revenue[0]!.refundRate : null,
    medianMarketingCycleHours: quantileHours(sums.marketingCycle, 0.5),
    medianSalesCycleHours: quantileHours(sums.salesCycle, 0.5),
    touches: sums.touches,
    peopleReached: sums.peopleReached,
  };
}

function addToFunnel(sums: FunnelSums, attribute: Exclude<AttributeOf<'funnel'>, { measure: 'missingRate' }>, value: number): void {
  switch (attribute.measure) {
    case 'acquired':
      sums.acquired += value;
      break;
    case 'leads':
      sums.leads += value;
      break;
    case 'qualified':
      sums.qualified += value;
      break;
    case 'disqualified':
      addTo(sums.disqualified, attribute.reason, value);
      break;
    case 'customers':
      sums.customers += value;
      break;
    case 'orders':
      sums.orders += value;
      break;
    case 'revenue':
      addTo(sums.revenue, attribute.currency, value);
      break;
    case 'ordered':
      addTo(sums.ordered, attribute.currency, value);
      break;
    case 'refunded':
      addTo(sums.refunded, attribute.currency, value);
      break;
    case 'marketingCycle':
      addTo(sums.marketingCycle, attribute.bucket, value);
      break;
    case 'salesCycle':
      addTo(sums.salesCycle, attribute.bucket, value);
      break;
    case 'touches':
      sums.touches += value;
      break;
    case 'peopleReached':
      sums.peopleReached += value;
      break;
  }
}

/**
 * `GET /v1/funnel`: people by the campaign (channel, source/medium) that
 * acquired them, each once, with what became of them, and beside it each
 * key's reach. One query, whatever the number of people.
 */
export async function funnel(deps: ViewDeps, tenantId: string, query: { from: string; to: string; groupBy: FunnelGroupBy; currency?: 'reporting' | undefined }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const mode = currencyModeOf(tenant, query.currency);
  const cells = cellsIn(
    mode,
    'funnel',
    (await deps.projections.rollupCells(tenantId, 'funnel', query.from, query.to)).filter((cell) => cell.part === query.groupBy),
  );
  const rows = new Map<string, FunnelSums>();
  const totals = emptySums();
  for (const cell of cells) {
    for (const [attribute, value] of decodeCell('funnel', cell)) {
      if (attribute.measure === 'missingRate') continue;
      let sums = rows.get(attribute.key);
      if (!sums) rows.set(attribute.key, (sums = emptySums()));
      addToFunnel(sums, attribute, value);
      addToFunnel(totals, attribute, value);
    }
  }
  const answerRows = [...rows]
    .map(([key, sums]) => funnelRow(key, sums))
    .filter((row) => row.acquired !== 0 || row.touches !== 0 || row.peopleReached !== 0 || row.orders !== 0)
    .sort((a, b) => b.acquired - a.acquired || b.peopleReached - a.peopleReached || (a.key < b.key ? -1 : 1));
  return {
    ...periodHeader(tenant, query),
    groupBy: query.groupBy,
    histogramBuckets: 'hours: 0, 1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720, 1440, 2160+',
    rows: answerRows,
    totals: withoutKey(funnelRow('', totals)),
    ...reportingFields(mode, missingRatesIn('funnel', cells)),
  };
}

function withoutKey({ key: _key, ...row }: FunnelRow): FunnelMeasures {
  return row;
}

// ---- the handoff (docs/contract.md#the-handoff)

export const DROPPED_PAGE = 100;

/**
 * `GET /v1/handoffs`: of the people qualified in the period, how many sales
 * reached, how many within the SLA, how fast (median and p90, from hour
 * buckets), and the dropped batons, oldest first, a page at a time.
 */
export async function handoffs(deps: ViewDeps, tenantId: string, query: { from: string; to: string; cursor?: string }, now: Date = new Date()) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const calendar = calendarOf(tenant);
  const tz = calendar.timezone;
  const position = query.cursor ? decodeCursor(tenant, query.cursor, { from: query.from, to: query.to, tz }) : undefined;
  const asOf = position?.asOf ?? now.toISOString();
  const { start, end } = calendar.dayRange(query.from, query.to);
  const [cells, page] = await Promise.all([
    deps.projections.rollupCells(tenantId, 'handoff', query.from, query.to),
    deps.projections.droppedBatons(tenantId, { from: new Date(start).toISOString(), to: new Date(end).toISOString(), now: asOf }, DROPPED_PAGE, position?.after),
  ]);
  let qualified = 0;
  let contacted = 0;
  let withinSla = 0;
  const hours = new Map<number, number>();
  for (const cell of cells) {
    for (const [attribute, value] of decodeCell('handoff', cell)) {
      if (attribute.measure === 'qualified') qualified += value;
      else if (attribute.measure === 'contacted') contacted += value;
      else if (attribute.measure === 'withinSla') withinSla += value;
      else addTo(hours, attribute.bucket, value);
    }
  }
  return {
    ...periodHeader(tenant, query),
    slaHours: tenant.config.handoffSlaHours,
    // Who takes the baton: the sales team, or (salesTeam: false) the store's checkout: qualified = checkouts started, dropped = abandoned.
    pickedUpBy: tenant.config.salesTeam === false ? ('checkout' as const) : ('sales' as const),
    qualified,
    contacted,
    withinSla,
    medianHours: quantileHours(hours, 0.5),
    p90Hours: quantileHours(hours, 0.9),
    asOf,
    dropped: page.batons.map((baton) => ({ identifiers: baton.identifiers, qualifiedAt: baton.qualifiedAt, deadline: baton.deadline, acquiringCampaign: baton.acquiringCampaign })),
    ...(page.next ? { nextCursor: encodeCursor(tenant, { after: page.next, asOf, from: query.from, to: query.to, tz }) } : {}),
  };
}

// ---- the sales side (docs/contract.md#reading-attribution)

/**
 * `GET /v1/sales/report`: the sales credit of the period's transactions by
 * rep (`(none)` without one) or sales channel. Every sale has a seller, so
 * the rows of a currency sum to its revenue.
 */
export async function salesReport(deps: ViewDeps, tenantId: string, query: { from: string; to: string; groupBy: SalesDimension; currency?: 'reporting' | undefined }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const mode = currencyModeOf(tenant, query.currency);
  const [cells, totalCells] = await Promise.all([
    deps.projections.rollupCells(tenantId, 'sales', query.from, query.to).then((all) => cellsIn(mode, 'sales', all)),
    deps.projections.rollupCells(tenantId, 'totals', query.from, query.to).then((all) => cellsIn(mode, 'totals', all)),
  ]);
  // each row's hours from H to its orders (hour buckets), for its median
  const rows = new Map<string, SalesRow & { hours: Map<number, number> }>();
  const rowOf = (currency: string, key: string) => {
    const id = `${currency}\u0000${key}`;
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { key, currency, revenue: 0, orders: 0, sourcedBy: { marketing: 0, sales: 0, none: 0 }, medianHoursToOrder: null, hours: new Map() }));
    return row;
  };
  for (const cell of cells) {
    for (const [attribute, value] of decodeCell('sales', cell)) {
      if (attribute.measure === 'missingRate' || attribute.dimension !== query.groupBy) continue;
      const row = rowOf(cell.part, attribute.key);
      if (attribute.measure === 'revenue') row.revenue += value;
      else if (attribute.measure === 'orders') row.orders += value;
      else if (attribute.measure === 'ordersSourcedBy') row.sourcedBy[attribute.sourcedBy] += value;
      else addTo(row.hours, attribute.bucket, value);
    }
  }
  const totals = new Map<string, SalesTotals>();
  for (const cell of totalCells) {
    const total = totals.get(cell.part) ?? { currency: cell.part, revenue: 0, transactions: 0 };
    const { revenue, transactions } = countsOf('totals', cell);
    total.revenue += revenue;
    total.transactions += transactions;
    totals.set(cell.part, total);
  }
  return {
    ...periodHeader(tenant, query),
    groupBy: query.groupBy,
    rows: [...rows.values()]
      .map(({ hours, ...row }) => ({ ...row, orders: row.orders / CONVERSION_SHARE_SCALE, medianHoursToOrder: quantileHours(hours, 0.5) }))
      .filter((row) => row.revenue !== 0 || row.orders !== 0)
      .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : b.revenue - a.revenue || (a.key < b.key ? -1 : 1))),
    totals: [...totals.values()].filter((total) => total.revenue !== 0 || total.transactions !== 0).sort((a, b) => (a.currency < b.currency ? -1 : 1)),
    ...reportingFields(mode, missingRatesIn('totals', totalCells)),
  };
}

// ---- paths (docs/contract.md#reading-attribution)

/**
 * `GET /v1/attribution/paths`: the period's orders by their marketing
 * journey (channels in order, as `collapseRepeats` left them), the top
 * `limit` paths by orders, and the path-length and time-lag histograms.
 */
export async function paths(deps: ViewDeps, tenantId: string, query: { from: string; to: string; limit: number }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const [pathCells, statCells] = await Promise.all([deps.projections.rollupCells(tenantId, 'paths', query.from, query.to), deps.projections.rollupCells(tenantId, 'pathstats', query.from, query.to)]);
  const byPath = new Map<string, { orders: number; revenue: Map<string, number> }>();
  const entry = (path: string) => {
    let found = byPath.get(path);
    if (!found) byPath.set(path, (found = { orders: 0, revenue: new Map() }));
    return found;
  };
  for (const cell of pathCells) {
    for (const [attribute, value] of decodeCell('paths', cell)) {
      if (attribute.measure === 'orders') entry(attribute.path).orders += value;
      else if (attribute.measure === 'revenue') addTo(entry(attribute.path).revenue, attribute.currency, value);
    }
  }
  const lengths = new Map<string, number>();
  const lags = new Map<string, number>();
  for (const cell of statCells) {
    for (const [attribute, value] of decodeCell('pathstats', cell)) {
      if (attribute.measure === 'pathLength') addTo(lengths, attribute.touches, value);
      else addTo(lags, attribute.days, value);
    }
  }
  const all = [...byPath]
    // The empty path: orders with no marketing touch.
    .map(([path, { orders, revenue }]) => ({ path: path ? path.split(PATH_SEPARATOR) : [], orders, revenue: moneyOf(revenue) }))
    .filter((row) => row.orders !== 0 || row.revenue.length > 0)
    .sort((a, b) => b.orders - a.orders || (b.revenue[0]?.amount ?? 0) - (a.revenue[0]?.amount ?? 0) || (a.path.join() < b.path.join() ? -1 : 1));
  return {
    ...periodHeader(tenant, query),
    distinctPaths: all.length,
    paths: all.slice(0, query.limit),
    pathLengths: PATH_LENGTH_BUCKETS.map((touches) => ({ touches, orders: lengths.get(touches) ?? 0 })),
    timeLags: LAG_BUCKETS.map((days) => ({ days, orders: lags.get(days) ?? 0 })),
  };
}
