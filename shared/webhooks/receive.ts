import * as z from 'zod';
import type { WebhookAnswerBody } from '../api/responses/recording.ts';
import { UnauthenticatedError, ValidationError } from '../errors.ts';
import { readJson } from '../http/parse.ts';
import { logger } from '../observability/logger.ts';
import { recordWebhook } from '../observability/metrics.ts';
import { normaliseTouch, TouchInputSchema } from '../recording/touches.ts';
import { TransactionInputSchema, transactionFromInput } from '../recording/transactions.ts';
import { landingTouch, type RecordingDeps, storeNewOrder, storeTransaction, type TransactionAnswer } from '../recording/use-cases.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { RecentTenants } from '../tenants/recent-tenants.ts';
import type { WebhookProvider } from '../tenants/tenant.ts';
import { issueDetails } from '../validation.ts';
import type { WebhookMeaning } from './mapping.ts';
import { keptHeaders, type QuarantinedDelivery, type QuarantineStore, quarantineId } from './quarantine.ts';
import { mapShopify } from './shopify.ts';
import { activeSecrets, verifyBase64Hmac, verifyTimestampedHmac } from './signatures.ts';
import { mapStripe } from './stripe.ts';
import { isWooCommercePing, mapWooCommerce } from './woocommerce.ts';

export interface WebhookRequest {
  headers: Record<string, string | undefined>;
  rawBody: Buffer;
}

export interface WebhookDeps extends RecordingDeps {
  quarantine: QuarantineStore;
  /** The tenants this function instance read lately; without it, each delivery reads its tenant. */
  recentTenants?: RecentTenants;
}

/** A received delivery's answer; `outcome: 'quarantined'`: genuine but unreadable, kept whole for redrive (see `quarantined`). */
export interface WebhookAnswer {
  status: 200;
  body: WebhookAnswerBody;
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

/** Why a verified delivery cannot become records: a payload Baton does not understand (never a store failure). */
class UnmappableDelivery extends ValidationError {}

/** The transactions and touches a verified delivery means, validated; `UnmappableDelivery` when Baton cannot read it. */
function mapDelivery(provider: WebhookProvider, tenant: TenantRecord, request: WebhookRequest, payload: unknown, recordedAt: string) {
  let meaning: WebhookMeaning;
  try {
    meaning = meaningOf(provider, request, payload);
  } catch (error) {
    if (error instanceof z.ZodError) throw new UnmappableDelivery(`The ${provider} payload is not what Baton expects.`, issueDetails(error));
    throw error;
  }
  if (meaning.kind === 'ignored') return meaning;
  const transactions = meaning.transactions.map((candidate, position) => {
    const input = { currency: tenant.currency, ...candidate.input };
    const parsed = TransactionInputSchema.safeParse(input);
    if (!parsed.success) throw new UnmappableDelivery(`The ${provider} payload does not make a valid transaction.`, issueDetails(parsed.error, `transactions.${position}`));
    const transaction = transactionFromInput(parsed.data, provider, recordedAt, candidate.externalId, { timeObserved: candidate.timeObserved ?? false });
    return { input: parsed.data, transaction, aliases: candidate.aliases, testUnlessOrderStored: candidate.testUnlessOrderStored };
  });
  const touches = meaning.touches.map((candidate, position) => {
    const parsed = TouchInputSchema.safeParse(candidate.input);
    if (!parsed.success) throw new UnmappableDelivery(`The ${provider} payload does not make a valid touch.`, issueDetails(parsed.error, `touches.${position}`));
    const touch = normaliseTouch(parsed.data, tenant.config);
    return candidate.landingOf ? { ...touch, landingOf: candidate.landingOf } : touch;
  });
  return { kind: 'records' as const, ...(meaning.deliveryKey ? { deliveryKey: meaning.deliveryKey } : {}), transactions, touches };
}

/**
 * What a verified delivery means, stored: each transaction and touch once,
 * a retried delivery answered from its key. Throws `UnmappableDelivery`
 * (a `ValidationError`) when the payload cannot be read.
 */
async function processDelivery(deps: RecordingDeps, provider: WebhookProvider, tenant: TenantRecord, request: WebhookRequest, now: Date): Promise<WebhookAnswer> {
  const { tenantId } = tenant;
  // Strict: invalid UTF-8, a duplicated key or a lone surrogate is 400, never repaired (docs/contract.md#recording).
  const payload = readJson(request.rawBody);
  const recordedAt = now.toISOString();
  const meaning = mapDelivery(provider, tenant, request, payload, recordedAt);
  if (meaning.kind === 'ignored') return { status: 200, body: { received: true, ignored: meaning.reason } };
  // The common delivery, a new order, is written in one request; anything of it there already takes the careful path below.
  const [only, ...others] = meaning.transactions;
  if (only && others.length === 0 && !only.testUnlessOrderStored && !only.aliases?.length) {
    const landing = provider === 'generic' ? landingTouch(only.transaction, only.input, tenant.config) : undefined;
    const stored = await storeNewOrder(deps, tenant, only.transaction, {
      touches: [...meaning.touches, ...(landing ? [landing] : [])],
      ...(meaning.deliveryKey ? { delivery: { key: meaning.deliveryKey, at: recordedAt } } : {}),
    });
    if (stored) return { status: 200, body: { received: true, transactions: [stored], touches: meaning.touches.length } };
  }
  if (meaning.deliveryKey && (await deps.records.hasDelivery(tenantId, meaning.deliveryKey))) {
    return { status: 200, body: { received: true, duplicate: true } };
  }
  const { touches } = meaning;
  const transactions = [];
  const skipped: string[] = [];
  for (const candidate of meaning.transactions) {
    const orderStored = candidate.testUnlessOrderStored && candidate.input.orderId ? await deps.records.getTransaction(tenantId, candidate.input.orderId) : true;
    if (orderStored) transactions.push(candidate);
    else skipped.push(candidate.testUnlessOrderStored!);
  }
  if (transactions.length === 0 && skipped.length > 0) return { status: 200, body: { received: true, ignored: skipped.join('; ') } };
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
    if (answer.adjustmentConflict)
      logger.warn('Webhook adjustment cannot count against its order; nothing of it is counted', { provider, tenantId, transactionId: answer.transactionId, conflict: answer.adjustmentConflict });
    else if (answer.outcome === 'conflict') logger.warn('Webhook reused a transaction id with different content', { provider, tenantId, transactionId: answer.transactionId });
    answers.push(answer);
  }
  if (meaning.deliveryKey) await deps.records.recordDelivery(tenantId, meaning.deliveryKey, recordedAt);
  return { status: 200, body: { received: true, transactions: answers, touches: touches.length } };
}

