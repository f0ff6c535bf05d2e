import { useEffect, useMemo } from 'preact/hooks';
import { query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { DayChart } from '../components/chart.tsx';
import { MissingRates, NativeAmounts } from '../components/currency.tsx';
import { RowOrdersList } from '../components/orders.tsx';
import { DataTable, Empty, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { unmatchedNote } from '../components/unmatched.tsx';
import { drillHref, NONE, upTo } from '../drill.ts';
import { count, decimalString, money, ratio } from '../format.ts';
import { useAlongside, useBoth } from '../load.ts';
import { isDay } from '../period.ts';
import { href } from '../route.ts';
import type { Report, ReportTotals, SalesReport } from '../types.ts';
import { currenciesOf, inReporting, period, type ViewProps } from '../view.ts';
import { DrilledOrder } from './journey.tsx';

/** Revenue, spend, ROAS and attributed vs unattributed, by day and for the period (two reports: `interval=day` and the period as one); a day opens its orders. */
export function Overview(props: ViewProps) {
  const day = props.params.get('day');
  return day && isDay(day) ? <DayLevel {...props} day={day} /> : <Period {...props} />;
}

function Period({ session, period: range, currency, reporting, converted, params, onUnauthorized, onCurrencies }: ViewProps) {
  const asked = { from: range.from, to: range.to, ...inReporting(converted) };
  const [load, retry] = useBoth<Report, Report>([`/v1/attribution/report${query({ ...asked, interval: 'day' })}`, `/v1/attribution/report${query(asked)}`], session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data[1].totals));
  }, [load.status]);
  return (
    <Loaded load={load} what="the overview" retry={retry}>
      {([days, totals]) => (
        <>
          <MissingRates answer={totals} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
          <OverviewFigures days={days.totals.filter((line) => line.currency === currency)} total={totals.totals.find((line) => line.currency === currency)} currency={currency} params={params} />
        </>
      )}
    </Loaded>
  );
}

/** A day of the overview: its orders and adjustments (every sales channel's, merged), and from one of them its journey. */
function DayLevel({ session, currency, reporting, converted, params, setParams, onUnauthorized, day }: ViewProps & { day: string }) {
  const reportingCurrency = converted ? reporting?.currency : undefined;
  const order = params.get('order');
  const crumbs: Crumb[] = [
    { label: 'Overview', href: upTo('overview', params, 'day') },
    { label: day, href: upTo('overview', params, 'order') },
  ];
  if (order) {
    return <DrilledOrder crumbs={crumbs} order={order} model={params.get('model') ?? 'last_non_direct'} view={{ session, setParams, onUnauthorized }} nativeIn={reportingCurrency} />;
  }
  return (
    <Drill crumbs={crumbs.slice(0, 1).concat({ label: day })} title={`Orders of ${day}`}>
      <DayOrders
        day={day}
        currency={currency}
        reportingCurrency={reportingCurrency}
        fxMaxAgeDays={reporting?.fxMaxAgeDays}
        params={params}
        sessionKey={session.key}
        timezone={session.me.timezone}
        onUnauthorized={onUnauthorized}
      />
    </Drill>
  );
}

