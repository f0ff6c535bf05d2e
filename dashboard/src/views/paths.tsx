import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { Bar, DataTable, Empty, Kpi, Kpis, Loaded, Section } from '../components/ui.tsx';
import { count, money } from '../format.ts';
import { useApi } from '../load.ts';
import type { Paths as PathsAnswer } from '../types.ts';
import { currenciesOf, type ViewProps } from '../view.ts';

type PathRow = PathsAnswer['paths'][number];

/** The period's orders by their marketing journey: top channel paths, path length and time lag. */
export function Paths({ session, period, currency, onUnauthorized, onCurrencies }: ViewProps) {
  const [load, retry] = useApi<PathsAnswer>(`/v1/attribution/paths${query({ from: period.from, to: period.to, limit: 20 })}`, session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.paths.flatMap((path) => path.revenue)));
  }, [load.status]);
  return (
    <Loaded load={load} what="the paths" retry={retry}>
      {(answer) => <PathFigures answer={answer} currency={currency} />}
    </Loaded>
  );
}

function PathFigures({ answer, currency }: { answer: PathsAnswer; currency: string }) {
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
      <Section title="Top conversion paths" description="Marketing channels in the order the customer met them before the boundary H; an empty path is an order with no marketing touch.">
        <DataTable<PathRow>
          name="paths"
          caption="Top channel paths"
          rows={answer.paths}
          rowKey={(row) => row.path.join(' › ') || '(no touch)'}
          columns={[
            {
              id: 'path',
              label: 'Path',
              render: (row) =>
                row.path.length === 0 ? (
                  '(no touch)'
                ) : (
                  <span class="path">
                    {row.path.map((channel, index) => (
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
