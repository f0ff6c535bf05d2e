import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import type { Period } from '../api/responses/common.ts';
import type { CurrencySummary } from '../api/responses/exports.ts';
import type { HEURISTIC_MODELS } from '../attribution/models.ts';
import { ConflictError, ValidationError } from '../errors.ts';
import { formatAmount } from '../money/money.ts';
import { type AdjustmentFields, type AnyLine, closingOf, type KeyedLine, type PeriodExportDeps, periodLines } from '../periods/closed-export.ts';
import { NO_PERIODS } from '../periods/periods.ts';
import { CurrencyQuerySchema, currencyModeOf, reportingFields } from '../read-models/currency.ts';
import type { MissingRate } from '../read-models/rollups.ts';
import type { CountStatus } from '../recording/settlement.ts';
import type { Amounts, TransactionKind } from '../recording/transactions.ts';
import type { TenantRecord } from '../tenants/ports.ts';
import { calendarOf } from '../tenants/use-cases.ts';
import { ReportingCalendar } from '../time/calendar.ts';
import { addMonths, DaySchema, localDateTime, periodCheck, TimezoneSchema } from '../time/days.ts';
import { csvRecords } from './csv.ts';
import type { ExportedTransaction, TransactionTimeline } from './ports.ts';

export const MAX_EXPORT_LIMIT = 10_000;
export const MAX_EXPORT_DAYS = 366;
export const EXPORT_FORMATS = ['csv', 'ndjson'] as const;
/** `raw`: minor units, UTC instants (for scripts; the default). `excel`: a CSV Excel opens as it is, see `EXCEL_COLUMNS`. */
export const EXPORT_FLAVORS = ['raw', 'excel'] as const;

const checkPeriod = periodCheck(MAX_EXPORT_DAYS);

export const ExportQuerySchema = z
  .object({
    from: DaySchema,
    to: DaySchema,
    format: z.enum(EXPORT_FORMATS).default('csv'),
    flavor: z.enum(EXPORT_FLAVORS).default('raw').describe('CSV only. raw: minor units and UTC instants, for scripts; excel: a byte-order mark, decimal amounts and local date-times'),
    tz: TimezoneSchema.optional(),
    limit: z.coerce.number().int().min(1).max(MAX_EXPORT_LIMIT).optional(),
    cursor: z.string().min(1).max(2048).optional(),
    /** CSV only: start with a UTF-8 byte-order mark, so Excel reads the file as UTF-8 (default: only with `flavor=excel`). */
    bom: z.enum(['true', 'false']).optional().describe('CSV only: start with a UTF-8 byte-order mark (default true with flavor=excel, false otherwise)'),
  })
  .strict()
  .superRefine(checkPeriod)
  .superRefine((query, ctx) => {
    if (query.flavor === 'excel' && query.format !== 'csv') ctx.addIssue({ code: 'custom', path: ['flavor'], message: 'the excel flavor is a CSV: leave format as csv' });
  })
  .transform(({ bom, ...query }) => ({ ...query, bom: bom === undefined ? query.flavor === 'excel' : bom === 'true' }));
export type ExportQuery = z.infer<typeof ExportQuerySchema>;

export const SummaryQuerySchema = z.object({ from: DaySchema, to: DaySchema, tz: TimezoneSchema.optional(), currency: CurrencyQuerySchema }).strict().superRefine(checkPeriod);

/**
 * One export line (docs/contract.md#finance-exports); amounts in minor units, refunds and
 * cancellations positive on their own kind. The amounts are what Baton
 * counts (`status` counted): a cancellation shows what it reversed after
 * the order's refunds; a refund waiting for its order (`pending`) or one
 * that cannot count against it (`conflict`) shows zeros.
 */
export interface ExportLine extends Amounts {
  transactionId: string;
  provider: string;
  externalId: string;
  kind: string;
  status: CountStatus;
  orderId: string | null;
  occurredAt: string;
  /** The day of `occurredAt` in the export's time zone (`tz`, or the tenant's calendar). */
  day: string;
  currency: string;
  salesChannel: string;
  rep: string | null;
  sourcedBy: string | null;
  boundaryAt: string | null;
  model: string;
  topCampaign: string | null;
  topChannel: string | null;
}

