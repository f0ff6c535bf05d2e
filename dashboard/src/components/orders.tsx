import { query } from '../api.ts';
import { count, instant, label, money } from '../format.ts';
import { usePages } from '../load.ts';
import type { Period } from '../period.ts';
import type { RowOrder, RowOrders } from '../types.ts';
import { NativeAmounts } from './currency.tsx';
import { DataTable, Empty, ErrorState, Loading, ShowMore } from './ui.tsx';

/** A row of a report (marketing: channel, campaign, source_medium, kind; sales: rep, sales_channel) whose orders are listed. */
export interface OrderSource {
  groupBy: string;
  key: string;
  /** With groupBy=campaign: the channel whose campaign row it is. */
  channel?: string;
}

type Line = RowOrder & { source: string; total?: number };

const SALES_CHANNELS: Record<string, string> = {
  online_store: 'Online store',
  pos: 'Point of sale',
  draft_order: 'Draft order (a rep)',
  marketplace: 'Marketplace',
  subscription: 'Subscription',
  other: 'Other',
};

/**
 * The orders and adjustments (refunds, cancellations) that one or more
 * report rows are made of (`GET /v1/attribution/orders`), newest first, a
 * page at a time; each opens its journey. The footer adds up the credits
 * listed: with every page in, that is the row's figure.
 */
export function RowOrdersList({
  sessionKey,
  timezone,
  period,
  model,
  sources,
  creditLabel,
  orderHref,
  onUnauthorized,
  reportingCurrency,
}: {
  sessionKey: string;
  timezone: string;
  period: Period;
  model: string;
  sources: OrderSource[];
  /** The credit column's heading; none when the credit is the whole revenue (a day's orders, by sales channel). */
  creditLabel?: string;
  orderHref: (transactionId: string) => string;
  onUnauthorized: () => void;
  /** The figure above is in this reporting currency: the orders, listed in their own, say so. */
  reportingCurrency?: string | undefined;
}) {
  const paths = sources.map(
    (source) =>
      `/v1/attribution/orders${query({ from: period.from, to: period.to, model, groupBy: source.groupBy, ...(source.channel ? { channel: source.channel } : {}), key: source.key, limit: 50 })}`,
  );
  const pages = usePages<RowOrders, Line>(
    paths,
    (answer) => answer.orders.map((order) => ({ ...order, source: answer.key })),
    (order) => order.occurredAt,
    sessionKey,
    onUnauthorized,
  );
  const { load } = pages;
  if (load.status === 'loading') return <Loading what="the orders" />;
  if (load.status === 'error') return <ErrorState error={load.error} retry={pages.retry} />;
  const lines = load.data;
  if (lines.length === 0) {
    return (
      <Empty>
        <p>No orders or adjustments in this period.</p>
      </Empty>
    );
  }
  const currencies = [...new Set(lines.map((line) => line.currency))];
  const totals: Line[] = currencies.map((currency) => {
    const mine = lines.filter((line) => line.currency === currency);
    return {
      transactionId: pages.more ? `The ${count(mine.length)} listed so far` : `All ${count(mine.length)}`,
      kind: 'order',
      occurredAt: '',
      day: '',
      currency,
      revenue: mine.reduce((sum, line) => sum + line.revenue, 0),
      credit: mine.reduce((sum, line) => sum + line.credit, 0),
      conversions: mine.reduce((sum, line) => sum + line.conversions, 0),
      sourcedBy: 'none',
      boundaryAt: '',
      source: '',
      total: mine.length,
    };
  });
  const several = sources.length > 1;
  const blank = (line: Line, text: string) => (line.total === undefined ? text : '');
  return (
    <>
      <NativeAmounts reportingCurrency={reportingCurrency}>
        Each order below is in its own currency: the list of a figure's orders is not converted to {reportingCurrency}. Their credits add up, currency by currency, to this row's figure in each
        currency (Each currency, above); the {reportingCurrency} figure is their sum converted at each order's day's rate, an order with no rate left out of it.
      </NativeAmounts>
      <DataTable<Line>
        name="orders"
        caption={`Orders and adjustments, newest first${pages.more ? ' (more to load)' : ''}`}
        rows={lines}
        rowKey={(line) => `${line.source}|${line.transactionId}`}
        rowHref={(line) => orderHref(line.transactionId)}
        footer={totals}
        columns={[
          { id: 'order', label: 'Order', render: (line) => line.transactionId },
          { id: 'kind', label: 'Kind', render: (line) => blank(line, label(line.kind)) },
          { id: 'when', label: `When (${timezone})`, render: (line) => (line.total === undefined ? instant(line.occurredAt, timezone) : '') },
          ...(several ? [{ id: 'source', label: 'Sales channel', render: (line: Line) => blank(line, SALES_CHANNELS[line.source] ?? label(line.source)) }] : []),
          ...(creditLabel ? [{ id: 'credit', label: creditLabel, numeric: true, render: (line: Line) => money(line.credit, line.currency) }] : []),
          { id: 'revenue', label: 'Order revenue', numeric: true, render: (line) => money(line.revenue, line.currency) },
          { id: 'conversions', label: 'Conversions', numeric: true, render: (line) => count(line.conversions) },
          { id: 'sourcedBy', label: 'Sourced by', render: (line) => blank(line, label(line.sourcedBy)) },
          { id: 'boundary', label: 'H: baton passed', render: (line) => (line.total === undefined ? instant(line.boundaryAt, timezone) : '') },
        ]}
      />
      <p class="hint">
        Revenue is net (tax and shipping excluded), a refund or cancellation negative. H is where marketing handed the order over to sales (or the checkout, without a sales touch); the credit is this
        row's share of the revenue.
      </p>
      <ShowMore pages={pages} what="orders" />
    </>
  );
}
