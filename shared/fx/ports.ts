import type { FxRate } from './rates.ts';

export interface FxRateStore {
  /** Merges rates (replacing same day/base/quote); answers how many were new or changed. */
  put(tenantId: string, rates: readonly FxRate[]): Promise<{ changed: number; changedDays: string[] }>;
  /** Every rate with from <= day <= to, sorted by day, base, quote. One Query (paginated), never a Scan. */
  between(tenantId: string, from: string, to: string): Promise<FxRate[]>;
}
