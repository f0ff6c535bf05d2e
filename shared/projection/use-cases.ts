import { summarise } from '../attribution/engine.ts';
import { converterFor } from '../fx/converter.ts';
import type { FxRateStore } from '../fx/ports.ts';
import type { Identifier } from '../identity/identity.ts';
import type { ReportingAmounts } from '../money/reporting.ts';
import { logger } from '../observability/logger.ts';
import { recordProjectionConflict, recordRollupDeltas } from '../observability/metrics.ts';
import { type AdjustmentReason, divert, firstOpenMonth, postingDay } from '../periods/periods.ts';
import type { PeriodStore, PostedAdjustment } from '../periods/ports.ts';
import { contentHash, sameContent } from '../recording/hash.ts';
import type { RecordStore, StoredTransaction, TransactionRef } from '../recording/ports.ts';
import { settle } from '../recording/settlement.ts';
import { mapPooled } from '../runtime/pool.ts';
import { retrying, TRY_AGAIN } from '../runtime/retry.ts';
import type { AttributionConfig } from '../tenants/attribution-config.ts';
import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { calendarOf } from '../tenants/use-cases.ts';
import { type Contributions, cells, difference, keepFinal, sum } from './cells.ts';
import { type Listed, listingChanges } from './listings.ts';
import { type DroppedBaton, type OrderInput, projectPerson } from './person.ts';
import type { ProjectionStore, ProjectionWrite, StoredAttributionRef, StoredProjection } from './ports.ts';

export interface ProjectionDeps {
  records: RecordStore;
  tenants: TenantStore;
  projections: ProjectionStore;
  /** The tenant's rates, read only with a reporting currency. */
  fxRates: Pick<FxRateStore, 'between'>;
  /** The tenant's closed months: a change of one is posted in the first open month. */
  periods: Pick<PeriodStore, 'state'>;
}

export interface ProjectOptions {
  /** Re-attribute the orders in `[from, to)` (epoch ms) under the tenant's current config (recompute); others keep theirs. */
  recompute?: { from: number; to: number };
  /** Why the person is projected again, as a closed month's adjustment says it (default: what the records were). */
  reason?: AdjustmentReason;
  now?: () => Date;
}

/** The longest lookback a config allows, and a day: a projection's days older than `retentionDays` less this are final (see `keepFinal`). */
const FINAL_MARGIN_DAYS = 91;
const DAY_MS = 86_400_000;

export interface ProjectOutcome {
  personKey: Identifier;
  changed: boolean;
  orders: number;
}

const sameSet = (a: readonly string[], b: readonly string[]) => {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((value, i) => value === sortedB[i]);
};
const droppedKey = (baton: DroppedBaton, personKey: string) => `${baton.qualifiedAt}#${personKey}`;
const canonical = (baton: DroppedBaton) => JSON.stringify(Object.entries(baton).sort(([a], [b]) => (a < b ? -1 : 1)));
const sameBaton = (old: DroppedBaton | undefined, baton: DroppedBaton) => old !== undefined && canonical(old) === canonical(baton);

/**
 * Projects the person these ids belong to and saves what changed, exactly
 * once however often and however concurrently it is asked:
 *
 * 1. what was projected before: the stored projections of every id known
 *    (at first the seeds; a merge retires the others');
 * 2. their history, read after the projections, so a projection that
 *    saves was computed from a history at least as new as the one its
 *    predecessor used (a stale projection can never overwrite a newer one);
 *    its walk of links names who they are: ids beyond those known (a person
 *    the seeds do not all name, or who changed meanwhile) are read in step 1,
 *    then the history again (`readPerson`);
 * 3. the pure projection, then one conditional save of the new version with
 *    the difference to every rollup; losing a race starts again.
 */
