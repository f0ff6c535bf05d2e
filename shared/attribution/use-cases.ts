import { contentHash } from '../recording/hash.ts';
import type { PersonRecords, TransactionRef } from '../recording/ports.ts';
import type { Transaction } from '../recording/transactions.ts';
import type { RecordingDeps } from '../recording/use-cases.ts';
import type { AttributionConfig } from '../tenants/attribution-config.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { NotFoundError } from '../errors.ts';
import type { Identifier } from '../identity/identity.ts';
import { attributeAdjustment, attributeOrder, type AttributionResult, type JourneyTouch, type PersonHistory } from './engine.ts';
import type { AttributionStore } from './ports.ts';
import { settle } from '../recording/settlement.ts';
import { withoutDoubledLandings } from '../recording/touches.ts';
import { retrying, TRY_AGAIN } from '../runtime/retry.ts';
import { contributionsOf, difference, openJourneyContributions } from './rollups.ts';

export interface AttributionDeps extends RecordingDeps {
  attributions: AttributionStore;
}

const DAY = 86_400_000;
/** The longest lookback a config allows: how far after a touch an order it belongs to can be. */
const MAX_LOOKBACK_MS = 90 * DAY;

export function historyOf(person: Pick<PersonRecords, 'touches' | 'stages' | 'transactions'>, excludeOrder?: string): PersonHistory {
  return {
    touches: withoutDoubledLandings(person.touches).map(
      (touch): JourneyTouch => ({
        touchId: touch.touchId,
        at: Date.parse(touch.occurredAt),
        side: touch.side,
        kind: touch.kind,
        channel: touch.channel,
        ...(touch.campaign ? { campaign: touch.campaign } : {}),
        ...(touch.source ? { source: touch.source } : {}),
        ...(touch.medium ? { medium: touch.medium } : {}),
        ...(touch.rep ? { rep: touch.rep } : {}),
      }),
    ),
    stages: person.stages.map((stage) => ({ stage: stage.stage, at: Date.parse(stage.occurredAt) })),
    orderTimes: person.transactions.filter((ref) => ref.kind === 'order' && ref.transactionId !== excludeOrder).map((ref) => Date.parse(ref.occurredAt)),
  };
}

/**
 * Stores a result and moves the rollups by exactly the difference from what
 * this transaction added before, in one conditional transaction. The same
 * result again writes nothing; a concurrent writer makes this one re-read
 * and try again, so each change is counted once however often it is asked.
 */
async function persist(
  deps: AttributionDeps,
  tenant: TenantRecord,
  transaction: Pick<Transaction, 'transactionId' | 'occurredAt' | 'kind'>,
  compute: (config: AttributionConfig) => AttributionResult,
  chooseConfig: (stored: AttributionConfig | undefined) => AttributionConfig,
): Promise<{ result: AttributionResult; changed: boolean }> {
  const { tenantId } = tenant;
  // Days of the tenant's calendar: an instant's day never changes, whatever the zone is now.
  const day = calendarOf(tenant).dayOf(transaction.occurredAt);
  return retrying(
    async () => {
      const stored = await deps.attributions.get(tenantId, transaction.transactionId);
      const config = chooseConfig(stored?.config);
      const result = compute(config);
      const contributions = contributionsOf(result, day, transaction.kind);
      const resultHash = contentHash({ result, contributions, config });
      if (stored && stored.resultHash === resultHash) return { result, changed: false };
      const saved = await deps.attributions.save(tenantId, { transactionId: transaction.transactionId, result, contributions, config, resultHash }, stored?.version ?? 0, difference(contributions, stored?.contributions));
      return saved ? { result, changed: true } : TRY_AGAIN;
    },
    { what: `Attributing ${transaction.transactionId}` },
  );
}

export interface AttributeOptions {
  /** Use the tenant's current config (recompute) rather than the one the transaction was first attributed with. */
  currentConfig?: boolean;
  /** The person, when the caller has read it already. */
  person?: PersonRecords;
  /** The tenant, when the caller has read it already (one read for a whole event or page). */
  tenant?: TenantRecord;
}

/**
 * (Re-)attributes one transaction: an order from its person's history (and
 * then its refunds and cancellations), a refund or cancellation from its
 * order's attribution. An adjustment whose order is not attributed yet
 * waits: the order's attribution picks it up.
 */