function DayOrders({
  day,
  currency,
  reportingCurrency,
  fxMaxAgeDays,
  params,
  sessionKey,
  timezone,
  onUnauthorized,
}: {
  day: string;
  currency: string;
  /** The day's figure is asked in the reporting currency; its orders are listed in their own. */
  reportingCurrency: string | undefined;
  fxMaxAgeDays: number | undefined;
  params: URLSearchParams;
  sessionKey: string;
  timezone: string;
  onUnauthorized: () => void;
}) {
  // Every order has one sales channel: the day's rows by sales channel hold all its orders, and their revenue adds up to the day's.
  // In the reporting currency the day's figure comes converted; its sales channels are read in each currency's own, so an order with no rate is listed too.
  const native = `/v1/sales/report${query({ from: day, to: day, groupBy: 'sales_channel' })}`;
  const [load, retry] = useAlongside<SalesReport, SalesReport>(native, reportingCurrency ? `${native}&currency=reporting` : null, sessionKey, onUnauthorized);
  return (
    <Loaded load={load} what="the day" retry={retry}>
      {([report, converted]) => {
        const total = (converted ?? report).totals.find((line) => line.currency === currency);
        const keys = [...new Set(report.rows.map((row) => row.key))];
        return (
          <>
            {converted && <MissingRates answer={converted} fxMaxAgeDays={fxMaxAgeDays} />}
            <Kpis>
              <Kpi name="dayRevenue" label="Revenue" value={money(total?.revenue ?? 0, currency)} note={`${count(total?.transactions ?? 0)} transactions`} />
            </Kpis>
            <Note name="day">
              The orders, refunds and cancellations dated {day} in {timezone}, newest first: the day's row of the overview, by order date. An order opens its journey.
            </Note>
            <NativeAmounts reportingCurrency={reportingCurrency}>
              The orders below are each in their own currency: the list of a figure's orders is not converted to {reportingCurrency}. The {reportingCurrency} revenue above is their sum, each converted
              at its order's day's rate; an order with no rate is listed here but not in that sum.
            </NativeAmounts>
            {keys.length === 0 ? (
              <Empty>
                <p>No orders on this day.</p>
              </Empty>
            ) : (
              <RowOrdersList
                sessionKey={sessionKey}
                timezone={timezone}
                period={{ from: day, to: day }}
                model={params.get('model') ?? 'last_non_direct'}
                sources={keys.map((key) => ({ groupBy: 'sales_channel', key }))}
                orderHref={(id) => drillHref('overview', params, { order: id })}
                onUnauthorized={onUnauthorized}
              />
            )}
          </>
        );
      }}
    </Loaded>
  );
}

function OverviewFigures({ days, total, currency, params }: { days: ReportTotals[]; total: ReportTotals | undefined; currency: string; params: URLSearchParams }) {
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
        <Kpi name="revenue" label="Revenue" value={money(total.revenue, currency)} note={`${count(total.transactions)} transactions, by order date`} />
        <Kpi name="attributed" label="Attributed to marketing" value={money(total.attributed, currency)} href={href('channels', period(params))} note="by channel" />
        <Kpi
          name="unattributed"
          label="Unattributed"
          value={money(total.unattributed, currency)}
          href={href('channels', { ...period(params), groupBy: 'channel', key: NONE })}
          note="no marketing touch before H"
        />
        <Kpi name="spend" label="Spend" value={money(total.cost ?? 0, currency)} note={unmatchedNote(total, currency, params, 'matched no campaign')} />
        <Kpi name="roas" label="ROAS" value={ratio(total.roas)} note={total.unmatchedCost ? 'revenue ÷ all spend, unmatched included' : 'revenue ÷ spend'} />
      </Kpis>
      <Note name="period">
        Revenue here is the orders and adjustments dated in the period (order date). The <a href={href('funnel', period(params))}>Funnel</a> counts the revenue of the people acquired in the period
        (acquisition date), so its total differs.
      </Note>
      <div class="charts">
        <DayChart title="Revenue and spend by day" days={chartDays} series={revenueSeries} format={compact} />
        <DayChart title="Attributed and unattributed revenue by day" days={chartDays} series={attributionSeries} format={compact} />
      </div>
      <Section title="By day" description="A day with transactions opens its orders.">
        <DataTable
          name="overview-days"
          caption={`Revenue, spend and ROAS by day (${currency})`}
          rows={days}
          rowKey={(line) => line.day ?? ''}
          rowHref={(line) => (line.day && line.transactions > 0 ? drillHref('overview', params, { day: line.day, order: null }) : undefined)}
          columns={[
            { id: 'day', label: 'Day', render: (line) => line.day },
            { id: 'revenue', label: 'Revenue', numeric: true, render: (line) => money(line.revenue, currency) },
            { id: 'attributed', label: 'Attributed', numeric: true, render: (line) => money(line.attributed, currency) },
            { id: 'unattributed', label: 'Unattributed', numeric: true, render: (line) => money(line.unattributed, currency) },
            { id: 'spend', label: 'Spend', numeric: true, render: (line) => money(line.cost ?? 0, currency) },
            ...(days.some((line) => (line.unmatchedCost ?? 0) > 0)
              ? [{ id: 'unmatchedSpend', label: 'Of which matched no campaign', numeric: true, render: (line: ReportTotals) => money(line.unmatchedCost ?? 0, currency) }]
              : []),
            { id: 'roas', label: 'ROAS', numeric: true, render: (line) => ratio(line.roas) },
            { id: 'transactions', label: 'Transactions', numeric: true, render: (line) => count(line.transactions) },
          ]}
        />
      </Section>
    </>
  );
}
