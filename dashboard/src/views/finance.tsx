import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { ExportQuery } from '../../../shared/exports/export.ts';
import { query } from '../api.ts';
import { MissingRates } from '../components/currency.tsx';
import { Download } from '../components/download.tsx';
import { Adjustments, ClosedNotice, Months, usePeriods } from '../components/periods.tsx';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, Empty, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { count, money } from '../format.ts';
import { useApi } from '../load.ts';
import { addDays, monthPeriod, type Period, today } from '../period.ts';
import type { ExportSummary, ExportSums, FxRate, FxRates, ReportingSums, Scope } from '../types.ts';
import { inReporting, type Reporting, type ViewProps } from '../view.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

type Flavor = ExportQuery['flavor'];

/** What the download is for (docs/finance.md): people open it in Excel; scripts read the raw file. */
const FLAVORS: Array<{ value: Flavor; label: string }> = [
  { value: 'excel', label: 'Excel' },
  { value: 'raw', label: 'raw (for scripts)' },
];

/** The export and its summary are the finance key's reads (`GET /v1/exports/transactions…`). */
const EXPORT_READERS: readonly Scope[] = ['finance'];

/**
 * A month's export (CSV, downloaded with the key in a header, never in a
 * link) and the summary it reconciles to; with a reporting currency, the
 * summary's sums in it beside each currency's, and the rates that convert.
 * Then the month's closing (SPEC §14): whether it is closed, the
 * adjustments posted in it, and the tenant's months, closed by a finance
 * or admin key and reopened by an admin key. A key that may not read the
 * export (admin; marketing, by address) sees the months alone.
 */
export function Finance({ session, reporting, params, setParams, onUnauthorized }: ViewProps) {
  const { timezone } = session.me;
  const exports = EXPORT_READERS.includes(session.me.scope);
  const chosen = params.get('month') ?? '';
  const month = MONTH.test(chosen) ? chosen : today(timezone).slice(0, 7);
  const flavor: Flavor = params.get('flavor') === 'raw' ? 'raw' : 'excel';
  const period = monthPeriod(month);
  const [load, retry] = useApi<ExportSummary>(exports ? `/v1/exports/transactions/summary${query({ ...period, ...inReporting(reporting !== null) })}` : null, session.key, onUnauthorized);
  const periods = usePeriods(session.key, onUnauthorized);
  // Bumped after a month is closed or reopened: the figures are read again.
  const [revision, setRevision] = useState(0);
  const changed = () => {
    if (exports) retry();
    setRevision((n) => n + 1);
  };
  return (
    <>
      <form class="toolbar" aria-label="Month" onSubmit={(event) => event.preventDefault()}>
        <label class="picker">
          Month ({timezone})
          <input
            type="month"
            name="month"
            value={month}
            max={today(timezone).slice(0, 7)}
            onChange={(event) => MONTH.test(event.currentTarget.value) && setParams({ month: event.currentTarget.value })}
          />
        </label>
        {exports && (
          <>
            <Picker label="File for" name="flavor" value={flavor} options={FLAVORS} onChange={(next) => setParams({ flavor: next })} />
            <Download
              sessionKey={session.key}
              path={`/v1/exports/transactions${query({ ...period, format: 'csv', flavor })}`}
              fallbackName={`${session.me.tenantId}-transactions-${period.from}-to-${period.to}${flavor === 'excel' ? '-excel' : ''}.csv`}
              label={`Download the month’s export (${flavor === 'excel' ? 'CSV for Excel' : 'raw CSV'})`}
              busyLabel="Preparing the export…"
            />
          </>
        )}
      </form>
      <ClosedNotice periods={periods.load} month={month} timezone={timezone} />
      {exports ? (
        <Loaded load={load} what="the month's summary" retry={retry}>
          {(summary) => (
            <>
              <SummaryTable summary={summary} month={month} />
              {summary.reporting && (
                <ReportingSummary sums={summary.reporting} month={month}>
                  <MissingRates answer={summary} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
                </ReportingSummary>
              )}
            </>
          )}
        </Loaded>
      ) : (
        <Note name="export-scope">The month’s export and its summary are read with the tenant’s finance key; this {session.me.scope} key reads its closing.</Note>
      )}
      {exports && reporting && <RatesInUse sessionKey={session.key} period={period} reporting={reporting} onUnauthorized={onUnauthorized} />}
      <Adjustments session={session} month={month} revision={revision} onUnauthorized={onUnauthorized} />
      <Months session={session} periods={periods} onChanged={changed} onUnauthorized={onUnauthorized} />
    </>
  );
}

