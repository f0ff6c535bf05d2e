import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { Picker } from '../components/toolbar.tsx';
import { Bar, DataTable, Empty, Kpi, Kpis, Loaded, Section } from '../components/ui.tsx';
import { count, label, MODEL_LABELS, money, ratio } from '../format.ts';
import { useApi } from '../load.ts';
import type { Report, ReportRow } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';

export const MODELS = Object.keys(MODEL_LABELS);
export const GROUP_BYS = ['channel', 'campaign', 'source_medium'] as const;
const GROUP_LABELS: Record<string, string> = { channel: 'Channel', campaign: 'Campaign', source_medium: 'Source / medium' };

export function groupByOf(params: URLSearchParams): string {
  const value = params.get('groupBy') ?? 'channel';
  return (GROUP_BYS as readonly string[]).includes(value) ? value : 'channel';
}

/** Revenue by channel, campaign or source/medium under one model, with cost, ROAS and CPA where there is spend. */
export function Channels({ session, period, currency, params, setParams, onUnauthorized, onCurrencies }: ViewProps) {
  const model = MODELS.includes(params.get('model') ?? '') ? params.get('model')! : 'last_non_direct';
  const groupBy = groupByOf(params);
  const [load, retry] = useApi<Report>(`/v1/attribution/report${query({ from: period.from, to: period.to, groupBy, model })}`, session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.totals));
  }, [load.status]);
  return (
    <>
      <div class="view-pickers">
        <Picker
          label="Model"
          name="model"
          value={model}
          options={MODELS.map((name) => ({ value: name, label: MODEL_LABELS[name] ?? label(name) }))}
          onChange={(value) => setParams({ model: value })}
        />
        <Picker label="Group by" name="groupBy" value={groupBy} options={GROUP_BYS.map((name) => ({ value: name, label: GROUP_LABELS[name]! }))} onChange={(value) => setParams({ groupBy: value })} />
      </div>
      <Loaded load={load} what="the report" retry={retry}>
        {(report) => <ReportTable report={report} currency={currency} groupLabel={GROUP_LABELS[groupBy]!} />}
      </Loaded>
    </>
  );
}

function ReportTable({ report, currency, groupLabel }: { report: Report; currency: string; groupLabel: string }) {
  const rows = report.rows.filter((row) => row.currency === currency);
  const total = report.totals.find((line) => line.currency === currency);
  if (!total || (rows.length === 0 && total.revenue === 0)) {
    return (
      <Empty>
        <p>
          <strong>Nothing to attribute in {currency} in this period.</strong> Rows appear once orders with touches before them are recorded.
        </p>
      </Empty>
    );
  }
  const top = Math.max(0, ...rows.map((row) => row.revenue));
  const withCost = rows.some((row) => row.cost !== undefined);
  return (
    <>
      <Kpis>
        <Kpi name="revenue" label="Revenue" value={money(total.revenue, currency)} />
        <Kpi name="attributed" label="Attributed" value={money(total.attributed, currency)} />
        <Kpi name="unattributed" label="Unattributed" value={money(total.unattributed, currency)} />
        {total.cost !== undefined && <Kpi name="spend" label="Spend" value={money(total.cost, currency)} />}
        {total.cost !== undefined && <Kpi name="roas" label="ROAS" value={ratio(total.roas)} />}
      </Kpis>
      <Section
        title={`${groupLabel} under ${MODEL_LABELS[report.model] ?? report.model}`}
        description="Revenue is the credit each row earned under the model; rows plus unattributed make the period's revenue."
      >
        <DataTable<ReportRow>
          name="report"
          caption={`Revenue by ${groupLabel.toLowerCase()} (${currency})`}
          rows={rows}
          rowKey={(row) => row.key}
          columns={[
            { id: 'key', label: groupLabel, render: (row) => row.key },
            {
              id: 'revenue',
              label: 'Revenue',
              numeric: true,
              render: (row) => (
                <>
                  {money(row.revenue, currency)} <Bar value={row.revenue} max={top} />
                </>
              ),
            },
            { id: 'conversions', label: 'Conversions', numeric: true, render: (row) => count(row.conversions) },
            { id: 'touches', label: 'Touches', numeric: true, render: (row) => count(row.touches) },
            ...(withCost
              ? [
                  { id: 'cost', label: 'Cost', numeric: true, render: (row: ReportRow) => money(row.cost, currency) },
                  { id: 'roas', label: 'ROAS', numeric: true, render: (row: ReportRow) => ratio(row.roas) },
                  { id: 'cpa', label: 'CPA', numeric: true, render: (row: ReportRow) => money(row.cpa, currency) },
                ]
              : []),
          ]}
        />
      </Section>
    </>
  );
}