export async function refreshPerson(deps: ProjectionDeps, tenant: TenantRecord, seeds: readonly Identifier[], options: ProjectOptions = {}): Promise<ProjectOutcome> {
  const { tenantId } = tenant;
  const calendar = calendarOf(tenant);
  // Anonymous heirs of an erased person who received transactions that arrived late: projected after this person.
  const heirs: Identifier[] = [];
  // The periods are read only once a save lost (its change may touch a month that closed): most never touch one.
  let readPeriods = false;
  const outcome = await retrying(
    async () => {
      const read = await readPerson(deps, tenantId, seeds, readPeriods);
      if (read === TRY_AGAIN) return TRY_AGAIN;
      const { identifiers, stored, records, periods } = read;
      const personKey = identifiers[0]!;
      // An erased person's past that arrived late is not theirs to project: it goes (docs/contract.md#privacy-and-the-data-lifecycle).
      if (records.erasedLeftovers.length > 0) heirs.push(...(await deps.records.clearErasedLeftovers(tenantId, records.erasedLeftovers)));
      // A projection of an erased id is the erasure's to hand over (it may be under way): never saved over here.
      if ([...stored.keys()].some((key) => records.erasedIdentifiers.includes(key))) return { personKey, changed: false, orders: 0 };
      if (stored.size === 0 && records.touches.length === 0 && records.stages.length === 0 && records.transactions.length === 0) return { personKey, changed: false, orders: 0 };
      // Days beyond the horizon are final: expired touches must not move them.
      const finalBefore = (options.now?.() ?? new Date()).getTime() - (tenant.config.retentionDays - FINAL_MARGIN_DAYS) * DAY_MS;

      const orderRefs = [...new Map(records.transactions.filter((ref) => ref.kind === 'order').map((ref) => [ref.transactionId, ref])).values()];
      const settlements = await deps.records.getSettlements(
        tenantId,
        orderRefs.map((ref) => ref.transactionId),
      );
      const before = [...stored.values()];
      const priorOf = (transactionId: string): StoredAttributionRef | undefined => {
        for (const projection of before) {
          const order = projection.orders[transactionId];
          if (order) return order;
          for (const ref of Object.values(projection.orders)) if (ref.adjustments[transactionId]) return ref.adjustments[transactionId];
        }
        return undefined;
      };
      const configs: Record<string, AttributionConfig> = Object.assign({}, ...before.map((projection) => projection.configs));
      const currentHash = configHash(tenant.config);
      const configHashOf = (ref: TransactionRef): string => {
        const at = Date.parse(ref.occurredAt);
        if (options.recompute && at >= options.recompute.from && at < options.recompute.to) return currentHash;
        const prior = priorOf(ref.transactionId)?.configHash;
        return prior && configs[prior] ? prior : currentHash;
      };
      configs[currentHash] = tenant.config;
      const orderConfig = new Map(orderRefs.map((ref) => [ref.transactionId, configHashOf(ref)]));

      const orders: OrderInput[] = orderRefs.map((ref) => {
        const settlement = settlements.get(ref.transactionId);
        const counted = settlement ? settle(settlement) : new Map();
        return {
          transactionId: ref.transactionId,
          occurredAt: ref.occurredAt,
          currency: ref.currency,
          net: ref.net,
          total: ref.total,
          salesChannel: ref.salesChannel ?? 'online_store',
          ...(ref.rep ? { rep: ref.rep } : {}),
          adjustments: (settlement?.adjustments ?? [])
            .filter((entry) => counted.get(entry.transactionId)?.status === 'counted')
            .map((entry) => ({ transactionId: entry.transactionId, kind: entry.kind as 'refund' | 'cancellation', occurredAt: entry.occurredAt, counted: counted.get(entry.transactionId)!.counted })),
        };
      });
      const orderDays = orders.map((order) => calendar.dayOf(order.occurredAt)).sort();
      const reporting = orderDays.length > 0 ? await converterFor(deps.fxRates, tenant, orderDays[0]!, orderDays[orderDays.length - 1]!) : undefined;
      const projection = projectPerson(
        { identifiers, touches: records.touches, stages: records.stages, orders },
        { config: tenant.config, configFor: (orderId) => configs[orderConfig.get(orderId)!]!, dayOf: (at) => calendar.dayOf(at), ...(reporting ? { reporting } : {}) },
      );

      // What changed: attributions, rollups, dropped batons, and whose projections this one replaces.
      const attributions: ProjectionWrite['attributions'] = [];
      const refOf = (transactionId: string, result: Parameters<typeof summarise>[0], reportingAmounts: ReportingAmounts | undefined, configHash?: string): StoredAttributionRef => {
        const prior = priorOf(transactionId);
        if (prior && Date.parse(result.occurredAt) < finalBefore) return prior;
        // The reporting amounts are hashed with the result only when there are any: without a reporting currency, hashes stay as they were.
        const resultHash = contentHash(reportingAmounts ? { result, reporting: reportingAmounts } : result);
        const changed = !prior || prior.resultHash !== resultHash;
        const version = changed ? (prior?.version ?? 0) + 1 : prior.version;
        if (changed) attributions.push({ transactionId, personKey, result, version, summary: { ...summarise(result), ...(reportingAmounts ? { reporting: reportingAmounts } : {}) } });
        return { version, resultHash, ...(configHash ? { configHash } : {}) };
      };
      const nextOrders: StoredProjection['orders'] = {};
      for (const [orderId, { result, adjustments, reporting: converted }] of Object.entries(projection.orders)) {
        nextOrders[orderId] = {
          ...refOf(orderId, result, converted?.[orderId], orderConfig.get(orderId)),
          adjustments: Object.fromEntries(Object.entries(adjustments).map(([adjustmentId, adjusted]) => [adjustmentId, refOf(adjustmentId, adjusted, converted?.[adjustmentId])])),
        };
      }
      const usedConfigs = Object.fromEntries([...new Set(orderConfig.values())].map((hash) => [hash, configs[hash]!]));
      const previous = sum(...before.map((projectionBefore) => projectionBefore.contributions));
      const contributions = keepFinal(projection.contributions, previous, calendar.dayOf(finalBefore));
      const delta = difference(contributions, previous);
      const listedBefore: Listed = Object.assign({}, ...before.map((projectionBefore) => projectionBefore.listed ?? {}));
      const { put, remove, listed } = listingChanges(projection.listings, listedBefore, calendar.dayOf(finalBefore));
      const retired = before.filter((projectionBefore) => projectionBefore.personKey !== personKey).map(({ personKey: key, version }) => ({ personKey: key, expectedVersion: version }));
      const oldDropped = before.flatMap((projectionBefore) => projectionBefore.dropped.map((baton) => ({ ...baton, personKey: projectionBefore.personKey })));
      const isFinal = (baton: DroppedBaton) => Date.parse(baton.qualifiedAt) < finalBefore;
      projection.dropped = [...oldDropped.filter(isFinal).map(({ personKey: _key, ...baton }) => baton), ...projection.dropped.filter((baton) => !isFinal(baton))];
      const newKeys = new Set(projection.dropped.map((baton) => droppedKey(baton, personKey)));
      const oldByKey = new Map(oldDropped.map(({ personKey: key, ...baton }) => [droppedKey(baton, key), baton]));
      const dropped = {
        // A baton whose content changed under the same key (a late touch changed its acquiring campaign) is written again.
        add: projection.dropped.filter((baton) => !sameBaton(oldByKey.get(droppedKey(baton, personKey)), baton)).map((baton) => ({ ...baton, identifiers })),
        remove: oldDropped.filter((baton) => !newKeys.has(droppedKey(baton, baton.personKey))),
      };
      const current = stored.get(personKey);
      const next = { personKey, identifiers, orders: nextOrders, configs: usedConfigs, contributions, listed, dropped: projection.dropped };
      // A closed month's cells stay as closed: their change is posted in the first open month (docs/contract.md#closing-a-month).
      const reason = options.reason ?? 'reattribution';
      const diverted = periods ? divert(delta, periods, reason) : { delta, posted: [] };
      const postedAt = (options.now?.() ?? new Date()).toISOString();
      const adjustments: PostedAdjustment[] = diverted.posted.map(({ originalPeriod, cells }) => ({
        adjustmentId: `${personKey}#${(current?.version ?? 0) + 1}#${originalPeriod}`,
        postedMonth: firstOpenMonth(periods!)!,
        postedDay: postingDay(periods!)!,
        originalPeriod,
        reason,
        postedAt,
        personKey,
        cells,
      }));
      const unchanged =
        current &&
        retired.length === 0 &&
        attributions.length === 0 &&
        Object.keys(delta).length === 0 &&
        put.length === 0 &&
        remove.length === 0 &&
        dropped.add.length === 0 &&
        dropped.remove.length === 0 &&
        sameContent({ ...current, version: 0 }, { ...next, version: 0 });
      if (unchanged) return { personKey, changed: false, orders: orderRefs.length };
      const saved = await deps.projections.save(tenantId, {
        projection: next,
        expectedVersion: current?.version ?? 0,
        retired,
        attributions,
        delta: diverted.delta,
        listings: { put, remove },
        dropped,
        // Read: nothing changed since. Not read: no month the change touches is closed.
        periods: periods ? { version: periods.version } : { openFrom: earliestMonthOf(delta) },
        adjustments,
      });
      if (saved === 'stale') recordProjectionConflict();
      if (saved === 'stale') readPeriods = true;
      return saved === 'stale' ? TRY_AGAIN : { personKey, changed: true, orders: orderRefs.length };
    },
    { what: 'Projecting a person' },
  );
  for (const heir of new Set(heirs)) await refreshPerson(deps, tenant, [heir], options);
  return outcome;
}

