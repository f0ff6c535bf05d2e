import type { Identifier } from '../identity/identity.ts';
import type { Stage, Link } from './stages.ts';
import type { Touch } from './touches.ts';
import type { Transaction, TransactionKind } from './transactions.ts';

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
}

export interface PersonRecords {
  /** Every identifier linked to the ones asked for (the person). */
  identifiers: Identifier[];
  touches: Touch[];
  stages: Stage[];
  transactions: TransactionRef[];
  /** True when the identity graph was larger than the read limit. */
  truncated: boolean;
}

/** Where touches, stages, identity links and transactions are kept, each exactly once. */
export interface RecordStore {
  recordTouches(tenantId: string, touches: Touch[]): Promise<WriteOutcome[]>;
  recordStages(tenantId: string, stages: Stage[]): Promise<WriteOutcome[]>;
  recordLinks(tenantId: string, links: Link[]): Promise<WriteOutcome[]>;
  recordTransaction(tenantId: string, transaction: Transaction, options?: { aliases?: string[] }): Promise<WriteOutcome>;
  getTransaction(tenantId: string, transactionId: string): Promise<Transaction | undefined>;
  /** The order a provider alias (e.g. Stripe's payment intent) points at. */
  resolveAlias(tenantId: string, alias: string): Promise<string | undefined>;
  /** The person around these identifiers, with everything recorded under any linked id. */
  personRecords(tenantId: string, identifiers: Identifier[]): Promise<PersonRecords>;
  /** Webhook deliveries already processed (provider retries are answered from this). */
  hasDelivery(tenantId: string, deliveryKey: string): Promise<boolean>;
  recordDelivery(tenantId: string, deliveryKey: string, at: string): Promise<void>;
}
