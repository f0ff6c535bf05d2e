import { useState } from 'preact/hooks';
import { getJson, query } from '../api.ts';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, ErrorState, Kpi, Kpis, Loaded, Loading, Section } from '../components/ui.tsx';
import { instant, label, MODEL_LABELS, money } from '../format.ts';
import { useApi } from '../load.ts';
import type { Attribution, Journey as JourneyAnswer, Touch } from '../types.ts';
import type { ViewProps } from '../view.ts';

const BOUNDARY_REASONS: Record<Attribution['boundary']['reason'], string> = {
  qualified: 'qualified: marketing handed over',
  sales_touch: 'first sales touch',
  transaction: 'the checkout itself',
};

/** One order's journey: marketing touches up to the boundary H, sales touches from it, the order at the end. */
export function Journey({ session, params, setParams, onUnauthorized }: ViewProps) {
  const order = params.get('order') ?? '';
  return (
    <>
      <Finder sessionKey={session.key} current={order} onOrder={(transactionId) => setParams({ order: transactionId })} />
      {order ? (
        <OrderJourney
          transactionId={order}
          sessionKey={session.key}
          timezone={session.me.timezone}
          model={params.get('model') ?? 'last_non_direct'}
          onModel={(model) => setParams({ model })}
          onUnauthorized={onUnauthorized}
        />
      ) : (
        <p class="hint">Look up an order by its id (as in the finance export: shopify-order-…), or a customer to pick one of their orders.</p>
      )}
    </>
  );
}

type Lookup = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ok'; journey: JourneyAnswer };

