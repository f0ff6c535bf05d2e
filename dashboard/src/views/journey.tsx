import { useState } from 'preact/hooks';
import { getJson, query } from '../api.ts';
import { type Crumb, Drill } from '../components/breadcrumb.tsx';
import { NativeAmounts } from '../components/currency.tsx';
import { Picker } from '../components/toolbar.tsx';
import { DataTable, ErrorState, Kpi, Kpis, Loaded, Loading, Note, Section } from '../components/ui.tsx';
import { drillHref, personLabel, upTo } from '../drill.ts';
import { count, instant, label, MODEL_LABELS, money } from '../format.ts';
import { useApi } from '../load.ts';
import type { Attribution, Journey as JourneyAnswer, Touch } from '../types.ts';
import type { ViewProps } from '../view.ts';

const BOUNDARY_REASONS: Record<Attribution['boundary']['reason'], string> = {
  qualified: 'qualified: marketing handed over',
  sales_touch: 'first sales touch',
  transaction: 'the checkout itself',
};

/**
 * The Order journey view: an order found by its id (or through a customer's
 * orders), or a person's journey (`person=`, from a link elsewhere) and
 * from it one of their orders.
 */
export function Journey({ session, params, setParams, onUnauthorized }: ViewProps) {
  const order = params.get('order') ?? '';
  const person = params.get('person') ?? '';
  const timezone = session.me.timezone;
  const model = params.get('model') ?? 'last_non_direct';
  if (person) {
    const top: Crumb = { label: 'Order journey', href: upTo('journey', params, 'person') };
    return order ? (
      <DrilledOrder crumbs={[top, { label: 'Person', href: upTo('journey', params, 'order') }]} order={order} model={model} view={{ session, setParams, onUnauthorized }} />
    ) : (
      <Drill crumbs={[top, { label: 'Person' }]} title="A person's journey">
        <PersonJourney person={person} sessionKey={session.key} timezone={timezone} orderHref={(id) => drillHref('journey', params, { order: id })} onUnauthorized={onUnauthorized} />
      </Drill>
    );
  }
  return (
    <>
      <Finder sessionKey={session.key} current={order} timezone={timezone} onOrder={(transactionId) => setParams({ order: transactionId })} />
      {order ? (
        <OrderJourney transactionId={order} sessionKey={session.key} timezone={timezone} model={model} onModel={(next) => setParams({ model: next })} onUnauthorized={onUnauthorized} />
      ) : (
        <p class="hint">Look up an order by its id (as in the finance export: shopify-order-…), or a customer to pick one of their orders.</p>
      )}
    </>
  );
}

type Lookup = { status: 'idle' } | { status: 'loading' } | { status: 'error'; error: Error } | { status: 'ok'; journey: JourneyAnswer };

/** Finds an order: by its id directly, or through a customer's journey (what was typed stays in the page, never in the address). */
function Finder({ sessionKey, current, timezone, onOrder }: { sessionKey: string; current: string; timezone: string; onOrder: (transactionId: string) => void }) {
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
                  {transaction.transactionId} · {instant(transaction.occurredAt, timezone)} · {money(transaction.net ?? 0, transaction.currency)}
                </button>
              </li>
            ))}
          </ul>
        ))}
    </div>
  );
}

/** The deepest level of a drill: an order's journey under the breadcrumb that led to it (the order's own step added). */
export function DrilledOrder({
  crumbs,
  order,
  model,
  view,
  nativeIn,
}: {
  crumbs: Crumb[];
  order: string;
  model: string;
  view: Pick<ViewProps, 'session' | 'setParams' | 'onUnauthorized'>;
  /** The reporting currency the level above showed: this journey's amounts are the order's own, and it says so. */
  nativeIn?: string | undefined;
}) {
  return (
    <Drill crumbs={[...crumbs, { label: `Order ${order}` }]} title={`Journey of order ${order}`}>
      <NativeAmounts reportingCurrency={nativeIn}>This order's amounts and credits are in its own currency: an order's journey is not converted to {nativeIn}.</NativeAmounts>
      <OrderJourney
        transactionId={order}
        sessionKey={view.session.key}
        timezone={view.session.me.timezone}
        model={model}
        onModel={(next) => view.setParams({ model: next })}
        onUnauthorized={view.onUnauthorized}
      />
    </Drill>
  );
}

