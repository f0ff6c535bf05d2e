import * as z from 'zod';
import { HEURISTIC_MODELS } from '../../../attribution/models.ts';
import { ReportingAmountsSchema } from '../../../money/reporting.ts';
import type { StoredTransaction } from '../../../recording/ports.ts';
import { type Amounts, PROVIDERS, SALES_CHANNELS, TRANSACTION_KINDS } from '../../../recording/transactions.ts';
import { IdentifierSchema, type Item, itemSchema, type Key, stamp, tenantKey } from './entity.ts';

/**
 * `TX#<transactionId>` / `TX`: a transaction with what Baton counts of it,
 * guarded by its id (written once; its `contentHash` tells a duplicate from
 * a conflict). The same partition holds its order's settlement
 * (`settlement.ts`), its aliases (`alias.ts`) and its attribution
 * (`attribution.ts`).
 *
 * Index gsi1, `TXDAY#<utc day>` / `<occurredAt>#<transactionId>`: the
 * tenant's transactions in time order, a partition per UTC day; the sort
 * key is the timeline's position (`position`).
 */
const ENTITY = 'transaction' as const;

export const AmountsSchema = z.object({ gross: z.number(), discount: z.number(), net: z.number(), tax: z.number(), shipping: z.number(), total: z.number() }) satisfies z.ZodType<Amounts>;

const CountedShape = {
  status: z.enum(['counted', 'pending', 'conflict']),
  counted: AmountsSchema,
  conflict: z.object({ code: z.enum(['currency_mismatch', 'exceeds_order', 'already_cancelled']), message: z.string(), field: z.string() }).optional(),
};

const AttributionSummarySchema = z.object({
  sourcedBy: z.enum(['marketing', 'sales', 'none']),
  boundaryAt: z.string(),
  top: z.record(z.enum(HEURISTIC_MODELS), z.object({ campaign: z.string().nullable(), channel: z.string() }).nullable()),
  reporting: ReportingAmountsSchema.optional(),
});

const TransactionItem = itemSchema(ENTITY, {
  transactionId: z.string(),
  provider: z.enum(PROVIDERS),
  externalId: z.string(),
  kind: z.enum(TRANSACTION_KINDS),
  orderId: z.string().optional(),
  occurredAt: z.string(),
  currency: z.string(),
  salesChannel: z.enum(SALES_CHANNELS),
  rep: z.string().optional(),
  identifiers: z.array(IdentifierSchema),
  landingUrl: z.string().optional(),
  referrer: z.string().optional(),
  contentHash: z.string(),
  recordedAt: z.string(),
  ...AmountsSchema.shape,
  ...CountedShape,
  tenantId: z.string(),
  /** An order's other names (each has an alias item). */
  aliases: z.array(z.string()).optional(),
  /** Set by the projection: the export reads transactions from their index alone. */
  attributionSummary: AttributionSummarySchema.optional(),
});

/** Transactions stored before settlements carry no count. */
const IndexedTransactionItem = TransactionItem.partial({ status: true, counted: true });

const DAY_MS = 86_400_000;

const transactionPartition = (tenantId: string, id: string) => tenantKey(tenantId, 'TX', id);

export const transactionEntity = {
  name: ENTITY,
  /** The partition a transaction id names (its settlement, aliases and attribution share it). */
  partition: transactionPartition,
  key: (tenantId: string, transactionId: string): Key => ({ pk: transactionPartition(tenantId, transactionId), sk: 'TX' }),
  /** The index partition of the UTC day of `instant`. */
  dayPartition: (tenantId: string, instant: string): string => tenantKey(tenantId, 'TXDAY', instant.slice(0, 10)),
  /**
   * What the index holds of `from <= occurredAt < to` (UTC instants) after
   * the position `after`: the day partitions in order and the sort-key
   * bounds (a position begins with its instant, so instants bound positions).
   */
  span(tenantId: string, from: string, to: string, after?: string): { partitions: string[]; low: string; high: string } {
    const low = after && after > from ? after : from;
    const partitions: string[] = [];
    for (let day = Date.parse(low.slice(0, 10)); day < Date.parse(to); day += DAY_MS) partitions.push(transactionEntity.dayPartition(tenantId, new Date(day).toISOString()));
    return { partitions, low, high: to };
  },
  /** Where a transaction stands in its day's time order: what the timeline continues after. */
  position: (transaction: { occurredAt: string; transactionId: string }): string => `${transaction.occurredAt}#${transaction.transactionId}`,
  toItem: (tenantId: string, transaction: StoredTransaction, aliases: readonly string[]) => ({
    ...transactionEntity.key(tenantId, transaction.transactionId),
    gsi1pk: transactionEntity.dayPartition(tenantId, transaction.occurredAt),
    gsi1sk: transactionEntity.position(transaction),
    ...stamp(ENTITY),
    tenantId,
    ...transaction,
    ...(aliases.length > 0 ? { aliases: [...aliases] } : {}),
  }),
  /** The transaction, with what rides on its item (its aliases, its attribution summary). */
  fromItem(item: Item) {
    const { entity: _entity, v: _v, tenantId: _tenantId, ...transaction } = TransactionItem.parse(item);
    return transaction;
  },
  /** As the time index holds it (without its aliases): what Baton counts of it is absent on transactions stored before settlements. */
  fromIndex(item: Item) {
    const { entity: _entity, v: _v, tenantId: _tenantId, aliases: _aliases, ...transaction } = IndexedTransactionItem.parse(item);
    return transaction;
  },
};
