import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { MissingRates, NativeAmounts } from '../components/currency.tsx';
import { RowPeopleList } from '../components/people.tsx';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, Empty, KeyText, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { drillHref, NONE, upTo } from '../drill.ts';
import { count, hours, label, money, percent } from '../format.ts';
import { useApi } from '../load.ts';
import { href } from '../route.ts';
import { DISQUALIFICATION_REASONS, type Funnel as FunnelAnswer, type FunnelMeasures } from '../types.ts';
import { currenciesOf, inReporting, period, type ViewProps } from '../view.ts';
import { GROUP_BYS, groupByOf } from './channels.tsx';
import { DrilledOrder, PersonJourney } from './journey.tsx';

type Row = FunnelMeasures & { key: string };

/**
 * docs/contract.md#the-funnel: people by the campaign that acquired them,
 * what became of them, and why sales turned them down. A row (`key`) opens
 * its people, a person (`person`) their journey, an order (`order`) its own.
 */
export function Funnel({ session, period, currency, reporting, converted, params, setParams, onUnauthorized, onCurrencies }: ViewProps) {
  const groupBy = params.get('groupBy') ? groupByOf(params) : 'campaign';
  const key = params.get('key');
  const [load, retry] = useApi<FunnelAnswer>(key === null ? `/v1/funnel${query({ from: period.from, to: period.to, groupBy, ...inReporting(converted) })}` : null, session.key, onUnauthorized);
  const reportingCurrency = converted ? reporting?.currency : undefined;
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.totals.revenue));
  }, [load.status]);
  const picker = (
    <div class="view-pickers">
      <Picker
        label="Acquired by"
        name="groupBy"
        value={groupBy}
        options={GROUP_BYS.map((name) => ({ value: name, label: label(name).replace('medium', '/ medium') }))}
        onChange={(value) => setParams({ groupBy: value, key: '', person: '', order: '' })}
      />
    </div>
  );
  if (key === null) {
    return (
      <>
        {picker}
        <Loaded load={load} what="the funnel" retry={retry}>
          {(funnel) => (
            <>
              <MissingRates answer={funnel} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
              <FunnelTables funnel={funnel} currency={currency} params={params} groupBy={groupBy} />
            </>
          )}
        </Loaded>
      </>
    );
  }
  const person = params.get('person');
  const order = params.get('order');
  const keyName = key === NONE ? '(none): no acquiring touch' : key;
  const crumbs: Crumb[] = [
    { label: `Funnel · by ${label(groupBy).replace('medium', '/ medium').toLowerCase()}`, href: upTo('funnel', params, 'key') },
    { label: `${keyName}: people`, href: upTo('funnel', params, 'person') },
  ];
  if (person) {
    crumbs.push({ label: 'Person', href: upTo('funnel', params, 'order') });
    if (order) {
      return <DrilledOrder crumbs={crumbs} order={order} model={params.get('model') ?? 'last_non_direct'} view={{ session, setParams, onUnauthorized }} nativeIn={reportingCurrency} />;
    }
    return (
      <Drill crumbs={crumbs} title="A person's journey">
        <NativeAmounts reportingCurrency={reportingCurrency}>The orders of this journey are in their own currency: a person's journey is not converted to {reportingCurrency}.</NativeAmounts>
        <PersonJourney person={person} sessionKey={session.key} timezone={session.me.timezone} orderHref={(id) => drillHref('funnel', params, { order: id })} onUnauthorized={onUnauthorized} />
      </Drill>
    );
  }
  return (
    <>
      {picker}
      <Drill crumbs={crumbs} title={`People acquired by ${keyName}`}>
        <Note name="acquisition">
          The people this row counts: acquired in the period (their first lead, qualification or order, dated in {session.me.timezone}) under this{' '}
          {label(groupBy).replace('medium', '/ medium').toLowerCase()}. A person opens their journey.
        </Note>
        <RowPeopleList
          sessionKey={session.key}
          timezone={session.me.timezone}
          period={period}
          groupBy={groupBy}
          rowKey={key}
          personHref={(id) => drillHref('funnel', params, { person: id, order: null })}
          onUnauthorized={onUnauthorized}
        />
      </Drill>
    </>
  );
}

