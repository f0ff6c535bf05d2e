import { useEffect } from 'preact/hooks';
import { query } from '../api.ts';
import { MissingRates } from '../components/currency.tsx';
import { Picker } from '../components/toolbar.tsx';
import { Bar, DataTable, Empty, KeyText, Loaded, Section } from '../components/ui.tsx';
import { label, MODEL_LABELS, money } from '../format.ts';
import { useApi } from '../load.ts';
import { href } from '../route.ts';
import type { Compare } from '../types.ts';
import { currenciesOf, inReporting, period, type ViewProps } from '../view.ts';
import { GROUP_BYS, groupByOf, NONE_MEANS } from './channels.tsx';

/** Every model's revenue per row side by side (`GET /v1/attribution/compare`). */
export function Models({ session, period, currency, reporting, converted, params, setParams, onUnauthorized, onCurrencies }: ViewProps) {
  const groupBy = groupByOf(params);
  const [load, retry] = useApi<Compare>(`/v1/attribution/compare${query({ from: period.from, to: period.to, groupBy, ...inReporting(converted) })}`, session.key, onUnauthorized);
  useEffect(() => {
    if (load.status === 'ok') onCurrencies(currenciesOf(load.data.totals));
  }, [load.status]);
  return (
    <>
      <div class="view-pickers">
        <Picker
          label="Group by"
          name="groupBy"
          value={groupBy}
          options={GROUP_BYS.map((name) => ({ value: name, label: label(name).replace('medium', '/ medium') }))}
          onChange={(value) => setParams({ groupBy: value })}
        />
      </div>
      <Loaded load={load} what="the model comparison" retry={retry}>
        {(compare) => (
          <>
            <MissingRates answer={compare} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
            <CompareTable compare={compare} currency={currency} params={params} />
          </>
        )}
      </Loaded>
    </>
  );
}

function CompareTable({ compare, currency, params }: { compare: Compare; currency: string; params: URLSearchParams }) {
  const models = Object.keys(compare.models);
  const keys = [...new Set(models.flatMap((model) => (compare.models[model] ?? []).filter((row) => row.currency === currency).map((row) => row.key)))];
  if (keys.length === 0) {
    return (
      <Empty>
        <p>
          <strong>No attributed {currency} revenue in this period.</strong> Models differ once orders have marketing touches before them.
        </p>
      </Empty>
    );
  }
  const revenue = (model: string, key: string) => compare.models[model]?.find((row) => row.key === key && row.currency === currency)?.revenue;
  const top = Math.max(0, ...models.flatMap((model) => keys.map((key) => revenue(model, key) ?? 0)));
  return (
    <Section
      title="Revenue by model"
      description="The same period's revenue (by order date), credited under each model. Markov and Shapley are data-driven: they learn from all of the period's journeys, converting or not. A row opens its orders under a heuristic model."
    >
      <DataTable<string>
        name="compare"
        caption={`Revenue under each model (${currency})`}
        rows={keys}
        rowKey={(key) => key}
        rowHref={(key) => href('channels', { ...period(params), groupBy: compare.groupBy, key })}
        columns={[
          { id: 'key', label: compare.groupBy === 'source_medium' ? 'Source / medium' : label(compare.groupBy), render: (key) => <KeyText value={key} none={NONE_MEANS[compare.groupBy] ?? ''} /> },
          ...models.map((model) => ({
            id: model,
            label: MODEL_LABELS[model] ?? label(model),
            numeric: true,
            render: (key: string) => (
              <>
                {money(revenue(model, key), currency)}
                <Bar value={revenue(model, key) ?? 0} max={top} tone="secondary" />
              </>
            ),
          })),
        ]}
      />
    </Section>
  );
}
