import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { RowOrdersList } from '../components/orders.tsx';
import { Bar, DataTable, Empty, Kpi, Kpis, Loaded, Note, Section } from '../components/ui.tsx';
import { channelsOf, drillHref, NONE, PATH_SEPARATOR, upTo } from '../drill.ts';
import { count, money } from '../format.ts';
import { type Load, useApi } from '../load.ts';
import type { Paths as PathsAnswer } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';
import { DrilledOrder } from './journey.tsx';

type PathRow = PathsAnswer['paths'][number];

const EMPTY_PATH = '(no marketing touch)';

/**
 * The period's orders by their marketing journey: top channel paths, path
 * length and time lag. A path (`path`) opens the orders of its last channel
 * (the orders are listed by report row, and a path is not one); an order
 * (`order`) its journey.
 */
export function Paths(props: ViewProps) {
  const { session, period, currency, params, onUnauthorized, onCurrencies } = props;
  const path = params.get('path');
  const [load, retry] = useApi<PathsAnswer>(
    path !== null && params.get('order') ? null : `/v1/attribution/paths${query({ from: period.from, to: period.to, limit: 20 })}`,
    session.key,
    onUnauthorized,
  );
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.paths.flatMap((row) => row.revenue)));
  }, [load.status]);
  if (path !== null) return <PathLevel {...props} path={path} load={load} retry={retry} />;
  return (
    <Loaded load={load} what="the paths" retry={retry}>
      {(answer) => <PathFigures answer={answer} currency={currency} params={params} />}
    </Loaded>
  );
}

function PathLevel({ session, period, currency, params, setParams, onUnauthorized, path, load, retry }: ViewProps & { path: string; load: Load<PathsAnswer>; retry: () => void }) {
  const channels = path === NONE ? [] : channelsOf(path);
  const name = channels.length === 0 ? EMPTY_PATH : channels.join(' › ');
  const last = channels[channels.length - 1];
  const order = params.get('order');
  const crumbs: Crumb[] = [{ label: 'Paths', href: upTo('paths', params, 'path') }];
  if (order) {
    return (
      <DrilledOrder
        crumbs={[...crumbs, { label: name, href: upTo('paths', params, 'order') }]}
        order={order}
        model={params.get('model') ?? 'last_touch'}
        view={{ session, setParams, onUnauthorized }}
      />
    );
  }
  return (
    <Drill crumbs={[...crumbs, { label: name }]} title={`Orders of the path ${name}`}>
      <Loaded load={load} what="the paths" retry={retry}>
        {(answer) => {
          const row = answer.paths.find((candidate) => channelsOf(candidate.path).join(PATH_SEPARATOR) === channels.join(PATH_SEPARATOR));
          return (
            <Kpis>
              <Kpi name="pathOrders" label="Orders with this path" value={row ? count(row.orders) : '—'} />
              <Kpi name="pathRevenue" label="Their revenue" value={row ? money(row.revenue.find((line) => line.currency === currency)?.amount ?? 0, currency) : '—'} />
            </Kpis>
          );
        }}
      </Loaded>
      <Note name="path">
        {last === undefined
          ? 'The orders no marketing touch came before (before H, the handover to sales or the checkout): the unattributed orders, newest first, refunds and cancellations included.'
          : `Orders are listed by report row, and a path is not one: below are the orders whose last marketing touch before H was ${last} (its row under last touch). This path's orders are among them, with those of the other paths that end in ${last}.`}
      </Note>
      <Section title={last === undefined ? 'Orders with no marketing touch' : `Orders whose last touch was ${last}`} description="Newest first; an order opens its journey.">
        <RowOrdersList
          sessionKey={session.key}
          timezone={session.me.timezone}
          period={period}
          model="last_touch"
          sources={[{ groupBy: 'channel', key: last ?? NONE }]}
          creditLabel={last === undefined ? 'Unattributed' : `Credit to ${last} (last touch)`}
          orderHref={(id) => drillHref('paths', params, { order: id, model: 'last_touch' })}
          onUnauthorized={onUnauthorized}
        />
      </Section>
    </Drill>
  );
}

