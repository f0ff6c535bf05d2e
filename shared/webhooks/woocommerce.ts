import * as z from 'zod';
import { contentHash } from '../recording/hash.ts';
import { ANONYMOUS_ID_ATTRIBUTE, decimal, gmt, ProviderMoney as Money, type ProviderTouch, type ProviderTransaction, sumDecimals, type WebhookMeaning } from './mapping.ts';

const Id = z.union([z.number(), z.string()]).transform(String);

const WooOrder = z.looseObject({
  id: Id,
  status: z.string(),
  currency: z.string(),
  date_created_gmt: z.string(),
  date_paid_gmt: z.string().nullish(),
  date_completed_gmt: z.string().nullish(),
  date_modified_gmt: z.string().nullish(),
  discount_total: Money,
  shipping_total: Money,
  total_tax: Money,
  customer_id: z.union([z.number(), z.string()]).nullish(),
  created_via: z.string().nullish(),
  billing: z.looseObject({ email: z.string().nullish() }).nullish(),
  line_items: z.array(z.looseObject({ subtotal: Money })).nullish(),
  total: Money,
  refunds: z.array(z.looseObject({ id: Id, total: Money, reason: z.string().nullish() })).nullish(),
  meta_data: z.array(z.looseObject({ key: z.string(), value: z.unknown() })).nullish(),
});
type Order = z.infer<typeof WooOrder>;

export const WOOCOMMERCE_TOPICS = ['order.created', 'order.updated'] as const;
/** WooCommerce Analytics' default excluded statuses: these never count there, nor here. */
const EXCLUDED_STATUSES = new Set(['pending', 'failed', 'checkout-draft', 'auto-draft', 'trash']);

/** Test-mode payments: WooPayments' `_wcpay_mode` and PayPal Payments' `_ppcp_paypal_payment_mode` (WooCommerce Analytics leaves the former out too). */
function isTestOrder(order: Order): boolean {
  const value = (key: string) => order.meta_data?.find((entry) => entry.key === key)?.value;
  return value('_wcpay_mode') === 'test' || value('_ppcp_paypal_payment_mode') === 'sandbox';
}

/** WooCommerce's activation ping, sent when a webhook is saved: `webhook_id=<n>`. */
export function isWooCommercePing(contentType: string | undefined, body: string): boolean {
  return (contentType ?? '').includes('application/x-www-form-urlencoded') && /^webhook_id=\d+$/.test(body.trim());
}

/** Who bought; the tracker's anonymous id, stored as order meta `_baton_aid` at checkout, joins the browser's journey to the order. */
function person(order: Order) {
  const customerId = order.customer_id && String(order.customer_id) !== '0' ? String(order.customer_id) : undefined;
  const email = order.billing?.email || undefined;
  const stored = order.meta_data?.find((entry) => entry.key === ANONYMOUS_ID_ATTRIBUTE)?.value;
  const anonymousId = typeof stored === 'string' && stored.trim() !== '' ? stored.trim() : undefined;
  return customerId || email || anonymousId ? { ...(customerId ? { customerId } : {}), ...(email ? { email } : {}), ...(anonymousId ? { anonymousId } : {}) } : undefined;
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
function attributionTouch(order: Order): ProviderTouch | undefined {
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
    landingOf: `woocommerce-order-${order.id}`,
    input: {
      touchId: `woocommerce-visit-${order.id}`,
      occurredAt: gmt(meta(order, 'session_start_time')) ?? gmt(order.date_created_gmt),
      person: who,
      kind: 'visit',
      utm: { source, medium, campaign, term, content },
      ...(entry ? { url: entry } : {}),
      ...(referrer ? { referrer } : {}),
    },
  };
}

function orderAmounts(order: Order) {
  return {
    gross: sumDecimals((order.line_items ?? []).map((line) => decimal(line.subtotal))),
    discount: decimal(order.discount_total),
    tax: decimal(order.total_tax),
    shipping: decimal(order.shipping_total),
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
    ...orderAmounts(order),
    salesChannel: salesChannel(order),
  };
}

/** Decimal strings as integers of their largest scale, and back: exact arithmetic for the refund split. */
function scaled(values: string[]): { units: bigint[]; scale: number } {
  const scale = Math.max(0, ...values.map((value) => value.split('.')[1]?.length ?? 0));
  return { scale, units: values.map((value) => BigInt(sumDecimals([value, `0.${'0'.repeat(scale)}`]).replace('.', ''))) };
}
const unscaled = (units: bigint, scale: number) => (scale === 0 ? units.toString() : `${units / 10n ** BigInt(scale)}.${(units % 10n ** BigInt(scale)).toString().padStart(scale, '0')}`);

