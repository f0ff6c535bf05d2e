import type * as z from 'zod';
import type { BatchAnswerSchema, DeliveredTransactionSchema } from '../api/responses/recording.ts';
import { ConflictError, type IssueDetail, NotFoundError } from '../errors.ts';
import { type Identifier, identifiersOf, type PersonInput } from '../identity/identity.ts';
import { retrying, TRY_AGAIN } from '../runtime/retry.ts';
import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { requireTenant } from '../tenants/use-cases.ts';
import { issueDetails } from '../validation.ts';
import type { Checkout, RecordStore, WriteOutcome } from './ports.ts';
import { addToSettlement, type Counted, mergeSettlements, type SettlementEntry } from './settlement.ts';
import { type IdentifyInput, type Link, linksOf, normaliseStage, StageInputSchema } from './stages.ts';
import { normaliseTouch, type Touch, TouchInputSchema } from './touches.ts';
import { type Provider, type Transaction, type TransactionInput, transactionFromInput } from './transactions.ts';

export interface RecordingDeps {
  records: RecordStore;
  tenants: TenantStore;
  now?: () => Date;
}

/** What a batch of touches or stages came to (its schema is the route's answer). */
export type BatchAnswer = z.infer<typeof BatchAnswerSchema>;

/** The most items one batch may carry (docs/contract.md#recording). */
export const MAX_BATCH = 500;

const conflictDetail = (path: string, id: string): IssueDetail => ({ path, message: `${id} was recorded before with different content`, code: 'conflict' });

/**
 * Validates each item on its own, so one bad item is rejected with its
 * index and reasons while the good ones are stored; repeats of an id within
 * the batch are resolved before anything is written.
 */
export function validateItems<S extends z.ZodType, R extends { contentHash: string }>(
  items: unknown[],
  schema: S,
  normalise: (value: z.infer<S>) => R,
  idOf: (record: R) => string,
  idPath: string,
): { records: Array<{ index: number; record: R }>; repeats: Array<{ index: number; duplicate: boolean; id: string }>; rejected: BatchAnswer['rejected'] } {
  const records: Array<{ index: number; record: R }> = [];
  const rejected: BatchAnswer['rejected'] = [];
  const repeats: Array<{ index: number; duplicate: boolean; id: string }> = [];
  const firstById = new Map<string, R>();
  items.forEach((item, index) => {
    const parsed = schema.safeParse(item);
    if (!parsed.success) {
      rejected.push({ index, errors: issueDetails(parsed.error) });
      return;
    }
    const record = normalise(parsed.data);
    const first = firstById.get(idOf(record));
    if (first) {
      repeats.push({ index, duplicate: first.contentHash === record.contentHash, id: idOf(record) });
      return;
    }
    firstById.set(idOf(record), record);
    records.push({ index, record });
  });
  for (const repeat of repeats) if (!repeat.duplicate) rejected.push({ index: repeat.index, errors: [conflictDetail(idPath, repeat.id)] });
  return { records, repeats, rejected };
}

function tally(outcomes: WriteOutcome[], indexes: number[], ids: string[], idPath: string, answer: BatchAnswer): void {
  outcomes.forEach((outcome, position) => {
    if (outcome === 'stored') answer.accepted += 1;
    else if (outcome === 'duplicate') answer.duplicates += 1;
    else answer.rejected.push({ index: indexes[position]!, errors: [conflictDetail(idPath, ids[position]!)] });
  });
}

function linksOfRecords(records: Array<{ identifiers: readonly Identifier[]; occurredAt: string }>): Link[] {
  return records.flatMap((record) => linksOf(record.identifiers, record.occurredAt));
}

/** `POST /v1/touches`: each touch stored once, its channel derived with the tenant's rules. */
export async function recordTouches(deps: RecordingDeps, tenantId: string, items: unknown[]): Promise<BatchAnswer> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const { records, repeats, rejected } = validateItems(
    items,
    TouchInputSchema,
    (input) => normaliseTouch(input, tenant.config),
    (touch) => touch.touchId,
    'touchId',
  );
  const answer: BatchAnswer = { accepted: 0, duplicates: repeats.filter((repeat) => repeat.duplicate).length, rejected };
  const touches = records.map(({ record }) => record);
  const { retentionDays } = tenant.config;
  const [, outcomes] = await Promise.all([deps.records.recordLinks(tenantId, linksOfRecords(touches), retentionDays), deps.records.recordTouches(tenantId, touches, retentionDays)]);
  tally(
    outcomes,
    records.map(({ index }) => index),
    touches.map((touch) => touch.touchId),
    'touchId',
    answer,
  );
  answer.rejected.sort((a, b) => a.index - b.index);
  return answer;
}