function PathFigures({ answer, currency, params }: { answer: PathsAnswer; currency: string; params: URLSearchParams }) {
  if (answer.paths.length === 0 && answer.pathLengths.every((bucket) => bucket.orders === 0)) {
    return (
      <Empty>
        <p>
          <strong>No orders in this period.</strong> Paths, path length and time lag appear with the first order.
        </p>
      </Empty>
    );
  }
  const topOrders = Math.max(0, ...answer.paths.map((path) => path.orders));
  return (
    <>
      <Kpis>
        <Kpi name="distinctPaths" label="Distinct paths" value={count(answer.distinctPaths)} />
      </Kpis>
      <Section
        title="Top conversion paths"
        description="Marketing channels in the order the customer met them before H, where marketing handed over to sales (or the checkout). A path opens the orders of its last channel."
      >
        <DataTable<PathRow>
          name="paths"
          caption="Top channel paths"
          rows={answer.paths}
          rowKey={(row) => channelsOf(row.path).join(PATH_SEPARATOR) || NONE}
          rowHref={(row) => drillHref('paths', params, { path: channelsOf(row.path).join(PATH_SEPARATOR) || NONE, order: null })}
          columns={[
            {
              id: 'path',
              label: 'Path',
              render: (row) =>
                channelsOf(row.path).length === 0 ? (
                  <span class="path-empty">{EMPTY_PATH}</span>
                ) : (
                  <span class="path">
                    {channelsOf(row.path).map((channel, index) => (
                      <span class="chip" key={index}>
                        {channel}
                      </span>
                    ))}
                  </span>
                ),
            },
            {
              id: 'orders',
              label: 'Orders',
              numeric: true,
              render: (row) => (
                <>
                  {count(row.orders)} <Bar value={row.orders} max={topOrders} />
                </>
              ),
            },
            { id: 'revenue', label: 'Revenue', numeric: true, render: (row) => money(row.revenue.find((line) => line.currency === currency)?.amount ?? 0, currency) },
          ]}
        />
      </Section>
      <div class="columns">
        <Histogram
          title="Path length"
          description="Marketing touches per order."
          name="path-lengths"
          caption="Orders by path length"
          column={{ id: 'touches', label: 'Touches' }}
          buckets={answer.pathLengths.map((bucket) => ({ key: bucket.touches, orders: bucket.orders }))}
        />
        <Histogram
          title="Time lag"
          description="Days from the first marketing touch to the order."
          name="time-lags"
          caption="Orders by time lag"
          column={{ id: 'days', label: 'Days' }}
          buckets={answer.timeLags.map((bucket) => ({ key: bucket.days, orders: bucket.orders }))}
        />
      </div>
    </>
  );
}

/** Orders per bucket (path length, time lag), with a bar to compare the buckets at a glance. */
function Histogram({
  title,
  description,
  name,
  caption,
  column,
  buckets,
}: {
  title: string;
  description: string;
  name: string;
  caption: string;
  column: { id: string; label: string };
  buckets: Array<{ key: string; orders: number }>;
}) {
  const max = Math.max(0, ...buckets.map((bucket) => bucket.orders));
  return (
    <Section title={title} description={description}>
      <DataTable
        name={name}
        caption={caption}
        rows={buckets}
        rowKey={(bucket) => bucket.key}
        columns={[
          { id: column.id, label: column.label, render: (bucket) => bucket.key },
          {
            id: 'orders',
            label: 'Orders',
            numeric: true,
            render: (bucket) => (
              <>
                {count(bucket.orders)} <Bar value={bucket.orders} max={max} tone="secondary" />
              </>
            ),
          },
        ]}
      />
    </Section>
  );
}
