import type { ExportedTransaction, TransactionTimeline } from '../exports/ports.ts';
import type { Identifier } from '../identity/identity.ts';
import type { RecordStore } from '../recording/ports.ts';
import type { TransactionKind } from '../recording/transactions.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { calendarOf } from '../tenants/use-cases.ts';
import { addMonths, lastDayOfMonth } from '../time/days.ts';
import type { AdjustmentReason, Closing, PeriodsState } from './periods.ts';
import type { PeriodStore } from './ports.ts';

/**
 * A closed month's export, and the adjustment lines of the months after it
 * (docs/contract.md#closing-a-month). Closing a month freezes its export:
 * every line as it was, with the adjustment lines posted in it, in the
 * export's order, never written again; its export is read from that copy,
 * byte for byte. A later change of one of its transactions (a late
 * refund, a late touch that moves its credit, a new rate) is posted in the
 * first open month as adjustment lines: the line as the books hold it,
 * reversed, and the line as it is now, each signed by what it does to
 * revenue. Which transactions changed is what the projection's adjustments
 * say (their person and month); what the books hold for one is its frozen
 * line, or what a later closing booked for it.
 */

/** What the export needs beyond the timeline once a month has closed. */
export interface PeriodExportDeps {
  timeline: TransactionTimeline;
  periods: PeriodStore;
  records: Pick<RecordStore, 'linkedIdentifiers' | 'personRecords' | 'getSettlements' | 'getTransaction'>;
}

/** The fields an adjustment line adds to an export line. */
export interface AdjustmentFields {
  originalPeriod: string;
  reason: AdjustmentReason;
  /** The kind of the transaction it adjusts. */
  adjusts: TransactionKind;
}

/** An export line as these functions handle it: the export module's line, JSON-safe. */
export type AnyLine = Record<string, unknown> & { transactionId: string; kind: string; occurredAt: string; day: string };

/** A line and its place in the export's order. */
export interface KeyedLine<L> {
  key: string;
  line: L;
  /** Live lines: when the transaction was recorded (a paged export leaves out what came after its first page). */
  recordedAt?: string;
}

/** The closing in force of a month: its last, unless reopened. */
export function closingOf(state: PeriodsState, month: string): Closing | undefined {
  if (!state.closedThrough || month > state.closedThrough) return undefined;
  const closing = state.closings.filter((one) => one.month === month).at(-1);
  return closing && !closing.reopenedAt ? closing : undefined;
}

const closingName = (closing: Pick<Closing, 'month' | 'version'>) => `${closing.month}#v${closing.version}`;

function inForce(state: PeriodsState, name: string): boolean {
  const [month, version] = name.split('#v');
  const closing = closingOf(state, month!);
  return closing !== undefined && closing.version === Number(version);
}

/** A line as the books compare it: without its day, which depends on the zone an export is read in. */
const bookable = (line: AnyLine | null): string | null => {
  if (!line) return null;
  const { day: _day, ...rest } = line;
  return JSON.stringify(rest);
};

const AMOUNT_FIELDS = ['gross', 'discount', 'net', 'tax', 'shipping', 'total', 'reportingNet', 'reportingTotal'] as const;

/** An adjustment line from a transaction's line: signed by what it does to revenue (orders add, refunds and cancellations take away), negated for a reversal. */
function adjustmentLine(line: AnyLine, reversal: boolean, fields: Omit<AdjustmentFields, 'adjusts'>, postedMonth: string): AnyLine {
  const sign = (line.kind === 'order' ? 1 : -1) * (reversal ? -1 : 1);
  const signed: AnyLine = { ...line, kind: 'adjustment', day: `${postedMonth}-01`, originalPeriod: fields.originalPeriod, reason: fields.reason, adjusts: line.kind };
  for (const field of AMOUNT_FIELDS) if (typeof line[field] === 'number') signed[field] = (line[field] as number) * sign || 0;
  return signed;
}