const configHashes = new WeakMap<AttributionConfig, string>();
/** A config's content hash, computed once per config read (a recompute projects thousands of people under one). */
function configHash(config: AttributionConfig): string {
  let hash = configHashes.get(config);
  if (hash === undefined) configHashes.set(config, (hash = contentHash(config)));
  return hash;
}

/** Rounds of `readPerson` before it starts again: the first walk finds everyone, unless links arrive meanwhile. */
const READ_ROUNDS = 3;

/**
 * Steps 1 and 2 of `refreshPerson`: the projections of the ids known, then
 * the history, until the history's walk of links names no id beyond them.
 * A person the seeds name whole (an anonymous visitor, a guest's order)
 * costs one read of projections (gathered with others') and one of history;
 * no read of links alone comes first, as it once did for everyone.
 */
async function readPerson(deps: ProjectionDeps, tenantId: string, seeds: readonly Identifier[], readPeriods: boolean) {
  let identifiers = [...new Set(seeds)].sort();
  for (let round = 0; round < READ_ROUNDS; round += 1) {
    const stored = await deps.projections.getProjections(tenantId, identifiers);
    const unfinished = [...stored.values()].find((projection) => projection.pending);
    if (unfinished) {
      await deps.projections.finishPending(tenantId, unfinished.personKey);
      return TRY_AGAIN;
    }
    const [records, periods] = await Promise.all([deps.records.personRecords(tenantId, identifiers), readPeriods ? deps.periods.state(tenantId) : undefined]);
    if (sameSet(records.identifiers, identifiers)) return { identifiers, stored, records, periods };
    identifiers = records.identifiers;
  }
  return TRY_AGAIN;
}

