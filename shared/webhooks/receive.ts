import * as z from 'zod';
import { UnauthenticatedError, ValidationError } from '../errors.ts';
import { readJson } from '../http/parse.ts';
import { logger } from '../observability/logger.ts';
import { normaliseTouch, TouchInputSchema } from '../recording/touches.ts';
import { transactionFromInput, TransactionInputSchema } from '../recording/transactions.ts';
import { landingTouch, storeTransaction, type RecordingDeps, type TransactionAnswer } from '../recording/use-cases.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import type { WebhookProvider } from '../tenants/tenant.ts';
import { issueDetails } from '../validation.ts';
import type { WebhookMeaning } from './mapping.ts';
import { mapShopify } from './shopify.ts';
import { activeSecrets, verifyBase64Hmac, verifyTimestampedHmac } from './signatures.ts';
import { mapStripe } from './stripe.ts';
import { isWooCommercePing, mapWooCommerce } from './woocommerce.ts';

export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface WebhookAnswer {
  status: 200;
  body: {
    received: true;
    ignored?: string;
    duplicate?: boolean;
    transactions?: TransactionAnswer[];
    touches?: number;
  };
}

function verified(provider: WebhookProvider, tenant: TenantRecord, request: WebhookRequest, now: Date): boolean {
  const secrets = activeSecrets(tenant.webhookSecrets[provider], now);
  switch (provider) {
    case 'shopify':
      return verifyBase64Hmac(request.rawBody, request.headers['x-shopify-hmac-sha256'], secrets);
    case 'woocommerce':
      return verifyBase64Hmac(request.rawBody, request.headers['x-wc-webhook-signature'], secrets);
    case 'stripe':
      return verifyTimestampedHmac(request.rawBody, request.headers['stripe-signature'], secrets, now);
    case 'generic':
      return verifyTimestampedHmac(request.rawBody, request.headers['x-baton-signature'], secrets, now);
  }
}

function meaningOf(provider: WebhookProvider, request: WebhookRequest, payload: unknown): WebhookMeaning {
  switch (provider) {
    case 'shopify':
      return mapShopify(request.headers['x-shopify-topic'], request.headers['x-shopify-event-id'] ?? request.headers['x-shopify-webhook-id'], payload, request.headers['x-shopify-shop-domain']);
    case 'woocommerce':
      return mapWooCommerce(request.headers['x-wc-webhook-topic'], request.headers['x-wc-webhook-delivery-id'], payload);
    case 'stripe':
      return mapStripe(payload);
    case 'generic':
      return { kind: 'records', transactions: [{ input: payload as Record<string, unknown>, externalId: String((payload as { transactionId?: unknown })?.transactionId ?? '') }], touches: [] };
  }
}

/**
 * `POST /v1/webhooks/{provider}/{tenantId}`: verify the signature over the
 * raw body with the tenant's secret (401 and nothing written otherwise),
 * map the payload, store each transaction and touch once.
 *
 * A provider retries anything but 2xx, so a transaction id already recorded
 * with other content is answered 200 with outcome `conflict` (and logged)
 * rather than 409, which would only be retried for days.
 */
export async function receiveWebhook(deps: RecordingDeps, provider: WebhookProvider, tenantId: string, request: WebhookRequest): Promise<WebhookAnswer> {
  const now = deps.now?.() ?? new Date();
  const text = request.rawBody.toString('latin1');
  if (provider === 'woocommerce' && isWooCommercePing(request.headers['content-type'], text)) {
    return { status: 200, body: { received: true, ignored: 'webhook activation ping' } };
  }
  // An unknown tenant is answered like a bad signature: nothing about tenants leaks.
  const tenant = await deps.tenants.getTenant(tenantId);
  if (!tenant || !verified(provider, tenant, request, now)) throw new UnauthenticatedError('The webhook signature is missing, wrong or stale.');

  // Strict: invalid UTF-8, a duplicated key or a lone surrogate is 400, never repaired (SPEC §3).
  const payload = readJson(request.rawBody);
  let meaning: WebhookMeaning;
  try {
    meaning = meaningOf(provider, request, payload);
  } catch (error) {
    if (error instanceof z.ZodError) throw new ValidationError(`The ${provider} payload is not what Baton expects.`, issueDetails(error));
    throw error;
  }
  if (meaning.kind === 'ignored') return { status: 200, body: { received: true, ignored: meaning.reason } };
  if (meaning.deliveryKey && (await deps.records.hasDelivery(tenantId, meaning.deliveryKey))) {
    return { status: 200, body: { received: true, duplicate: true } };
  }

  const recordedAt = now.toISOString();
  const transactions = meaning.transactions.map((candidate, position) => {
    const input = { currency: tenant.currency, ...candidate.input };
    const parsed = TransactionInputSchema.safeParse(input);
    if (!parsed.success) throw new ValidationError(`The ${provider} payload does not make a valid transaction.`, issueDetails(parsed.error, `transactions.${position}`));
    const transaction = transactionFromInput(parsed.data, provider, recordedAt, candidate.externalId, { timeObserved: candidate.timeObserved ?? false });
    return { input: parsed.data, transaction, aliases: candidate.aliases };
  });
  const touches = meaning.touches.map((candidate, position) => {
    const parsed = TouchInputSchema.safeParse(candidate.input);
    if (!parsed.success) throw new ValidationError(`The ${provider} payload does not make a valid touch.`, issueDetails(parsed.error, `touches.${position}`));
    const touch = normaliseTouch(parsed.data, tenant.config);
    return candidate.landingOf ? { ...touch, landingOf: candidate.landingOf } : touch;
  });

  const answers: TransactionAnswer[] = [];
  if (touches.length > 0 && transactions.length === 0) await deps.records.recordTouches(tenantId, touches, tenant.config.retentionDays);
  for (const { input, transaction, aliases } of transactions) {
    // Stripe refunds keep `stripe-pi:<payment intent>` as their orderId: the
    // order's alias, resolved on reading, so a refund seen before and after
    // its order is the same record.
    const landing = provider === 'generic' ? landingTouch(transaction, input, tenant.config) : undefined;
    // The delivery's touches go with its first transaction (written before it, in parallel with links).
    const withTouches = [...(answers.length === 0 ? touches : []), ...(landing ? [landing] : [])];
    const answer = await storeTransaction(deps, tenant, transaction, { ...(aliases ? { aliases } : {}), ...(withTouches.length > 0 ? { touches: withTouches } : {}) });
    if (answer.adjustmentConflict) logger.warn('Webhook adjustment cannot count against its order; nothing of it is counted', { provider, tenantId, transactionId: answer.transactionId, conflict: answer.adjustmentConflict });
    else if (answer.outcome === 'conflict') logger.warn('Webhook reused a transaction id with different content', { provider, tenantId, transactionId: answer.transactionId });
    answers.push(answer);
  }
  if (meaning.deliveryKey) await deps.records.recordDelivery(tenantId, meaning.deliveryKey, recordedAt);
  return { status: 200, body: { received: true, transactions: answers, touches: touches.length } };
}
