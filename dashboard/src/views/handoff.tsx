import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { MissingRates, NativeAmounts } from '../components/currency.tsx';
import { RowOrdersList } from '../components/orders.tsx';
import { DataTable, Empty, KeyText, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { drillHref, NONE, personLabel, personOf, upTo } from '../drill.ts';
import { count, hours, instant, money } from '../format.ts';
import { useApi, useBoth } from '../load.ts';
import { href } from '../route.ts';
import type { DroppedBaton, Handoffs, SalesReport } from '../types.ts';
import { currenciesOf, inReporting, period as keep, type ViewProps } from '../view.ts';
import { DrilledOrder, PersonJourney } from './journey.tsx';

type SalesRow = SalesReport['rows'][number];

/**
 * docs/contract.md#the-handoff and the sales side: how fast sales picks up
 * the baton, who was dropped, and what each rep closed. A dropped baton
 * (`person`) opens the person's journey, a rep (`rep`) their orders, an
 * order (`order`) its journey.
 */
export function Handoff(props: ViewProps) {
  const { params } = props;
  if (params.get('rep') !== null) return <RepLevel {...props} rep={params.get('rep')!} />;
  if (params.get('person') !== null) return <PersonLevel {...props} person={params.get('person')!} />;
  return <HandoffPeriod {...props} />;
}

function HandoffPeriod({ session, period, currency, reporting, converted, params, onUnauthorized, onCurrencies }: ViewProps) {
  const range = { from: period.from, to: period.to };
  const [load, retry] = useBoth<Handoffs, SalesReport>(
    [`/v1/handoffs${query(range)}`, `/v1/sales/report${query({ ...range, groupBy: 'rep', ...inReporting(converted) })}`],
    session.key,
    onUnauthorized,
  );
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data[1].totals));
  }, [load.status]);
  return (
    <Loaded load={load} what="the handoff" retry={retry}>
      {([answer, report]) => (
        <>
          <MissingRates answer={report} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
          <HandoffFigures answer={answer} report={report} currency={currency} timezone={session.me.timezone} sessionKey={session.key} period={range} params={params} />
        </>
      )}
    </Loaded>
  );
}

/** A dropped baton's person, and from their journey one of their orders. */
function PersonLevel(props: ViewProps & { person: string }) {
  const { session, params, onUnauthorized, person } = props;
  const reportingCurrency = props.converted ? props.reporting?.currency : undefined;
  const order = params.get('order');
  const crumbs: Crumb[] = [{ label: 'Handoff', href: upTo('handoff', params, 'person') }];
  if (order) {
    return (
      <DrilledOrder
        crumbs={[...crumbs, { label: 'Person', href: upTo('handoff', params, 'order') }]}
        order={order}
        model={params.get('model') ?? 'last_non_direct'}
        view={props}
        nativeIn={reportingCurrency}
      />
    );
  }
  return (
    <Drill crumbs={[...crumbs, { label: 'Person' }]} title="A person's journey">
      <NativeAmounts reportingCurrency={reportingCurrency}>The orders of this journey are in their own currency: a person's journey is not converted to {reportingCurrency}.</NativeAmounts>
      <PersonJourney person={person} sessionKey={session.key} timezone={session.me.timezone} orderHref={(id) => drillHref('handoff', params, { order: id })} onUnauthorized={onUnauthorized} />
    </Drill>
  );
}