/** The earliest month a change of the rollups touches (none: a month no day is in). */
function earliestMonthOf(delta: Contributions): string {
  let earliest = '9999-12';
  for (const id of Object.keys(delta)) {
    const month = cells.dayOf(id).slice(0, 7);
    if (month < earliest) earliest = month;
  }
  return earliest;
}

/** A record that changed someone's history, as the table's stream shows it. */
export type ProjectionTrigger = { kind: 'person'; identifiers: Identifier[] } | { kind: 'transaction'; transaction: Pick<StoredTransaction, 'transactionId' | 'kind' | 'orderId' | 'identifiers'> };

/** The person a transaction belongs to: an order's buyer, an adjustment's order's buyer (once the order is known). */
async function seedsOf(deps: ProjectionDeps, tenantId: string, trigger: ProjectionTrigger): Promise<Identifier[]> {
  if (trigger.kind === 'person') return trigger.identifiers;
  const { transaction } = trigger;
  if (transaction.kind === 'order') return transaction.identifiers;
  const settlement = await deps.records.getSettlement(tenantId, transaction.orderId!);
  const orderId = settlement.redirect ?? (settlement.order ? transaction.orderId! : undefined);
  const order = orderId ? await deps.records.getTransaction(tenantId, orderId) : undefined;
  return [...(order?.identifiers ?? []), ...transaction.identifiers];
}

/**
 * Projects each person a batch of records touched once: records of one
 * person (sharing an id, however many the batch holds — a Shopify order's
 * transaction, landing visit and links) make one projection. Returns, per
 * group, the records it came from and its outcome or error.
 */
