import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { MissingRates } from '../components/currency.tsx';
import { RowOrdersList } from '../components/orders.tsx';
import { Picker } from '../components/toolbar.tsx';
import { Bar, DataTable, Empty, KeyText, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { unmatchedNote } from '../components/unmatched.tsx';
import { drillHref, NONE, upTo } from '../drill.ts';
import { count, label, MODEL_LABELS, money, ratio } from '../format.ts';
import { useApi } from '../load.ts';
import type { Report, ReportRow } from '../types.ts';
import { currenciesOf, inReporting, type ViewProps } from '../view.ts';
import { DrilledOrder } from './journey.tsx';

export const MODELS = Object.keys(MODEL_LABELS);
export const GROUP_BYS = ['channel', 'campaign', 'source_medium'] as const;
const GROUP_LABELS: Record<string, string> = { channel: 'Channel', campaign: 'Campaign', source_medium: 'Source / medium' };

export function groupByOf(params: URLSearchParams): string {
  const value = params.get('groupBy') ?? 'channel';
  return (GROUP_BYS as readonly string[]).includes(value) ? value : 'channel';
}

/** Markov and Shapley credit channels from all of the period's journeys at once: no order carries their credit, so their rows list no orders. */
export const DATA_DRIVEN = ['markov', 'shapley'];

export const NONE_MEANS: Record<string, string> = {
  channel: 'no marketing touch before H: unattributed',
  campaign: 'touches without a campaign',
  source_medium: 'no medium',
  kind: 'no marketing touch before H: unattributed',
};

/**
 * Revenue by channel, campaign or source/medium under one model, with cost,
 * ROAS and CPA where there is spend; a row (`key`) opens its orders, an
 * order (`order`) its journey.
 */
export function Channels({ session, period, currency, reporting, converted, params, setParams, onUnauthorized, onCurrencies }: ViewProps) {
  const model = MODELS.includes(params.get('model') ?? '') ? params.get('model')! : 'last_non_direct';
  const groupBy = groupByOf(params);
  const key = params.get('key');
  const order = params.get('order');
  const [load, retry] = useApi<Report>(
    key !== null && order ? null : `/v1/attribution/report${query({ from: period.from, to: period.to, groupBy, model, ...inReporting(converted) })}`,
    session.key,
    onUnauthorized,
  );
  const reportingCurrency = converted ? reporting?.currency : undefined;
  // What the period's answer left out for want of a rate, on every level that shows its figures.
  const missing = load.status === 'ok' && !(key !== null && order) ? <MissingRates answer={load.data} fxMaxAgeDays={reporting?.fxMaxAgeDays} /> : null;
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.totals));
  }, [load.status]);
  const pickers = (
    <div class="view-pickers">
      <Picker label="Model" name="model" value={model} options={MODELS.map((name) => ({ value: name, label: MODEL_LABELS[name] ?? label(name) }))} onChange={(value) => setParams({ model: value })} />
      <Picker
        label="Group by"
        name="groupBy"
        value={groupBy}
        options={GROUP_BYS.map((name) => ({ value: name, label: GROUP_LABELS[name]! }))}
        onChange={(value) => setParams({ groupBy: value, key: '', order: '' })}
      />
    </div>
  );
  if (key === null) {
    return (
      <>
        {pickers}
        {missing}
        <Loaded load={load} what="the report" retry={retry}>
          {(report) => <ReportTable report={report} currency={currency} groupLabel={GROUP_LABELS[groupBy]!} params={params} />}
        </Loaded>
      </>
    );
  }
  const top: Crumb = { label: `Channels & campaigns · by ${GROUP_LABELS[groupBy]!.toLowerCase()}`, href: upTo('channels', params, 'key') };
  const keyName = key === NONE ? (groupBy === 'channel' ? `(none): ${NONE_MEANS.channel}` : `(none): ${NONE_MEANS[groupBy]}, and the unattributed`) : key;
  // A channel opens its campaigns, a campaign of it its orders.
  const campaign = groupBy === 'channel' && key !== NONE ? params.get('campaign') : null;
  const crumbs: Crumb[] = [top, { label: keyName, href: upTo('channels', params, 'campaign') }];
  if (campaign !== null) crumbs.push({ label: `${campaign === NONE ? '(none): touches without a campaign' : campaign}`, href: upTo('channels', params, 'order') });
  if (order) {
    return <DrilledOrder crumbs={crumbs} order={order} model={DATA_DRIVEN.includes(model) ? 'last_non_direct' : model} view={{ session, setParams, onUnauthorized }} nativeIn={reportingCurrency} />;
  }
  const listed = campaign !== null ? { groupBy: 'campaign', key: campaign, channel: key } : { groupBy, key };
  const here = campaign !== null ? (campaign === NONE ? `(none) of ${key}` : campaign) : keyName;
  return (
    <>
      {pickers}
      <Drill crumbs={[...crumbs.slice(0, -1), { label: crumbs[crumbs.length - 1]!.label }]} title={`${here} under ${MODEL_LABELS[model] ?? model}`}>
        {missing}
        {campaign !== null ? (
          <ChannelCampaigns
            sessionKey={session.key}
            period={period}
            model={model}
            channel={key}
            currency={currency}
            converted={converted}
            params={params}
            onUnauthorized={onUnauthorized}
            only={campaign}
          />
        ) : (
          <Loaded load={load} what="the report" retry={retry}>
            {(report) => <RowFigures report={report} rowKey={key} currency={currency} />}
          </Loaded>
        )}
        {DATA_DRIVEN.includes(model) ? (
          <Empty>
            <p>
              <strong>{MODEL_LABELS[model]} credits channels from all of the period's journeys at once</strong>, converting or not: no single order carries its credit. Pick a heuristic model (
              <a href={drillHref('channels', params, { model: 'linear' })}>linear</a>, <a href={drillHref('channels', params, { model: 'last_non_direct' })}>last non-direct</a> …) to list the orders
              behind this row.
            </p>
          </Empty>
        ) : (
          <>
            {groupBy === 'channel' && key !== NONE && campaign === null && (
              <Section title={`Campaigns of ${key}`} description="What this channel's figure is made of, campaign by campaign (they add up to it); a campaign opens its orders.">
                <ChannelCampaigns sessionKey={session.key} period={period} model={model} channel={key} currency={currency} converted={converted} params={params} onUnauthorized={onUnauthorized} />
              </Section>
            )}
            <Section title="Orders behind this figure" description="Newest first; an order opens its journey.">
              <RowOrdersList
                sessionKey={session.key}
                timezone={session.me.timezone}
                period={period}
                model={model}
                sources={[listed]}
                creditLabel={`Credit to ${listed.key === NONE ? '(none)' : listed.key}`}
                orderHref={(id) => drillHref('channels', params, { order: id })}
                onUnauthorized={onUnauthorized}
                reportingCurrency={reportingCurrency}
              />
            </Section>
          </>
        )}
      </Drill>
    </>
  );
}