/** Providers whose deliveries are quarantined rather than refused: they retry, then disable the webhook, on anything but 2xx. Baton's own `generic` format is answered 400, for its sender to fix. */
const QUARANTINING: ReadonlySet<WebhookProvider> = new Set(['shopify', 'woocommerce', 'stripe']);

/**
 * `POST /v1/webhooks/{provider}/{tenantId}`: verify the signature over the
 * raw body with the tenant's secret (401 and nothing written otherwise),
 * map the payload, store each transaction and touch once.
 *
 * A provider retries anything but 2xx, so a transaction id already recorded
 * with other content is answered 200 with outcome `conflict` (and logged)
 * rather than 409, which would only be retried for days; and a genuine
 * delivery Baton cannot map is quarantined (kept whole, answered 200 with
 * outcome `quarantined`, replayed by `npm run dead-letters -- redrive`).
 */
export async function receiveWebhook(deps: WebhookDeps, provider: WebhookProvider, tenantId: string, request: WebhookRequest): Promise<WebhookAnswer> {
  const now = deps.now?.() ?? new Date();
  const text = request.rawBody.toString('latin1');
  if (provider === 'woocommerce' && isWooCommercePing(request.headers['content-type'], text)) {
    return { status: 200, body: { received: true, ignored: 'webhook activation ping' } };
  }
  // An unknown tenant is answered like a bad signature: nothing about tenants leaks.
  const tenants = deps.recentTenants ?? new RecentTenants(deps.tenants, { maxAgeMs: 0 });
  const tenant = await tenants.get(tenantId, (candidate) => verified(provider, candidate, request, now));
  if (!tenant) throw new UnauthenticatedError('The webhook signature is missing, wrong or stale.');
  try {
    const answer = await processDelivery(deps, provider, tenant, request, now);
    recordWebhook(provider, answer.body);
    return answer;
  } catch (error) {
    if (!(error instanceof UnmappableDelivery) || !QUARANTINING.has(provider)) throw error;
    const delivery: QuarantinedDelivery = {
      id: quarantineId(provider, tenantId, request.rawBody),
      tenantId,
      provider,
      receivedAt: now.toISOString(),
      headers: keptHeaders(request.headers),
      rawBody: request.rawBody,
      reason: error.message,
      errors: error.details.slice(0, 20),
      attempts: 0,
    };
    await deps.quarantine.put(delivery, tenant.config.retentionDays);
    logger.error('Webhook delivery quarantined: signed and genuine, but Baton cannot map it; acknowledged and kept for redrive', {
      provider,
      tenantId,
      quarantineId: delivery.id,
      reason: delivery.reason,
      errors: delivery.errors,
    });
    const answer: WebhookAnswer = { status: 200, body: { received: true, outcome: 'quarantined', quarantined: { id: delivery.id, reason: delivery.reason, errors: delivery.errors } } };
    recordWebhook(provider, answer.body);
    return answer;
  }
}

/**
 * A quarantined delivery, processed again as it came (its signature was
 * verified when it arrived, so a Stripe timestamp long past its tolerance
 * still counts): removed when it now maps and is stored, kept with one
 * more attempt and the new error when not.
 */
export async function redeliverQuarantined(deps: WebhookDeps, delivery: QuarantinedDelivery): Promise<WebhookAnswer> {
  const tenant = await deps.tenants.getTenant(delivery.tenantId);
  try {
    if (!tenant) throw new ValidationError(`Tenant ${delivery.tenantId} no longer exists.`);
    const answer = await processDelivery(deps, delivery.provider, tenant, { headers: delivery.headers, rawBody: delivery.rawBody }, deps.now?.() ?? new Date());
    await deps.quarantine.remove(delivery);
    return answer;
  } catch (error) {
    const detail = error instanceof ValidationError && error.details.length > 0 ? `: ${error.details.map((issue) => `${issue.path} ${issue.message}`).join('; ')}` : '';
    await deps.quarantine.recordAttempt(delivery, `${error instanceof Error ? error.message : String(error)}${detail}`);
    throw error;
  }
}