/** A rep's orders (their sales credit), and from one of them its journey. */
function RepLevel(props: ViewProps & { rep: string }) {
  const { session, period, currency, reporting, converted, params, onUnauthorized, rep } = props;
  const reportingCurrency = converted ? reporting?.currency : undefined;
  const order = params.get('order');
  const repName = rep === NONE ? '(none): no rep' : `rep ${rep}`;
  const crumbs: Crumb[] = [{ label: 'Handoff', href: upTo('handoff', params, 'rep') }];
  const [load, retry] = useApi<SalesReport>(order ? null : `/v1/sales/report${query({ from: period.from, to: period.to, groupBy: 'rep', ...inReporting(converted) })}`, session.key, onUnauthorized);
  if (order) {
    return (
      <DrilledOrder
        crumbs={[...crumbs, { label: repName, href: upTo('handoff', params, 'order') }]}
        order={order}
        model={params.get('model') ?? 'last_non_direct'}
        view={props}
        nativeIn={reportingCurrency}
      />
    );
  }
  return (
    <Drill crumbs={[...crumbs, { label: repName }]} title={`Orders of ${repName}`}>
      <Loaded load={load} what="the sales report" retry={retry}>
        {(report) => {
          const row = report.rows.find((candidate) => candidate.key === rep && candidate.currency === currency);
          return (
            <>
              <MissingRates answer={report} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
              <Kpis>
                <Kpi name="repRevenue" label="Sales credit" value={money(row?.revenue ?? 0, currency)} />
                <Kpi name="repOrders" label="Orders" value={count(row?.orders ?? 0)} note="shared among an order's sellers" />
              </Kpis>
              <Note name="rep">
                {rep === NONE
                  ? 'The sales credit no rep earned: sales that no rep touched (web orders, walk-ins without a rep).'
                  : "The rep's share of each order's sales credit: the credits of every page add up to the figure above. Orders count on their order date."}
              </Note>
            </>
          );
        }}
      </Loaded>
      <Section title="Orders behind this figure" description="Newest first; an order opens its journey.">
        <RowOrdersList
          sessionKey={session.key}
          timezone={session.me.timezone}
          period={period}
          model={params.get('model') ?? 'last_non_direct'}
          sources={[{ groupBy: 'rep', key: rep }]}
          creditLabel={`Sales credit to ${rep}`}
          orderHref={(id) => drillHref('handoff', params, { order: id })}
          onUnauthorized={onUnauthorized}
          reportingCurrency={reportingCurrency}
        />
      </Section>
    </Drill>
  );
}