export async function attributeTransaction(deps: AttributionDeps, tenantId: string, transactionId: string, options: AttributeOptions = {}): Promise<{ changed: number }> {
  const transaction = await deps.records.getTransaction(tenantId, transactionId);
  if (!transaction) return { changed: 0 };
  if (transaction.kind !== 'order') {
    // An adjustment is attributed with its order, which settles what each of its adjustments counts.
    const settlement = await deps.records.getSettlement(tenantId, transaction.orderId!);
    const orderId = settlement.redirect ?? (settlement.order ? transaction.orderId! : undefined);
    return orderId ? attributeTransaction(deps, tenantId, orderId, options) : { changed: 0 };
  }
  const tenant = options.tenant ?? (await requireTenant(deps.tenants, tenantId));
  const chooseConfig = (stored: AttributionConfig | undefined) => (options.currentConfig || !stored ? tenant.config : stored);

  const [person, settlement] = await Promise.all([
    options.person ?? (transaction.identifiers.length > 0 ? deps.records.personRecords(tenantId, transaction.identifiers) : { identifiers: [], touches: [], stages: [], transactions: [], truncated: false }),
    deps.records.getSettlement(tenantId, transactionId),
  ]);
  const history = historyOf(person, transactionId);
  const facts = { transactionId, at: Date.parse(transaction.occurredAt), currency: transaction.currency, revenue: transaction.net, salesChannel: transaction.salesChannel, ...(transaction.rep ? { rep: transaction.rep } : {}) };
  const outcome = await persist(deps, tenant, transaction, (config) => attributeOrder(facts, history, config), chooseConfig);
  let changed = outcome.changed ? 1 : 0;
  // Each counted refund and cancellation carries the order's proportions for what it counts; pending and conflicting ones carry nothing.
  const counted = settle(settlement);
  for (const adjustment of settlement.adjustments) {
    const verdict = counted.get(adjustment.transactionId);
    if (verdict?.status !== 'counted') continue;
    const kind = adjustment.kind as 'refund' | 'cancellation';
    const facts = { transactionId: adjustment.transactionId, kind, at: Date.parse(adjustment.occurredAt), amount: verdict.counted.net };
    const adjusted = await persist(deps, tenant, { transactionId: adjustment.transactionId, occurredAt: adjustment.occurredAt, kind }, () => attributeAdjustment(outcome.result, facts), chooseConfig);
    if (adjusted.changed) changed += 1;
  }
  return { changed };
}

/** The orders of a person whose journey a record at `at` can belong to. */
function ordersReachedFrom(transactions: readonly TransactionRef[], at: number | undefined): string[] {
  return transactions
    .filter((ref) => ref.kind === 'order' && (at === undefined || (Date.parse(ref.occurredAt) >= at && Date.parse(ref.occurredAt) <= at + MAX_LOOKBACK_MS)))
    .map((ref) => ref.transactionId);
}

export interface AttributionTrigger {
  detailType: 'TransactionRecorded' | 'TouchRecorded' | 'StageRecorded' | 'IdentityLinked';
  tenantId: string;
  transactionId?: string;
  identifiers?: string[];
  occurredAt?: string;
}

/**
 * The attribution pipeline's consumer. A new transaction is attributed (and
 * the person's later orders, whose journeys it may now cut short); a late
 * touch or stage re-attributes the orders it can belong to; a new identity
 * link, every order of the merged person. Idempotent: a retried or
 * duplicated event changes nothing the second time.
 */
export async function onRecorded(deps: AttributionDeps, trigger: AttributionTrigger): Promise<{ attributed: number; changed: number }> {
  const tenant = await requireTenant(deps.tenants, trigger.tenantId);
  const ids = new Set<string>();
  if (trigger.detailType === 'TransactionRecorded' && trigger.transactionId) ids.add(trigger.transactionId);
  const person = trigger.identifiers?.length ? await deps.records.personRecords(trigger.tenantId, trigger.identifiers as Identifier[]) : undefined;
  if (person) {
    // A new order reaches the later orders only; a link, every order of the merged person.
    const at = trigger.detailType === 'IdentityLinked' || !trigger.occurredAt ? undefined : Date.parse(trigger.occurredAt) + (trigger.detailType === 'TransactionRecorded' ? 1 : 0);
    for (const id of ordersReachedFrom(person.transactions, at)) ids.add(id);
  }
  let changed = 0;
  for (const id of ids) changed += (await attributeTransaction(deps, trigger.tenantId, id, { tenant, ...(person ? { person } : {}) })).changed;
  if (person && person.identifiers.length > 0) changed += await refreshOpenJourney(deps, tenant, person, trigger.detailType === 'IdentityLinked');
  return { attributed: ids.size, changed };
}

