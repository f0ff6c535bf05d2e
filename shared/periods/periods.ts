import * as z from 'zod';
import { ConflictError, UnprocessableError } from '../errors.ts';
import { type Contributions, cells } from '../projection/cells.ts';
import { encode } from '../read-models/rollups.ts';
import { ADJUSTMENT_REASONS } from '../recording/vocabulary.ts';
import { addMonths, MonthSchema } from '../time/days.ts';

/**
 * Months that stay closed (docs/contract.md#closing-a-month): a tenant
 * closes its months in order; a closed month's figures never move again.
 * What would have moved them is posted, as an adjustment, in the first open
 * month, with the month it belongs to and why; reopening the latest closed
 * month takes its adjustments back into it. Pure: the store keeps the
 * state, the projection asks it where a change goes.
 */

export { ADJUSTMENT_REASONS };
export type AdjustmentReason = (typeof ADJUSTMENT_REASONS)[number];

/** One closing of a month, and its reopening if it was reopened. */
export interface Closing {
  month: string;
  /** 1 for a month's first closing, 2 after it was reopened once, … */
  version: number;
  closedAt: string;
  closedBy: string;
  reopenedAt?: string;
  reopenedBy?: string;
  reason?: string;
  /** Whether its export has the reporting currency's columns (frozen with it, so its bytes never change). */
  reporting?: boolean;
}

export interface PeriodsState {
  /** The latest closed month; every month up to it is closed. */
  closedThrough: string | null;
  /** Bumped by every close and reopen: a projection saves only over the state it read. */
  version: number;
  closings: Closing[];
  /** A reopened month whose adjustments are still being taken back out of the months after it. */
  takingBack?: string;
}

export const NO_PERIODS: PeriodsState = { closedThrough: null, version: 0, closings: [] };

const monthOf = (day: string) => day.slice(0, 7);

export function isClosed(state: Pick<PeriodsState, 'closedThrough'>, day: string): boolean {
  return state.closedThrough !== null && monthOf(day) <= state.closedThrough;
}

/** The first month a change can go to: the month after the latest closed one. */
export function firstOpenMonth(state: Pick<PeriodsState, 'closedThrough'>): string | null {
  return state.closedThrough === null ? null : addMonths(state.closedThrough, 1);
}

/** Where adjustments are counted in the rollups: the first day of the first open month. */
export function postingDay(state: Pick<PeriodsState, 'closedThrough'>): string | null {
  const month = firstOpenMonth(state);
  return month && `${month}-01`;
}

/** The state after a closing (the store writes it over the version it read). */
export function withClosing(state: PeriodsState, closing: Closing): PeriodsState {
  return { ...state, closedThrough: closing.month, version: state.version + 1, closings: [...state.closings, closing] };
}

/** The state after the latest closed month is reopened: its closing says when, by whom and why, and its adjustments are to be taken back. */
export function withReopening(state: PeriodsState, reopening: { month: string; at: string; by: string; reason: string }): PeriodsState {
  const closings = state.closings.map((closing, i) =>
    i === state.closings.length - 1 && closing.month === reopening.month ? { ...closing, reopenedAt: reopening.at, reopenedBy: reopening.by, reason: reopening.reason } : closing,
  );
  const previous = addMonths(reopening.month, -1);
  // The month before is closed only if it was (a reopened month may be the first ever closed).
  const before = state.closings.filter((closing) => closing.month === previous).at(-1);
  const closedThrough = before && !before.reopenedAt ? previous : null;
  return { ...state, closedThrough, version: state.version + 1, closings, takingBack: reopening.month };
}

/** The version the month's current (or next) closing has. */
export function versionOf(state: Pick<PeriodsState, 'closings'>, month: string): number {
  return state.closings.filter((closing) => closing.month === month).length;
}

/** What a change of a person's rollups did to closed months: each month's part, re-addressed to the posting day. */
export interface Diverted {
  /** The change as it is written: open days as they are, closed days' cells moved to the posting day. */
  delta: Contributions;
  /** Per closed month, the cells (at their own days) whose change was posted instead. */
  posted: Array<{ originalPeriod: string; cells: Contributions }>;
}

/**
 * Splits a rollup change: cells of open days move as they are; a closed
 * day's cell is left as it was closed and its change goes to the same cell
 * (family, slice, part) of the posting day, so the closed figures plus the
 * adjustments are what the figures would be had nothing closed.
 */
export function divert(delta: Contributions, state: Pick<PeriodsState, 'closedThrough'>, reason: AdjustmentReason): Diverted {
  const day = postingDay(state);
  if (!day) return { delta, posted: [] };
  const written: Contributions = {};
  const posted = new Map<string, Contributions>();
  const add = (into: Contributions, id: string, changes: Record<string, number>) => {
    const cell = (into[id] ??= {});
    for (const [name, value] of Object.entries(changes)) {
      cell[name] = (cell[name] ?? 0) + value;
      if (cell[name] === 0) delete cell[name];
    }
    if (Object.keys(cell).length === 0) delete into[id];
  };
  for (const [id, changes] of Object.entries(delta)) {
    const address = cells.parse(id);
    if (!isClosed(state, address.day)) {
      add(written, id, changes);
      continue;
    }
    const original = monthOf(address.day);
    add((posted.get(original) ?? posted.set(original, {}).get(original)!) as Contributions, id, changes);
    add(written, cells.id({ ...address, day }), changes);
  }
  for (const [originalPeriod, moved] of posted) for (const [id, changes] of Object.entries(marksOf(moved, day, originalPeriod, reason))) add(written, id, changes);
  return { delta: written, posted: [...posted].sort(([a], [b]) => (a < b ? -1 : 1)).map(([originalPeriod, moved]) => ({ originalPeriod, cells: moved })) };
}