/**
 * One channel's campaigns (`GET /v1/attribution/report?groupBy=campaign&channel=…`):
 * their rows add up to the channel's. With `only`, that campaign's own figures.
 */
function ChannelCampaigns({
  sessionKey,
  period,
  model,
  channel,
  currency,
  converted,
  params,
  onUnauthorized,
  only,
}: {
  sessionKey: string;
  period: { from: string; to: string };
  model: string;
  channel: string;
  currency: string;
  converted: boolean;
  params: URLSearchParams;
  onUnauthorized: () => void;
  only?: string;
}) {
  const path = DATA_DRIVEN.includes(model) ? null : `/v1/attribution/report${query({ from: period.from, to: period.to, groupBy: 'campaign', channel, model, ...inReporting(converted) })}`;
  const [load, retry] = useApi<Report>(path, sessionKey, onUnauthorized);
  if (path === null) return null;
  return (
    <Loaded load={load} what={`the campaigns of ${channel}`} retry={retry}>
      {(report) => {
        if (only !== undefined) return <RowFigures report={report} rowKey={only} currency={currency} />;
        const rows = report.rows.filter((row) => row.currency === currency);
        return rows.length === 0 ? (
          <Empty>
            <p>No campaign of {channel} earned anything in this period.</p>
          </Empty>
        ) : (
          <DataTable<ReportRow>
            name="campaigns"
            caption={`Campaigns of ${channel} (${currency})`}
            rows={rows}
            rowKey={(row) => row.key}
            rowHref={(row) => drillHref('channels', params, { campaign: row.key, order: null })}
            columns={[{ id: 'key', label: 'Campaign', render: (row) => <KeyText value={row.key} none={NONE_MEANS.campaign!} /> }, ...figureColumns(rows, currency, false)]}
          />
        );
      }}
    </Loaded>
  );
}

/**
 * A row's own figures, as the report answers them. `(none)` lists what has
 * no key under the grouping (touches without a campaign …) and the
 * unattributed revenue: its figure is the `(none)` row plus the totals'
 * unattributed, each shown.
 */
