import * as z from 'zod';
import { DaySchema, daysBetween, dayRange } from '../time/zones.ts';
import { ValidationError } from '../errors.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { HEURISTIC_MODELS, MODELS, type HeuristicModel } from './models.ts';
import { CONVERSION_SCALE, GROUP_BYS, type GroupBy } from './rollups.ts';
import type { RollupCell } from './ports.ts';
import { attributeTransaction, type AttributionDeps } from './use-cases.ts';

/** The longest period a report covers. */
export const MAX_REPORT_DAYS = 366;

function checkPeriod(period: { from: string; to: string }, ctx: z.RefinementCtx): void {
  if (period.from > period.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
  else if (daysBetween(period.from, period.to) > MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a period is at most ${MAX_REPORT_DAYS} days` });
}

export const ReportQuerySchema = z
  .object({ from: DaySchema, to: DaySchema, model: z.enum(MODELS).optional(), groupBy: z.enum(GROUP_BYS).default('channel') })
  .strict()
  .superRefine(checkPeriod);

export const CompareQuerySchema = z.object({ from: DaySchema, to: DaySchema, groupBy: z.enum(GROUP_BYS).default('channel') }).strict().superRefine(checkPeriod);

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
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : b.revenue - a.revenue || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
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
 * rollups: two queries whatever the number of transactions.
 */
export async function report(deps: AttributionDeps, tenantId: string, query: { from: string; to: string; model?: (typeof MODELS)[number]; groupBy: GroupBy }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const model = query.model ?? tenant.config.defaultModel;
  if (!(HEURISTIC_MODELS as readonly string[]).includes(model)) {
    throw new ValidationError(`The ${model} model is not available in reports yet.`, [{ path: 'query.model', message: 'data-driven models are not available yet', code: 'invalid_value' }]);
  }
  const [cells, totals] = await Promise.all([
    deps.attributions.rollupCells(tenantId, model as HeuristicModel, query.from, query.to),
    deps.attributions.rollupCells(tenantId, 'totals', query.from, query.to),
  ]);
  return { from: query.from, to: query.to, timezone: tenant.config.timezone, model, groupBy: query.groupBy, rows: rowsOf(cells, query.groupBy), totals: totalsOf(totals) };
}

/** `GET /v1/attribution/compare`: every heuristic model side by side, one query per model. */
export async function compare(deps: AttributionDeps, tenantId: string, query: { from: string; to: string; groupBy: GroupBy }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const [totals, ...perModel] = await Promise.all([
    deps.attributions.rollupCells(tenantId, 'totals', query.from, query.to),
    ...HEURISTIC_MODELS.map((model) => deps.attributions.rollupCells(tenantId, model, query.from, query.to)),
  ]);
  const models = Object.fromEntries(HEURISTIC_MODELS.map((model, i) => [model, rowsOf(perModel[i]!, query.groupBy)]));
  return { from: query.from, to: query.to, timezone: tenant.config.timezone, groupBy: query.groupBy, models, totals: totalsOf(totals) };
}

/** Transactions re-attributed per recompute call: one call stays well inside an API request's time. */
export const RECOMPUTE_PAGE = 100;

/**
 * `POST /v1/attribution/recompute`: re-attributes the period's transactions
 * under the current config, a page at a time; `nextCursor` continues.
 */
export async function recompute(deps: AttributionDeps, tenantId: string, input: { from: string; to: string; cursor?: string }) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const { start, end } = dayRange(input.from, input.to, tenant.config.timezone);
  const ids = await deps.attributions.transactionIdsBetween(tenantId, new Date(start).toISOString(), new Date(end - 1).toISOString());
  let offset = 0;
  if (input.cursor) {
    const decoded = Number(Buffer.from(input.cursor, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > ids.length) throw new ValidationError('The cursor is not one this endpoint gave.', [{ path: 'cursor', message: 'invalid cursor' }]);
    offset = decoded;
  }
  const page = ids.slice(offset, offset + RECOMPUTE_PAGE);
  let changed = 0;
  // Orders first: their refunds and cancellations follow from them.
  for (const id of page) changed += (await attributeTransaction(deps, tenantId, id, { currentConfig: true })).changed;
  const next = offset + page.length;
  return { from: input.from, to: input.to, recomputed: page.length, changed, ...(next < ids.length ? { nextCursor: Buffer.from(String(next)).toString('base64url') } : {}) };
}

