import type { ExportedTransaction, TransactionTimeline } from '../../../shared/exports/ports.ts';
import { copy, type MemoryTable } from './table.ts';

/** The ledger's transactions in (occurredAt, transactionId) order, as the time index holds them. */
export class MemoryTimeline implements TransactionTimeline {
  constructor(private readonly table: MemoryTable) {}

  position(transaction: Pick<ExportedTransaction, 'occurredAt' | 'transactionId'>): string {
    return `${transaction.occurredAt} ${transaction.transactionId}`;
  }

  async *between(tenantId: string, from: string, to: string, after?: string): AsyncIterable<ExportedTransaction> {
    const inRange = [...this.table.of(tenantId).transactions.values()]
      .filter((transaction) => transaction.occurredAt >= from && transaction.occurredAt < to && (after === undefined || this.position(transaction) > after))
      .sort((a, b) => (this.position(a) < this.position(b) ? -1 : 1));
    for (const { aliases: _aliases, ...transaction } of inRange) yield copy(transaction);
  }
}
