import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, Empty, Kpi, Kpis, Loaded, Section } from '../components/ui.tsx';
import { count, hours, label, money, percent } from '../format.ts';
import { useApi } from '../load.ts';
import { DISQUALIFICATION_REASONS, type Funnel as FunnelAnswer, type FunnelMeasures } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';
import { GROUP_BYS, groupByOf } from './channels.tsx';

type Row = FunnelMeasures & { key: string };

/** docs/contract.md#the-funnel: people by the campaign that acquired them, what became of them, and why sales turned them down. */
export function Funnel({ session, period, currency, params, setParams, onUnauthorized, onCurrencies }: ViewProps) {
  const groupBy = params.get('groupBy') ? groupByOf(params) : 'campaign';
  const [load, retry] = useApi<FunnelAnswer>(`/v1/funnel${query({ from: period.from, to: period.to, groupBy })}`, session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.totals.revenue));
  }, [load.status]);
  return (
    <>
      <div class="view-pickers">
        <Picker
          label="Acquired by"
          name="groupBy"
          value={groupBy}
          options={GROUP_BYS.map((name) => ({ value: name, label: label(name).replace('medium', '/ medium') }))}
          onChange={(value) => setParams({ groupBy: value })}
        />
      </div>
      <Loaded load={load} what="the funnel" retry={retry}>
        {(funnel) => <FunnelTables funnel={funnel} currency={currency} />}
      </Loaded>
    </>
  );
}

function FunnelTables({ funnel, currency }: { funnel: FunnelAnswer; currency: string }) {
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
        <Kpi name="revenue" label="Revenue" value={money(revenueOf(totals)?.revenue ?? 0, currency)} />
      </Kpis>
      <Section
        title="From reach to revenue"
        description="Each person counts once, in the row of the touch that acquired them. Cycle medians come from fixed hour buckets, interpolated within the bucket."
      >
        <DataTable<Row>
          name="funnel"
          caption={`Funnel by ${keyLabel.toLowerCase()}`}
          rows={funnel.rows}
          rowKey={(row) => row.key}
          footer={[totalsRow]}
          columns={[
            { id: 'key', label: keyLabel, render: (row) => row.key },
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
      </Section>
      <Section title="Why sales said no" description="Each disqualified person's latest reason, in the row of the campaign that brought them: the feedback marketing acts on.">
        <DataTable<Row>
          name="disqualified"
          caption={`Disqualification reasons by ${keyLabel.toLowerCase()}`}
          rows={funnel.rows.filter((row) => disqualified(row) > 0)}
          rowKey={(row) => row.key}
          footer={[totalsRow]}
          columns={[
            { id: 'key', label: keyLabel, render: (row) => row.key },
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
