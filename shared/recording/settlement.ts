import { formatAmount } from '../money/money.ts';
import type { Amounts, TransactionKind } from './transactions.ts';

/**
 * What Baton counts of an order and its refunds and cancellations (docs/contract.md#recording,
 * "the storefront's truth"): an order's adjustments never take back more
 * than it had, whatever order they arrive in.
 *
 * - An adjustment whose order is not recorded yet is kept and `pending`:
 *   nothing of it counts until the order comes.
 * - Refunds claim what the order had in the order they were recorded (the
 *   settlement's own order, which its conditional writes serialise): a
 *   refund in another currency, or one that would take the refunds' net,
 *   tax or shipping past the order's, is a `conflict` and counts nothing.
 * - A cancellation reverses what the counted refunds leave (however late a
 *   refund comes), so an order refunded and cancelled nets to exactly zero.
 *   A second cancellation is a conflict.
 *
 * Pure: the settlement of the same entries is always the same.
 */
export interface SettlementEntry {
  transactionId: string;
  kind: TransactionKind;
  occurredAt: string;
  currency: string;
  /** As the provider or client sent them. */
  amounts: Amounts;
  /** When Baton recorded it (for people reading the settlement; claims go by the settlement's own order). */
  recordedAt: string;
  contentHash: string;
}

export interface Settlement {
  /** Bumped by every change; 0 when none is stored yet. */
  version: number;
  order?: SettlementEntry;
  /** In the order they were added, one conditional write after another: the order in which they claim what the order had. */
  adjustments: SettlementEntry[];
}

export type CountStatus = 'counted' | 'pending' | 'conflict';

export type ConflictCode = 'currency_mismatch' | 'exceeds_order' | 'already_cancelled';

export interface Counted {
  status: CountStatus;
  /** What Baton counts of the transaction: zero unless `counted`. */
  counted: Amounts;
  conflict?: { code: ConflictCode; message: string; field: string };
}

export const ZERO_AMOUNTS: Amounts = Object.freeze({ gross: 0, discount: 0, net: 0, tax: 0, shipping: 0, total: 0 });

const BOUNDED = ['net', 'tax', 'shipping'] as const;

function conflict(code: ConflictCode, field: string, message: string): Counted {
  return { status: 'conflict', counted: ZERO_AMOUNTS, conflict: { code, field, message } };
}

/** What is counted of each transaction of the settlement, by transactionId. */
export function settle(settlement: Pick<Settlement, 'order' | 'adjustments'>): Map<string, Counted> {
  const out = new Map<string, Counted>();
  const { order } = settlement;
  if (order) out.set(order.transactionId, { status: 'counted', counted: order.amounts });
  const adjustments = settlement.adjustments;
  if (!order) {
    for (const adjustment of adjustments) out.set(adjustment.transactionId, { status: 'pending', counted: ZERO_AMOUNTS });
    return out;
  }
  const refunded = { ...ZERO_AMOUNTS };
  for (const refund of adjustments.filter((entry) => entry.kind === 'refund')) {
    const verdict = refundVerdict(order, refunded, refund);
    out.set(refund.transactionId, verdict);
    if (verdict.status === 'counted') for (const field of Object.keys(refunded) as Array<keyof Amounts>) refunded[field] += refund.amounts[field];
  }
  let cancelled: SettlementEntry | undefined;
  for (const cancellation of adjustments.filter((entry) => entry.kind === 'cancellation')) {
    if (cancellation.currency !== order.currency) out.set(cancellation.transactionId, currencyConflict(cancellation, order));
    else if (cancelled) out.set(cancellation.transactionId, conflict('already_cancelled', 'orderId', `${order.transactionId} is already cancelled by ${cancelled.transactionId}`));
    else {
      cancelled = cancellation;
      out.set(cancellation.transactionId, { status: 'counted', counted: remainder(order.amounts, refunded) });
    }
  }
  return out;
}