function RowFigures({ report, rowKey, currency }: { report: Report; rowKey: string; currency: string }) {
  const row = report.rows.find((candidate) => candidate.key === rowKey && candidate.currency === currency);
  const total = report.totals.find((line) => line.currency === currency);
  const none = rowKey === NONE;
  const model = MODEL_LABELS[report.model] ?? report.model;
  return (
    <>
      <Kpis>
        {none && row && <Kpi name="noneRevenue" label={`(none) row under ${model}`} value={money(row.revenue, currency)} note={NONE_MEANS[report.groupBy]} />}
        {none && <Kpi name="unattributedRevenue" label="Unattributed" value={money(total?.unattributed ?? 0, currency)} note="no marketing touch before H" />}
        <Kpi name="rowRevenue" label={none ? 'Listed below, together' : `Credit under ${model}`} value={money((row?.revenue ?? 0) + (none ? (total?.unattributed ?? 0) : 0), currency)} />
        {!none && row && <Kpi name="rowConversions" label="Conversions" value={count(row.conversions)} note="an order shared among its touches" />}
        {!none && row?.cost !== undefined && <Kpi name="rowCost" label="Spend" value={money(row.cost, currency)} />}
        {!none && row?.cost !== undefined && <Kpi name="rowRoas" label="ROAS" value={ratio(row.roas)} note="revenue ÷ spend" />}
      </Kpis>
      <Note name="row">
        {none
          ? 'The orders no marketing touch earned anything of (nothing before H, the handover to sales or the checkout)' +
            (row ? `, and those whose touches have no ${report.groupBy === 'campaign' ? 'campaign' : 'key'} under this grouping` : '') +
            '. Orders count on their order date.'
          : "This row's share of each order below, under the model: the credits of every page add up to this figure. Orders count on their order date."}
      </Note>
    </>
  );
}

function ReportTable({ report, currency, groupLabel, params }: { report: Report; currency: string; groupLabel: string; params: URLSearchParams }) {
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
  const drillable = !DATA_DRIVEN.includes(report.model);
  return (
    <>
      <Kpis>
        <Kpi name="revenue" label="Revenue" value={money(total.revenue, currency)} />
        <Kpi name="attributed" label="Attributed" value={money(total.attributed, currency)} />
        <Kpi
          name="unattributed"
          label="Unattributed"
          value={money(total.unattributed, currency)}
          href={drillHref('channels', params, { groupBy: 'channel', key: NONE, order: null })}
          note="no marketing touch before H"
        />
        {total.cost !== undefined && <Kpi name="spend" label="Spend" value={money(total.cost, currency)} note={unmatchedNote(total, currency, params, 'is on no row below')} />}
        {total.cost !== undefined && <Kpi name="roas" label="ROAS" value={ratio(total.roas)} note={total.unmatchedCost ? 'revenue ÷ all spend, unmatched included' : undefined} />}
      </Kpis>
      <Section
        title={`${groupLabel} under ${MODEL_LABELS[report.model] ?? report.model}`}
        description={
          drillable
            ? "Revenue is the credit each row earned under the model; rows plus unattributed make the period's revenue (by order date). A row opens the orders behind it."
            : `Revenue is the credit each row earned under the model; rows plus unattributed make the period's revenue (by order date). ${MODEL_LABELS[report.model]} credits rows from all journeys at once, so its rows open no orders: pick a heuristic model for that.`
        }
      >
        <DataTable<ReportRow>
          name="report"
          caption={`Revenue by ${groupLabel.toLowerCase()} (${currency})`}
          rows={rows}
          rowKey={(row) => row.key}
          rowHref={drillable ? (row) => drillHref('channels', params, { key: row.key, order: null }) : undefined}
          columns={[{ id: 'key', label: groupLabel, render: (row) => <KeyText value={row.key} none={NONE_MEANS[report.groupBy] ?? ''} /> }, ...figureColumns(rows, currency, true)]}
        />
      </Section>
    </>
  );
}

/** A report row's figures as columns: revenue with its bar, conversions, touches, and cost, ROAS (and CPA) once there is spend. */
function figureColumns(rows: ReportRow[], currency: string, withCpa: boolean) {
  const top = Math.max(0, ...rows.map((row) => row.revenue));
  const columns = [
    {
      id: 'revenue',
      label: 'Revenue',
      numeric: true,
      render: (row: ReportRow) => (
        <>
          {money(row.revenue, currency)} <Bar value={row.revenue} max={top} />
        </>
      ),
    },
    { id: 'conversions', label: 'Conversions', numeric: true, render: (row: ReportRow) => count(row.conversions) },
    { id: 'touches', label: 'Touches', numeric: true, render: (row: ReportRow) => count(row.touches) },
  ];
  if (!rows.some((row) => row.cost !== undefined)) return columns;
  return [
    ...columns,
    { id: 'cost', label: 'Cost', numeric: true, render: (row: ReportRow) => money(row.cost, currency) },
    { id: 'roas', label: 'ROAS', numeric: true, render: (row: ReportRow) => ratio(row.roas) },
    ...(withCpa ? [{ id: 'cpa', label: 'CPA', numeric: true, render: (row: ReportRow) => money(row.cpa, currency) }] : []),
  ];
}
