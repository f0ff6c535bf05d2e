import { lineOf } from '../exports/export.ts';
import type { ProjectionStore } from '../projection/ports.ts';
import { applyRollupDeltasOrLeave } from '../projection/use-cases.ts';
import { retrying, TRY_AGAIN } from '../runtime/retry.ts';
import type { SpendStore } from '../spend/ports.ts';
import type { TenantRecord, TenantStore } from '../tenants/ports.ts';
import { calendarOf, requireTenant } from '../tenants/use-cases.ts';
import { type AnyLine, freezeMonth, type PeriodExportDeps } from './closed-export.ts';
import { checkClose, checkReopen, type PeriodLine, type PeriodsState, periodLines, versionOf } from './periods.ts';
import type { PeriodStore } from './ports.ts';

export interface PeriodDeps extends PeriodExportDeps {
  tenants: TenantStore;
  periods: PeriodStore;
  projections: Pick<ProjectionStore, 'firstCountedDay' | 'applyRollupDeltas'>;
  spend: Pick<SpendStore, 'firstDay' | 'foldRestatements'>;
}

/** What GET /v1/periods answers. */
export interface PeriodsAnswer {
  currentMonth: string;
  /** The first month that can be closed: the month of the tenant's earliest transaction or spend; null before any. */
  firstCloseable: string | null;
  closedThrough: string | null;
  /** The adjustments of a reopened month still being taken back (they are while this is present). */
  takingBack?: string;
  months: PeriodLine[];
}

async function bounds(deps: PeriodDeps, tenant: TenantRecord, now: Date) {
  const [counted, spent] = await Promise.all([deps.projections.firstCountedDay(tenant.tenantId), deps.spend.firstDay(tenant.tenantId)]);
  const first = [counted, spent].filter((day): day is string => day !== undefined).sort()[0];
  return { firstCloseable: first ? first.slice(0, 7) : null, currentMonth: calendarOf(tenant).dayOf(now).slice(0, 7) };
}

/** Takes back what a reopened month had posted in later months: its restated spend, then its rollups (which clears the mark). */
async function takeBack(deps: PeriodDeps, tenantId: string, month: string, currentMonth: string, now: Date): Promise<number> {
  await deps.spend.foldRestatements(tenantId, month, now);
  return deps.periods.finishTakingBack(tenantId, currentMonth);
}

/** The state after any take-back a reopening left unfinished. */
async function settled(deps: PeriodDeps, tenantId: string, currentMonth: string, now: Date): Promise<PeriodsState> {
  const state = await deps.periods.state(tenantId);
  if (!state.takingBack) return state;
  await takeBack(deps, tenantId, state.takingBack, currentMonth, now);
  return deps.periods.state(tenantId);
}

function answer(state: PeriodsState, limits: { firstCloseable: string | null; currentMonth: string }): PeriodsAnswer {
  return {
    ...limits,
    closedThrough: state.closedThrough,
    ...(state.takingBack ? { takingBack: state.takingBack } : {}),
    months: periodLines(state, limits.firstCloseable, limits.currentMonth).reverse(),
  };
}

/** `GET /v1/periods`: every month from the first that can be closed to the current one, newest first, with who closed it and when. */
export async function listPeriods(deps: PeriodDeps, tenantId: string, now: Date = new Date()): Promise<PeriodsAnswer> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const [limits, state] = await Promise.all([bounds(deps, tenant, now), deps.periods.state(tenantId)]);
  return answer(state, limits);
}

/** `POST /v1/periods/{month}/close`: closes the month after the latest closed one (409 for any other, or the current month). */
export async function closePeriod(deps: PeriodDeps, tenantId: string, month: string, by: string, now: Date = new Date()): Promise<PeriodsAnswer> {
  const tenant = await requireTenant(deps.tenants, tenantId);
  // Projections saved before the close may still have rollup deltas waiting: the bounds count them, and they are the month's.
  await deps.projections.applyRollupDeltas(tenantId);
  const limits = await bounds(deps, tenant, now);
  const state = await retrying(
    async () => {
      const current = await settled(deps, tenantId, limits.currentMonth, now);
      checkClose(current, month, limits);
      const closing = { month, version: versionOf(current, month) + 1, closedAt: now.toISOString(), closedBy: by, reporting: Boolean(tenant.config.reportingCurrency) };
      // Its export is frozen first: a closing that then loses its race leaves a copy no state points to, written again by the next try.
      const calendar = calendarOf(tenant);
      await freezeMonth(deps, tenant, current, closing, (transaction) => lineOf(transaction, calendar, tenant.config.defaultModel, tenant.config.reportingCurrency) as unknown as AnyLine);
      return (await deps.periods.close(tenantId, closing, current.version)) === 'saved' ? deps.periods.state(tenantId) : TRY_AGAIN;
    },
    { what: 'Closing a month' },
  );
  // And any saved while it closed (before the close, or they would have failed): the month's figures are final once the close
  // answers. The month is closed by now: a failure here is never an error of the close.
  await applyRollupDeltasOrLeave(deps.projections, tenantId, { month });
  return answer(state, limits);
}

/**
 * `POST /v1/periods/{month}/reopen`: reopens the latest closed month (409
 * for any other; 422 without a reason) and takes back, into it, the
 * adjustments it had posted in the months after it.
 */
export async function reopenPeriod(deps: PeriodDeps, tenantId: string, month: string, reason: string | undefined, by: string, now: Date = new Date()) {
  const tenant = await requireTenant(deps.tenants, tenantId);
  const limits = await bounds(deps, tenant, now);
  await retrying(
    async () => {
      const current = await settled(deps, tenantId, limits.currentMonth, now);
      const why = checkReopen(current, month, reason);
      return (await deps.periods.reopen(tenantId, { month, at: now.toISOString(), by, reason: why }, current.version)) === 'saved' ? undefined : TRY_AGAIN;
    },
    { what: 'Reopening a month' },
  );
  const takenBack = await takeBack(deps, tenantId, month, limits.currentMonth, now);
  return { ...answer(await deps.periods.state(tenantId), limits), takenBack };
}
