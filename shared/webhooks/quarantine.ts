import { createHash } from 'node:crypto';
import type { IssueDetail } from '../errors.ts';
import type { WebhookProvider } from '../tenants/tenant.ts';

/**
 * A signed, genuine provider delivery that Baton could not map (a field it
 * did not expect, a shape a newer API version sends): acknowledged to the
 * provider so it neither retries for days nor disables the webhook, kept
 * whole with its raw body, and replayed by `npm run dead-letters -- redrive`
 * once Baton can read it.
 */
export interface QuarantinedDelivery {
  /** `wh_` and a hash of provider, tenant and body: a provider's retry of the same delivery is the same entry. */
  id: string;
  tenantId: string;
  provider: WebhookProvider;
  receivedAt: string;
  /** The headers the mapping reads (topic, event and delivery ids, content type), without the signature. */
  headers: Record<string, string>;
  rawBody: Buffer;
  /** Why it could not be mapped, with the zod path of each field. */
  reason: string;
  errors: IssueDetail[];
  /** Redrives tried so far, and the last one's error. */
  attempts: number;
  lastError?: string;
}

export interface QuarantineStore {
  /** Keeps a delivery once: the same delivery quarantined again leaves the first entry as it was. */
  put(delivery: QuarantinedDelivery, retentionDays: number): Promise<void>;
  /** Every quarantined delivery of every tenant, oldest first (an operator's list: few, never scanned). */
  list(): Promise<QuarantinedDelivery[]>;
  remove(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id' | 'receivedAt'>): Promise<void>;
  recordAttempt(delivery: Pick<QuarantinedDelivery, 'tenantId' | 'id'>, error: string): Promise<void>;
}

/** The headers worth keeping: what the providers' mappings read. Signatures are left out (the delivery was verified when it came). */
const KEPT_HEADERS = /^(content-type|x-shopify-(topic|event-id|webhook-id|shop-domain|api-version)|x-wc-webhook-(topic|delivery-id|resource|event)|stripe-version)$/;

export function keptHeaders(headers: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined && KEPT_HEADERS.test(entry[0].toLowerCase())));
}

export function quarantineId(provider: WebhookProvider, tenantId: string, rawBody: Buffer): string {
  return `wh_${createHash('sha256').update(provider).update('\0').update(tenantId).update('\0').update(rawBody).digest('hex').slice(0, 24)}`;
}