/** `POST /v1/stages` */
export async function recordStages(deps: RecordingDeps, tenantId: string, items: unknown[]): Promise<BatchAnswer> {
  const { retentionDays } = (await requireTenant(deps.tenants, tenantId)).config;
  const { records, repeats, rejected } = validateItems(items, StageInputSchema, normaliseStage, (stage) => stage.stageId, 'stage');
  const answer: BatchAnswer = { accepted: 0, duplicates: repeats.length, rejected };
  const stages = records.map(({ record }) => record);
  const [, outcomes] = await Promise.all([deps.records.recordLinks(tenantId, linksOfRecords(stages), retentionDays), deps.records.recordStages(tenantId, stages, retentionDays)]);
  tally(
    outcomes,
    records.map(({ index }) => index),
    stages.map((stage) => stage.stageId),
    'stage',
    answer,
  );
  answer.rejected.sort((a, b) => a.index - b.index);
  return answer;
}

/** `POST /v1/identify`: the anonymous id joins the customer id and email hash as one person, touches before the link included. */
export async function identify(deps: RecordingDeps, tenantId: string, input: IdentifyInput): Promise<{ linked: number; duplicates: number; identifiers: Identifier[] }> {
  const { retentionDays } = (await requireTenant(deps.tenants, tenantId)).config;
  const person: PersonInput = { anonymousId: input.anonymousId, ...(input.customerId ? { customerId: input.customerId } : {}), ...(input.email ? { email: input.email } : {}) };
  const identifiers = identifiersOf(person);
  const anonymous = `a:${input.anonymousId}` as Identifier;
  const links = identifiers
    .filter((identifier) => identifier !== anonymous)
    .map((other) => (anonymous < other ? { from: anonymous, to: other, occurredAt: input.occurredAt } : { from: other, to: anonymous, occurredAt: input.occurredAt }));
  const outcomes = await deps.records.recordLinks(tenantId, links, retentionDays);
  return { linked: outcomes.filter((outcome) => outcome === 'stored').length, duplicates: outcomes.filter((outcome) => outcome === 'duplicate').length, identifiers };
}

/**
 * What storing a transaction came to. `conflict`: the id was recorded with
 * other content, or (with `adjustmentConflict`) an adjustment that cannot
 * count against its order; `ignored`: a test transaction, acknowledged and
 * never counted; `status`: what Baton counts of it.
 */
export type TransactionAnswer = z.infer<typeof DeliveredTransactionSchema>;

function entryOf(transaction: Transaction): SettlementEntry {
  const { transactionId, kind, occurredAt, currency, gross, discount, net, tax, shipping, total, recordedAt, contentHash } = transaction;
  return { transactionId, kind, occurredAt, currency, amounts: { gross, discount, net, tax, shipping, total }, recordedAt, contentHash };
}

function answerOf(transaction: Pick<Transaction, 'transactionId'>, outcome: WriteOutcome, counted?: Counted): TransactionAnswer {
  return {
    transactionId: transaction.transactionId,
    outcome,
    ...(counted ? { status: counted.status } : {}),
    ...(counted?.conflict ? { adjustmentConflict: counted.conflict } : {}),
  };
}

/**
 * A new order, the common delivery, in one write: its buyer's links, its
 * touches, the order at its settlement's first version and the delivery's
 * key, each only if absent (docs/recording.md#what-a-webhook-costs). Undefined when anything of it is
 * there already (a retried delivery, a refund that came first, a browser's
 * checkout): nothing was written, and the caller stores it with
 * `storeTransaction`, which reads first.
 */
