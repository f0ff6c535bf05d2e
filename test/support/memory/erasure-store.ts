import type { Identifier } from '../../../shared/identity/identity.ts';
import type { ErasedLeftover, ErasedRecords, ErasureStore, TransactionRef } from '../../../shared/recording/ports.ts';
import type { LeftoverRef } from './journal.ts';
import { entryKey, type MemoryTable, type PersonEntry, type TenantItems } from './table.ts';

/** Erasure in memory: tombstones, the person's entries deleted with what only exists because of them, transactions handed to the heir. */
export class MemoryErasureStore implements ErasureStore {
  constructor(private readonly table: MemoryTable) {}

  async markErased(tenantId: string, identifiers: readonly Identifier[], erasure: { erasureId: string; erasedAt: string; heir: Identifier }): Promise<void> {
    const items = this.table.of(tenantId);
    for (const identifier of identifiers) items.partition(identifier).set(entryKey.tombstone, { kind: 'tombstone', erasure: { ...erasure } });
  }

  async eraseRecords(tenantId: string, identifiers: readonly Identifier[], heir: Identifier): Promise<ErasedRecords> {
    const items = this.table.of(tenantId);
    const entries = identifiers.flatMap((identifier) => [...(items.people.get(identifier) ?? new Map<string, PersonEntry>())].map(([key, entry]) => ({ identifier, key, entry })));
    const count = (kind: PersonEntry['kind'], primary?: boolean) =>
      entries.filter(({ entry }) => entry.kind === kind && (primary === undefined || (entry.kind === 'link' && entry.primary === primary))).length;
    const answer = { touches: count('touch'), stages: count('stage'), links: count('link', true), transactions: count('tx_ref') };
    const refs = entries.flatMap(({ entry }) => (entry.kind === 'tx_ref' ? [entry.ref] : []));
    const { checkouts } = handOver(items, refs, heir);
    for (const { identifier, key, entry } of entries) if (entry.kind !== 'tombstone') remove(items, identifier, key, entry);
    return { ...answer, checkouts };
  }

  async clearErasedLeftovers(tenantId: string, leftovers: readonly ErasedLeftover[]): Promise<Identifier[]> {
    const items = this.table.of(tenantId);
    const byHeir = new Map<Identifier, TransactionRef[]>();
    const found = leftovers.flatMap(({ ref }) => {
      const { identifier, key, heir } = JSON.parse(ref) as LeftoverRef;
      const entry = items.people.get(identifier)?.get(key);
      return entry ? [{ identifier, key, heir, entry }] : [];
    });
    for (const { heir, entry } of found) if (entry.kind === 'tx_ref') byHeir.set(heir, [...(byHeir.get(heir) ?? []), entry.ref]);
    for (const [heir, refs] of byHeir) handOver(items, refs, heir);
    for (const { identifier, key, entry } of found) remove(items, identifier, key, entry);
    return [...byHeir.keys()];
  }
}

/** An entry and what only exists because of it: a touch's guard, a stage's day marker, a link's other half. */
function remove(items: TenantItems, identifier: Identifier, key: string, entry: PersonEntry): void {
  items.people.get(identifier)?.delete(key);
  if (entry.kind === 'touch') items.touchGuards.delete(entry.touch.touchId);
  if (entry.kind === 'stage') items.activity.get(entry.stage.occurredAt.slice(0, 10))?.delete(identifier);
  if (entry.kind === 'link') {
    items.people.get(entry.link.from)?.delete(entryKey.link(entry.link.to));
    items.people.get(entry.link.to)?.delete(entryKey.link(entry.link.from));
  }
}

/** The person leaves their transactions: each names the heir, loses landing page and referrer; an order's reference names the heir and its browser checkout goes. */
function handOver(items: TenantItems, refs: readonly TransactionRef[], heir: Identifier): { checkouts: number } {
  let checkouts = 0;
  for (const ref of refs) {
    const transaction = items.transactions.get(ref.transactionId);
    if (!transaction) throw new Error(`No transaction ${ref.transactionId} to hand over`);
    const { landingUrl: _landing, referrer: _referrer, ...kept } = transaction;
    items.transactions.set(ref.transactionId, { ...kept, identifiers: [heir] });
    items.partition(heir).set(entryKey.txRef(ref), { kind: 'tx_ref', ref: { ...ref } });
    if (transaction.kind !== 'order') continue;
    const order = items.orderRefs.get(transaction.externalId);
    if (order) order.buyer = heir;
    if (items.checkouts.delete(transaction.externalId)) checkouts += 1;
  }
  return { checkouts };
}
