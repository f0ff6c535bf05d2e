import type { Identifier } from '../../../shared/identity/identity.ts';
import {
  type Checkout,
  type Ledger,
  type NewOrderWrite,
  type StoredSettlement,
  type StoredTransaction,
  type TransactionWrite,
  transactionRefOf,
  type WriteOutcome,
} from '../../../shared/recording/ports.ts';
import { MemoryJournal } from './journal.ts';
import { copy, entryKey, type MemoryTable } from './table.ts';

/**
 * The ledger in memory, with DynamoDB's conditions: a transaction is
 * written once (`duplicate`/`conflict` by content hash), its settlement only
 * at the version it was read at (`stale` otherwise), an order only while no
 * checkout names it unless seen (`checkout`); all of it at once or nothing.
 */
export class MemoryLedger implements Ledger {
  constructor(private readonly table: MemoryTable) {}

  async recordTransaction(tenantId: string, write: TransactionWrite): Promise<WriteOutcome | 'stale' | 'checkout'> {
    const items = this.table.of(tenantId);
    const tx = write.transaction;
    const stored = items.transactions.get(tx.transactionId);
    if (stored) return stored.contentHash === tx.contentHash ? 'duplicate' : 'conflict';
    if (write.orderRef && !write.orderRef.checkoutSeen && items.checkouts.has(write.orderRef.externalId)) return 'checkout';
    const versionOf = (key: string) => items.settlements.get(key)?.version ?? 0;
    const aliases = write.aliases ?? [];
    const stale =
      versionOf(write.settlementKey) !== write.expectedVersion ||
      aliases.some(({ alias, expectedVersion }) => versionOf(alias) !== expectedVersion) ||
      write.recounted.some(({ transactionId }) => !items.transactions.has(transactionId));
    if (stale) return 'stale';

    items.transactions.set(tx.transactionId, { ...copy(tx), ...(aliases.length > 0 ? { aliases: aliases.map(({ alias }) => alias) } : {}) });
    items.settlements.set(write.settlementKey, { ...copy(write.settlement), version: write.expectedVersion + 1 });
    if (tx.identifiers[0]) items.partition(tx.identifiers[0]).set(entryKey.txRef(tx), { kind: 'tx_ref', ref: transactionRefOf(tx) });
    for (const { alias, expectedVersion } of aliases) {
      items.aliases.set(alias, tx.transactionId);
      items.settlements.set(alias, { version: expectedVersion + 1, adjustments: [], redirect: tx.transactionId });
    }
    if (write.orderRef) items.orderRefs.set(write.orderRef.externalId, { transactionId: tx.transactionId, buyer: write.orderRef.buyer });
    for (const { transactionId, status, counted, conflict } of write.recounted) {
      const { conflict: _old, ...other } = items.transactions.get(transactionId)!;
      items.transactions.set(transactionId, { ...other, status, counted: copy(counted), ...(conflict ? { conflict: copy(conflict) } : {}) });
    }
    return 'stored';
  }

  async recordNewOrder(tenantId: string, order: NewOrderWrite): Promise<'stored' | 'taken'> {
    const items = this.table.of(tenantId);
    const { write } = order;
    const taken =
      (order.delivery !== undefined && items.deliveries.has(order.delivery.key)) ||
      items.transactions.has(write.transaction.transactionId) ||
      items.settlements.has(write.settlementKey) ||
      (write.orderRef !== undefined && items.checkouts.has(write.orderRef.externalId)) ||
      // A touch stored before is fine with its own content (left out, as a link seen before is), never with other content.
      order.touches.some((touch) => items.touchGuards.has(touch.touchId) && items.touchGuards.get(touch.touchId) !== touch.contentHash);
    if (taken) return 'taken';
    // Nothing of it is there but duplicates, which recording skips, and memory is written in one go: as DynamoDB's one transaction.
    const journal = new MemoryJournal(this.table);
    await journal.recordLinks(tenantId, order.links, order.retentionDays);
    await journal.recordTouches(tenantId, order.touches, order.retentionDays);
    const outcome = await this.recordTransaction(tenantId, write);
    if (outcome !== 'stored') throw new Error(`recordNewOrder: the order was ${outcome} after every check passed`);
    if (order.delivery) items.deliveries.set(order.delivery.key, order.delivery.at);
    return 'stored';
  }

  async recordCheckout(tenantId: string, checkout: Checkout): Promise<{ outcome: WriteOutcome; orderBuyer?: Identifier }> {
    const items = this.table.of(tenantId);
    const stored = items.checkouts.get(checkout.externalId);
    if (stored) return { outcome: stored.anonymousId === checkout.anonymousId ? 'duplicate' : 'conflict' };
    items.checkouts.set(checkout.externalId, copy(checkout));
    const order = items.orderRefs.get(checkout.externalId);
    return { outcome: 'stored', ...(order ? { orderBuyer: order.buyer } : {}) };
  }

  async getCheckout(tenantId: string, externalId: string): Promise<Checkout | undefined> {
    return copy(this.table.of(tenantId).checkouts.get(externalId));
  }

  async getSettlement(tenantId: string, key: string): Promise<StoredSettlement> {
    return copy(this.table.of(tenantId).settlements.get(key)) ?? { version: 0, adjustments: [] };
  }

  async getSettlements(tenantId: string, keys: readonly string[]): Promise<Map<string, StoredSettlement>> {
    const settlements = this.table.of(tenantId).settlements;
    return new Map(keys.flatMap((key) => (settlements.has(key) ? [[key, copy(settlements.get(key)!)] as const] : [])));
  }

  async getTransaction(tenantId: string, transactionId: string): Promise<StoredTransaction | undefined> {
    return copy(this.table.of(tenantId).transactions.get(transactionId));
  }

  async resolveAlias(tenantId: string, alias: string): Promise<string | undefined> {
    return this.table.of(tenantId).aliases.get(alias);
  }
}
