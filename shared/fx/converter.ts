import type { Converted, ReportingConverter } from '../projection/person.ts';
import { fxMaxAgeDaysOf } from '../tenants/attribution-config.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { addDays } from '../time/days.ts';
import type { FxRateStore } from './ports.ts';
import { convertMinor, RateTable } from './rates.ts';

/** The converter the projection and the views use: the tenant's rates as the table holds them for `[from, to]` (the max age before `from` included). */
export async function converterFor(fxRates: Pick<FxRateStore, 'between'>, tenant: Pick<TenantRecord, 'tenantId' | 'config'>, from: string, to: string): Promise<ReportingConverter | undefined> {
  const currency = tenant.config.reportingCurrency;
  if (!currency) return undefined;
  const maxAge = fxMaxAgeDaysOf(tenant.config);
  const table = RateTable.of(await fxRates.between(tenant.tenantId, addDays(from, -maxAge), to), maxAge);
  return {
    currency,
    convert(amount: number, fromCurrency: string, day: string): Converted | undefined {
      const rate = table.rateFor(fromCurrency, currency, day);
      return rate && { amount: convertMinor(amount, fromCurrency, currency, rate), rate: rate.rate, rateDay: rate.rateDay };
    },
  };
}
