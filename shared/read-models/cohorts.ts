import * as z from 'zod';
import { CONVERSION_SHARE_SCALE } from '../attribution/engine.ts';
import { DATA_DRIVEN_MODELS, type HeuristicModel, MODELS } from '../attribution/models.ts';
import { ValidationError } from '../errors.ts';
import { type Cell, csvTable } from '../exports/csv.ts';
import { COHORT_GROUP_BYS, type CohortGroupBy, MAX_COHORT_MONTHS } from '../projection/groupings.ts';
import { spendKey } from '../spend/spend.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { addMonths, dayOf, lastDayOfMonth, MonthSchema, monthsBetween } from '../time/days.ts';
import { CurrencyQuerySchema, currencyModeOf, reportingFields, spendIn } from './currency.ts';
import { periodHeader } from './period.ts';
import { costLinesOf, type ReportDeps } from './reports.ts';
import { cellsIn, decodeCell, missingRatesIn } from './rollups.ts';

/** The longest run of cohort months one answer covers. */
export const MAX_COHORT_SPAN = 36;

/** The key of `groupBy=none`'s one row per cohort and currency. */
export const ALL_CUSTOMERS = '(all)';

export const CohortQuerySchema = z
  .object({
    from: MonthSchema,
    to: MonthSchema,
    groupBy: z.enum(COHORT_GROUP_BYS).default('none'),
    model: z.enum(MODELS).optional(),
    months: z.coerce.number().int().min(1).max(MAX_COHORT_MONTHS).default(12),
    format: z.enum(['json', 'csv']).default('json'),
    currency: CurrencyQuerySchema,
  })
  .strict()
  .superRefine((query, ctx) => {
    if (!/^\d{4}-\d{2}$/.test(query.from) || !/^\d{4}-\d{2}$/.test(query.to)) return;
    if (query.from > query.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    else if (monthsBetween(query.from, query.to) >= MAX_COHORT_SPAN) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_COHORT_SPAN} cohort months` });
  });

export type CohortQuery = z.infer<typeof CohortQuerySchema>;

export interface CohortRow {
  cohort: string;
  key: string;
  currency: string;
  /** Customers acquired in the cohort month (fractional: a first order split over keys makes fractions of a customer). */
  customers: number;
  /** Spend of the key in the cohort month, minor units. */
  spend: number;
  /** spend ÷ customers, minor units rounded half up; null without spend or without customers. */
  cac: number | null;
  /** Customers with a second order by now ÷ customers. */
  repeatRate: number | null;
  /** Orders in another currency than the customer's first (counted apart, in fractions like the customers). */
  crossCurrencyOrders: number;
  /** Net per month offset, minor units; null for offsets the cohort has not reached. */
  revenue: Array<number | null>;
  /** Σ revenue up to each offset ÷ customers, minor units rounded half up; null where revenue is, and without customers. */
  cumulativePerCustomer: Array<number | null>;
  /** Σ revenue up to each offset × grossMarginPercent ÷ customers (rounded once), when the tenant set a margin. */
  marginPerCustomer?: Array<number | null>;
  /** The first offset whose cumulative margin (revenue, without a margin) per customer reaches the CAC; null when not yet (or no CAC). */
  paybackMonth: number | null;
  /** The offset that is the current month, still counting; null when the cohort's months have all passed. */
  partialOffset: number | null;
}

const share = (millionths: number) => Math.round((millionths / CONVERSION_SHARE_SCALE) * 1_000_000) / 1_000_000;
const perCustomer = (amount: number, customers: number) => (customers > 0 ? Math.round((amount * CONVERSION_SHARE_SCALE) / customers) : null);

/**
 * `GET /v1/cohorts`: customers by the month of their first order and the
 * key that order's credit went to, and what they brought month by month
 * since — from the cohort cells (one range read of the model's and
 * grouping's slice) and the cohort months' spend.
 */
export async function cohorts(deps: ReportDeps & { now?: () => Date }, tenantId: string, query: Omit<CohortQuery, 'format'>) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const model = query.model ?? tenant.config.defaultModel;
  if ((DATA_DRIVEN_MODELS as readonly string[]).includes(model)) {
    throw new ValidationError('Cohorts split each customer by their first order’s credit; markov and shapley credit channels over a whole period, not an order.', [
      { path: 'query.model', message: 'a heuristic model (first_touch, last_touch, last_non_direct, linear, position_based, time_decay, w_shaped)', code: 'invalid_value' },
    ]);
  }
  const currentMonth = dayOf(deps.now?.() ?? new Date(), tenant.config.timezone).slice(0, 7);
  const lastEventMonth = [addMonths(query.to, query.months - 1), currentMonth].sort()[0]!;
  const slice = `${model as HeuristicModel}:${query.groupBy === 'none' ? 'channel' : query.groupBy}`;
  const mode = currencyModeOf(tenant, query.currency);
  const [cells, costs] = await Promise.all([
    lastEventMonth < query.from ? [] : deps.projections.rollupCells(tenantId, 'cohorts', `${query.from}-01`, lastDayOfMonth(lastEventMonth), slice).then((all) => cellsIn(mode, 'cohorts', all)),
    deps.spend
      .spendBetween(tenantId, `${query.from}-01`, lastDayOfMonth(query.to))
      .then((period) => costLinesOf(deps, tenantId, period))
      .then((lines) => spendIn(mode, deps.fxRates, tenant, lines)),
  ]);
  const spend = costs.lines;

  type Sums = { cohort: string; key: string; currency: string; customers: number; repeaters: number; cross: number; revenue: number[]; spend: number };
  const rows = new Map<string, Sums>();
  const rowOf = (cohort: string, key: string, currency: string) => {
    const id = JSON.stringify([cohort, key, currency]);
    let row = rows.get(id);
    if (!row) rows.set(id, (row = { cohort, key, currency, customers: 0, repeaters: 0, cross: 0, revenue: new Array<number>(query.months).fill(0), spend: 0 }));
    return row;
  };
  for (const cell of cells) {
    const month = cell.day.slice(0, 7);
    for (const [attribute, value] of decodeCell('cohorts', cell)) {
      if (attribute.measure === 'missingRate') continue;
      const offset = monthsBetween(attribute.cohort, month);
      if (attribute.cohort < query.from || attribute.cohort > query.to || offset >= query.months) continue;
      const row = rowOf(attribute.cohort, query.groupBy === 'none' ? ALL_CUSTOMERS : attribute.key, cell.part);
      if (attribute.measure === 'customers') row.customers += value;
      else if (attribute.measure === 'repeaters') row.repeaters += value;
      else if (attribute.measure === 'crossCurrencyOrders') row.cross += value;
      else row.revenue[offset]! += value;
    }
  }
  for (const line of spend) {
    const key = query.groupBy === 'none' ? ALL_CUSTOMERS : spendKey(line, query.groupBy);
    if (key !== undefined && line.amount !== 0) rowOf(line.day.slice(0, 7), key, line.currency).spend += line.amount;
  }

  const margin = tenant.config.grossMarginPercent ?? null;
  // in hundredths of a percent, so the payback comparison stays in integers
  const marginBasisPoints = margin === null ? null : Math.round(margin * 100);
  const answerRows: CohortRow[] = [...rows.values()]
    .filter((row) => row.customers !== 0 || row.spend !== 0 || row.revenue.some((amount) => amount !== 0))
    .sort((a, b) => (a.cohort < b.cohort ? -1 : a.cohort > b.cohort ? 1 : a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : b.customers - a.customers || (a.key < b.key ? -1 : 1)))
    .map((row) => {
      const reached = Math.min(query.months, monthsBetween(row.cohort, currentMonth) + 1);
      const revenue = row.revenue.map((amount, k) => (k < reached ? amount : null));
      const cumulative: Array<number | null> = [];
      const runningTotals: Array<number | null> = [];
      let running = 0;
      let paybackMonth: number | null = null;
      for (const [k, amount] of revenue.entries()) {
        if (amount === null) {
          cumulative.push(null);
          runningTotals.push(null);
          continue;
        }
        running += amount;
        runningTotals.push(running);
        // exact: cumulative (margin) per customer ≥ spend per customer, both over the same customers
        if (paybackMonth === null && row.spend > 0 && row.customers > 0 && (marginBasisPoints === null ? running >= row.spend : running * marginBasisPoints >= row.spend * 10_000)) paybackMonth = k;
        cumulative.push(perCustomer(running, row.customers));
      }
      return {
        cohort: row.cohort,
        key: row.key,
        currency: row.currency,
        customers: share(row.customers),
        spend: row.spend,
        cac: row.spend > 0 ? perCustomer(row.spend, row.customers) : null,
        repeatRate: row.customers > 0 ? Math.round((row.repeaters / row.customers) * 10_000) / 10_000 : null,
        crossCurrencyOrders: share(row.cross),
        revenue,
        cumulativePerCustomer: cumulative,
        ...(marginBasisPoints === null ? {} : { marginPerCustomer: runningTotals.map((total) => (total === null ? null : perCustomer((total * marginBasisPoints) / 10_000, row.customers))) }),
        paybackMonth,
        partialOffset: monthsBetween(row.cohort, currentMonth) >= 0 && monthsBetween(row.cohort, currentMonth) < query.months ? monthsBetween(row.cohort, currentMonth) : null,
      };
    });

  return {
    ...periodHeader(tenant, { from: `${query.from}-01`, to: lastDayOfMonth(query.to) }),
    cohorts: { from: query.from, to: query.to },
    model,
    groupBy: query.groupBy,
    months: query.months,
    basis: margin === null ? ('revenue' as const) : ('margin' as const),
    ...(margin === null ? {} : { grossMarginPercent: margin }),
    currentMonth,
    rows: answerRows,
    ...reportingFields(mode, missingRatesIn('cohorts', cells), costs.missing),
  };
}

/** `GET /v1/cohorts?format=csv`: one record per cohort, key and currency, the offsets as columns. */
export function cohortsCsv(answer: { months: number; basis: 'revenue' | 'margin'; rows: CohortRow[] }): string {
  const offsets = Array.from({ length: answer.months }, (_, k) => k);
  const columns: Array<{ name: string; value: (row: CohortRow) => Cell }> = [
    { name: 'cohort', value: (row) => row.cohort },
    { name: 'key', value: (row) => row.key },
    { name: 'currency', value: (row) => row.currency },
    { name: 'customers', value: (row) => row.customers },
    { name: 'spend', value: (row) => row.spend },
    { name: 'cac', value: (row) => row.cac },
    { name: 'repeatRate', value: (row) => row.repeatRate },
    { name: 'crossCurrencyOrders', value: (row) => row.crossCurrencyOrders },
    { name: 'paybackMonth', value: (row) => row.paybackMonth },
    { name: 'paybackBasis', value: () => answer.basis },
    { name: 'partialOffset', value: (row) => row.partialOffset },
    ...offsets.map((k) => ({ name: `revenue_m${k}`, value: (row: CohortRow) => row.revenue[k] ?? null })),
    ...offsets.map((k) => ({ name: `cumulativePerCustomer_m${k}`, value: (row: CohortRow) => row.cumulativePerCustomer[k] ?? null })),
    ...(answer.basis === 'margin' ? offsets.map((k) => ({ name: `marginPerCustomer_m${k}`, value: (row: CohortRow) => row.marginPerCustomer?.[k] ?? null })) : []),
  ];
  return csvTable(columns, answer.rows);
}

export type { CohortGroupBy };
