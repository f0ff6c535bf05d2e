import { type Closing, type PeriodsState, takeBack } from '../../../shared/periods/periods.ts';
import type { PeriodStore, PostedAdjustment } from '../../../shared/periods/ports.ts';
import { addMonths } from '../../../shared/time/days.ts';
import { copy, type MemoryTable } from './table.ts';

export const adjustmentKey = (adjustment: Pick<PostedAdjustment, 'postedMonth' | 'originalPeriod' | 'adjustmentId'>) =>
  `${adjustment.postedMonth}#${adjustment.originalPeriod}#${adjustment.adjustmentId}`;

/** Periods and their adjustments in memory, changed over the version read as the DynamoDB store changes them. */
export class MemoryPeriodStore implements PeriodStore {
  constructor(private readonly table: MemoryTable) {}

  async state(tenantId: string): Promise<PeriodsState> {
    return copy(this.table.of(tenantId).periods);
  }

  async close(tenantId: string, closing: Closing, expectedVersion: number): Promise<'saved' | 'stale'> {
    const items = this.table.of(tenantId);
    if (items.periods.version !== expectedVersion) return 'stale';
    items.periods = { ...items.periods, closedThrough: closing.month, version: expectedVersion + 1, closings: [...items.periods.closings, copy(closing)] };
    return 'saved';
  }

  async reopen(tenantId: string, reopening: { month: string; at: string; by: string; reason: string }, expectedVersion: number): Promise<'saved' | 'stale'> {
    const items = this.table.of(tenantId);
    const state = items.periods;
    if (state.version !== expectedVersion) return 'stale';
    const closings = state.closings.map((closing, i) =>
      i === state.closings.length - 1 && closing.month === reopening.month ? { ...closing, reopenedAt: reopening.at, reopenedBy: reopening.by, reason: reopening.reason } : closing,
    );
    const previous = addMonths(reopening.month, -1);
    const closedThrough = state.closings.some((closing) => closing.month === previous && !closing.reopenedAt) ? previous : null;
    items.periods = { ...state, closedThrough, version: expectedVersion + 1, closings, takingBack: reopening.month };
    return 'saved';
  }

  async finishTakingBack(tenantId: string, _throughMonth: string): Promise<number> {
    const items = this.table.of(tenantId);
    const month = items.periods.takingBack;
    if (!month) return 0;
    let moved = 0;
    for (const [key, adjustment] of [...items.adjustments]) {
      if (adjustment.originalPeriod !== month) continue;
      for (const [id, changes] of Object.entries(takeBack(adjustment))) {
        const cell = items.rollups.get(id) ?? {};
        for (const [name, change] of Object.entries(changes)) cell[name] = (cell[name] ?? 0) + change;
        items.rollups.set(id, cell);
      }
      items.adjustments.delete(key);
      moved += 1;
    }
    const { takingBack: _done, ...rest } = items.periods;
    items.periods = rest;
    return moved;
  }

  async adjustments(tenantId: string, postedMonth: string): Promise<PostedAdjustment[]> {
    return [...this.table.of(tenantId).adjustments.values()].filter((adjustment) => adjustment.postedMonth === postedMonth).map(copy);
  }
}