/**
 * What a report lists of the adjustments it counts: each posted revenue
 * change, marked in the posting day's totals cell of its currency by the
 * month it belongs to and its reason.
 */
function marksOf(moved: Contributions, postedDay: string, originalPeriod: string, reason: AdjustmentReason): Contributions {
  const marks: Contributions = {};
  for (const [id, changes] of Object.entries(moved)) {
    const address = cells.parse(id);
    if (address.family !== 'totals' || !changes.revenue) continue;
    const mark = cells.id({ ...address, day: postedDay });
    const name = encode('totals', { measure: 'adjustment', period: originalPeriod, reason });
    (marks[mark] ??= {})[name] = (marks[mark]?.[name] ?? 0) + changes.revenue;
  }
  return marks;
}

/** Taking an adjustment back: its cells out of the posting day, into their own days. */
export function takeBack(adjustment: { postedDay: string; originalPeriod: string; reason: AdjustmentReason; cells: Contributions }): Contributions {
  const moved: Contributions = {};
  for (const [id, changes] of Object.entries(marksOf(adjustment.cells, adjustment.postedDay, adjustment.originalPeriod, adjustment.reason)))
    moved[id] = Object.fromEntries(Object.entries(changes).map(([name, value]) => [name, -value]));
  for (const [id, changes] of Object.entries(adjustment.cells)) {
    moved[id] = { ...changes };
    const posted = cells.id({ ...cells.parse(id), day: adjustment.postedDay });
    const out = (moved[posted] ??= {});
    for (const [name, value] of Object.entries(changes)) out[name] = (out[name] ?? 0) - value;
  }
  return moved;
}

export const ReopenBodySchema = z.object({ reason: z.string().max(500).optional() }).strict();

/** The months GET /v1/periods lists: from the first closeable one to the current one. */
export interface PeriodLine {
  month: string;
  status: 'closed' | 'open';
  /** The version of its current closing (closed) or of its latest one (open, 0 if never closed). */
  version: number;
  closedAt: string | null;
  closedBy: string | null;
  closings: Closing[];
}

export function periodLines(state: PeriodsState, firstCloseable: string | null, currentMonth: string): PeriodLine[] {
  if (!firstCloseable) return [];
  const lines: PeriodLine[] = [];
  for (let month = firstCloseable; month <= currentMonth; month = addMonths(month, 1)) {
    const closings = state.closings.filter((closing) => closing.month === month);
    const latest = closings.at(-1);
    const closed = isClosed(state, `${month}-01`);
    lines.push({ month, status: closed ? 'closed' : 'open', version: latest?.version ?? 0, closedAt: closed ? latest!.closedAt : null, closedBy: closed ? latest!.closedBy : null, closings });
  }
  return lines;
}

/** Why a month cannot be closed now (docs/contract.md#closing-a-month), as a 409; nothing when it can. */
export function checkClose(state: PeriodsState, month: string, bounds: { firstCloseable: string | null; currentMonth: string }): void {
  const conflict = (message: string) => new ConflictError(message, [{ path: 'path.month', message, code: 'period_order' }]);
  if (month >= bounds.currentMonth) throw conflict(`${month} has not ended: the current month (${bounds.currentMonth}) and later ones cannot be closed.`);
  if (!bounds.firstCloseable || month < bounds.firstCloseable)
    throw conflict(`${month} is before the tenant’s first transaction or spend${bounds.firstCloseable ? ` (${bounds.firstCloseable})` : ''}: there is nothing to close.`);
  if (isClosed(state, `${month}-01`)) throw conflict(`${month} is closed already.`);
  const previous = addMonths(month, -1);
  if (previous >= bounds.firstCloseable && !isClosed(state, `${previous}-01`)) throw conflict(`Months close in order: close ${firstOpenMonth(state) ?? bounds.firstCloseable} first.`);
}

/** Why a month cannot be reopened (only the latest closed one can, with a reason): 422 without a reason, 409 otherwise. */
export function checkReopen(state: PeriodsState, month: string, reason: string | undefined): string {
  if (!reason?.trim()) throw new UnprocessableError('Reopening a closed month needs a reason.', [{ path: 'body.reason', message: 'say why the month is reopened', code: 'required' }]);
  if (!isClosed(state, `${month}-01`)) throw new ConflictError(`${month} is not closed.`, [{ path: 'path.month', message: 'not closed', code: 'period_order' }]);
  if (month !== state.closedThrough)
    throw new ConflictError(`Only the latest closed month (${state.closedThrough}) can be reopened: reopen the later ones first.`, [
      { path: 'path.month', message: 'not the latest closed month', code: 'period_order' },
    ]);
  return reason.trim();
}

export const PeriodMonthSchema = MonthSchema;
