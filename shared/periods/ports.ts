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

/** Where the tenant's periods and the adjustments posted in them are kept. */
export interface PeriodStore {
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