function currencyConflict(adjustment: SettlementEntry, order: SettlementEntry): Counted {
  return conflict('currency_mismatch', 'currency', `a ${adjustment.kind} in ${adjustment.currency} cannot adjust ${order.transactionId}, an order in ${order.currency}`);
}

function refundVerdict(order: SettlementEntry, refunded: Amounts, refund: SettlementEntry): Counted {
  if (refund.currency !== order.currency) return currencyConflict(refund, order);
  for (const field of BOUNDED) {
    if (refunded[field] + refund.amounts[field] > order.amounts[field]) {
      const format = (minor: number) => formatAmount(minor, order.currency);
      return conflict(
        'exceeds_order',
        field === 'net' ? 'gross' : field,
        `refunds of ${order.transactionId} would take back ${format(refunded[field] + refund.amounts[field])} ${order.currency} of ${field}; the order had ${format(order.amounts[field])} (already refunded: ${format(refunded[field])})`,
      );
    }
  }
  return { status: 'counted', counted: refund.amounts };
}

/** What is left of an order after its counted refunds: what a cancellation reverses. */
export function remainder(order: Amounts, refunded: Amounts): Amounts {
  const net = order.net - refunded.net;
  const tax = order.tax - refunded.tax;
  const shipping = order.shipping - refunded.shipping;
  const discount = Math.max(0, order.discount - refunded.discount);
  return { gross: net + discount, discount, net, tax, shipping, total: net + tax + shipping };
}

export interface SettlementChange {
  /** The settlement with the transaction in it. */
  next: Settlement;
  /** What is counted of the transaction itself. */
  own: Counted;
  /** Other transactions of the settlement whose counted amounts or status moved. */
  recounted: Array<{ transactionId: string } & Counted>;
}

export type SettlementVerdict =
  | { kind: 'change'; change: SettlementChange }
  /** The same id is in the settlement already: the same content is a duplicate, other content a conflict. */
  | { kind: 'seen'; sameContent: boolean }
  /** An adjustment of a known order that cannot count: it is refused, not stored. */
  | { kind: 'refused'; own: Counted };

const sameCounted = (a: Counted | undefined, b: Counted | undefined) => a?.status === b?.status && JSON.stringify(a?.counted) === JSON.stringify(b?.counted) && a?.conflict?.code === b?.conflict?.code;

/**
 * The settlement with one more transaction. An adjustment that conflicts
 * with an order Baton already has is refused (docs/contract.md#recording: 409, nothing
 * counted); one that conflicts only once its late order arrives stays
 * stored as a conflict.
 */
export function addToSettlement(settlement: Settlement, entry: SettlementEntry): SettlementVerdict {
  const seen = entry.kind === 'order' ? settlement.order : settlement.adjustments.find((adjustment) => adjustment.transactionId === entry.transactionId);
  if (seen) return { kind: 'seen', sameContent: seen.contentHash === entry.contentHash };
  const next: Settlement = entry.kind === 'order' ? { ...settlement, order: entry } : { ...settlement, adjustments: [...settlement.adjustments, entry] };
  const before = settle(settlement);
  const after = settle(next);
  const own = after.get(entry.transactionId)!;
  if (entry.kind !== 'order' && settlement.order && own.status === 'conflict') return { kind: 'refused', own };
  const recounted: SettlementChange['recounted'] = [];
  for (const [transactionId, counted] of after) {
    if (transactionId !== entry.transactionId && !sameCounted(before.get(transactionId), counted)) recounted.push({ transactionId, ...counted });
  }
  return { kind: 'change', change: { next, own, recounted } };
}

/** The adjustments an order's aliases collected before the order came (Stripe refunds name its payment intent). */
export function mergeSettlements(own: Settlement, others: readonly Settlement[]): Settlement {
  const adjustments = [...own.adjustments];
  for (const other of others) for (const adjustment of other.adjustments) if (!adjustments.some((known) => known.transactionId === adjustment.transactionId)) adjustments.push(adjustment);
  return { ...own, adjustments };
}