export async function storeNewOrder(
  deps: RecordingDeps,
  tenant: Pick<TenantRecord, 'tenantId' | 'config'>,
  transaction: Transaction,
  extras: { touches?: Touch[]; delivery?: { key: string; at: string } } = {},
): Promise<TransactionAnswer | undefined> {
  if (transaction.kind !== 'order' || !transaction.identifiers[0]) return undefined;
  const verdict = addToSettlement({ version: 0, adjustments: [] }, entryOf(transaction));
  if (verdict.kind !== 'change') return undefined;
  const { next, own, recounted } = verdict.change;
  const touches = extras.touches ?? [];
  const outcome = await deps.records.recordNewOrder(tenant.tenantId, {
    write: {
      transaction: { ...transaction, ...own },
      settlementKey: transaction.transactionId,
      settlement: next,
      expectedVersion: 0,
      recounted,
      orderRef: { externalId: transaction.externalId, buyer: transaction.identifiers[0], checkoutSeen: false },
    },
    links: linksOfRecords([transaction, ...touches]),
    touches,
    retentionDays: tenant.config.retentionDays,
    ...(extras.delivery ? { delivery: extras.delivery } : {}),
  });
  return outcome === 'stored' ? answerOf(transaction, 'stored', own) : undefined;
}

/**
 * Stores one transaction (with its landing visit and identity links) and
 * settles it against its order (docs/contract.md#recording): an order and its refunds and
 * cancellations share one settlement, changed only by a conditional write
 * that re-reads and retries when another arrival got there first, so
 * concurrent adjustments can never together take back more than the order
 * had. The same id with other content is a conflict; a refund or
 * cancellation whose order is not there yet is kept, pending.
 */
export async function storeTransaction(
  deps: RecordingDeps,
  tenant: Pick<TenantRecord, 'tenantId' | 'config'>,
  transaction: Transaction,
  extras: { aliases?: string[]; touches?: Touch[] } = {},
): Promise<TransactionAnswer> {
  const { tenantId } = tenant;
  const { retentionDays } = tenant.config;
  const links = linksOfRecords([transaction, ...(extras.touches ?? [])]);
  // Links and touches first (in parallel), the transaction last: its event then finds them stored.
  await Promise.all([
    links.length > 0 ? deps.records.recordLinks(tenantId, links, retentionDays) : undefined,
    extras.touches?.length ? deps.records.recordTouches(tenantId, extras.touches, retentionDays) : undefined,
  ]);
  const entry = entryOf(transaction);
  const answer = (outcome: WriteOutcome, counted?: Counted) => answerOf(transaction, outcome, counted);
  let checkoutSeen = false;
  return retrying(
    async () => {
      let settlementKey = transaction.kind === 'order' ? transaction.transactionId : transaction.orderId!;
      let settlement = await deps.records.getSettlement(tenantId, settlementKey);
      if (settlement.redirect) {
        settlementKey = settlement.redirect;
        settlement = await deps.records.getSettlement(tenantId, settlementKey);
      }
      const aliases = transaction.kind === 'order' ? await Promise.all((extras.aliases ?? []).map(async (alias) => ({ alias, settlement: await deps.records.getSettlement(tenantId, alias) }))) : [];
      const verdict = addToSettlement(
        mergeSettlements(
          settlement,
          aliases.map((alias) => alias.settlement),
        ),
        entry,
      );
      if (verdict.kind === 'seen') {
        const stored = await deps.records.getTransaction(tenantId, transaction.transactionId);
        const sameContent = stored ? stored.contentHash === transaction.contentHash : verdict.sameContent;
        return answer(sameContent ? 'duplicate' : 'conflict', sameContent ? stored : undefined);
      }
      if (verdict.kind === 'refused') return answer('conflict', verdict.own);
      const { next, own, recounted } = verdict.change;
      const outcome = await deps.records.recordTransaction(tenantId, {
        transaction: { ...transaction, ...own },
        settlementKey,
        settlement: next,
        expectedVersion: settlement.version,
        recounted,
        ...(aliases.length > 0 ? { aliases: aliases.map(({ alias, settlement: aliasSettlement }) => ({ alias, expectedVersion: aliasSettlement.version })) } : {}),
        ...(transaction.kind === 'order' ? { orderRef: { externalId: transaction.externalId, buyer: transaction.identifiers[0]!, checkoutSeen } } : {}),
      });
      if (outcome === 'stale') return TRY_AGAIN;
      if (outcome === 'checkout') {
        // A browser checked this order out before it arrived: its anonymous id joins the buyer.
        const checkout = await deps.records.getCheckout(tenantId, transaction.externalId);
        if (checkout) await linkCheckout(deps, tenant, checkout, transaction.identifiers[0]!);
        checkoutSeen = true;
        return TRY_AGAIN;
      }
      return answer(outcome, outcome === 'stored' ? own : undefined);
    },
    { what: `Recording ${transaction.transactionId}` },
  );
}