/**
 * A line in the tenant's reporting currency (docs/contract.md#one-reporting-currency),
 * only when it has one: the export of a tenant without one keeps its columns.
 */
export interface ReportingColumns {
  reportingCurrency: string;
  /** The rate the line was converted at (its order's day's), null when none could be used or it is not converted yet. */
  rate: string | null;
  rateDay: string | null;
  reportingNet: number | null;
  reportingTotal: number | null;
}

type Line = ExportLine & Partial<ReportingColumns> & Partial<AdjustmentFields>;

/** Which optional columns an export has: the reporting currency's, and (once the tenant has closed a month) the adjustments'. */
export interface ExportColumns {
  reporting: boolean;
  periods: boolean;
}

const AMOUNTS = ['gross', 'discount', 'net', 'tax', 'shipping', 'total'] as const;
/** A CSV column of the export: its name and its cell for a line (`timezone`: the zone the line's day is counted in). */
interface ExportColumn {
  name: string;
  value(line: Line, timezone: string): string | number;
}

const column = (name: string, value: ExportColumn['value']): ExportColumn => ({ name, value });
const orEmpty = (value: string | null) => value ?? '';

/** What both flavors start with: the transaction and what Baton counts of it. */
const IDENTITY_COLUMNS = [
  column('transactionId', (line) => line.transactionId),
  column('provider', (line) => line.provider),
  column('externalId', (line) => line.externalId),
  column('kind', (line) => line.kind),
  column('status', (line) => line.status),
  column('orderId', (line) => orEmpty(line.orderId)),
];
/** The amounts as decimal strings, exact, as the money module formats them. */
const DECIMAL_COLUMNS = AMOUNTS.map((amount) => column(`${amount}Decimal`, (line) => formatAmount(line[amount], line.currency)));
const SALES_COLUMNS = [column('salesChannel', (line) => line.salesChannel), column('rep', (line) => orEmpty(line.rep)), column('sourcedBy', (line) => orEmpty(line.sourcedBy))];
const TOP_COLUMNS = [column('model', (line) => line.model), column('topCampaign', (line) => orEmpty(line.topCampaign)), column('topChannel', (line) => orEmpty(line.topChannel))];
const orBlank = (value: number | null | undefined) => value ?? '';
const REPORTING_COLUMNS = [column('reportingCurrency', (line) => line.reportingCurrency ?? ''), column('rate', (line) => line.rate ?? ''), column('rateDay', (line) => line.rateDay ?? '')];
/** The reporting amounts as decimals (the Excel flavor's, and beside the raw ones). */
const reportingDecimal = (amount: 'reportingNet' | 'reportingTotal') =>
  column(`${amount}Decimal`, (line) => (line[amount] === null || line[amount] === undefined || !line.reportingCurrency ? '' : formatAmount(line[amount], line.reportingCurrency)));

/** `flavor=raw`: minor units first, then their decimals; instants in UTC (ISO 8601). */
const RAW_COLUMNS: ExportColumn[] = [
  ...IDENTITY_COLUMNS,
  column('occurredAt', (line) => line.occurredAt),
  column('day', (line) => line.day),
  column('currency', (line) => line.currency),
  ...AMOUNTS.map((amount) => column(amount, (line) => line[amount])),
  ...DECIMAL_COLUMNS,
  ...SALES_COLUMNS,
  column('boundaryAt', (line) => orEmpty(line.boundaryAt)),
  ...TOP_COLUMNS,
];
const RAW_REPORTING_COLUMNS: ExportColumn[] = [
  ...REPORTING_COLUMNS,
  column('reportingNet', (line) => orBlank(line.reportingNet)),
  column('reportingTotal', (line) => orBlank(line.reportingTotal)),
  reportingDecimal('reportingNet'),
  reportingDecimal('reportingTotal'),
];

/**
 * `flavor=excel`: the raw columns a spreadsheet needs, amounts only as
 * decimals and instants on the wall clock of the line's `timezone`
 * (`YYYY-MM-DD HH:MM:SS`, which Excel reads as a date-time). A name the raw
 * file also has means the same there.
 */