/**
 * WooCommerce's webhook gives a refund's total only. Baton splits it into
 * merchandise, tax and shipping in the order's proportions (largest
 * remainder in the smallest unit the amounts use), so a refund's tax is
 * never counted as revenue; a full refund is exact.
 */
export function splitRefund(total: string, order: { net: string; tax: string; shipping: string }): { gross: string; tax: string; shipping: string } {
  const { units, scale } = scaled([total, order.net, order.tax, order.shipping]);
  const [amount, ...weights] = units as [bigint, bigint, bigint, bigint];
  const sum = weights.reduce((a, b) => a + b, 0n);
  if (sum === 0n) return { gross: total, tax: '0', shipping: '0' };
  const parts = weights.map((weight) => (amount * weight) / sum);
  const remainders = weights.map((weight, i) => amount * weight - parts[i]! * sum);
  let left = amount - parts.reduce((a, b) => a + b, 0n);
  for (const i of [0, 1, 2].sort((a, b) => (remainders[b]! > remainders[a]! ? 1 : remainders[b]! < remainders[a]! ? -1 : a - b))) {
    if (left === 0n) break;
    parts[i]! += 1n;
    left -= 1n;
  }
  const [gross, tax, shipping] = parts.map((part) => unscaled(part, scale)) as [string, string, string];
  return { gross, tax, shipping };
}

/**
 * order.created / order.updated, counted as WooCommerce Analytics counts by
 * default: an order counts once it has a paid date, dated by it, unless its
 * status is excluded there (pending, failed) or it was paid in test mode;
 * an order completed without a paid date counts from its completion
 * (WooCommerce sets the paid date on completion since 3.5.5, 2019; a bank
 * transfer completed before that has none, and keeps its completion date
 * when it is cancelled later);
 * a paid order later cancelled also yields its cancellation; each entry of
 * `refunds` is a refund. The webhook gives no time for a refund or a
 * cancellation, so they are dated by the delivery that first shows them
 * (`date_modified`), and a later delivery's other date is the same record.
 */
export function mapWooCommerce(topic: string | undefined, deliveryId: string | undefined, payload: unknown): WebhookMeaning {
  if (!topic || !(WOOCOMMERCE_TOPICS as readonly string[]).includes(topic)) return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no revenue` };
  const order = WooOrder.parse(payload);
  if (isTestOrder(order)) return { kind: 'ignored', reason: `order ${order.id} was paid in test mode` };
  const paidAt = gmt(order.date_paid_gmt) ?? gmt(order.date_completed_gmt);
  if (!paidAt || EXCLUDED_STATUSES.has(order.status)) return { kind: 'ignored', reason: `order ${order.id} is ${order.status} and not paid` };
  const seenAt = gmt(order.date_modified_gmt) ?? paidAt;
  const transactions: ProviderTransaction[] = [{ externalId: order.id, input: orderInput(order, 'order', paidAt) }];
  if (order.status === 'cancelled') {
    transactions.push({ externalId: order.id, input: orderInput(order, 'cancellation', seenAt), timeObserved: true });
  }
  const amounts = orderAmounts(order);
  const net = sumDecimals([amounts.gross, `-${amounts.discount}`]);
  for (const refund of order.refunds ?? []) {
    transactions.push({
      externalId: refund.id,
      timeObserved: true,
      input: {
        transactionId: `woocommerce-refund-${refund.id}`,
        kind: 'refund',
        orderId: `woocommerce-order-${order.id}`,
        occurredAt: seenAt,
        currency: order.currency,
        ...splitRefund(decimal(refund.total, { absolute: true }), { net, tax: amounts.tax, shipping: amounts.shipping }),
      },
    });
  }
  const touch = attributionTouch(order);
  return {
    kind: 'records',
    // WooCommerce's delivery id is a hash of the webhook id and the second it was sent: two deliveries in one second share it, so the body is part of the key.
    ...(deliveryId ? { deliveryKey: `woocommerce:${topic}:${deliveryId}:${contentHash(payload)}` } : {}),
    transactions,
    touches: touch ? [touch] : [],
  };
}
