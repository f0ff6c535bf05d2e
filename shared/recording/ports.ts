import type { Identifier } from '../identity/identity.ts';
import { campaignsOfTouches } from '../spend/catalog.ts';
import type { CampaignCatalog } from '../spend/ports.ts';
import type { Counted, Settlement } from './settlement.ts';
import type { Link, Stage } from './stages.ts';
import type { Touch } from './touches.ts';
import type { SalesChannel, Transaction, TransactionKind } from './transactions.ts';

/** What became of one record sent to the store. */
export type WriteOutcome = 'stored' | 'duplicate' | 'conflict';

/** The slice of a transaction kept beside the person, for journeys and windows. */
export interface TransactionRef {
  transactionId: string;
  kind: TransactionKind;
  occurredAt: string;
  currency: string;
  net: number;
  total: number;
  orderId?: string;
  /** Orders: what the sales side of the projection needs (absent on refs stored before it). */
  salesChannel?: SalesChannel;
  rep?: string;
}

/** The ref a stored transaction leaves in its person's partition. */
export function transactionRefOf(transaction: StoredTransaction): TransactionRef {
  return {
    transactionId: transaction.transactionId,
    kind: transaction.kind,
    occurredAt: transaction.occurredAt,
    currency: transaction.currency,
    net: transaction.net,
    total: transaction.total,
    ...(transaction.orderId ? { orderId: transaction.orderId } : {}),
    ...(transaction.kind === 'order' ? { salesChannel: transaction.salesChannel, ...(transaction.rep ? { rep: transaction.rep } : {}) } : {}),
  };
}

/** How many linked identifiers one person may have before reads stop following links (`truncated`). */
export const MAX_PERSON_IDENTIFIERS = 50;

export interface PersonRecords {
  /** Every identifier linked to the ones asked for (the person). */
  identifiers: Identifier[];
  touches: Touch[];
  stages: Stage[];
  transactions: TransactionRef[];
  /** True when the identity graph was larger than the read limit. */
  truncated: boolean;
  /**
   * Records of an erased person's past that arrived after the erasure under
   * one of the erased ids (dated no later than it): left out of everything
   * above, for the projector to delete (`deleteErasedLeftovers`).
   */
  erasedLeftovers: ErasedLeftover[];
  /** The ids among them with a tombstone: an erasure has been (or is being) done. */
  erasedIdentifiers: Identifier[];
}

/** What an erasure found and removed of a person's records. */
export interface ErasedRecords {
  touches: number;
  stages: number;
  links: number;
  /** Kept for finance, the person removed. */
  transactions: number;
  checkouts: number;
}

/** A stored record the store can delete again: opaque outside the store. */
export interface ErasedLeftover {
  readonly ref: string;
}

/** A stored transaction with what Baton counts of it. */
export type StoredTransaction = Transaction & Counted;

/** A settlement as stored: an alias's settlement points at its order once the order is known. */
export type StoredSettlement = Settlement & { redirect?: string };

/** One transaction and everything its arrival changes, written in one conditional transaction. */
export interface TransactionWrite {
  transaction: StoredTransaction;
  /** The order's id, or (before the order is known) the alias the adjustment names. */
  settlementKey: string;
  /** The settlement after this transaction; written only if the stored one is still at `expectedVersion`. */
  settlement: Settlement;
  expectedVersion: number;
  /** Other transactions of the settlement whose counted amounts or status moved. */
  recounted: Array<{ transactionId: string } & Counted>;
  /** An order's other names: each gets an alias item, and its settlement (at the given version) now points at the order. */
  aliases?: Array<{ alias: string; expectedVersion: number }>;
  /**
   * An order: kept findable by the provider's id (a browser's checkout names
   * it so) with its buyer; unless `checkoutSeen`, the write fails with
   * `checkout` when a checkout for that id was recorded first.
   */
  orderRef?: { externalId: string; buyer: Identifier; checkoutSeen: boolean };
}

