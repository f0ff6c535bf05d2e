import { byMonth, compareRates, type MonthRates, mergeMonth, ratesOfMonth } from '../../../shared/fx/months.ts';
import type { FxRateStore } from '../../../shared/fx/ports.ts';
import type { FxRate } from '../../../shared/fx/rates.ts';
import { copy, type MemoryTable } from './table.ts';

/** Each table's rates: per tenant, per month, as DynamoDB's items hold them. */
const monthsOf = new WeakMap<MemoryTable, Map<string, Map<string, MonthRates>>>();

/** Exchange rates in memory: merged month by month as the DynamoDB store merges them, every month checked before any is written. */
export class MemoryFxRateStore implements FxRateStore {
  constructor(private readonly table: MemoryTable) {}

  private months(tenantId: string): Map<string, MonthRates> {
    let tenants = monthsOf.get(this.table);
    if (!tenants) monthsOf.set(this.table, (tenants = new Map()));
    let months = tenants.get(tenantId);
    if (!months) tenants.set(tenantId, (months = new Map()));
    return months;
  }

  async put(tenantId: string, rates: readonly FxRate[]): Promise<{ changed: number; changedDays: string[] }> {
    const months = this.months(tenantId);
    const merged = [...byMonth(rates)].map(([month, incoming]) => ({ month, ...mergeMonth(month, months.get(month) ?? {}, incoming) }));
    for (const month of merged) months.set(month.month, copy(month.rates));
    return { changed: merged.reduce((sum, month) => sum + month.changed, 0), changedDays: [...new Set(merged.flatMap((month) => month.changedDays))].sort() };
  }

  async between(tenantId: string, from: string, to: string): Promise<FxRate[]> {
    return [...this.months(tenantId)]
      .flatMap(([month, rates]) => ratesOfMonth(month, rates))
      .filter((rate) => rate.day >= from && rate.day <= to)
      .sort(compareRates);
  }
}
