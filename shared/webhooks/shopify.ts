import * as z from 'zod';
import { ANONYMOUS_ID_ATTRIBUTE, decimal, LANDED_AT_ATTRIBUTE, ProviderMoney as Money, type ProviderTouch, type ProviderTransaction, sumDecimals, type WebhookMeaning } from './mapping.ts';

const Id = z.union([z.number(), z.string()]).transform(String);

const MoneySet = z.looseObject({ shop_money: z.looseObject({ amount: Money, currency_code: z.string().nullish() }).nullish() }).nullish();

const ShopifyRefund = z.looseObject({
  id: Id,
  order_id: Id,
  created_at: z.string(),
  processed_at: z.string().nullish(),
  refund_line_items: z.array(z.looseObject({ subtotal: Money, total_tax: Money, subtotal_set: MoneySet })).nullish(),
  order_adjustments: z.array(z.looseObject({ amount: Money, tax_amount: Money, kind: z.string().nullish(), amount_set: MoneySet })).nullish(),
  transactions: z.array(z.looseObject({ amount: Money, currency: z.string().nullish(), kind: z.string().nullish(), status: z.string().nullish(), test: z.boolean().nullish() })).nullish(),
});

const ShopifyOrder = z.looseObject({
  id: Id,
  test: z.boolean().nullish(),
  created_at: z.string(),
  processed_at: z.string().nullish(),
  cancelled_at: z.string().nullish(),
  currency: z.string(),
  email: z.string().nullish(),
  customer: z.looseObject({ id: Id.nullish(), email: z.string().nullish() }).nullish(),
  total_line_items_price: Money,
  total_discounts: Money,
  total_tax: Money,
  taxes_included: z.boolean().nullish(),
  total_shipping_price_set: z.looseObject({ shop_money: z.looseObject({ amount: Money }) }).nullish(),
  shipping_lines: z.array(z.looseObject({ price: Money, tax_lines: z.array(z.looseObject({ price: Money })).nullish() })).nullish(),
  landing_site: z.string().nullish(),
  referring_site: z.string().nullish(),
  source_name: z.string().nullish(),
  user_id: Id.nullish(),
  refunds: z.array(z.unknown()).nullish(),
  note_attributes: z.array(z.looseObject({ name: z.string(), value: z.unknown() })).nullish(),
});

export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/paid'] as const;
export const SHOPIFY_TOPICS = [...SHOPIFY_ORDER_TOPICS, 'orders/cancelled', 'refunds/create'] as const;

type Order = z.infer<typeof ShopifyOrder>;

function salesChannel(order: Order): { salesChannel: string; rep?: string } {
  switch (order.source_name) {
    case 'web':
    case 'iphone':
    case 'android':
    case 'shopify_mobile':
      return { salesChannel: 'online_store' };
    case 'pos':
      return { salesChannel: 'pos', ...(order.user_id ? { rep: order.user_id } : {}) };
    case 'shopify_draft_order':
      return { salesChannel: 'draft_order', ...(order.user_id ? { rep: order.user_id } : {}) };
    case 'subscription_contract':
    case 'subscription_contract_checkout_one':
      return { salesChannel: 'subscription' };
    default:
      return { salesChannel: order.source_name && /^\d+$/.test(order.source_name) ? 'marketplace' : 'other' };
  }
}