/** The link a checkout makes: the browser's anonymous id and the order's buyer are one person from the checkout on. */
export async function linkCheckout(deps: Pick<RecordingDeps, 'records'>, tenant: Pick<TenantRecord, 'tenantId' | 'config'>, checkout: Checkout, buyer: Identifier): Promise<void> {
  const links = linksOf([buyer, `a:${checkout.anonymousId}` as Identifier], checkout.occurredAt);
  if (links.length > 0) await deps.records.recordLinks(tenant.tenantId, links, tenant.config.retentionDays);
}

/** The visit a transaction's landing page and referrer stand for (docs/contract.md#recording). */
export function landingTouch(
  transaction: Pick<Transaction, 'transactionId' | 'occurredAt'>,
  input: Pick<TransactionInput, 'person' | 'landingUrl' | 'referrer'>,
  derivation: Parameters<typeof normaliseTouch>[1],
): Touch | undefined {
  if (!input.person || (!input.landingUrl && !input.referrer)) return undefined;
  const touch = normaliseTouch(
    {
      touchId: `${transaction.transactionId}-landing`,
      occurredAt: transaction.occurredAt,
      person: input.person,
      kind: 'visit',
      ...(input.landingUrl ? { url: input.landingUrl } : {}),
      ...(input.referrer ? { referrer: input.referrer } : {}),
    },
    derivation,
  );
  return { ...touch, landingOf: transaction.transactionId };
}

/** `POST /v1/transactions` */
export async function recordTransaction(deps: RecordingDeps, tenantId: string, input: TransactionInput, provider: Provider = 'api'): Promise<TransactionAnswer> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  if (input.test) return { transactionId: input.transactionId, outcome: 'ignored' };
  const transaction = transactionFromInput(input, provider, (deps.now?.() ?? new Date()).toISOString());
  const touch = landingTouch(transaction, input, tenant.config);
  const answer = await storeTransaction(deps, tenant, transaction, touch ? { touches: [touch] } : {});
  if (answer.adjustmentConflict) {
    const { code, field, message } = answer.adjustmentConflict;
    throw new ConflictError(`${input.transactionId} cannot count against its order: ${message}.`, [{ path: field, message, code }]);
  }
  if (answer.outcome === 'conflict') throw new ConflictError(`Transaction ${input.transactionId} was recorded before with different content.`);
  return answer;
}

export async function getTransaction(deps: Pick<RecordingDeps, 'records'>, tenantId: string, transactionId: string) {
  const transaction = await deps.records.getTransaction(tenantId, transactionId);
  if (!transaction) throw new NotFoundError(`No transaction ${transactionId}.`);
  const { contentHash: _hash, identifiers, aliases: _aliases, ...view } = transaction as Transaction & { aliases?: string[] };
  // An order known only by a provider alias (Stripe's payment intent) is named by its own id once it is known.
  const orderId = view.orderId?.startsWith('stripe-pi:') ? ((await deps.records.resolveAlias(tenantId, view.orderId)) ?? view.orderId) : view.orderId;
  return { ...view, ...(orderId ? { orderId } : {}), person: { identifiers } };
}

export const MAX_JOURNEY_TOUCHES = 2000;

/** `GET /v1/people/journey`: everything linked to the person, in time order. */
export async function journey(deps: Pick<RecordingDeps, 'records'>, tenantId: string, person: PersonInput & { person?: Identifier }) {
  const asked = identifiersOf(person);
  const records = await deps.records.personRecords(tenantId, asked);
  if (records.touches.length > MAX_JOURNEY_TOUCHES) {
    // A response must stay well under Lambda's 6 MB: the most recent touches are the ones shown.
    records.touches = records.touches.slice(-MAX_JOURNEY_TOUCHES);
    records.truncated = true;
  }
  const found = records.touches.length + records.stages.length + records.transactions.length > 0 || records.identifiers.length > asked.length;
  if (!found) throw new NotFoundError('No person with these identifiers.');
  // Content hashes and erasure bookkeeping are Baton's, not part of the journey.
  return {
    identifiers: records.identifiers,
    touches: records.touches.map(({ contentHash: _hash, ...touch }) => touch),
    stages: records.stages.map(({ contentHash: _hash, ...stage }) => stage),
    transactions: records.transactions,
    truncated: records.truncated,
  };
}
