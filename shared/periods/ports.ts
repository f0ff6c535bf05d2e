import type { Contributions } from '../projection/cells.ts';
import type { AdjustmentReason, Closing, PeriodsState } from './periods.ts';

/**
 * A change of closed months' figures, posted in the first open month
 * (docs/contract.md#closing-a-month): the cells it moved, at their own days
 * (the rollups hold it at `postedDay` instead), why, and what it came from.
 */
export interface PostedAdjustment {
  /** Unique per change (`<personKey>#<projection version>#<originalPeriod>`): a retried save posts it once. */
  adjustmentId: string;
  postedMonth: string;
  postedDay: string;
  originalPeriod: string;
  reason: AdjustmentReason;
  postedAt: string;
  /** The person whose projection changed. */
  personKey: string;
  cells: Contributions;
}

/** Where the tenant's periods, the adjustments posted in them and their closed exports are kept. */
export interface PeriodStore extends ClosedExportStore {
  /** The state, read strongly consistent: writers that must not touch closed months read it before they write. */
  state(tenantId: string): Promise<PeriodsState>;
  /** Closes a month over the state read: `stale` when another close or reopen landed first. */
  close(tenantId: string, closing: Closing, expectedVersion: number): Promise<'saved' | 'stale'>;
  /** Reopens the latest closed month over the state read, and marks its adjustments to be taken back (`finishTakingBack`). */
  reopen(tenantId: string, reopening: { month: string; at: string; by: string; reason: string }, expectedVersion: number): Promise<'saved' | 'stale'>;
  /**
   * Takes back what a reopened month had posted in the months after it:
   * each adjustment's cells out of its posting day and into their own
   * days, once, however often it is called; then clears the mark.
   */
  finishTakingBack(tenantId: string, throughMonth: string): Promise<number>;
  /** The adjustments posted in a month, oldest first. */
  adjustments(tenantId: string, postedMonth: string): Promise<PostedAdjustment[]>;
}

/** A closed month's export line as stored (`closed-line` items): its place in the export and the line, JSON. */
export interface FrozenLine {
  key: string;
  line: string;
}

/** Where a transaction's line stands in the books: as its month closed (`line`), and what later closings booked for it. */
export interface BookedLine {
  line?: string;
  booked: Array<{ in: string; line: string | null }>;
}

/** A closed month's export, frozen as it closed, and the bookings of its transactions' later changes. */
export interface ClosedExportStore {
  /** Writes a closing's lines (idempotent: the same keys and lines again change nothing). */
  freeze(tenantId: string, month: string, version: number, lines: readonly FrozenLine[]): Promise<void>;
  /** A closing's lines with `from <= key < to`, after `after`, in key order: one range read, page by page. */
  frozenLines(tenantId: string, month: string, version: number, range: { from: string; to: string; after?: string | undefined }): AsyncIterable<FrozenLine>;
  /** The booked state of transactions' lines (by `<month>|<version>|<key>`). */
  bookedLines(tenantId: string, refs: ReadonlyArray<{ month: string; version: number; key: string }>): Promise<Map<string, BookedLine>>;
  /** Records what a closing booked for transactions of earlier closed months. */
  book(tenantId: string, bookings: ReadonlyArray<{ month: string; version: number; key: string; in: string; line: string | null }>): Promise<void>;
}
