import type { SpendEntry } from './spend.ts';

/** `stale`: a report of that day's figure at least as recent is already stored, and stays. */
export type SpendOutcome = 'stored' | 'duplicate' | 'stale';

export interface SpendStore {
  /** Stores each entry unless the stored figure for its day, currency and campaign was reported at the same time or later. */
  putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]>;
  /** Every stored figure of the days `fromDay`..`toDay` (inclusive). */
  spendBetween(tenantId: string, fromDay: string, toDay: string): Promise<SpendEntry[]>;
}
