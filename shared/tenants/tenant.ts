import * as z from 'zod';
import { isKnownCurrency } from '../money/currencies.ts';

export { TimezoneSchema } from '../time/days.ts';

export const WEBHOOK_PROVIDERS = ['shopify', 'woocommerce', 'stripe', 'generic'] as const;
export type WebhookProvider = (typeof WEBHOOK_PROVIDERS)[number];

/** Lower-case letters, digits and dashes: safe in paths, keys and logs. */
export const TenantIdSchema = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'a tenant id is 1–63 lower-case letters, digits or dashes');

export const CurrencySchema = z
  .string()
  .regex(/^[A-Z]{3}$/, 'an ISO 4217 code in capitals (e.g. USD)')
  .refine(isKnownCurrency, { message: 'not a known ISO 4217 currency' });

export interface Tenant {
  tenantId: string;
  currency: string;
  timezone: string;
  createdAt: string;
}
