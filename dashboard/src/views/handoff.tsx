import { useEffect, useState } from 'preact/hooks';
import { ApiError, getJson, query } from '../api.ts';
import { DataTable, Empty, Kpi, Kpis, Loaded, Section } from '../components/ui.tsx';
import { count, hours, instant, money } from '../format.ts';
import { useBoth } from '../load.ts';
import type { DroppedBaton, Handoffs, SalesReport } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';

type SalesRow = SalesReport['rows'][number];

/** docs/contract.md#the-handoff and the sales side: how fast sales picks up the baton, who was dropped, and what each rep closed. */
export function Handoff({ session, period, currency, onUnauthorized, onCurrencies }: ViewProps) {
  const range = { from: period.from, to: period.to };
  const [load, retry] = useBoth<Handoffs, SalesReport>([`/v1/handoffs${query(range)}`, `/v1/sales/report${query({ ...range, groupBy: 'rep' })}`], session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data[1].totals));
  }, [load.status]);
  return (
    <Loaded load={load} what="the handoff" retry={retry}>
      {([answer, report]) => <HandoffFigures answer={answer} report={report} currency={currency} timezone={session.me.timezone} sessionKey={session.key} period={range} />}
    </Loaded>
  );
}

function HandoffFigures({
  answer,
  report,
  currency,
  timezone,
  sessionKey,
  period,
}: {
  answer: Handoffs;
  report: SalesReport;
  currency: string;
  timezone: string;
  sessionKey: string;
  period: { from: string; to: string };
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
        <Kpi name="qualified" label="Batons passed (qualified)" value={count(answer.qualified)} />
        <Kpi name="contacted" label="Contacted by sales" value={count(answer.contacted)} />
        <Kpi name="withinSla" label={`Within the ${count(answer.slaHours)} h SLA`} value={count(answer.withinSla)} note={`of ${count(answer.qualified)} qualified`} />
        <Kpi name="medianHours" label="Median time to first contact" value={hours(answer.medianHours)} />
        <Kpi name="p90Hours" label="90th percentile" value={hours(answer.p90Hours)} />
      </Kpis>
      <Section title="Dropped batons" description={`Qualified people nobody from sales reached within ${count(answer.slaHours)} hours and who have not bought, oldest first.`}>
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
              columns={[
                { id: 'person', label: 'Person', render: (baton) => personLabel(baton.identifiers) },
                { id: 'qualifiedAt', label: 'Qualified', render: (baton) => instant(baton.qualifiedAt, timezone) },
                { id: 'deadline', label: 'SLA deadline', render: (baton) => instant(baton.deadline, timezone) },
                { id: 'campaign', label: 'Acquiring campaign', render: (baton) => baton.acquiringCampaign ?? '(none)' },
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
      <Section title="Sales by rep" description="The sales credit of the period's transactions by the rep it went to ((none): nobody); every sale has a seller, so the rows add up to the revenue.">
        {rows.length === 0 ? (
          <Empty>
            <p>No {currency} sales in this period.</p>
          </Empty>
        ) : (
          <DataTable<SalesRow>
            name="sales"
            caption={`Sales credit by rep (${currency})`}
            rows={rows}
            rowKey={(row) => row.key}
            footer={total ? [{ key: 'All', currency, revenue: total.revenue, orders: NaN, sourcedBy: { marketing: NaN, sales: NaN, none: NaN }, medianHoursToOrder: null }] : []}
            columns={[
              { id: 'key', label: 'Rep', render: (row) => row.key },
              { id: 'revenue', label: 'Revenue', numeric: true, render: (row) => money(row.revenue, currency) },
              { id: 'orders', label: 'Orders', numeric: true, render: (row) => figure(row.orders) },
              { id: 'marketing', label: 'Sourced by marketing', numeric: true, render: (row) => figure(row.sourcedBy.marketing) },
              { id: 'sales', label: 'Sourced by sales', numeric: true, render: (row) => figure(row.sourcedBy.sales) },
              { id: 'none', label: 'Sourced by nobody', numeric: true, render: (row) => figure(row.sourcedBy.none) },
              { id: 'hoursToOrder', label: 'Median H → order', numeric: true, render: (row) => hours(row.medianHoursToOrder) },
            ]}
          />
        )}
      </Section>
    </>
  );
}

const figure = (value: number) => (Number.isNaN(value) ? '' : count(value));

/** A person as the API names them: the customer id if known, else the first id (hashed emails shortened). */
function personLabel(identifiers: string[]): string {
  const customer = identifiers.find((id) => id.startsWith('c:'));
  if (customer) return `customer ${customer.slice(2)}`;
  const anonymous = identifiers.find((id) => id.startsWith('a:'));
  if (anonymous) return `visitor ${anonymous.slice(2)}`;
  const email = identifiers.find((id) => id.startsWith('e:'));
  return email ? `email #${email.slice(2, 10)}` : identifiers.join(', ');
}