const EXCEL_EXPORT_COLUMNS: ExportColumn[] = [
  ...IDENTITY_COLUMNS,
  column('occurredAtLocal', (line, timezone) => localDateTime(line.occurredAt, timezone)),
  column('day', (line) => line.day),
  column('timezone', (_line, timezone) => timezone),
  column('currency', (line) => line.currency),
  ...DECIMAL_COLUMNS,
  ...SALES_COLUMNS,
  column('boundaryAtLocal', (line, timezone) => (line.boundaryAt ? localDateTime(line.boundaryAt, timezone) : '')),
  ...TOP_COLUMNS,
];
const EXCEL_REPORTING_COLUMNS: ExportColumn[] = [...REPORTING_COLUMNS, reportingDecimal('reportingNet'), reportingDecimal('reportingTotal')];
/** An adjustment line's (docs/contract.md#closing-a-month): the month it belongs to, why, and the kind of what it adjusts; empty on other lines. */
const PERIOD_COLUMNS: ExportColumn[] = [column('originalPeriod', (line) => line.originalPeriod ?? ''), column('reason', (line) => line.reason ?? ''), column('adjusts', (line) => line.adjusts ?? '')];
export const PERIOD_CSV_COLUMNS = PERIOD_COLUMNS.map((one) => one.name);

export const CSV_COLUMNS = RAW_COLUMNS.map((one) => one.name);
export const EXCEL_COLUMNS = EXCEL_EXPORT_COLUMNS.map((one) => one.name);
/** Appended to each flavor's columns when the tenant has a reporting currency. */
export const REPORTING_CSV_COLUMNS = RAW_REPORTING_COLUMNS.map((one) => one.name);
export const REPORTING_EXCEL_COLUMNS = EXCEL_REPORTING_COLUMNS.map((one) => one.name);

/** What Baton counts of a stored transaction (items stored before settlements existed count as sent). */
export function countedOf(transaction: ExportedTransaction): { status: CountStatus; amounts: Amounts } {
  const { gross, discount, net, tax, shipping, total } = transaction;
  return { status: transaction.status ?? 'counted', amounts: transaction.counted ?? { gross, discount, net, tax, shipping, total } };
}

/**
 * A transaction in the tenant's reporting currency, as its projection
 * converted it: null amounts when no rate could be used, or when it was
 * not converted into this currency (yet: it is projected again after a
 * change of reporting currency only by a recompute).
 */
export function reportingOf(transaction: ExportedTransaction, reportingCurrency: string): ReportingColumns {
  const converted = transaction.attributionSummary?.reporting;
  if (!converted || converted.currency !== reportingCurrency || 'missing' in converted) {
    return { reportingCurrency, rate: null, rateDay: converted?.currency === reportingCurrency ? converted.rateDay : null, reportingNet: null, reportingTotal: null };
  }
  return { reportingCurrency, rate: converted.rate, rateDay: converted.rateDay, reportingNet: converted.net, reportingTotal: converted.total };
}

export function lineOf(transaction: ExportedTransaction, calendar: Pick<ReportingCalendar, 'dayOf'>, model: (typeof HEURISTIC_MODELS)[number], reportingCurrency?: string | null): Line {
  const summary = transaction.attributionSummary;
  const top = summary?.top[model] ?? null;
  const { status, amounts } = countedOf(transaction);
  return {
    transactionId: transaction.transactionId,
    provider: transaction.provider,
    externalId: transaction.externalId,
    kind: transaction.kind,
    status,
    orderId: transaction.orderId ?? null,
    occurredAt: transaction.occurredAt,
    day: calendar.dayOf(transaction.occurredAt),
    currency: transaction.currency,
    ...amounts,
    salesChannel: transaction.salesChannel,
    rep: transaction.rep ?? null,
    sourcedBy: summary?.sourcedBy ?? null,
    boundaryAt: summary?.boundaryAt ?? null,
    model,
    topCampaign: top?.campaign ?? null,
    topChannel: top?.channel ?? null,
    ...(reportingCurrency ? reportingOf(transaction, reportingCurrency) : {}),
  };
}

