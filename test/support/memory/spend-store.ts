import type { SpendOutcome, SpendStore } from '../../../shared/spend/ports.ts';
import { type SpendEntry, sameFigure } from '../../../shared/spend/spend.ts';
import { copy, type MemoryTable } from './table.ts';

const keyOf = (entry: Pick<SpendEntry, 'day' | 'currency' | 'campaign'>) => JSON.stringify([entry.day, entry.currency, entry.campaign]);

/** Spend in memory: a later report replaces an earlier one, never the reverse. */
export class MemorySpendStore implements SpendStore {
  constructor(private readonly table: MemoryTable) {}

  async putSpend(tenantId: string, entries: readonly SpendEntry[]): Promise<SpendOutcome[]> {
    const spend = this.table.of(tenantId).spend;
    return entries.map((entry) => {
      const before = spend.get(keyOf(entry));
      if (before && before.reportedAt >= entry.reportedAt) return sameFigure(before, entry) ? 'duplicate' : 'stale';
      spend.set(keyOf(entry), copy(entry));
      return before && sameFigure(before, entry) ? 'duplicate' : 'stored';
    });
  }

  async spendBetween(tenantId: string, fromDay: string, toDay: string): Promise<SpendEntry[]> {
    return [...this.table.of(tenantId).spend]
      .filter(([, entry]) => entry.day >= fromDay && entry.day <= toDay)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, entry]) => copy(entry));
  }
}