/**
 * A new order with what its delivery brings (its buyer's links, its landing
 * visit, the delivery's key), to be written in one request or not at all.
 */
export interface NewOrderWrite {
  /** The order at its settlement's first version (`expectedVersion` 0), with `orderRef` (checkout not seen). */
  write: TransactionWrite;
  links: Link[];
  touches: Touch[];
  retentionDays: number;
  /** The delivery it came in, logged with it. */
  delivery?: { key: string; at: string };
}

/** A browser's checkout: its anonymous id bought the order the provider names `externalId`. */
export interface Checkout {
  externalId: string;
  anonymousId: string;
  occurredAt: string;
}

/** Touches, stages and identity links in their people's partitions, each exactly once; who reached a stage on a day. */
export interface Journal {
  /** `retentionDays`: each record expires that many days after it happened (the tenant's `retentionDays`, docs/contract.md#privacy-and-the-data-lifecycle). */
  recordTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<WriteOutcome[]>;
  /**
   * Touches whose id comes from the event that made them (a browser's
   * eventId), so a replay is the same item with the same content: written in
   * batches without a guard (a replay rewrites it; its event is only emitted
   * when the item is new). Cheaper than `recordTouches` by one request per
   * batch of 25 instead of a transaction per 50 with a guard each.
   */
  recordReplayableTouches(tenantId: string, touches: Touch[], retentionDays: number): Promise<void>;
  recordStages(tenantId: string, stages: Stage[], retentionDays: number): Promise<WriteOutcome[]>;
  recordLinks(tenantId: string, links: Link[], retentionDays: number): Promise<WriteOutcome[]>;
  /** Every identifier linked to these (following links only, not reading the records). */
  linkedIdentifiers(tenantId: string, seeds: readonly Identifier[]): Promise<Identifier[]>;
  /** The person around these identifiers, with everything recorded under any linked id. */
  personRecords(tenantId: string, identifiers: Identifier[]): Promise<PersonRecords>;
  /** Everyone who reached a funnel stage on this UTC day (one of their ids each; a recompute projects them). */
  activePeople(tenantId: string, utcDay: string): Promise<Identifier[]>;
}

/** Transactions, each exactly once, with their orders' settlements, aliases and browser checkouts. */
export interface Ledger {
  /** `stale` when the settlement moved since it was read: read it again and retry; `checkout` when a checkout names the order (see `orderRef`). */
  recordTransaction(tenantId: string, write: TransactionWrite): Promise<WriteOutcome | 'stale' | 'checkout'>;
  /**
   * Writes a new order, its links, its touches and its delivery in one
   * request, each only if it is not there yet: `stored`, or `taken` when
   * anything of it is there already (a retried delivery, a duplicate, a
   * checkout, an earlier adjustment's settlement) or contended, and nothing
   * was written: the caller then takes the careful path, which reads first.
   */
  recordNewOrder(tenantId: string, order: NewOrderWrite): Promise<'stored' | 'taken'>;
  /**
   * Records a checkout unless one is recorded for that order (the first
   * wins: another anonymous id is a conflict). When the order is stored
   * already, its buyer comes back so the caller links the two.
   */
  recordCheckout(tenantId: string, checkout: Checkout): Promise<{ outcome: WriteOutcome; orderBuyer?: Identifier }>;
  getCheckout(tenantId: string, externalId: string): Promise<Checkout | undefined>;
  getSettlement(tenantId: string, key: string): Promise<StoredSettlement>;
  /** Several settlements at once (absent keys are left out). */
  getSettlements(tenantId: string, keys: readonly string[]): Promise<Map<string, StoredSettlement>>;
  getTransaction(tenantId: string, transactionId: string): Promise<StoredTransaction | undefined>;
  /** The order a provider alias (e.g. Stripe's payment intent) points at. */
  resolveAlias(tenantId: string, alias: string): Promise<string | undefined>;
}