/**
 * Keeps the person's not-yet-converted journey (marketing touches since
 * their last order, within the lookback of the latest) counted once in the
 * path rollups that Markov reads as non-converting journeys. The person is
 * keyed by their smallest identifier; after a merge, the journeys kept
 * under the others' keys are taken out.
 */
async function refreshOpenJourney(deps: AttributionDeps, tenant: TenantRecord, person: PersonRecords, merged: boolean): Promise<number> {
  const { tenantId, config } = tenant;
  const lastOrder = person.transactions.filter((ref) => ref.kind === 'order').reduce((latest, ref) => Math.max(latest, Date.parse(ref.occurredAt)), -Infinity);
  const open = person.touches.filter((touch) => touch.side === 'marketing' && Date.parse(touch.occurredAt) > lastOrder);
  const latest = open.length > 0 ? Date.parse(open[open.length - 1]!.occurredAt) : 0;
  const journey = open.filter((touch) => Date.parse(touch.occurredAt) >= latest - config.lookbackDays * DAY);
  const contributions = journey.length > 0 ? openJourneyContributions(journey.map((touch) => touch.channel), calendarOf(tenant).dayOf(latest)) : {};
  const [canonical, ...others] = [...person.identifiers].sort();
  let changed = 0;
  for (const key of [canonical!, ...(merged ? others : [])]) {
    const wanted = key === canonical ? contributions : {};
    const hash = contentHash(wanted);
    const saved = await retrying(
      async () => {
        const stored = await deps.attributions.getOpenJourney(tenantId, key);
        if ((stored?.hash ?? contentHash({})) === hash) return false;
        return (await deps.attributions.saveOpenJourney(tenantId, { personKey: key, contributions: wanted, hash }, stored?.version ?? 0, difference(wanted, stored?.contributions))) ? true : TRY_AGAIN;
      },
      { what: 'Keeping the open journey' },
    );
    if (saved) changed += 1;
  }
  return changed;
}

/** `GET /v1/transactions/{id}/attribution` (SPEC §5's shape). */
export async function getAttribution(deps: AttributionDeps, tenantId: string, transactionId: string) {
  const transaction = await deps.records.getTransaction(tenantId, transactionId);
  if (!transaction) throw new NotFoundError(`No transaction ${transactionId}.`);
  let stored = await deps.attributions.get(tenantId, transactionId);
  if (!stored) {
    // The pipeline has not reached it yet (events are asynchronous): attribute it now.
    await attributeTransaction(deps, tenantId, transactionId);
    stored = await deps.attributions.get(tenantId, transactionId);
  }
  if (!stored) throw new NotFoundError(`${transactionId} is a ${transaction.kind} whose order is not recorded yet; it is attributed when the order arrives.`);
  return view(stored.result, stored.version);
}

const touchView = (touch: JourneyTouch) => ({
  touchId: touch.touchId,
  occurredAt: new Date(touch.at).toISOString(),
  side: touch.side,
  kind: touch.kind,
  channel: touch.channel,
  campaign: touch.campaign ?? null,
  source: touch.source ?? null,
  medium: touch.medium ?? null,
  ...(touch.rep ? { rep: touch.rep } : {}),
});

export function view(result: AttributionResult, version: number) {
  return {
    transactionId: result.transactionId,
    occurredAt: result.occurredAt,
    currency: result.currency,
    revenue: result.revenue,
    window: result.window,
    boundary: result.boundary,
    sourcedBy: result.sourcedBy,
    marketing: { touches: result.marketing.touches.map(touchView), credits: result.marketing.credits, unattributed: result.marketing.unattributed },
    sales: { salesChannel: result.sales.salesChannel, touches: result.sales.touches.map(touchView), credits: result.sales.credits },
    afterBoundary: result.afterBoundary.map(touchView),
    version,
  };
}
