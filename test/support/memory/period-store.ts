import { type Closing, type PeriodsState, takeBack, withClosing, withReopening } from '../../../shared/periods/periods.ts';
import type { BookedLine, FrozenLine, PeriodStore, PostedAdjustment } from '../../../shared/periods/ports.ts';
import { copy, type MemoryTable, type TenantItems } from './table.ts';

/** Each tenant's closed exports, by `<month>|<version>|<key>`. */
const closedLinesOf = new WeakMap<TenantItems, Map<string, { line?: string; booked: Array<{ in: string; line: string | null }> }>>();

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
    items.periods = withClosing(items.periods, copy(closing));
    return 'saved';
  }

  async reopen(tenantId: string, reopening: { month: string; at: string; by: string; reason: string }, expectedVersion: number): Promise<'saved' | 'stale'> {
    const items = this.table.of(tenantId);
    const state = items.periods;
    if (state.version !== expectedVersion) return 'stale';
    items.periods = withReopening(state, reopening);
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

  private closed(tenantId: string): Map<string, { line?: string; booked: Array<{ in: string; line: string | null }> }> {
    let lines = closedLinesOf.get(this.table.of(tenantId));
    if (!lines) closedLinesOf.set(this.table.of(tenantId), (lines = new Map()));
    return lines;
  }

  async freeze(tenantId: string, month: string, version: number, lines: readonly FrozenLine[]): Promise<void> {
    const closed = this.closed(tenantId);
    for (const { key, line } of lines) closed.set(`${month}|${version}|${key}`, { ...closed.get(`${month}|${version}|${key}`), booked: closed.get(`${month}|${version}|${key}`)?.booked ?? [], line });
  }

  async *frozenLines(tenantId: string, month: string, version: number, range: { from: string; to: string; after?: string | undefined }): AsyncIterable<FrozenLine> {
    const prefix = `${month}|${version}|`;
    const lines = [...this.closed(tenantId)]
      .filter(([id, record]) => id.startsWith(prefix) && record.line !== undefined)
      .map(([id, record]) => ({ key: id.slice(prefix.length), line: record.line! }))
      .filter(({ key }) => key >= range.from && key < range.to && (range.after === undefined || key > range.after))
      .sort((a, b) => (a.key < b.key ? -1 : 1));
    yield* lines;
  }

  async bookedLines(tenantId: string, refs: ReadonlyArray<{ month: string; version: number; key: string }>): Promise<Map<string, BookedLine>> {
    const closed = this.closed(tenantId);
    const found = new Map<string, BookedLine>();
    for (const ref of refs) {
      const record = closed.get(`${ref.month}|${ref.version}|${ref.key}`);
      if (record) found.set(`${ref.month}|${ref.version}|${ref.key}`, copy(record));
    }
    return found;
  }

  async book(tenantId: string, bookings: ReadonlyArray<{ month: string; version: number; key: string; in: string; line: string | null }>): Promise<void> {
    const closed = this.closed(tenantId);
    for (const booking of bookings) {
      const id = `${booking.month}|${booking.version}|${booking.key}`;
      const record = closed.get(id) ?? { booked: [] };
      record.booked.push({ in: booking.in, line: booking.line });
      closed.set(id, record);
    }
  }

  async adjustments(tenantId: string, postedMonth: string): Promise<PostedAdjustment[]> {
    return [...this.table.of(tenantId).adjustments.values()].filter((adjustment) => adjustment.postedMonth === postedMonth).map(copy);
  }
}
