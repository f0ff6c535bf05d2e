import * as z from 'zod';
import { type Identifier, identifiersOf, orderBuyer, PersonSchema, scrubUrl } from '../identity/identity.ts';
import { type Minor, parseAmount } from '../money/money.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { contentHash } from './hash.ts';
import { MoneyStringSchema } from './money-schema.ts';
import { InstantSchema } from './time.ts';
import { ClientIdSchema } from './touches.ts';
import { type Provider, SALES_CHANNELS, type SalesChannel, TRANSACTION_KINDS, type TransactionKind } from './vocabulary.ts';

/** The kinds of transaction, sales channels and providers: their lists live in ./vocabulary.ts, free of Node, for the response schemas too. */
export { PROVIDERS, type Provider, SALES_CHANNELS, type SalesChannel, TRANSACTION_KINDS, type TransactionKind } from './vocabulary.ts';

const AMOUNT_FIELDS = ['gross', 'discount', 'tax', 'shipping'] as const;

/** `POST /v1/transactions` and the `generic` webhook (docs/contract.md#recording). */
export const TransactionInputSchema = z
  .object({
    transactionId: ClientIdSchema,
    kind: z.enum(TRANSACTION_KINDS),
    orderId: ClientIdSchema.optional(),
    occurredAt: InstantSchema,
    /** Absent for a sale with nobody known (a walk-in POS sale, a guest checkout): stored and counted, unattributed. */
    person: PersonSchema.optional(),
    currency: CurrencySchema,
    gross: MoneyStringSchema,
    discount: MoneyStringSchema.default('0'),
    tax: MoneyStringSchema.default('0'),
    shipping: MoneyStringSchema.default('0'),
    salesChannel: z.enum(SALES_CHANNELS).default('online_store'),
    rep: z.string().trim().min(1).max(200).optional(),
    landingUrl: z.string().max(4096).optional(),
    referrer: z.string().max(4096).optional(),
    /** A test transaction (a storefront's test order): acknowledged and never counted. */
    test: z.boolean().optional(),
  })
  .strict()
  .superRefine((tx, ctx) => {
    if (tx.kind !== 'order' && !tx.orderId) ctx.addIssue({ code: 'custom', path: ['orderId'], message: `a ${tx.kind} names the order it belongs to` });
    if (tx.kind === 'order' && tx.orderId) ctx.addIssue({ code: 'custom', path: ['orderId'], message: 'an order has no orderId; its transactionId is the order id' });
    const minor: Partial<Record<(typeof AMOUNT_FIELDS)[number], number>> = {};
    for (const field of AMOUNT_FIELDS) {
      try {
        minor[field] = parseAmount(tx[field], tx.currency);
      } catch (error) {
        ctx.addIssue({ code: 'custom', path: [field], message: (error as Error).message });
      }
    }
    if (minor.gross !== undefined && minor.discount !== undefined && minor.discount > minor.gross) {
      ctx.addIssue({ code: 'custom', path: ['discount'], message: 'the discount is larger than gross' });
    }
  });

export type TransactionInput = z.infer<typeof TransactionInputSchema>;

export interface Amounts {
  gross: Minor;
  discount: Minor;
  net: Minor;
  tax: Minor;
  shipping: Minor;
  total: Minor;
}

/** A stored transaction (docs/contract.md#reading-attribution `GET /v1/transactions/{id}`). */
export interface Transaction extends Amounts {
  transactionId: string;
  provider: Provider;
  /** The provider's own id (order, refund, session…), or the client's id. */
  externalId: string;
  kind: TransactionKind;
  /** Refunds and cancellations: the transactionId of their order. */
  orderId?: string;
  occurredAt: string;
  currency: string;
  salesChannel: SalesChannel;
  rep?: string;
  identifiers: Identifier[];
  landingUrl?: string;
  referrer?: string;
  contentHash: string;
  recordedAt: string;
}

export function amountsOf(minor: Pick<Amounts, 'gross' | 'discount' | 'tax' | 'shipping'>): Amounts {
  const net = minor.gross - minor.discount;
  return { ...minor, net, total: net + minor.tax + minor.shipping };
}

/**
 * Fields that define a transaction: the same id with other values here is a
 * conflict. A time the provider does not give (`timeObserved`: Baton dates
 * a WooCommerce refund by the delivery that first showed it) is left out,
 * so a later delivery's other observation is the same transaction.
 */
export function transactionHash(tx: Omit<Transaction, 'contentHash' | 'recordedAt' | 'landingUrl' | 'referrer'>, options: { timeObserved?: boolean } = {}): string {
  const { transactionId, provider, externalId, kind, orderId, currency, gross, discount, tax, shipping, salesChannel, rep, identifiers } = tx;
  const occurredAt = options.timeObserved ? null : tx.occurredAt;
  return contentHash({ transactionId, provider, externalId, kind, orderId, occurredAt, currency, gross, discount, tax, shipping, salesChannel, rep, identifiers: [...identifiers].sort() });
}

export function buildTransaction(
  fields: Omit<Transaction, 'contentHash' | 'recordedAt' | 'net' | 'total'> & { net?: never; total?: never },
  recordedAt: string,
  options: { timeObserved?: boolean } = {},
): Transaction {
  const amounts = amountsOf(fields);
  const withAmounts = {
    ...fields,
    ...amounts,
    ...(fields.landingUrl ? { landingUrl: scrubUrl(fields.landingUrl) } : {}),
    ...(fields.referrer ? { referrer: scrubUrl(fields.referrer) } : {}),
  };
  return { ...withAmounts, contentHash: transactionHash(withAmounts, options), recordedAt };
}

/** The stored form of a valid `POST /v1/transactions` body. */
export function transactionFromInput(input: TransactionInput, provider: Provider, recordedAt: string, externalId: string = input.transactionId, options: { timeObserved?: boolean } = {}): Transaction {
  return buildTransaction(
    {
      transactionId: input.transactionId,
      provider,
      externalId,
      kind: input.kind,
      ...(input.orderId ? { orderId: input.orderId } : {}),
      occurredAt: input.occurredAt,
      currency: input.currency,
      gross: parseAmount(input.gross, input.currency),
      discount: parseAmount(input.discount, input.currency),
      tax: parseAmount(input.tax, input.currency),
      shipping: parseAmount(input.shipping, input.currency),
      salesChannel: input.salesChannel,
      ...(input.rep ? { rep: input.rep } : {}),
      identifiers: input.person ? identifiersOf(input.person) : input.kind === 'order' ? [orderBuyer(input.transactionId)] : [],
      ...(input.landingUrl ? { landingUrl: input.landingUrl } : {}),
      ...(input.referrer ? { referrer: input.referrer } : {}),
    },
    recordedAt,
    options,
  );
}
