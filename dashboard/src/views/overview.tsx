import { useEffect, useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import { DayChart } from '../components/chart.tsx';
import { DataTable, Empty, Kpi, Kpis, Loaded, Section } from '../components/ui.tsx';
import { count, decimalString, money, ratio } from '../format.ts';
import { useBoth } from '../load.ts';
import type { Report, ReportTotals } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';

/** Revenue, spend, ROAS and attributed vs unattributed, by day and for the period (two reports: `interval=day` and the period as one). */
export function Overview({ session, period, currency, onUnauthorized, onCurrencies }: ViewProps) {
  const range = { from: period.from, to: period.to };
  const [load, retry] = useBoth<Report, Report>([`/v1/attribution/report${query({ ...range, interval: 'day' })}`, `/v1/attribution/report${query(range)}`], session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data[1].totals));
  }, [load.status]);
  return (
    <Loaded load={load} what="the overview" retry={retry}>
      {([days, totals]) => <OverviewFigures days={days.totals.filter((line) => line.currency === currency)} total={totals.totals.find((line) => line.currency === currency)} currency={currency} />}
    </Loaded>
  );
}

function OverviewFigures({ days, total, currency }: { days: ReportTotals[]; total: ReportTotals | undefined; currency: string }) {
  const chartDays = useMemo(() => days.map((line) => line.day ?? ''), [days]);
  const major = (minor: number | undefined) => (minor === undefined ? null : Number(decimalString(minor, currency)));
  const revenueSeries = useMemo(
    () => [
      { label: 'Revenue', values: days.map((line) => major(line.revenue)), color: '#1f5fbf', bars: true },
      { label: 'Spend', values: days.map((line) => major(line.cost ?? 0)), color: '#b3261e', dash: true },
    ],
    [days],
  );
  const attributionSeries = useMemo(
    () => [
      { label: 'Attributed', values: days.map((line) => major(line.attributed)), color: '#1e7a4f' },
      { label: 'Unattributed', values: days.map((line) => major(line.unattributed)), color: '#8a5a00', dash: true },
    ],
    [days],
  );
  const compact = useMemo(() => {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
    return (value: number) => format.format(value);
  }, [currency]);
  if (!total || (total.transactions === 0 && total.revenue === 0 && !total.cost)) {
    return (
      <Empty>
        <p>
          <strong>No {currency} orders or spend in this period yet.</strong>
        </p>
        <p>Orders arrive by webhook (Shopify, WooCommerce, Stripe) or POST /v1/transactions; campaign costs by POST /v1/spend. Pick a longer period, or fill a demo store with npm run demo.</p>
      </Empty>
    );
  }
  return (
    <>
      <Kpis>
        <Kpi name="revenue" label="Revenue" value={money(total.revenue, currency)} note={`${count(total.transactions)} transactions`} />
        <Kpi name="attributed" label="Attributed to marketing" value={money(total.attributed, currency)} />
        <Kpi name="unattributed" label="Unattributed" value={money(total.unattributed, currency)} />
        <Kpi name="spend" label="Spend" value={money(total.cost ?? 0, currency)} />
        <Kpi name="roas" label="ROAS" value={ratio(total.roas)} note="revenue ÷ spend" />
      </Kpis>
      <div class="charts">
        <DayChart title="Revenue and spend by day" days={chartDays} series={revenueSeries} format={compact} />
        <DayChart title="Attributed and unattributed revenue by day" days={chartDays} series={attributionSeries} format={compact} />
      </div>
      <Section title="By day">
        <DataTable
          name="overview-days"
          caption={`Revenue, spend and ROAS by day (${currency})`}
          rows={days}
          rowKey={(line) => line.day ?? ''}
          columns={[
            { id: 'day', label: 'Day', render: (line) => line.day },
            { id: 'revenue', label: 'Revenue', numeric: true, render: (line) => money(line.revenue, currency) },
            { id: 'attributed', label: 'Attributed', numeric: true, render: (line) => money(line.attributed, currency) },
            { id: 'unattributed', label: 'Unattributed', numeric: true, render: (line) => money(line.unattributed, currency) },
            { id: 'spend', label: 'Spend', numeric: true, render: (line) => money(line.cost ?? 0, currency) },
            { id: 'roas', label: 'ROAS', numeric: true, render: (line) => ratio(line.roas) },
            { id: 'transactions', label: 'Transactions', numeric: true, render: (line) => count(line.transactions) },
          ]}
        />
      </Section>
    </>
  );
}