export async function projectRecords<R>(deps: ProjectionDeps, tenant: TenantRecord, triggers: ReadonlyArray<{ record: R; trigger: ProjectionTrigger }>, options: ProjectOptions = {}) {
  const seeded = await Promise.all(triggers.map(async ({ record, trigger }) => ({ record, trigger, seeds: await seedsOf(deps, tenant.tenantId, trigger) })));
  // Union-find over ids: records that share an id are one person's.
  const parent = new Map<string, string>();
  const find = (id: string): string => {
    let root = id;
    while (parent.get(root) !== root) root = parent.get(root)!;
    parent.set(id, root);
    return root;
  };
  for (const { seeds } of seeded) {
    for (const id of seeds) if (!parent.has(id)) parent.set(id, id);
    for (const id of seeds.slice(1)) parent.set(find(id), find(seeds[0]!));
  }
  const groups = new Map<string, { seeds: Set<Identifier>; records: R[]; transactions: boolean }>();
  for (const { record, seeds, trigger } of seeded) {
    if (seeds.length === 0) continue;
    const root = find(seeds[0]!);
    const group = groups.get(root) ?? { seeds: new Set<Identifier>(), records: [], transactions: false };
    for (const id of seeds) group.seeds.add(id);
    group.records.push(record);
    group.transactions ||= trigger.kind === 'transaction';
    groups.set(root, group);
  }
  return mapPooled([...groups.values()], PEOPLE_AT_ONCE, async (group) => {
    try {
      // A record that arrived late moves a closed month as a late transaction; a touch, stage or link re-attributes.
      const reason = options.reason ?? (group.transactions ? 'late_transaction' : 'reattribution');
      return { records: group.records, outcome: await refreshPerson(deps, tenant, [...group.seeds], { ...options, reason }) };
    } catch (error) {
      return { records: group.records, error };
    }
  });
}

/**
 * People of one batch projected at once: enough to keep DynamoDB busy, few
 * enough that a batch of 100 (or a recompute's ten tasks) does not open a
 * connection per person (the SDK then times the connections out).
 */
const PEOPLE_AT_ONCE = 16;

/**
 * The tenant's pending rollup deltas added to its cells, where the work that asks for it is already
 * done (a month closed, a recompute's day projected): a failure leaves them to the stream's applier, a
 * moment later, rather than failing that work.
 */
export async function applyRollupDeltasOrLeave(projections: Pick<ProjectionStore, 'applyRollupDeltas'>, tenantId: string, context: Record<string, unknown>): Promise<void> {
  await projections.applyRollupDeltas(tenantId).catch((error: unknown) => logger.warn('Rollup deltas left to the stream’s applier', { tenantId, ...context, error: error as Error }));
}

/** Tenants swept at once: each costs one read when nothing waits. */
const TENANTS_AT_ONCE = 8;

/**
 * The rollup sweep, on a schedule: every tenant's rollup deltas still waiting are added to their cells.
 * The stream's applier adds a tenant's deltas as they are saved, and any it leaves (its batch kept
 * failing and went to the dead-letter queue) with the tenant's next write; this catches those of a
 * tenant that writes nothing more, so that no figure misses them for long. One Query per tenant when
 * nothing waits; a tenant that fails is logged and left to the next sweep, the others go on.
 */
export async function sweepRollupDeltas(deps: {
  tenants: Pick<TenantStore, 'listTenantIds'>;
  projections: Pick<ProjectionStore, 'applyRollupDeltas'>;
}): Promise<{ tenants: number; applied: number; failed: string[] }> {
  const tenantIds = await deps.tenants.listTenantIds();
  const failed: string[] = [];
  const applied = await mapPooled(tenantIds, TENANTS_AT_ONCE, async (tenantId) => {
    try {
      const result = await deps.projections.applyRollupDeltas(tenantId);
      recordRollupDeltas(result.applied, result.conflicts);
      return result.applied;
    } catch (error) {
      logger.error('Sweeping rollup deltas failed; the next sweep tries again', { tenantId, error: error as Error });
      failed.push(tenantId);
      return 0;
    }
  });
  return { tenants: tenantIds.length, applied: applied.reduce((total, count) => total + count, 0), failed: failed.sort() };
}