function HandoffFigures({
  answer,
  report,
  currency,
  timezone,
  sessionKey,
  period,
  params,
}: {
  answer: Handoffs;
  report: SalesReport;
  currency: string;
  timezone: string;
  sessionKey: string;
  period: { from: string; to: string };
  params: URLSearchParams;
}) {
  const [dropped, setDropped] = useState<DroppedBaton[]>(answer.dropped);
  const [cursor, setCursor] = useState(answer.nextCursor);
  const [more, setMore] = useState<'idle' | 'loading' | Error>('idle');
  useEffect(() => {
    setDropped(answer.dropped);
    setCursor(answer.nextCursor);
  }, [answer]);
  const loadMore = async () => {
    if (!cursor) return;
    setMore('loading');
    try {
      const next = await getJson<Handoffs>(`/v1/handoffs${query({ ...period, cursor })}`, sessionKey);
      setDropped((list) => [...list, ...next.dropped]);
      setCursor(next.nextCursor);
      setMore('idle');
    } catch (error) {
      setMore(error instanceof Error ? error : new ApiError(0, 'error', String(error)));
    }
  };
  const rows = report.rows.filter((row) => row.currency === currency);
  const total = report.totals.find((line) => line.currency === currency);
  return (
    <>
      <Kpis>
        <Kpi name="qualified" label="Batons passed (qualified)" value={count(answer.qualified)} note="qualifications dated in the period" />
        <Kpi name="contacted" label="Contacted by sales" value={count(answer.contacted)} />
        <Kpi name="withinSla" label={`Within the ${count(answer.slaHours)} h SLA`} value={count(answer.withinSla)} note={`of ${count(answer.qualified)} qualified`} />
        <Kpi name="medianHours" label="Median time to first contact" value={hours(answer.medianHours)} note="from H to the first sales touch" />
        <Kpi name="p90Hours" label="90th percentile time to first contact" value={hours(answer.p90Hours)} note="9 in 10 contacted people were reached within it" />
      </Kpis>
      <Note name="boundary">
        H is the moment marketing hands a person over to sales: their qualification. Times to first contact run from H to the first sales touch at or after it. Batons passed counts qualifications
        dated in the period; the <a href={href('funnel', keep(params))}>Funnel</a>'s Qualified counts the people acquired in the period who qualified, whenever, so the two differ.
      </Note>
      <Section
        title="Dropped batons"
        description={`Qualified people nobody from sales reached within ${count(answer.slaHours)} hours of H and who have not bought, oldest first. A person opens their journey.`}
      >
        {dropped.length === 0 ? (
          <Empty>
            <p>No dropped batons in this period.</p>
          </Empty>
        ) : (
          <>
            <DataTable<DroppedBaton>
              name="dropped"
              caption="Dropped batons"
              rows={dropped}
              rowKey={(baton) => `${baton.identifiers.join(' ')}|${baton.qualifiedAt}`}
              rowHref={(baton) => drillHref('handoff', params, { person: personOf(baton.identifiers), order: null })}
              columns={[
                { id: 'person', label: 'Person', render: (baton) => personLabel(baton.identifiers) },
                { id: 'qualifiedAt', label: 'Qualified', render: (baton) => instant(baton.qualifiedAt, timezone) },
                { id: 'deadline', label: 'SLA deadline', render: (baton) => instant(baton.deadline, timezone) },
                { id: 'campaign', label: 'Acquiring campaign', render: (baton) => <KeyText value={baton.acquiringCampaign ?? NONE} none="no acquiring touch" /> },
              ]}
            />
            {cursor && (
              <p>
                <button type="button" onClick={loadMore} disabled={more === 'loading'}>
                  {more === 'loading' ? 'Loading…' : 'Show more dropped batons'}
                </button>
              </p>
            )}
            {more instanceof Error && (
              <p class="field-error" role="alert">
                {more.message}
              </p>
            )}
          </>
        )}
      </Section>
      <Section
        title="Sales by rep"
        description="The sales credit of the period's transactions (by order date) by the rep it went to, (none) where no rep sold; every sale has a seller, so the rows add up to the revenue. A rep opens their orders."
      >
        {rows.length === 0 ? (
          <Empty>
            <p>No {currency} sales in this period.</p>
          </Empty>
        ) : (
          <>
            <DataTable<SalesRow>
              name="sales"
              caption={`Sales credit by rep (${currency})`}
              rows={rows}
              rowKey={(row) => row.key}
              rowHref={(row) => (row.key === 'All' ? undefined : drillHref('handoff', params, { rep: row.key, order: null }))}
              footer={total ? [{ key: 'All', currency, revenue: total.revenue, orders: NaN, sourcedBy: { marketing: NaN, sales: NaN, none: NaN }, medianHoursToOrder: null }] : []}
              columns={[
                { id: 'key', label: 'Rep', render: (row) => <KeyText value={row.key} none="no rep" /> },
                { id: 'revenue', label: 'Revenue', numeric: true, render: (row) => money(row.revenue, currency) },
                { id: 'orders', label: 'Orders', numeric: true, render: (row) => figure(row.orders) },
                { id: 'marketing', label: 'Sourced by marketing', numeric: true, render: (row) => figure(row.sourcedBy.marketing) },
                { id: 'sales', label: 'Sourced by sales', numeric: true, render: (row) => figure(row.sourcedBy.sales) },
                { id: 'none', label: 'Sourced by nobody', numeric: true, render: (row) => figure(row.sourcedBy.none) },
                { id: 'hoursToOrder', label: 'Median H → order', numeric: true, render: (row) => hours(row.medianHoursToOrder) },
              ]}
            />
            <p class="hint">Median H → order: the median of the hours from H (where marketing handed over) to the order, over the rep's orders.</p>
          </>
        )}
      </Section>
    </>
  );
}

const figure = (value: number) => (Number.isNaN(value) ? '' : count(value));