const SUMS: Array<{ id: keyof ExportSums; label: string; money?: boolean }> = [
  { id: 'orders', label: 'Orders' },
  { id: 'refunds', label: 'Refunds' },
  { id: 'cancellations', label: 'Cancellations' },
  { id: 'gross', label: 'Gross', money: true },
  { id: 'discount', label: 'Discount', money: true },
  { id: 'net', label: 'Net', money: true },
  { id: 'tax', label: 'Tax', money: true },
  { id: 'shipping', label: 'Shipping', money: true },
  { id: 'total', label: 'Total', money: true },
  { id: 'revenue', label: 'Revenue', money: true },
];

function SummaryTable({ summary, month }: { summary: ExportSummary; month: string }) {
  if (summary.currencies.length === 0) {
    return (
      <Empty>
        <p>
          <strong>No transactions in {month}.</strong> The export will be empty: orders, refunds and cancellations appear here as the storefront sends them.
        </p>
      </Empty>
    );
  }
  return (
    <Section
      title={`Summary of ${month}`}
      description="The sums of the export's lines per currency: orders, refunds and cancellations each counted on their own date. Revenue is orders' net less refunds' and cancellations' net, as the reports count it."
    >
      <DataTable<ExportSums>
        name="summary"
        caption={`Export summary, ${summary.from} to ${summary.to}`}
        rows={summary.currencies}
        rowKey={(line) => line.currency}
        columns={[
          { id: 'currency', label: 'Currency', render: (line) => line.currency },
          ...SUMS.map((sum) => ({
            id: sum.id,
            label: sum.label,
            numeric: true,
            render: (line: ExportSums) => (sum.money ? money(line[sum.id] as number, line.currency) : count(line[sum.id] as number)),
          })),
        ]}
      />
    </Section>
  );
}

const KINDS: Array<{ kind: keyof ReportingSums['byKind']; label: string }> = [
  { kind: 'order', label: 'Orders' },
  { kind: 'refund', label: 'Refunds' },
  { kind: 'cancellation', label: 'Cancellations' },
];

type KindLine = { kind: string; label: string; count: number; net: number; total: number };

/** The summary's `reporting` block: the sums of the export's reporting columns, every currency converted into the reporting one (lines without a rate are in the notice above instead). */
function ReportingSummary({ sums, month, children }: { sums: ReportingSums; month: string; children?: ComponentChildren }) {
  const { currency } = sums;
  const lines: KindLine[] = KINDS.map(({ kind, label }) => ({ kind, label, ...sums.byKind[kind] }));
  return (
    <Section
      title={`Summary of ${month} in ${currency}, the reporting currency`}
      description={`The same lines, each converted into ${currency} at its rate (the export's reportingNet and reportingTotal columns; a refund or cancellation at its order's rate), then summed. Revenue is orders' net less refunds' and cancellations' net.`}
    >
      {children}
      <Kpis>
        <Kpi name="reportingOrders" label="Orders" value={count(sums.orders)} />
        <Kpi name="reportingRefunds" label="Refunds" value={count(sums.refunds)} />
        <Kpi name="reportingCancellations" label="Cancellations" value={count(sums.cancellations)} />
        <Kpi name="reportingNet" label={`Net (${currency})`} value={money(sums.net, currency)} note="every kind counted positive" />
        <Kpi name="reportingTotal" label={`Total (${currency})`} value={money(sums.total, currency)} />
        <Kpi name="reportingRevenue" label={`Revenue (${currency})`} value={money(sums.revenue, currency)} note="as the reports count it" />
      </Kpis>
      <DataTable<KindLine>
        name="reporting-summary"
        caption={`Export summary in ${currency} by kind, ${month}`}
        rows={lines}
        rowKey={(line) => line.kind}
        columns={[
          { id: 'kind', label: 'Kind', render: (line) => line.label },
          { id: 'count', label: 'Lines', numeric: true, render: (line) => count(line.count) },
          { id: 'net', label: `Net (${currency})`, numeric: true, render: (line) => money(line.net, currency) },
          { id: 'total', label: `Total (${currency})`, numeric: true, render: (line) => money(line.total, currency) },
        ]}
      />
    </Section>
  );
}

