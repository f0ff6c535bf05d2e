import * as z from 'zod';
import { UnprocessableFileError } from '../errors.ts';
import { type JobDeps, MAX_RECOMPUTE_DAYS, startRecompute } from '../jobs/recompute.ts';
import { fxMaxAgeDaysOf } from '../tenants/attribution-config.ts';
import type { TenantStore } from '../tenants/ports.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { addDays, DaySchema, periodCheck } from '../time/days.ts';
import { FxRatesInputError, type ParsedRates, readEcbCsv, readJsonRates } from './input.ts';
import type { FxRateStore } from './ports.ts';
import type { FxRate } from './rates.ts';

export interface FxDeps {
  tenants: TenantStore;
  fxRates: FxRateStore;
}

/** What a rate edit needs to convert again what it changes. */
export type PutFxDeps = FxDeps & Pick<JobDeps, 'jobs' | 'queue'>;

/** The longest period `GET /v1/fx-rates` lists. */
export const MAX_FX_LIST_DAYS = 366;

/** The largest body `PUT /v1/fx-rates` takes: 20,000 rates as JSON are about 1.4 MiB. */
export const MAX_FX_BODY_BYTES = 2 * 1024 * 1024;

export const FxRatesQuerySchema = z.object({ from: DaySchema, to: DaySchema }).strict().superRefine(periodCheck(MAX_FX_LIST_DAYS));

export type FxRatesQuery = z.infer<typeof FxRatesQuerySchema>;

/** `PUT /v1/fx-rates`'s body: the JSON body's `rates`, or an ECB-layout CSV file. */
export type FxRatesBody = { json: readonly unknown[] } | { csv: Uint8Array | string };

export interface PutFxRatesAnswer {
  /** Rates the request gave (a repeat of the same rate included). */
  received: number;
  /** Rates that were new or replaced a different one. */
  changed: number;
  /** The first and last day of the rates the request gave. */
  from: string;
  to: string;
  /** The days whose conversions may change: the first changed day to the last one plus `fxMaxAgeDays`; null when nothing changed. */
  affected: { from: string; to: string } | null;
  /** With a reporting currency: the jobs converting the affected days again (GET /v1/jobs/{jobId}), at most 366 days each. */
  jobs: Array<{ jobId: string; from: string; to: string }>;
}

function readRates(body: FxRatesBody, now: Date): ParsedRates {
  try {
    return 'json' in body ? readJsonRates(body.json, now) : readEcbCsv(body.csv, now);
  } catch (error) {
    if (!(error instanceof FxRatesInputError)) throw error;
    throw new UnprocessableFileError(`No rate was stored: ${error.message}`, error.problems);
  }
}

/**
 * `PUT /v1/fx-rates`: every rate checked before any is stored (a bad one
 * refuses the request, 422 naming each), then merged into the tenant's
 * rates, a rate replacing the one of its day, base and quote (an edit).
 */
export async function putFxRates(deps: PutFxDeps, tenantId: string, body: FxRatesBody, now: Date = new Date()): Promise<PutFxRatesAnswer> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const { rates, received } = readRates(body, now);
  const days = rates.map((rate) => rate.day).sort();
  const { changed, changedDays } = await deps.fxRates.put(tenantId, rates);
  const first = changedDays[0];
  const last = changedDays.at(-1);
  const affected = first && last ? { from: first, to: addDays(last, fxMaxAgeDaysOf(tenant.config)) } : null;
  // Only days that have passed hold transactions to convert again.
  const today = calendarOf(tenant).dayOf(now);
  const jobs: PutFxRatesAnswer['jobs'] = [];
  if (affected && tenant.config.reportingCurrency && affected.from <= today) {
    const to = affected.to < today ? affected.to : today;
    for (let from = affected.from; from <= to; from = addDays(from, MAX_RECOMPUTE_DAYS)) {
      const end = addDays(from, MAX_RECOMPUTE_DAYS - 1) < to ? addDays(from, MAX_RECOMPUTE_DAYS - 1) : to;
      const job = await startRecompute(deps, tenantId, { from, to: end }, now, 'reconvert');
      jobs.push({ jobId: job.jobId, from, to: end });
    }
  }
  return { received, changed, from: days[0]!, to: days.at(-1)!, affected, jobs };
}

export interface FxRatesList {
  from: string;
  to: string;
  reportingCurrency: string | null;
  fxMaxAgeDays: number;
  rates: FxRate[];
}

/** `GET /v1/fx-rates?from&to`: the tenant's rates of those days (at most 366), sorted by day, base and quote, with the settings that use them. */
export async function listFxRates(deps: FxDeps, tenantId: string, query: FxRatesQuery): Promise<FxRatesList> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const rates = await deps.fxRates.between(tenantId, query.from, query.to);
  return { from: query.from, to: query.to, reportingCurrency: tenant.config.reportingCurrency ?? null, fxMaxAgeDays: fxMaxAgeDaysOf(tenant.config), rates };
}
