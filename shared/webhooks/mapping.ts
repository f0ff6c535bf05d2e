/** A transaction as a provider's payload describes it, before Baton validates it. */
export interface ProviderTransaction {
  /** Fields of `POST /v1/transactions` (validated by the same schema). */
  input: Record<string, unknown>;
  externalId: string;
  /** Other names the order is known by (Stripe: its payment intent). */
  aliases?: string[];
  /** The provider gives no time for it: `occurredAt` is when a delivery first showed it, not part of its identity. */
  timeObserved?: boolean;
  /**
   * Only a test's, unless its order is stored: a refund whose every
   * transaction is a test belongs to a test order (never stored) — or, on a
   * development store's real order, counts as that order does. The reason
   * it is ignored otherwise.
   */
  testUnlessOrderStored?: string;
}

/** A touch a payload describes: the order's landing visit, as the storefront saw it. */
export interface ProviderTouch {
  /** Fields of a touch (validated by the touch schema). */
  input: Record<string, unknown>;
  /** The order (transactionId) this visit is the landing of: when the browser recorded the same landing, the journey keeps the browser's. */
  landingOf?: string;
}

/** The name under which storefronts carry the browser's anonymous id to the order (cart attribute, order meta, session metadata). */
export const ANONYMOUS_ID_ATTRIBUTE = '_baton_aid';
/** When the browser landed, if the tracker recorded it (an ISO time, beside the anonymous id). */
export const LANDED_AT_ATTRIBUTE = '_baton_landed_at';

/** What one webhook delivery means for Baton. */
export type WebhookMeaning =
  /** Nothing to count: a topic without revenue, an unpaid order, a test order. */
  | { kind: 'ignored'; reason: string }
  | {
      kind: 'records';
      /** Provider retries of this delivery are answered from this key. */
      deliveryKey?: string;
      transactions: ProviderTransaction[];
      /** Touch inputs (validated by the touch schema). */
      touches: ProviderTouch[];
    };

import * as z from 'zod';

const DECIMAL = /^-?\d{1,18}(\.\d{1,12})?$/;

/**
 * A provider's amount: a decimal string ("19.99") or a JSON number written
 * as one (19.99, never 1e21): anything else is a 400 naming the field, not
 * a guess.
 */
export const ProviderMoney = z.union([z.string().trim().regex(DECIMAL, 'a decimal amount'), z.number().refine((value) => DECIMAL.test(String(value)), 'a decimal amount')]).nullish();

/** A provider's amount (string or JSON number) as a decimal string; `absolute` drops a minus sign. */
export function decimal(value: unknown, options: { absolute?: boolean } = {}): string {
  if (value === null || value === undefined || value === '') return '0';
  let text = typeof value === 'number' ? String(value) : String(value).trim();
  if (options.absolute && text.startsWith('-')) text = text.slice(1);
  return text;
}

/** Sum of decimal strings, exactly, as a decimal string with the most decimals seen. */
export function sumDecimals(values: string[]): string {
  const decimals = Math.max(0, ...values.map((value) => value.split('.')[1]?.length ?? 0));
  let total = 0n;
  for (const value of values) {
    const negative = value.startsWith('-');
    const [whole = '0', fraction = ''] = value.replace(/^-/, '').split('.');
    const units = BigInt(whole + fraction.padEnd(decimals, '0'));
    total += negative ? -units : units;
  }
  const negative = total < 0n;
  const digits = (negative ? -total : total).toString().padStart(decimals + 1, '0');
  const text = decimals === 0 ? digits : `${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
  return negative ? `-${text}` : text;
}

/** "2024-01-01 10:00:00" or "2024-01-01T10:00:00" in GMT (WooCommerce) as ISO with Z. */
export function gmt(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim().replace(' ', 'T');
  return /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
}