/** A day's rates, one cell per pair (`EUR→USD`). */
type RateDay = { day: string; rates: Map<string, string> };

const pairOf = (rate: FxRate) => `${rate.base}/${rate.quote}`;

/**
 * The tenant's rates that convert the month's amounts (`GET /v1/fx-rates`):
 * from fxMaxAgeDays before its first day (a rate that old still converts)
 * to its last, a row per day and a column per pair.
 */
function RatesInUse({ sessionKey, period, reporting, onUnauthorized }: { sessionKey: string; period: Period; reporting: Reporting; onUnauthorized: () => void }) {
  const from = addDays(period.from, -reporting.fxMaxAgeDays);
  const [load, retry] = useApi<FxRates>(`/v1/fx-rates${query({ from, to: period.to })}`, sessionKey, onUnauthorized);
  return (
    <Loaded load={load} what="the exchange rates" retry={retry}>
      {(answer) => {
        const maxAge = answer.fxMaxAgeDays;
        const pairs = [...new Set(answer.rates.map(pairOf))].sort();
        const days = new Map<string, RateDay>();
        for (const rate of answer.rates) {
          let line = days.get(rate.day);
          if (!line) days.set(rate.day, (line = { day: rate.day, rates: new Map() }));
          line.rates.set(pairOf(rate), rate.rate);
        }
        return (
          <Section
            title={`Exchange rates in use, ${answer.from} to ${answer.to}`}
            description={`The tenant's own rates (Baton fetches none): an amount is converted into ${answer.reportingCurrency ?? reporting.currency} at the latest rate on or before its day, directly, inverted or crossed through a common base. The list starts ${count(maxAge)} days before the month, the oldest a rate may be and still convert.`}
          >
            <Note name="fx-max-age">
              fxMaxAgeDays is {count(maxAge)}: a rate converts the amounts of its day and of the {count(maxAge)} days after it, until a newer one. Rates are supplied with PUT /v1/fx-rates (a finance
              or admin key; JSON, or the ECB's CSV).
            </Note>
            {answer.rates.length === 0 ? (
              <Empty>
                <p>
                  <strong>No rates for these days.</strong> Nothing in another currency than {answer.reportingCurrency ?? reporting.currency} can be converted: supply rates with PUT /v1/fx-rates.
                </p>
              </Empty>
            ) : (
              <DataTable<RateDay>
                name="fx-rates"
                caption={`Exchange rates by day (1 base = rate quote), ${answer.from} to ${answer.to}`}
                rows={[...days.values()]}
                rowKey={(line) => line.day}
                columns={[
                  { id: 'day', label: 'Day', render: (line) => line.day },
                  ...pairs.map((pair) => {
                    const [base, quote] = pair.split('/');
                    return {
                      id: pair,
                      label: `1 ${base} in ${quote}`,
                      numeric: true,
                      render: (line: RateDay) => line.rates.get(pair) ?? '—',
                    };
                  }),
                ]}
              />
            )}
          </Section>
        );
      }}
    </Loaded>
  );
}
