import * as z from 'zod';
import { decimal, gmt, sumDecimals, type ProviderTransaction, type WebhookMeaning } from './mapping.ts';

const Money = z.union([z.string(), z.number()]).nullish();
const Id = z.union([z.number(), z.string()]).transform(String);

const WooOrder = z.looseObject({
  id: Id,
  status: z.string(),
  currency: z.string(),
  date_created_gmt: z.string(),
  date_paid_gmt: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  discount_total: Money,
  shipping_total: Money,
  total_tax: Money,
  customer_id: z.union([z.number(), z.string()]).nullish(),
  created_via: z.string().nullish(),
  billing: z.looseObject({ email: z.string().nullish() }).nullish(),
  line_items: z.array(z.looseObject({ subtotal: Money })).nullish(),
  refunds: z.array(z.looseObject({ id: Id, total: Money, reason: z.string().nullish() })).nullish(),
  meta_data: z.array(z.looseObject({ key: z.string(), value: z.unknown() })).nullish(),
});
type Order = z.infer<typeof WooOrder>;

export const WOOCOMMERCE_TOPICS = ['order.created', 'order.updated'] as const;
/** Statuses of an order that has been paid for (or is being fulfilled on account). */
const PAID_STATUSES = new Set(['processing', 'completed', 'on-hold', 'refunded']);

/** WooCommerce's activation ping, sent when a webhook is saved: `webhook_id=<n>`. */
export function isWooCommercePing(contentType: string | undefined, body: string): boolean {
  return (contentType ?? '').includes('application/x-www-form-urlencoded') && /^webhook_id=\d+$/.test(body.trim());
}

function person(order: Order) {
  const customerId = order.customer_id && String(order.customer_id) !== '0' ? String(order.customer_id) : undefined;
  const email = order.billing?.email || undefined;
  return customerId || email ? { ...(customerId ? { customerId } : {}), ...(email ? { email } : {}) } : undefined;
}

function salesChannel(order: Order): string {
  switch (order.created_via) {
    case 'checkout':
    case 'store-api':
      return 'online_store';
    case 'admin':
      return 'draft_order';
    case 'pos':
      return 'pos';
    case 'subscription':
      return 'subscription';
    default:
      return 'other';
  }
}

function meta(order: Order, key: string): string | undefined {
  const value = order.meta_data?.find((entry) => entry.key === `_wc_order_attribution_${key}`)?.value;
  return typeof value === 'string' && value.trim() !== '' && value !== '(none)' ? value : undefined;
}

/** WooCommerce's order attribution (`_wc_order_attribution_*`) as a visit touch. */
function attributionTouch(order: Order): Record<string, unknown> | undefined {
  const who = person(order);
  const sourceType = meta(order, 'source_type');
  if (!who || !sourceType) return undefined;
  let source = meta(order, 'utm_source');
  let medium = meta(order, 'utm_medium');
  if (sourceType === 'typein') [source, medium] = ['(direct)', '(none)'];
  else if (sourceType === 'organic') medium ??= 'organic';
  else if (sourceType === 'referral') medium ??= 'referral';
  else if (sourceType === 'admin' || sourceType === 'mobile_app') return undefined;
  const campaign = meta(order, 'utm_campaign');
  const term = meta(order, 'utm_term');
  const content = meta(order, 'utm_content');
  const referrer = meta(order, 'referrer');
  const entry = meta(order, 'session_entry');
  return {
    touchId: `woocommerce-visit-${order.id}`,
    occurredAt: gmt(meta(order, 'session_start_time')) ?? gmt(order.date_created_gmt),
    person: who,
    kind: 'visit',
    utm: { source, medium, campaign, term, content },
    ...(entry ? { url: entry } : {}),
    ...(referrer ? { referrer } : {}),
  };
}

function orderInput(order: Order, kind: 'order' | 'cancellation', occurredAt: string | undefined): Record<string, unknown> {
  const who = person(order);
  return {
    transactionId: `woocommerce-${kind}-${order.id}`,
    kind,
    ...(kind === 'cancellation' ? { orderId: `woocommerce-order-${order.id}` } : {}),
    occurredAt,
    ...(who ? { person: who } : {}),
    currency: order.currency,
    gross: sumDecimals((order.line_items ?? []).map((line) => decimal(line.subtotal))),
    discount: decimal(order.discount_total),
    tax: decimal(order.total_tax),
    shipping: decimal(order.shipping_total),
    salesChannel: salesChannel(order),
  };
}

/**
 * order.created / order.updated. An order counts once it is paid; a paid
 * order later cancelled also yields its cancellation; each entry of
 * `refunds` is a refund (WooCommerce gives only its total there).
 */
export function mapWooCommerce(topic: string | undefined, deliveryId: string | undefined, payload: unknown): WebhookMeaning {
  if (!topic || !(WOOCOMMERCE_TOPICS as readonly string[]).includes(topic)) return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no revenue` };
  const order = WooOrder.parse(payload);
  const paid = PAID_STATUSES.has(order.status) || Boolean(order.date_paid_gmt);
  if (!paid) return { kind: 'ignored', reason: `order ${order.id} is ${order.status} and not paid` };
  const transactions: ProviderTransaction[] = [{ externalId: order.id, input: orderInput(order, 'order', gmt(order.date_created_gmt)) }];
  if (order.status === 'cancelled') {
    transactions.push({ externalId: order.id, input: orderInput(order, 'cancellation', gmt(order.date_modified_gmt) ?? gmt(order.date_created_gmt)) });
  }
  for (const refund of order.refunds ?? []) {
    transactions.push({
      externalId: refund.id,
      input: {
        transactionId: `woocommerce-refund-${refund.id}`,
        kind: 'refund',
        orderId: `woocommerce-order-${order.id}`,
        // The order payload carries no refund date; the delivery's modification time is when it was seen.
        occurredAt: gmt(order.date_modified_gmt) ?? gmt(order.date_created_gmt),
        currency: order.currency,
        gross: decimal(refund.total, { absolute: true }),
      },
    });
  }
  const touch = attributionTouch(order);
  return {
    kind: 'records',
    ...(deliveryId ? { deliveryKey: `woocommerce:${topic}:${deliveryId}` } : {}),
    transactions,
    touches: touch ? [touch] : [],
  };
}
