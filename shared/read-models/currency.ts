import * as z from 'zod';
import { ValidationError } from '../errors.ts';
import { converterFor } from '../fx/converter.ts';
import type { FxRateStore } from '../fx/ports.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { type CurrencyMode, type MissingRate, mergeMissingRates, NATIVE } from './rollups.ts';

/**
 * One reporting currency (docs/contract.md#one-reporting-currency) as the
 * views ask for it: `currency=reporting` reads the amounts the projection
 * converted, fact by fact, into the tenant's `reportingCurrency`, and the
 * period's spend converted line by line; what had no rate is listed in
 * `missingRates`, never counted as 0 or at 1.
 */
export const CurrencyQuerySchema = z
  .enum(['reporting'])
  .optional()
  .describe('reporting: every amount in the tenant’s reportingCurrency, converted per fact at the tenant’s own rates; what had no rate is listed in missingRates');

export function currencyModeOf(tenant: Pick<TenantRecord, 'config'>, currency: 'reporting' | undefined): CurrencyMode {
  if (currency === undefined) return NATIVE;
  const code = tenant.config.reportingCurrency;
  if (!code) {
    throw new ValidationError('currency=reporting needs the tenant’s reportingCurrency: set it with PATCH /v1/config first.', [
      { path: 'query.currency', message: 'the tenant has no reportingCurrency', code: 'no_reporting_currency' },
    ]);
  }
  return { kind: 'reporting', currency: code };
}

/** What an answer in the reporting currency says beside its figures; nothing in each currency's own. */
export function reportingFields(mode: CurrencyMode, ...missing: ReadonlyArray<readonly MissingRate[]>): { reportingCurrency?: string; missingRates?: MissingRate[] } {
  return mode.kind === 'native' ? {} : { reportingCurrency: mode.currency, missingRates: mergeMissingRates(...missing) };
}

/**
 * Spend lines in a currency mode: as they are natively; in the reporting
 * currency each converted at its day's rate (half even, line by line),
 * those without a rate left out and listed.
 */
export async function spendIn<L extends { day: string; currency: string; amount: number }>(
  mode: CurrencyMode,
  fxRates: Pick<FxRateStore, 'between'>,
  tenant: Pick<TenantRecord, 'tenantId' | 'config'>,
  lines: readonly L[],
): Promise<{ lines: L[]; missing: MissingRate[] }> {
  if (mode.kind === 'native' || lines.length === 0) return { lines: [...lines], missing: [] };
  const days = lines.map((line) => line.day).sort();
  const converter = (await converterFor(fxRates, tenant, days[0]!, days[days.length - 1]!))!;
  const converted: L[] = [];
  const missing: MissingRate[] = [];
  for (const line of lines) {
    const amount = converter.convert(line.amount, line.currency, line.day);
    if (amount) converted.push({ ...line, currency: mode.currency, amount: amount.amount });
    else missing.push({ currency: line.currency, day: line.day, amount: line.amount, source: 'spend' });
  }
  return { lines: converted, missing };
}