/** Erasing a person's records (docs/contract.md#privacy-and-the-data-lifecycle). */
export interface ErasureStore {
  /**
   * Clears what `personRecords` left out as an erased person's: touches,
   * stages and links are deleted (with their guards and mirrors),
   * transactions handed to the erasure's anonymous heir. Resolves to the
   * heirs that received transactions (to be projected).
   */
  clearErasedLeftovers(tenantId: string, leftovers: readonly ErasedLeftover[]): Promise<Identifier[]>;
  /** A tombstone in each id's partition: from now on, their records dated up to `erasedAt` are left out of every read (docs/contract.md#privacy-and-the-data-lifecycle). */
  markErased(tenantId: string, identifiers: readonly Identifier[], erasure: { erasureId: string; erasedAt: string; heir: Identifier }): Promise<void>;
  /** Hands the person's transactions to `heir` with the person removed, and deletes every touch, stage and link of theirs. */
  eraseRecords(tenantId: string, identifiers: readonly Identifier[], heir: Identifier): Promise<ErasedRecords>;
}

/** Webhook deliveries already processed (provider retries are answered from this). */
export interface DeliveryLog {
  hasDelivery(tenantId: string, deliveryKey: string): Promise<boolean>;
  recordDelivery(tenantId: string, deliveryKey: string, at: string): Promise<void>;
}

/** Where touches, stages, identity links and transactions are kept, each exactly once: the four stores as one. */
export interface RecordStore extends Journal, Ledger, ErasureStore, DeliveryLog {}

/**
 * One record store from its four parts. Touches also tell the campaign
 * catalog which campaigns (and platform ids) they name, for spend to be
 * matched to (SPEC §12); a conflicting touch tells nothing.
 */
export function recordStore({
  journal,
  ledger,
  erasure,
  deliveries,
  campaigns,
}: {
  journal: Journal;
  ledger: Ledger;
  erasure: ErasureStore;
  deliveries: DeliveryLog;
  campaigns: Pick<CampaignCatalog, 'rememberCampaigns'>;
}): RecordStore {
  return {
    recordTouches: async (tenantId, touches, retentionDays) => {
      const outcomes = await journal.recordTouches(tenantId, touches, retentionDays);
      await campaigns.rememberCampaigns(tenantId, campaignsOfTouches(touches.filter((_, i) => outcomes[i] !== 'conflict')));
      return outcomes;
    },
    recordReplayableTouches: async (tenantId, touches, retentionDays) => {
      await journal.recordReplayableTouches(tenantId, touches, retentionDays);
      await campaigns.rememberCampaigns(tenantId, campaignsOfTouches(touches));
    },
    recordStages: (...args) => journal.recordStages(...args),
    recordLinks: (...args) => journal.recordLinks(...args),
    linkedIdentifiers: (...args) => journal.linkedIdentifiers(...args),
    personRecords: (...args) => journal.personRecords(...args),
    activePeople: (...args) => journal.activePeople(...args),
    recordTransaction: (...args) => ledger.recordTransaction(...args),
    recordNewOrder: async (tenantId, order) => {
      // First: the write logs the delivery's key, so a retry after a failure here would be answered `duplicate` and never remember them.
      await campaigns.rememberCampaigns(tenantId, campaignsOfTouches(order.touches));
      return ledger.recordNewOrder(tenantId, order);
    },
    recordCheckout: (...args) => ledger.recordCheckout(...args),
    getCheckout: (...args) => ledger.getCheckout(...args),
    getSettlement: (...args) => ledger.getSettlement(...args),
    getSettlements: (...args) => ledger.getSettlements(...args),
    getTransaction: (...args) => ledger.getTransaction(...args),
    resolveAlias: (...args) => ledger.resolveAlias(...args),
    clearErasedLeftovers: (...args) => erasure.clearErasedLeftovers(...args),
    markErased: (...args) => erasure.markErased(...args),
    eraseRecords: (...args) => erasure.eraseRecords(...args),
    hasDelivery: (...args) => deliveries.hasDelivery(...args),
    recordDelivery: (...args) => deliveries.recordDelivery(...args),
  };
}
