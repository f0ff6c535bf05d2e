import type { AttributionSummary } from '../attribution/engine.ts';
import type { Counted } from '../recording/settlement.ts';
import type { Transaction } from '../recording/transactions.ts';

/** A transaction as the time index holds it: what Baton counts of it (absent on items stored before settlements), and its attribution summary once attributed. */
export type ExportedTransaction = Transaction & Partial<Counted> & { attributionSummary?: AttributionSummary };

/** Reads transactions in time order from the per-day time index: no scan, no other tenant's or day's items. */
export interface TransactionTimeline {
  /**
   * Transactions with `from <= occurredAt < to` (UTC ISO), in the order of
   * (occurredAt, transactionId), starting after the position `after` (one
   * `position` gave), page by page as the store answers.
   */
  between(tenantId: string, from: string, to: string, after?: string): AsyncIterable<ExportedTransaction>;
  /** Where a transaction stands in that order: what a cursor or a task continues `after`. */
  position(transaction: Pick<ExportedTransaction, 'occurredAt' | 'transactionId'>): string;
}