/** Finds an order: by its id directly, or through a customer's journey (a person lookup stays in the page, never in the address). */
function Finder({ sessionKey, current, onOrder }: { sessionKey: string; current: string; onOrder: (transactionId: string) => void }) {
  const [by, setBy] = useState<'order' | 'customerId' | 'email'>('order');
  const [value, setValue] = useState(current);
  const [lookup, setLookup] = useState<Lookup>({ status: 'idle' });
  const submit = async (event: Event) => {
    event.preventDefault();
    const text = value.trim();
    if (!text) return;
    if (by === 'order') {
      setLookup({ status: 'idle' });
      onOrder(text);
      return;
    }
    setLookup({ status: 'loading' });
    try {
      setLookup({ status: 'ok', journey: await getJson<JourneyAnswer>(`/v1/people/journey${query({ [by]: text })}`, sessionKey) });
    } catch (error) {
      setLookup({ status: 'error', error: error as Error });
    }
  };
  const orders = lookup.status === 'ok' ? lookup.journey.transactions.filter((transaction) => transaction.kind === 'order') : [];
  return (
    <div class="card finder">
      <form class="finder-form" onSubmit={submit} aria-label="Find an order">
        <Picker
          label="Find by"
          name="by"
          value={by}
          options={[
            { value: 'order', label: 'Order id' },
            { value: 'customerId', label: 'Customer id' },
            { value: 'email', label: 'Email' },
          ]}
          onChange={(next) => setBy(next as typeof by)}
        />
        <label class="grow">
          {by === 'order' ? 'Order id' : by === 'email' ? 'Email' : 'Customer id'}
          <input name="lookup" type="text" inputMode={by === 'email' ? 'email' : 'text'} value={value} onInput={(event) => setValue(event.currentTarget.value)} autocomplete="off" spellcheck={false} />
        </label>
        <button type="submit">Show</button>
      </form>
      {lookup.status === 'loading' && <Loading what="the customer" />}
      {lookup.status === 'error' && <ErrorState error={lookup.error} />}
      {lookup.status === 'ok' &&
        (orders.length === 0 ? (
          <p>This customer has no orders yet.</p>
        ) : (
          <ul class="order-list" aria-label="The customer's orders">
            {orders.map((transaction) => (
              <li key={transaction.transactionId}>
                <button type="button" onClick={() => onOrder(transaction.transactionId)}>
                  {transaction.transactionId} · {transaction.occurredAt.slice(0, 10)} · {money(transaction.net ?? 0, transaction.currency)}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

function OrderJourney({
  transactionId,
  sessionKey,
  timezone,
  model,
  onModel,
  onUnauthorized,
}: {
  transactionId: string;
  sessionKey: string;
  timezone: string;
  model: string;
  onModel: (model: string) => void;
  onUnauthorized: () => void;
}) {
  const [load, retry] = useApi<Attribution>(`/v1/transactions/${encodeURIComponent(transactionId)}/attribution`, sessionKey, onUnauthorized);
  return (
    <Loaded load={load} what="the order's journey" retry={retry}>
      {(attribution) => <JourneyFigures attribution={attribution} timezone={timezone} model={attribution.marketing.credits[model] ? model : 'last_non_direct'} onModel={onModel} />}
    </Loaded>
  );
}

interface Step {
  touch: Touch;
  credit: number | undefined;
  phase: 'marketing' | 'after' | 'sales';
}

function JourneyFigures({ attribution, timezone, model, onModel }: { attribution: Attribution; timezone: string; model: string; onModel: (model: string) => void }) {
  const { currency } = attribution;
  const marketingCredit = (touchId: string) => attribution.marketing.credits[model]?.filter((credit) => credit.touchId === touchId).reduce((sum, credit) => sum + credit.amount, 0);
  const salesCredit = (touchId: string) => attribution.sales.credits.filter((credit) => credit.touchId === touchId).reduce((sum, credit) => sum + credit.amount, 0);
  const steps: Step[] = [
    ...attribution.marketing.touches.map((touch) => ({ touch, credit: marketingCredit(touch.touchId), phase: 'marketing' as const })),
    ...attribution.afterBoundary.map((touch) => ({ touch, credit: undefined, phase: 'after' as const })),
    ...attribution.sales.touches.map((touch) => ({ touch, credit: salesCredit(touch.touchId), phase: 'sales' as const })),
  ].sort((a, b) => (a.touch.occurredAt < b.touch.occurredAt ? -1 : a.touch.occurredAt > b.touch.occurredAt ? 1 : 0));
  const models = Object.keys(attribution.marketing.credits);
  return (
    <>
      <Kpis>
        <Kpi name="revenue" label="Revenue (net)" value={money(attribution.revenue, currency)} />
        <Kpi name="boundary" label="Baton passed (H)" value={instant(attribution.boundary.at, timezone)} note={BOUNDARY_REASONS[attribution.boundary.reason]} />
        <Kpi name="sourcedBy" label="Sourced by" value={label(attribution.sourcedBy)} />
        <Kpi name="unattributed" label="Unattributed" value={money(attribution.marketing.unattributed, currency)} />
        <Kpi name="salesChannel" label="Sales channel" value={label(attribution.sales.salesChannel)} />
      </Kpis>
      <Section title={`Journey of ${attribution.transactionId}`}>
        <Timeline attribution={attribution} steps={steps} timezone={timezone} />
      </Section>
      <Section
        title="Every touch, in time order"
        description="Marketing touches up to H earn marketing credit under the model; sales touches from H on earn sales credit; marketing touches after H are shown but earn nothing."
      >
        <div class="view-pickers">
          <Picker label="Marketing credit under" name="model" value={model} options={models.map((name) => ({ value: name, label: MODEL_LABELS[name] ?? label(name) }))} onChange={onModel} />
        </div>
        <DataTable<Step>
          name="journey"
          caption={`Touches of ${attribution.transactionId}`}
          rows={steps}
          rowKey={(step) => step.touch.touchId}
          columns={[
            { id: 'at', label: 'When', render: (step) => instant(step.touch.occurredAt, timezone) },
            { id: 'phase', label: 'Side', render: (step) => (step.phase === 'after' ? 'marketing, after H' : step.phase) },
            { id: 'kind', label: 'Touch', render: (step) => label(step.touch.kind) },
            {
              id: 'who',
              label: 'Channel · campaign / rep',
              render: (step) => (step.touch.side === 'sales' ? `rep ${step.touch.rep ?? '—'}` : `${step.touch.channel}${step.touch.campaign ? ` · ${step.touch.campaign}` : ''}`),
            },
            { id: 'credit', label: 'Credit', numeric: true, render: (step) => (step.credit === undefined ? '—' : money(step.credit, currency)) },
          ]}
        />
      </Section>
    </>
  );
}

const X0 = 40;
const X1 = 960;

/** The journey as a line: marketing touches above it before H, sales touches below it after H, the order at the end. */
function Timeline({ attribution, steps, timezone }: { attribution: Attribution; steps: Step[]; timezone: string }) {
  const times = [...steps.map((step) => Date.parse(step.touch.occurredAt)), Date.parse(attribution.boundary.at), Date.parse(attribution.occurredAt)];
  const start = Math.min(...times);
  const end = Math.max(...times);
  const x = (iso: string) => (end === start ? X1 : X0 + ((Date.parse(iso) - start) / (end - start)) * (X1 - X0));
  const h = x(attribution.boundary.at);
  const marketing = steps.filter((step) => step.phase !== 'sales').length;
  const sales = steps.length - marketing;
  return (
    <svg class="timeline" viewBox="0 0 1000 170" role="img" aria-labelledby="timeline-title timeline-desc" data-timeline>
      <title id="timeline-title">Journey of order {attribution.transactionId}</title>
      <desc id="timeline-desc">
        {`${marketing} marketing touches from ${instant(new Date(start).toISOString(), timezone)}, the baton passed at ${instant(attribution.boundary.at, timezone)} (${BOUNDARY_REASONS[attribution.boundary.reason]}), ${sales} sales touches, then the order at ${instant(attribution.occurredAt, timezone)}.`}
      </desc>
      <line x1={X0} x2={h} y1={85} y2={85} class="line-marketing" />
      <line x1={h} x2={x(attribution.occurredAt)} y1={85} y2={85} class="line-sales" />
      <line x1={h} x2={h} y1={20} y2={150} class="boundary" data-boundary />
      <text x={h} y={14} text-anchor="middle" class="boundary-label">
        H
      </text>
      {steps.map((step, index) =>
        step.phase === 'sales' ? (
          <rect key={step.touch.touchId} x={x(step.touch.occurredAt) - 6} y={100} width={12} height={12} class="mark-sales" data-mark="sales">
            <title>{`${index + 1}. ${label(step.touch.kind)} by ${step.touch.rep ?? 'a rep'}`}</title>
          </rect>
        ) : (
          <circle key={step.touch.touchId} cx={x(step.touch.occurredAt)} cy={64} r={7} class={step.phase === 'after' ? 'mark-after' : 'mark-marketing'} data-mark={step.phase}>
            <title>{`${index + 1}. ${label(step.touch.kind)} · ${step.touch.channel}${step.touch.campaign ? ` · ${step.touch.campaign}` : ''}`}</title>
          </circle>
        ),
      )}
      <polygon points={diamond(x(attribution.occurredAt), 85)} class="mark-order" data-mark="order">
        <title>The order</title>
      </polygon>
      <text x={X0} y={165} class="axis-label">
        {instant(new Date(start).toISOString(), timezone)}
      </text>
      <text x={X1} y={165} text-anchor="end" class="axis-label">
        {instant(attribution.occurredAt, timezone)}
      </text>
    </svg>
  );
}

const diamond = (cx: number, cy: number) => `${cx},${cy - 10} ${cx + 10},${cy} ${cx},${cy + 10} ${cx - 10},${cy}`;