/** A cart attribute the storefront set (it arrives as the order's `note_attributes`). */
function attribute(order: Order, name: string): string | undefined {
  const value = order.note_attributes?.find((entry) => entry.name === name)?.value;
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Who bought, if anybody is known: a walk-in POS sale or a guest checkout
 * without email has nobody (null and "" alike). The tracker's anonymous id
 * (cart attribute `_baton_aid`) joins the browser's journey to the order.
 */
function person(order: Order) {
  const email = order.email?.trim() || order.customer?.email?.trim() || undefined;
  const customerId = order.customer?.id || undefined;
  const anonymousId = attribute(order, ANONYMOUS_ID_ATTRIBUTE);
  return customerId || email || anonymousId ? { ...(customerId ? { customerId } : {}), ...(email ? { email } : {}), ...(anonymousId ? { anonymousId } : {}) } : undefined;
}

/**
 * Shopify's order amounts in docs/contract.md#runtime-money-and-time's terms. With taxes included in
 * prices, the merchandise's tax is taken out of gross so that net never
 * carries tax.
 */
function orderAmounts(order: Order) {
  const shipping = order.total_shipping_price_set?.shop_money.amount ?? sumDecimals((order.shipping_lines ?? []).map((line) => decimal(line.price)));
  let gross = decimal(order.total_line_items_price);
  if (order.taxes_included) {
    const shippingTax = sumDecimals((order.shipping_lines ?? []).flatMap((line) => (line.tax_lines ?? []).map((tax) => decimal(tax.price))));
    gross = sumDecimals([gross, `-${decimal(order.total_tax)}`, shippingTax]);
  }
  return { gross, discount: decimal(order.total_discounts), tax: decimal(order.total_tax), shipping: decimal(shipping) };
}

/** Shopify's reports date an order by `processed_at` (which defaults to its creation). */
const orderTime = (order: Order) => order.processed_at || order.created_at;

function orderTransaction(order: Order): ProviderTransaction {
  const who = person(order);
  return {
    externalId: order.id,
    input: {
      transactionId: `shopify-order-${order.id}`,
      kind: 'order',
      occurredAt: orderTime(order),
      ...(who ? { person: who } : {}),
      currency: order.currency,
      ...orderAmounts(order),
      ...salesChannel(order),
    },
  };
}

/** `landing_site` is a path with the query ("/?utm_source=…"); a URL on the shop's host (Shopify's shop domain header). */
function landingUrl(landingSite: string, shopDomain: string | undefined): string {
  return /^https?:\/\//i.test(landingSite) ? landingSite : `https://${shopDomain ?? 'shop.invalid'}${landingSite.startsWith('/') ? '' : '/'}${landingSite}`;
}

/** The landing visit Shopify saw: at the time the tracker recorded the landing if it did (`_baton_landed_at`), else the order's. */
function visitTouch(order: Order, shopDomain: string | undefined): ProviderTouch | undefined {
  const who = person(order);
  if (!who || (!order.landing_site && !order.referring_site)) return undefined;
  const landedAt = attribute(order, LANDED_AT_ATTRIBUTE);
  const validLanding = landedAt && !Number.isNaN(Date.parse(landedAt)) && Date.parse(landedAt) <= Date.parse(orderTime(order)) ? new Date(landedAt).toISOString() : undefined;
  return {
    landingOf: `shopify-order-${order.id}`,
    input: {
      touchId: `shopify-visit-${order.id}`,
      occurredAt: validLanding ?? orderTime(order),
      person: who,
      kind: 'visit',
      ...(order.landing_site ? { url: landingUrl(order.landing_site, shopDomain) } : {}),
      ...(order.referring_site ? { referrer: order.referring_site } : {}),
    },
  };
}

type Refund = z.infer<typeof ShopifyRefund>;

/** The smaller of two decimal strings. */
const atMost = (a: string, b: string) => (sumDecimals([a, `-${b}`]).startsWith('-') ? a : b);

/**
 * A refund in the shop's currency (the order's). The money is what the
 * refund's successful `refund` transactions paid back: Shopify's line
 * subtotals and taxes can disagree with it (a `refund_discrepancy`
 * adjustment, or none at all: lines of 399.29 refunded with 209.00, a line
 * of 0.00 with 41.94). Of that money, shipping (`shipping_refund`
 * adjustments, whose amounts are negative) and tax are as Shopify states
 * them, as far as the money goes; the rest is merchandise. Without any
 * refund transaction (no money moved: items taken off an unpaid order), or
 * with transactions in another currency than the shop's (the presentment
 * currency of a foreign order), the lines' and adjustments' shop money is
 * the refund.
 */
function refundTransaction(refund: Refund, order?: Order): ProviderTransaction {
  const moneyTransactions = (refund.transactions ?? []).filter((tx) => tx.kind === 'refund');
  const refundTransactions = moneyTransactions.filter((tx) => (tx.status ?? 'success') === 'success');
  const lines = refund.refund_line_items ?? [];
  const adjustments = refund.order_adjustments ?? [];
  const currency =
    lines.find((line) => line.subtotal_set?.shop_money?.currency_code)?.subtotal_set?.shop_money?.currency_code ??
    adjustments.find((adjustment) => adjustment.amount_set?.shop_money?.currency_code)?.amount_set?.shop_money?.currency_code ??
    refundTransactions[0]?.currency ??
    undefined;
  const shippingRefunds = adjustments.filter((adjustment) => adjustment.kind === 'shipping_refund');
  let shipping = sumDecimals(shippingRefunds.map((adjustment) => decimal(adjustment.amount, { absolute: true })));
  let tax = sumDecimals([...lines.map((line) => decimal(line.total_tax)), ...shippingRefunds.map((adjustment) => decimal(adjustment.tax_amount, { absolute: true }))]);
  let gross = sumDecimals(lines.map((line) => decimal(line.subtotal)));
  const inShopMoney = moneyTransactions.every((tx) => !tx.currency || !currency || tx.currency.toUpperCase() === currency.toUpperCase());
  if (moneyTransactions.length > 0 && inShopMoney) {
    const money = sumDecimals(['0', ...refundTransactions.map((tx) => decimal(tx.amount))]);
    shipping = atMost(shipping, money);
    tax = atMost(tax, sumDecimals([money, `-${shipping}`]));
    gross = sumDecimals([money, `-${shipping}`, `-${tax}`]);
  } else if (lines.length === 0 && shipping === '0') {
    // A refund of an amount with no items: all of it counts as merchandise.
    gross = sumDecimals(refundTransactions.map((tx) => decimal(tx.amount)));
  }
  // Inside its (real) order's own delivery, the order says it is real; alone, the order has to be a recorded one.
  const allTests = !order && moneyTransactions.length > 0 && moneyTransactions.every((tx) => tx.test === true);
  return {
    externalId: refund.id,
    ...(allTests ? { testUnlessOrderStored: `refund ${refund.id} is a test's (its transactions are tests and its order is not a recorded one)` } : {}),
    input: {
      transactionId: `shopify-refund-${refund.id}`,
      kind: 'refund',
      orderId: `shopify-order-${refund.order_id}`,
      occurredAt: refund.processed_at || refund.created_at,
      ...(currency ? { currency: currency.toUpperCase() } : {}),
      gross,
      discount: '0',
      tax,
      shipping,
    },
  };
}

/**
 * Shopify's topics in docs/contract.md#recording's terms. An order counts when it is placed
 * (Shopify's sales reports count it then, paid or pending), dated by
 * `processed_at`; test orders (`test: true`) are acknowledged and never
 * counted. The order's flag is what counts: a refund transaction carries a
 * `test` flag of its own (the gateway's), `true` even on a real order of a
 * development store, so a refund whose transactions are all tests counts
 * as its order does: when the order is recorded, and otherwise (a test
 * order, never recorded) is acknowledged as a test's. `orders/cancelled` also
 * carries the refunds Shopify made with the cancellation, in case their
 * own `refunds/create` is lost or late (the refund id makes them one).
 */
export function mapShopify(topic: string | undefined, eventId: string | undefined, payload: unknown, shopDomain?: string): WebhookMeaning {
  if (!topic || !(SHOPIFY_TOPICS as readonly string[]).includes(topic)) return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} carries no revenue` };
  const deliveryKey = eventId ? `shopify:${topic}:${eventId}` : undefined;
  const base = { kind: 'records' as const, ...(deliveryKey ? { deliveryKey } : {}) };
  if (topic === 'refunds/create') {
    const refund = ShopifyRefund.parse(payload);
    return { ...base, touches: [], transactions: [refundTransaction(refund)] };
  }
  const order = ShopifyOrder.parse(payload);
  if (order.test === true) return { kind: 'ignored', reason: `order ${order.id} is a test order` };
  const touch = visitTouch(order, shopDomain);
  const transactions = [orderTransaction(order)];
  if (topic === 'orders/cancelled') {
    const who = person(order);
    for (const refund of order.refunds ?? []) {
      const parsed = ShopifyRefund.safeParse(refund);
      if (parsed.success) transactions.push(refundTransaction(parsed.data, order));
    }
    transactions.push({
      externalId: order.id,
      input: {
        transactionId: `shopify-cancellation-${order.id}`,
        kind: 'cancellation',
        orderId: `shopify-order-${order.id}`,
        occurredAt: order.cancelled_at ?? orderTime(order),
        ...(who ? { person: who } : {}),
        currency: order.currency,
        ...orderAmounts(order),
        ...salesChannel(order),
      },
    });
  }
  return { ...base, touches: touch ? [touch] : [], transactions };
}