/** One order's journey (`GET /v1/transactions/{id}/attribution`): the line, then every touch with its marketing and its sales credit. */
export function OrderJourney({
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
  /** Marketing credit under the model (touches before H), sales credit (touches from H on); a total row carries both sums. */
  marketing: number | undefined;
  sales: number | undefined;
  phase: 'marketing' | 'after' | 'sales' | 'total';
}

function JourneyFigures({ attribution, timezone, model, onModel }: { attribution: Attribution; timezone: string; model: string; onModel: (model: string) => void }) {
  const { currency } = attribution;
  const marketingCredit = (touchId: string) => attribution.marketing.credits[model]?.filter((credit) => credit.touchId === touchId).reduce((sum, credit) => sum + credit.amount, 0);
  const salesCredit = (touchId: string) => attribution.sales.credits.filter((credit) => credit.touchId === touchId).reduce((sum, credit) => sum + credit.amount, 0);
  const steps: Step[] = [
    ...attribution.marketing.touches.map((touch) => ({ touch, marketing: marketingCredit(touch.touchId), sales: undefined, phase: 'marketing' as const })),
    ...attribution.afterBoundary.map((touch) => ({ touch, marketing: undefined, sales: undefined, phase: 'after' as const })),
    ...attribution.sales.touches.map((touch) => ({ touch, marketing: undefined, sales: salesCredit(touch.touchId), phase: 'sales' as const })),
  ].sort((a, b) => (a.touch.occurredAt < b.touch.occurredAt ? -1 : a.touch.occurredAt > b.touch.occurredAt ? 1 : 0));
  const models = Object.keys(attribution.marketing.credits);
  // Credit that went to no touch: marketing's unattributed part, and a sale without a selling touch (the rep of the order, or nobody).
  const salesUntouched = attribution.sales.credits.filter((credit) => credit.touchId === null).reduce((sum, credit) => sum + credit.amount, 0);
  const total: Step = {
    touch: { touchId: 'total', occurredAt: '', side: 'marketing', kind: '', channel: '', campaign: null, source: null, medium: null },
    marketing: (attribution.marketing.credits[model] ?? []).reduce((sum, credit) => sum + credit.amount, 0),
    sales: attribution.sales.credits.filter((credit) => credit.touchId !== null).reduce((sum, credit) => sum + credit.amount, 0),
    phase: 'total',
  };
  return (
    <>
      <Kpis>
        <Kpi name="revenue" label="Revenue (net)" value={money(attribution.revenue, currency)} note={instant(attribution.occurredAt, timezone)} />
        <Kpi name="boundary" label="H: baton passed" value={instant(attribution.boundary.at, timezone)} note={BOUNDARY_REASONS[attribution.boundary.reason]} />
        <Kpi name="sourcedBy" label="Sourced by" value={label(attribution.sourcedBy)} />
        <Kpi name="unattributed" label="Unattributed" value={money(attribution.marketing.unattributed, currency)} note="marketing credit no touch earned" />
        <Kpi name="salesChannel" label="Sales channel" value={label(attribution.sales.salesChannel)} />
      </Kpis>
      <Note name="boundary">
        H is the boundary where marketing hands over to sales: the qualification, else the first sales touch, else the checkout itself. Marketing's credit is split over the touches before it, sales'
        credit over the touches from it on: each adds up to the order on its own.
      </Note>
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
          footer={[total]}
          columns={[
            { id: 'at', label: `When (${timezone})`, render: (step) => (step.phase === 'total' ? 'Credited to touches' : instant(step.touch.occurredAt, timezone)) },
            {
              id: 'who',
              label: 'Channel · campaign / rep',
              render: (step) =>
                step.phase === 'total' ? '' : step.touch.side === 'sales' ? `rep ${step.touch.rep ?? '—'}` : `${step.touch.channel}${step.touch.campaign ? ` · ${step.touch.campaign}` : ''}`,
            },
            // The credits come first after what the touch was, so a narrow screen shows them without scrolling.
            { id: 'marketingCredit', label: 'Marketing credit', numeric: true, render: (step) => (step.marketing === undefined ? '—' : money(step.marketing, currency)) },
            { id: 'salesCredit', label: 'Sales credit', numeric: true, render: (step) => (step.sales === undefined ? '—' : money(step.sales, currency)) },
            { id: 'kind', label: 'Touch', render: (step) => label(step.touch.kind) },
            { id: 'phase', label: 'Side', render: (step) => (step.phase === 'after' ? 'marketing, after H' : step.phase === 'total' ? '' : step.phase) },
          ]}
        />
        {(attribution.marketing.unattributed !== 0 || salesUntouched !== 0) && (
          <p class="hint" data-note="untouched">
            {[
              attribution.marketing.unattributed !== 0 && `${money(attribution.marketing.unattributed, currency)} of marketing credit went to no touch (unattributed: nothing before H earned it)`,
              salesUntouched !== 0 && `${money(salesUntouched, currency)} of sales credit went to no touch (to the order's rep, or (none): no rep)`,
            ]
              .filter(Boolean)
              .join('; ')}
            .
          </p>
        )}
      </Section>
    </>
  );
}

/** A person's journey (`GET /v1/people/journey?person=`): every touch, stage and transaction in time order; an order opens its own journey. */
export function PersonJourney({
  person,
  sessionKey,
  timezone,
  orderHref,
  onUnauthorized,
}: {
  person: string;
  sessionKey: string;
  timezone: string;
  orderHref: (transactionId: string) => string;
  onUnauthorized: () => void;
}) {
  const [load, retry] = useApi<JourneyAnswer>(`/v1/people/journey${query({ person })}`, sessionKey, onUnauthorized);
  return (
    <Loaded load={load} what="the person's journey" retry={retry}>
      {(journey) => <PersonFigures journey={journey} timezone={timezone} orderHref={orderHref} />}
    </Loaded>
  );
}

interface PersonEvent {
  id: string;
  at: string;
  what: string;
  side: string;
  detail: string;
  /** The order an order, refund or cancellation opens. */
  order?: string;
}

function PersonFigures({ journey, timezone, orderHref }: { journey: JourneyAnswer; timezone: string; orderHref: (transactionId: string) => string }) {
  const events: PersonEvent[] = [
    ...journey.touches.map((touch) => ({
      id: `t:${touch.touchId}`,
      at: touch.occurredAt,
      what: `${label(touch.kind)} (touch)`,
      side: touch.side,
      detail: touch.side === 'sales' ? `rep ${touch.rep ?? '—'}` : `${touch.channel}${touch.campaign ? ` · ${touch.campaign}` : ''}`,
    })),
    ...journey.stages.map((stage) => ({ id: `s:${stage.stageId}`, at: stage.occurredAt, what: label(stage.stage), side: 'stage', detail: stage.reason ? `reason: ${label(stage.reason)}` : '' })),
    ...journey.transactions.map((transaction) => ({
      id: `o:${transaction.transactionId}`,
      at: transaction.occurredAt,
      what: `${label(transaction.kind)} ${transaction.transactionId}`,
      side: 'transaction',
      detail: `${money(transaction.net, transaction.currency)} net${transaction.salesChannel ? ` · ${label(transaction.salesChannel)}` : ''}${transaction.rep ? ` · rep ${transaction.rep}` : ''}`,
      order: transaction.kind === 'order' ? transaction.transactionId : transaction.orderId,
    })),
  ].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const orders = journey.transactions.filter((transaction) => transaction.kind === 'order');
  const qualified = journey.stages.find((stage) => stage.stage === 'qualified');
  const latestStage = journey.stages.reduce<JourneyAnswer['stages'][number] | undefined>((latest, stage) => (!latest || stage.occurredAt >= latest.occurredAt ? stage : latest), undefined);
  return (
    <>
      <Kpis>
        <Kpi name="person" label="Person" value={personLabel(journey.identifiers)} note={`${count(journey.identifiers.length)} linked ids`} />
        <Kpi name="firstSeen" label="First seen" value={events[0] ? instant(events[0].at, timezone) : '—'} />
        <Kpi name="stage" label="Latest stage" value={latestStage ? label(latestStage.stage) : '—'} note={latestStage?.reason ? label(latestStage.reason) : undefined} />
        <Kpi name="handedOver" label="H: handed to sales" value={qualified ? instant(qualified.occurredAt, timezone) : '—'} note={qualified ? 'qualified' : 'not qualified'} />
        <Kpi name="orders" label="Orders" value={count(orders.length)} />
      </Kpis>
      {journey.truncated && <Note name="truncated">This person's history is longer than one read takes: the latest touches are shown.</Note>}
      <Section title="Everything that happened, in time order" description="Touches (marketing, then sales), funnel stages and transactions; an order opens its journey.">
        <DataTable<PersonEvent>
          name="person-journey"
          caption="The person's touches, stages and transactions"
          rows={events}
          rowKey={(event) => event.id}
          rowHref={(event) => (event.order ? orderHref(event.order) : undefined)}
          columns={[
            { id: 'what', label: 'What', render: (event) => event.what },
            { id: 'at', label: `When (${timezone})`, render: (event) => instant(event.at, timezone) },
            { id: 'side', label: 'Side', render: (event) => event.side },
            { id: 'detail', label: 'Channel · campaign / rep / amount', render: (event) => event.detail },
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