const columnsOf = (base: ExportColumn[], reporting: ExportColumn[], line: Line) => (line.reportingCurrency === undefined ? base : [...base, ...reporting]);

/** `reporting`: the tenant has a reporting currency, and its lines its columns. */
export function csvHeader(reporting = false, periods = false): string {
  return csvRecords([[...CSV_COLUMNS, ...(reporting ? REPORTING_CSV_COLUMNS : []), ...(periods ? PERIOD_CSV_COLUMNS : [])]]);
}

export function csvLine(line: Line): string {
  return csvRecords([columnsOf(RAW_COLUMNS, RAW_REPORTING_COLUMNS, line).map((one) => one.value(line, ''))]);
}

export function excelHeader(reporting = false, periods = false): string {
  return csvRecords([[...EXCEL_COLUMNS, ...(reporting ? REPORTING_EXCEL_COLUMNS : []), ...(periods ? PERIOD_CSV_COLUMNS : [])]]);
}

/** A line's CSV record with exactly an export's columns (a line frozen before a column existed leaves it empty). */
function csvRecordOf(line: Line, columns: ExportColumns, excel: boolean, timezone: string): string {
  const chosen = [...(excel ? EXCEL_EXPORT_COLUMNS : RAW_COLUMNS), ...(columns.reporting ? (excel ? EXCEL_REPORTING_COLUMNS : RAW_REPORTING_COLUMNS) : []), ...(columns.periods ? PERIOD_COLUMNS : [])];
  return csvRecords([chosen.map((one) => one.value(line, timezone))]);
}

/** A line of the Excel flavor; `timezone` is the zone its `day` is counted in. */
export function excelLine(line: Line, timezone: string): string {
  return csvRecords([columnsOf(EXCEL_EXPORT_COLUMNS, EXCEL_REPORTING_COLUMNS, line).map((one) => one.value(line, timezone))]);
}

/** NDJSON carries the same fields as CSV: minor units and the decimal strings beside them. */
export function ndjsonLine(line: Line): string {
  const decimals = Object.fromEntries(DECIMAL_COLUMNS.map((one) => [one.name, one.value(line, '')]));
  return `${JSON.stringify({ ...line, ...decimals })}\n`;
}

interface CursorPayload {
  /** The timeline's position of the last line given. */
  after: string;
  /** Only transactions recorded up to this instant: a paged export is one consistent snapshot. */
  asOf: string;
  from: string;
  to: string;
  tz: string;
}

const sign = (key: string, payload: string) => createHmac('sha256', key).update(payload).digest('base64url');