function FunnelTables({ funnel, currency, params, groupBy }: { funnel: FunnelAnswer; currency: string; params: URLSearchParams; groupBy: string }) {
  const open = (row: Row) => (row.key === 'All' ? undefined : drillHref('funnel', params, { groupBy, key: row.key, person: null, order: null }));
  const keyText = (row: Row) => <KeyText value={row.key} none="no acquiring touch" />;
  const { totals } = funnel;
  if (funnel.rows.length === 0 || (totals.acquired === 0 && totals.peopleReached === 0)) {
    return (
      <Empty>
        <p>
          <strong>Nobody was acquired in this period.</strong> People enter the funnel with their first lead, qualification or order.
        </p>
      </Empty>
    );
  }
  const revenueOf = (row: FunnelMeasures) => row.revenue.find((line) => line.currency === currency);
  const keyLabel = funnel.groupBy === 'source_medium' ? 'Source / medium' : label(funnel.groupBy);
  const disqualified = (row: FunnelMeasures) => DISQUALIFICATION_REASONS.reduce((sum, reason) => sum + row.disqualified[reason], 0);
  const totalsRow: Row = { ...totals, key: 'All' };
  return (
    <>
      <Kpis>
        <Kpi name="acquired" label="People acquired" value={count(totals.acquired)} />
        <Kpi name="leads" label="Leads" value={count(totals.leads)} />
        <Kpi name="qualified" label="Qualified" value={count(totals.qualified)} />
        <Kpi name="customers" label="Customers" value={count(totals.customers)} />
        <Kpi name="revenue" label="Revenue" value={money(revenueOf(totals)?.revenue ?? 0, currency)} note="of the people acquired in the period" />
      </Kpis>
      <Note name="period">
        The funnel counts people by the day they were acquired (their first lead, qualification or order) and follows them whenever their outcomes come. So its revenue is not the{' '}
        <a href={href('overview', period(params))}>Overview</a>'s (orders dated in the period), and its qualified people are not the <a href={href('handoff', period(params))}>Handoff</a>'s batons
        passed (qualifications dated in the period).
      </Note>
      <Section
        title="From reach to revenue"
        description="Each person counts once, in the row of the touch that acquired them; (none) holds those with no marketing touch before it. A row opens its people."
      >
        <DataTable<Row>
          name="funnel"
          caption={`Funnel by ${keyLabel.toLowerCase()}`}
          rows={funnel.rows}
          rowKey={(row) => row.key}
          rowHref={open}
          footer={[totalsRow]}
          columns={[
            { id: 'key', label: keyLabel, render: keyText },
            { id: 'peopleReached', label: 'Reached', numeric: true, render: (row) => count(row.peopleReached) },
            { id: 'acquired', label: 'Acquired', numeric: true, render: (row) => count(row.acquired) },
            { id: 'leads', label: 'Leads', numeric: true, render: (row) => count(row.leads) },
            { id: 'qualified', label: 'Qualified', numeric: true, render: (row) => count(row.qualified) },
            { id: 'customers', label: 'Customers', numeric: true, render: (row) => count(row.customers) },
            { id: 'orders', label: 'Orders', numeric: true, render: (row) => count(row.orders) },
            { id: 'revenue', label: `Revenue`, numeric: true, render: (row) => money(revenueOf(row)?.revenue ?? 0, currency) },
            { id: 'refundRate', label: 'Refund rate', numeric: true, render: (row) => percent(revenueOf(row)?.refundRate) },
            { id: 'marketingCycle', label: 'Marketing cycle', numeric: true, render: (row) => hours(row.medianMarketingCycleHours) },
            { id: 'salesCycle', label: 'Sales cycle', numeric: true, render: (row) => hours(row.medianSalesCycleHours) },
          ]}
        />
        <p class="hint">
          Marketing cycle: median hours from a person's first marketing touch to H, where marketing hands over to sales. Sales cycle: median hours from H to the first order. Medians come from fixed
          hour buckets, interpolated within the bucket.
        </p>
      </Section>
      <Section title="Why sales said no" description="Each disqualified person's latest reason, in the row of the campaign that brought them: the feedback marketing acts on.">
        <DataTable<Row>
          name="disqualified"
          caption={`Disqualification reasons by ${keyLabel.toLowerCase()}`}
          rows={funnel.rows.filter((row) => disqualified(row) > 0)}
          rowKey={(row) => row.key}
          rowHref={open}
          footer={[totalsRow]}
          columns={[
            { id: 'key', label: keyLabel, render: keyText },
            ...DISQUALIFICATION_REASONS.map((reason) => ({ id: reason, label: label(reason), numeric: true, render: (row: Row) => count(row.disqualified[reason]) })),
            { id: 'mix', label: 'Mix', render: (row: Row) => <ReasonMix row={row} /> },
          ]}
        />
        <p class="legend" aria-hidden="true">
          {DISQUALIFICATION_REASONS.map((reason) => (
            <span key={reason}>
              <span class={`swatch reason-${reason}`} /> {label(reason)}
            </span>
          ))}
        </p>
      </Section>
    </>
  );
}

/** The reasons as one stacked bar: a picture of the counts beside it. */
function ReasonMix({ row }: { row: FunnelMeasures }) {
  const total = DISQUALIFICATION_REASONS.reduce((sum, reason) => sum + row.disqualified[reason], 0);
  if (total === 0) return null;
  return (
    <span class="stack" aria-hidden="true">
      {DISQUALIFICATION_REASONS.map((reason) =>
        row.disqualified[reason] > 0 ? <span key={reason} class={`stack-part reason-${reason}`} style={{ width: `${(row.disqualified[reason] / total) * 100}%` }} title={label(reason)} /> : null,
      )}
    </span>
  );
}