/** The key of the n-th adjustment line of a month: before the month's first transaction, after the month before's last. */
export const adjustmentKey = (monthStart: string, n: number) => `${monthStart}!adj#${String(n).padStart(6, '0')}`;

/**
 * The adjustment lines posted in `postedMonth` (an open month after a
 * closed one), in the order their changes were posted, with what the books
 * will hold for each transaction once the month closes.
 */
export async function adjustmentLines(
  deps: PeriodExportDeps,
  tenant: TenantRecord,
  state: PeriodsState,
  postedMonth: string,
  lineOf: (transaction: ExportedTransaction) => AnyLine,
): Promise<Array<KeyedLine<AnyLine> & { booking: { month: string; version: number; key: string; line: string | null } }>> {
  const calendar = calendarOf(tenant);
  const monthStart = new Date(calendar.dayRange(`${postedMonth}-01`, `${postedMonth}-01`).start).toISOString();
  const posted = await deps.periods.adjustments(tenant.tenantId, postedMonth);
  // Each person's changes of each closed month: a line the books held changed for the latest reason other than a late transaction, if any.
  const changes = new Map<string, { personKey: string; originalPeriod: string; reason: AdjustmentReason }>();
  for (const adjustment of posted) {
    const id = `${adjustment.personKey}|${adjustment.originalPeriod}`;
    if (!changes.has(id) || adjustment.reason !== 'late_transaction') changes.set(id, adjustment);
  }
  const lines: Array<KeyedLine<AnyLine> & { booking: { month: string; version: number; key: string; line: string | null } }> = [];
  const seen = new Set<string>();
  for (const { personKey, originalPeriod, reason } of changes.values()) {
    const closing = closingOf(state, originalPeriod);
    if (!closing) continue;
    const ids = await deps.records.linkedIdentifiers(tenant.tenantId, [personKey as Identifier]);
    const records = await deps.records.personRecords(tenant.tenantId, ids);
    const orderIds = records.transactions.filter((ref) => ref.kind === 'order').map((ref) => ref.transactionId);
    const settlements = await deps.records.getSettlements(tenant.tenantId, orderIds);
    const candidates = new Map<string, string>();
    for (const ref of records.transactions) candidates.set(ref.transactionId, ref.occurredAt);
    for (const settlement of settlements.values()) for (const entry of settlement.adjustments ?? []) candidates.set(entry.transactionId, entry.occurredAt);
    const inMonth = [...candidates].filter(([id, at]) => !seen.has(id) && calendar.dayOf(at).slice(0, 7) === originalPeriod).sort(([a, x], [b, y]) => (x < y ? -1 : x > y ? 1 : a < b ? -1 : 1));
    const keys = inMonth.map(([id, at]) => ({ id, key: deps.timeline.position({ occurredAt: at, transactionId: id }) }));
    const booked = await deps.periods.bookedLines(
      tenant.tenantId,
      keys.map(({ key }) => ({ month: originalPeriod, version: closing.version, key })),
    );
    for (const { id, key } of keys) {
      seen.add(id);
      const transaction = await deps.records.getTransaction(tenant.tenantId, id);
      const live = transaction ? lineOf(transaction as ExportedTransaction) : null;
      const record = booked.get(`${originalPeriod}|${closing.version}|${key}`);
      let held: string | null = record?.line === undefined ? null : bookable(JSON.parse(record.line) as AnyLine);
      for (const booking of record?.booked ?? []) if (inForce(state, booking.in)) held = booking.line;
      const now = bookable(live);
      if (held === now) continue;
      // A transaction the books did not hold arrived late; one they held changed for the person's reason.
      const fields = { originalPeriod, reason: held === null ? ('late_transaction' as const) : reason };
      if (held)
        lines.push({
          key: '',
          line: adjustmentLine({ ...(JSON.parse(held) as AnyLine), day: '' }, true, fields, postedMonth),
          booking: { month: originalPeriod, version: closing.version, key, line: now },
        });
      if (live) lines.push({ key: '', line: adjustmentLine(live, false, fields, postedMonth), booking: { month: originalPeriod, version: closing.version, key, line: now } });
    }
  }
  return lines.map((line, n) => ({ ...line, key: adjustmentKey(monthStart, n) }));
}