export function encodeCursor(tenant: Pick<TenantRecord, 'cursorKey' | 'tenantId'>, payload: CursorPayload): string {
  // Reads never write: a tenant from before signed cursors is migrated once by `npm run tenant -- migrate`.
  if (!tenant.cursorKey) throw new ConflictError(`Tenant ${tenant.tenantId} has no cursor key yet: run npm run tenant -- migrate ${tenant.tenantId}.`);
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${sign(tenant.cursorKey, body)}`;
}

const invalidCursor = () =>
  new ValidationError('The cursor is not one this listing gave.', [{ path: 'query.cursor', message: 'invalid, forged, or another listing’s or period’s cursor', code: 'invalid_cursor' }]);

export function decodeCursor(tenant: Pick<TenantRecord, 'cursorKey'>, cursor: string, expected: Pick<CursorPayload, 'from' | 'to' | 'tz'>): CursorPayload {
  const [body, mac] = cursor.split('.');
  if (!body || !mac || !tenant.cursorKey) throw invalidCursor();
  const given = Buffer.from(mac, 'base64url');
  const wanted = Buffer.from(sign(tenant.cursorKey, body), 'base64url');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw invalidCursor();
  const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  if (payload.from !== expected.from || payload.to !== expected.to || payload.tz !== expected.tz) throw invalidCursor();
  return payload;
}

/** What an export reads: the timeline, and once the tenant closes months, its closed exports and the records behind their adjustments. */
export type ExportDeps = { timeline: TransactionTimeline } & Partial<PeriodExportDeps>;

/**
 * The columns of an export: a range of closed months only is written with
 * the columns it closed with (so its bytes never change); any other with
 * the tenant's current ones.
 */
function columnsFor(tenant: TenantRecord, state: typeof NO_PERIODS, range: { start: number; end: number }): ExportColumns {
  const current = { reporting: Boolean(tenant.config.reportingCurrency), periods: state.closings.length > 0 };
  const calendar = calendarOf(tenant);
  const months = new Set<string>();
  for (let day = calendar.dayOf(range.start); ; ) {
    months.add(day.slice(0, 7));
    const next = `${addMonths(day.slice(0, 7), 1)}-01`;
    if (calendar.dayRange(next, next).start >= range.end) break;
    day = next;
  }
  const closings = [...months].map((month) => closingOf(state, month));
  if (closings.some((closing) => !closing || closing.reporting === undefined)) return current;
  const reporting = closings[0]!.reporting!;
  return closings.every((closing) => closing!.reporting === reporting) ? { reporting, periods: true } : current;
}

/** The lines of `[start, end)` after `after`, in the export's order, and the columns they are written with. */
async function linesOf(deps: ExportDeps, tenant: TenantRecord, calendar: ReportingCalendar, range: { start: number; end: number; after?: string | undefined }) {
  const model = tenant.config.defaultModel;
  const lineFor = (transaction: ExportedTransaction): Line => lineOf(transaction, calendar, model, tenant.config.reportingCurrency);
  const state = deps.periods ? await deps.periods.state(tenant.tenantId) : NO_PERIODS;
  const columns = columnsFor(tenant, state, range);
  if (!columns.periods || !deps.periods || !deps.records) {
    const source = (async function* (): AsyncIterable<KeyedLine<Line>> {
      for await (const transaction of deps.timeline.between(tenant.tenantId, new Date(range.start).toISOString(), new Date(range.end).toISOString(), range.after)) {
        yield { key: deps.timeline.position(transaction), line: lineFor(transaction), recordedAt: transaction.recordedAt };
      }
    })();
    return { source, columns };
  }
  const periodDeps = { timeline: deps.timeline, periods: deps.periods, records: deps.records };
  const source = periodLines(
    periodDeps,
    tenant,
    state,
    range,
    (transaction) => lineFor(transaction) as unknown as AnyLine,
    (at) => calendar.dayOf(at),
  ) as AsyncIterable<KeyedLine<Line>>;
  return { source, columns };
}

/** The days an export counts in: the zone asked for (`tz`), or the tenant's calendar. */
function exportCalendar(tenant: TenantRecord, tz: string | undefined): ReportingCalendar {
  return tz ? ReportingCalendar.of(tz) : calendarOf(tenant);
}

/** The zone each day is counted in (the one before a tenant's zone change, or after), asked for in time order. */
function zoneOfDay(calendar: ReportingCalendar): (day: string) => string {
  if (calendar.isSingle) return () => calendar.timezone;
  let known = { day: '', timezone: calendar.timezone };
  return (day) => {
    if (day !== known.day) known = { day, timezone: calendar.spans(day, day)[0]?.timezone ?? calendar.timezone };
    return known.timezone;
  };
}

/**
 * The zone(s) a period's days are in, as an answer says it: `timezone` only
 * when one zone holds them all, and `timezones` always, so an answer never
 * claims a zone its days are not in.
 */
export function timezonesOf(calendar: Pick<ReportingCalendar, 'spans'>, from: string, to: string): Pick<Period, 'timezone' | 'timezones'> {
  const timezones = calendar.spans(from, to);
  return { ...(timezones.length === 1 ? { timezone: timezones[0]!.timezone } : {}), timezones };
}

export interface ExportPage {
  contentType: string;
  /** `attachment; filename=…`: a browser saves the export as a file. */
  contentDisposition: string;
  /** Present when more lines follow: the next page's cursor. */
  nextCursor?: string;
  /** The lines, produced as DynamoDB answers. */
  body: AsyncIterable<string>;
}

/**
 * `GET /v1/exports/transactions`: the period's orders, refunds and
 * cancellations in (occurredAt, transactionId) order. Without `limit` the
 * whole period streams; with it, one page and the cursor of the next. A
 * paged export reads the snapshot of its first page (transactions recorded
 * up to then), so pages never skip or repeat a line while new ones arrive.
 * `flavor=excel` writes the same lines for a spreadsheet (`EXCEL_COLUMNS`).
 */
export async function exportTransactions(deps: ExportDeps, tenant: TenantRecord, query: ExportQuery, now: Date = new Date()): Promise<ExportPage> {
  // A cursor is bound to the zone asked for, or to the tenant's calendar (whose past days never change).
  const tz = query.tz ?? 'tenant';
  const calendar = exportCalendar(tenant, query.tz);
  const { start, end } = calendar.dayRange(query.from, query.to);
  const position = query.cursor ? decodeCursor(tenant, query.cursor, { from: query.from, to: query.to, tz }) : undefined;
  const asOf = position?.asOf ?? now.toISOString();
  const excel = query.flavor === 'excel';
  const zoneOf = zoneOfDay(calendar);
  const { source, columns } = await linesOf(deps, tenant, calendar, { start, end, after: position?.after });
  const format = query.format === 'ndjson' ? ndjsonLine : (line: Line) => csvRecordOf(line, columns, excel, excel ? zoneOf(line.day) : '');
  const header = query.format === 'csv' ? [`${query.bom ? '\uFEFF' : ''}${excel ? excelHeader(columns.reporting, columns.periods) : csvHeader(columns.reporting, columns.periods)}`] : [];
  const contentType = query.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8';
  const contentDisposition = `attachment; filename="${tenant.tenantId}-transactions-${query.from}-to-${query.to}${excel ? '-excel' : ''}.${query.format}"`;

  async function* lines(limit: number): AsyncGenerator<{ text: string; key: string }> {
    let given = 0;
    for await (const { key, line, recordedAt } of source) {
      if (recordedAt !== undefined && recordedAt > asOf) continue;
      if (given === limit) return;
      given += 1;
      yield { text: format(line), key };
    }
  }

  if (query.limit === undefined) {
    return {
      contentType,
      contentDisposition,
      body: (async function* () {
        yield* header;
        for await (const line of lines(Infinity)) yield line.text;
      })(),
    };
  }
  // One page: its lines are held (at most `limit`) so the next cursor can go in a header.
  const page: string[] = [];
  let last: string | undefined;
  let more = false;
  for await (const line of lines(query.limit + 1)) {
    if (page.length === query.limit) {
      more = true;
      break;
    }
    page.push(line.text);
    last = line.key;
  }
  return {
    contentType,
    contentDisposition,
    ...(more && last ? { nextCursor: encodeCursor(tenant, { after: last, asOf, from: query.from, to: query.to, tz }) } : {}),
    body: (async function* () {
      yield* header;
      yield* page;
    })(),
  };
}

/** A kind's count and sums in a currency's summary (docs/contract.md#finance-exports). */
type KindSums = CurrencySummary['byKind'][TransactionKind];

const emptySums = (): KindSums => ({ count: 0, gross: 0, discount: 0, net: 0, tax: 0, shipping: 0, total: 0 });

/**
 * `GET /v1/exports/transactions/summary`: per currency, the sums of the
 * export's lines; with `currency=reporting`, beside them the sums of their
 * reporting columns, and what could not be converted.
 */
export async function summarise(deps: ExportDeps, tenant: TenantRecord, query: { from: string; to: string; tz?: string | undefined; currency?: 'reporting' | undefined }) {
  const mode = currencyModeOf(tenant, query.currency);
  const reporting = {
    orders: 0,
    refunds: 0,
    cancellations: 0,
    net: 0,
    total: 0,
    revenue: 0,
    byKind: { order: emptyReporting(), refund: emptyReporting(), cancellation: emptyReporting() },
    adjustments: emptyReporting(),
  };
  const missing: MissingRate[] = [];
  const calendar = exportCalendar(tenant, query.tz);
  const { start, end } = calendar.dayRange(query.from, query.to);
  const byCurrency = new Map<string, CurrencySummary>();
  const { source, columns } = await linesOf(deps, tenant, calendar, { start, end });
  for await (const { line } of source) {
    let sums = byCurrency.get(line.currency);
    if (!sums) {
      sums = {
        currency: line.currency,
        orders: 0,
        refunds: 0,
        cancellations: 0,
        pending: 0,
        conflicts: 0,
        gross: 0,
        discount: 0,
        net: 0,
        tax: 0,
        shipping: 0,
        total: 0,
        revenue: 0,
        byKind: { order: emptySums(), refund: emptySums(), cancellation: emptySums() },
        ...(columns.periods ? { adjustments: { ...emptySums(), byOrigin: [] } } : {}),
      };
      byCurrency.set(line.currency, sums);
    }
    const adjustment = line.kind === 'adjustment';
    const kind = line.kind as TransactionKind;
    // An adjustment line is signed by what it does to revenue; the others are positive on their own kind.
    const sign = adjustment || kind === 'order' ? 1 : -1;
    if (adjustment) {
      const into = (sums.adjustments ??= { ...emptySums(), byOrigin: [] });
      into.count += 1;
      for (const amount of AMOUNTS) into[amount] += line[amount];
      const origin = { originalPeriod: line.originalPeriod ?? '', reason: line.reason ?? 'late_transaction' };
      let byOrigin = into.byOrigin.find((one) => one.originalPeriod === origin.originalPeriod && one.reason === origin.reason);
      if (!byOrigin) into.byOrigin.push((byOrigin = { ...origin, count: 0, net: 0 }));
      byOrigin.count += 1;
      byOrigin.net += line.net;
    } else {
      if (line.status === 'pending') sums.pending += 1;
      else if (line.status === 'conflict') sums.conflicts += 1;
      else if (kind === 'order') sums.orders += 1;
      else if (kind === 'refund') sums.refunds += 1;
      else sums.cancellations += 1;
      const into = sums.byKind[kind];
      if (line.status === 'counted') into.count += 1;
      for (const amount of AMOUNTS) {
        sums[amount] += line[amount];
        into[amount] += line[amount];
      }
    }
    sums.revenue += sign * line.net;
    if (mode.kind === 'reporting' && line.status === 'counted') {
      const converted = line.reportingCurrency === mode.currency ? line : reportingOf(line as unknown as ExportedTransaction, mode.currency);
      if (converted.reportingNet === null || converted.reportingNet === undefined || converted.reportingTotal === null || converted.reportingTotal === undefined) {
        missing.push({ currency: line.currency, day: converted.rateDay ?? line.day, amount: sign * line.net, source: 'transactions' });
        continue;
      }
      const into = adjustment ? reporting.adjustments : reporting.byKind[kind];
      if (!adjustment) reporting[kind === 'order' ? 'orders' : kind === 'refund' ? 'refunds' : 'cancellations'] += 1;
      into.count += 1;
      into.net += converted.reportingNet;
      into.total += converted.reportingTotal;
      if (!adjustment) {
        reporting.net += converted.reportingNet;
        reporting.total += converted.reportingTotal;
      }
      reporting.revenue += sign * converted.reportingNet;
    }
  }
  return {
    from: query.from,
    to: query.to,
    ...timezonesOf(calendar, query.from, query.to),
    currencies: [...byCurrency.values()]
      .sort((a, b) => (a.currency < b.currency ? -1 : 1))
      .map((sums) =>
        sums.adjustments
          ? {
              ...sums,
              adjustments: {
                ...sums.adjustments,
                byOrigin: sums.adjustments.byOrigin.sort((a, b) => (a.originalPeriod < b.originalPeriod ? -1 : a.originalPeriod > b.originalPeriod ? 1 : a.reason < b.reason ? -1 : 1)),
              },
            }
          : sums,
      ),
    ...(mode.kind === 'reporting' ? { reporting: { currency: mode.currency, ...reporting } } : {}),
    ...reportingFields(mode, missing),
  };
}

const emptyReporting = () => ({ count: 0, net: 0, total: 0 });
