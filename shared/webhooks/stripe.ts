import * as z from 'zod';
import { isKnownCurrency } from '../money/currencies.ts';
import { formatAmount } from '../money/money.ts';
import { ANONYMOUS_ID_ATTRIBUTE, type ProviderTransaction, type WebhookMeaning } from './mapping.ts';

const Minor = z.number().int().nonnegative();

const Session = z.looseObject({
  id: z.string(),
  /** Absent from sessions at older API versions (2020-08-27): the event's own `created` stands in. */
  created: z.number().int().nullish(),
  /** Null on an open, unpaid session (nothing to count yet); a paid one always has it. */
  currency: z.string().nullish(),
  payment_status: z.string(),
  payment_intent: z.string().nullish(),
  customer: z.string().nullish(),
  client_reference_id: z.string().nullish(),
  customer_details: z.looseObject({ email: z.string().nullish() }).nullish(),
  amount_subtotal: Minor.nullish(),
  total_details: z.looseObject({ amount_discount: Minor.nullish(), amount_shipping: Minor.nullish(), amount_tax: Minor.nullish() }).nullish(),
  metadata: z.record(z.string(), z.string()).nullish(),
});

const Refund = z.looseObject({ id: z.string(), amount: Minor, created: z.number().int(), status: z.string().nullish(), currency: z.string().nullish() });

const Charge = z.looseObject({
  id: z.string(),
  currency: z.string(),
  payment_intent: z.string().nullish(),
  refunds: z.looseObject({ data: z.array(Refund) }).nullish(),
});

const RefundObject = Refund.extend({ charge: z.string().nullish(), payment_intent: z.string().nullish(), currency: z.string() });

const StripeEvent = z.looseObject({ id: z.string(), type: z.string(), created: z.number().int().nullish(), livemode: z.boolean().nullish(), data: z.looseObject({ object: z.unknown() }) });

export const STRIPE_TOPICS = ['checkout.session.completed', 'checkout.session.async_payment_succeeded', 'charge.refunded', 'refund.created'] as const;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Stripe amounts are already minor units; they become decimal strings for the shared validation. */
function amount(minor: number | null | undefined, currency: string): string {
  return isKnownCurrency(currency) ? formatAmount(minor ?? 0, currency) : String(minor ?? 0);
}

/** The name under which a payment intent's order is found. */
export const paymentIntentAlias = (paymentIntent: string) => `stripe-pi:${paymentIntent}`;

function refundTransaction(refund: z.infer<typeof Refund>, currency: string, paymentIntent: string | null | undefined): ProviderTransaction {
  return {
    externalId: refund.id,
    input: {
      transactionId: `stripe-refund-${refund.id}`,
      kind: 'refund',
      // Resolved to the order's transactionId when the order is known (see receiveWebhook).
      orderId: paymentIntent ? paymentIntentAlias(paymentIntent) : `stripe-refund-orphan-${refund.id}`,
      occurredAt: iso(refund.created),
      currency,
      gross: amount(refund.amount, currency),
    },
  };
}

export function mapStripe(payload: unknown): WebhookMeaning {
  const event = StripeEvent.parse(payload);
  if (!(STRIPE_TOPICS as readonly string[]).includes(event.type)) return { kind: 'ignored', reason: `event ${event.type} carries no revenue` };
  // Test-mode data (made with test keys or the test clock) is never revenue.
  if (event.livemode === false) return { kind: 'ignored', reason: `event ${event.id} is test-mode data (livemode false)` };
  const base = { kind: 'records' as const, deliveryKey: `stripe:${event.id}` };
  if (event.type === 'charge.refunded') {
    const charge = Charge.parse(event.data.object);
    const currency = charge.currency.toUpperCase();
    const refunds = (charge.refunds?.data ?? []).filter((refund) => (refund.status ?? 'succeeded') === 'succeeded');
    if (refunds.length === 0) return { kind: 'ignored', reason: 'charge.refunded without its refunds list: subscribe to refund.created' };
    return { ...base, touches: [], transactions: refunds.map((refund) => refundTransaction(refund, currency, charge.payment_intent)) };
  }
  if (event.type === 'refund.created') {
    const refund = RefundObject.parse(event.data.object);
    if ((refund.status ?? 'succeeded') !== 'succeeded' && refund.status !== 'pending') return { kind: 'ignored', reason: `refund ${refund.status}` };
    return { ...base, touches: [], transactions: [refundTransaction(refund, refund.currency.toUpperCase(), refund.payment_intent)] };
  }
  const session = Session.parse(event.data.object);
  if (session.payment_status === 'unpaid') return { kind: 'ignored', reason: 'checkout not paid yet (async payment)' };
  if (!session.currency) throw new z.ZodError([{ code: 'custom', path: ['data', 'object', 'currency'], message: 'a paid session names its currency', input: session.currency }]);
  const currency = session.currency.toUpperCase();
  const createdAt = session.created ?? event.created;
  if (createdAt === null || createdAt === undefined)
    throw new z.ZodError([{ code: 'custom', path: ['data', 'object', 'created'], message: 'neither the session nor the event says when it happened', input: undefined }]);
  const email = session.customer_details?.email ?? undefined;
  const metadata = session.metadata ?? {};
  // The tracker's anonymous id: passed as Checkout's client_reference_id, or as metadata.baton_aid.
  const anonymousId = metadata.baton_aid || metadata[ANONYMOUS_ID_ATTRIBUTE] || session.client_reference_id || undefined;
  const person = {
    ...(session.customer ? { customerId: session.customer } : {}),
    ...(email ? { email } : {}),
    ...(anonymousId ? { anonymousId } : {}),
  };
  const hasPerson = Object.keys(person).length > 0;
  const utm = { source: metadata.utm_source, medium: metadata.utm_medium, campaign: metadata.utm_campaign, term: metadata.utm_term, content: metadata.utm_content };
  const hasUtm = Object.values(utm).some(Boolean);
  const touches =
    hasPerson && (hasUtm || metadata.landing_url || metadata.referrer)
      ? [
          {
            landingOf: `stripe-order-${session.id}`,
            input: {
              touchId: `stripe-visit-${session.id}`,
              occurredAt: iso(createdAt),
              person,
              kind: 'visit',
              ...(hasUtm ? { utm } : {}),
              ...(metadata.landing_url ? { url: metadata.landing_url } : {}),
              ...(metadata.referrer ? { referrer: metadata.referrer } : {}),
            },
          },
        ]
      : [];
  return {
    ...base,
    touches,
    transactions: [
      {
        externalId: session.id,
        ...(session.payment_intent ? { aliases: [paymentIntentAlias(session.payment_intent)] } : {}),
        input: {
          transactionId: `stripe-order-${session.id}`,
          kind: 'order',
          occurredAt: iso(createdAt),
          ...(hasPerson ? { person } : {}),
          currency,
          gross: amount(session.amount_subtotal, currency),
          discount: amount(session.total_details?.amount_discount, currency),
          tax: amount(session.total_details?.amount_tax, currency),
          shipping: amount(session.total_details?.amount_shipping, currency),
          salesChannel: 'online_store',
        },
      },
    ],
  };
}