/** The tenant-calendar months `[start, end)` overlaps, with each one's part of it. */
function monthsOf(tenant: TenantRecord, start: number, end: number): Array<{ month: string; monthStart: number; from: number; to: number }> {
  const calendar = calendarOf(tenant);
  const months = [];
  for (let month = calendar.dayOf(start).slice(0, 7); ; month = addMonths(month, 1)) {
    const range = calendar.dayRange(`${month}-01`, lastDayOfMonth(month));
    if (range.start >= end) break;
    months.push({ month, monthStart: range.start, from: Math.max(start, range.start), to: Math.min(end, range.end) });
  }
  return months;
}

/**
 * Every line of `[start, end)` after `after`, in the export's order: a
 * closed month's from its frozen copy, an open month's live, opened by the
 * adjustment lines posted in it.
 */
export async function* periodLines(
  deps: PeriodExportDeps,
  tenant: TenantRecord,
  state: PeriodsState,
  range: { start: number; end: number; after?: string | undefined },
  lineOf: (transaction: ExportedTransaction) => AnyLine,
  dayOf: (at: string) => string,
): AsyncIterable<KeyedLine<AnyLine>> {
  const iso = (at: number) => new Date(at).toISOString();
  for (const { month, monthStart, from, to } of monthsOf(tenant, range.start, range.end)) {
    const closing = closingOf(state, month);
    if (closing) {
      for await (const frozen of deps.periods.frozenLines(tenant.tenantId, month, closing.version, { from: iso(from), to: iso(to), after: range.after })) {
        const line = JSON.parse(frozen.line) as AnyLine;
        yield { key: frozen.key, line: line.kind === 'adjustment' ? line : { ...line, day: dayOf(line.occurredAt) } };
      }
      continue;
    }
    if (state.closedThrough && monthStart >= range.start && monthStart < range.end) {
      for (const adjustment of await adjustmentLines(deps, tenant, state, month, lineOf)) if (!range.after || adjustment.key > range.after) yield adjustment;
    }
    for await (const transaction of deps.timeline.between(tenant.tenantId, iso(from), iso(to), range.after)) {
      yield { key: deps.timeline.position(transaction), line: lineOf(transaction), recordedAt: transaction.recordedAt };
    }
  }
}

/**
 * Freezes a month's export as it closes (before its state says closed, so
 * a closing that fails leaves nothing in force): the adjustment lines posted
 * in it and its own lines, and for each transaction an adjustment line
 * moved, what the books now hold.
 */
export async function freezeMonth(
  deps: PeriodExportDeps,
  tenant: TenantRecord,
  state: PeriodsState,
  closing: Pick<Closing, 'month' | 'version'>,
  lineOf: (transaction: ExportedTransaction) => AnyLine,
): Promise<number> {
  const calendar = calendarOf(tenant);
  const { start, end } = calendar.dayRange(`${closing.month}-01`, lastDayOfMonth(closing.month));
  const adjustments = state.closedThrough ? await adjustmentLines(deps, tenant, state, closing.month, lineOf) : [];
  const lines = adjustments.map(({ key, line }) => ({ key, line: JSON.stringify(line) }));
  for await (const transaction of deps.timeline.between(tenant.tenantId, new Date(start).toISOString(), new Date(end).toISOString())) {
    lines.push({ key: deps.timeline.position(transaction), line: JSON.stringify(lineOf(transaction)) });
  }
  await deps.periods.freeze(tenant.tenantId, closing.month, closing.version, lines);
  const bookings = new Map(adjustments.map(({ booking }) => [`${booking.month}|${booking.key}`, { ...booking, in: closingName(closing) }]));
  await deps.periods.book(tenant.tenantId, [...bookings.values()]);
  return lines.length;
}
