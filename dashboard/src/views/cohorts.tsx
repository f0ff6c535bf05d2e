import { useEffect, useMemo, useState } from 'preact/hooks';
import { query } from '../api.ts';
import { type ChartSeries, OffsetChart } from '../components/chart.tsx';
import { MissingRates } from '../components/currency.tsx';
import { Download } from '../components/download.tsx';
import { CurrencySwitch, Picker } from '../components/toolbar.tsx';
import { type CellProps, type Column, DataTable, Empty, KeyText, Loaded, Note, Section } from '../components/ui.tsx';
import { count, decimalString, label, MODEL_LABELS, money, percent } from '../format.ts';
import { useApi } from '../load.ts';
import { addMonths, isMonth, monthSpan, today } from '../period.ts';
import { COHORT_GROUP_BYS, type CohortRow, type Cohorts as CohortsAnswer, HEURISTIC_MODELS } from '../types.ts';
import { currenciesOf, inReporting, REPORTING, type ViewProps } from '../view.ts';
import { NONE_MEANS } from './channels.tsx';

/** The months since the first order a row is shown for (`months`; the API takes 1–36). */
const MONTH_CHOICES = [6, 12, 24, 36];
const MAX_MONTHS = 36;
/** The cohort months one answer covers at most (the API's limit). */
const MAX_SPAN = 36;
/** The rows the chart draws when the address names none, and at most. */
const CHART_DEFAULT = 3;
const CHART_MAX = 6;
/** Line colours, each at least 3:1 against the chart's white. */
const PALETTE = ['#1f5fbf', '#b3261e', '#1e7a4f', '#6b4fbb', '#8a5a00', '#0b7285'];

const GROUP_LABELS: Record<string, string> = { none: 'None (every customer)', channel: 'Channel', campaign: 'Campaign', source_medium: 'Source / medium' };
/** The key of `groupBy=none`'s one row per cohort. */
const ALL = '(all)';

/** What a heat-map cell holds: the cumulative revenue (or, with a gross margin, margin) per customer up to its month, or the month's revenue. */
type Show = 'cumulative' | 'margin' | 'revenue';
const SHOW_LABELS: Record<Show, string> = {
  cumulative: 'Cumulative revenue per customer',
  margin: 'Cumulative margin per customer',
  revenue: 'Revenue of the month',
};

interface Range {
  from: string;
  to: string;
}

/** What is wrong with a range of cohort months, before the API is asked. */
function rangeProblem(range: Range): string | undefined {
  if (!isMonth(range.from) || !isMonth(range.to)) return 'Pick both months.';
  if (range.from > range.to) return 'The range ends before it starts.';
  if (monthSpan(range.from, range.to) > MAX_SPAN) return `At most ${MAX_SPAN} cohort months.`;
  return undefined;
}

/** The view's choices as the address holds them (`#/cohorts?cohortFrom&cohortTo&model&groupBy&months&show&chart`), each with its default. */
function choicesOf(params: URLSearchParams, periodEnd: string) {
  const model = (HEURISTIC_MODELS as readonly string[]).includes(params.get('model') ?? '') ? params.get('model')! : 'last_non_direct';
  const groupBy = (COHORT_GROUP_BYS as readonly string[]).includes(params.get('groupBy') ?? '') ? params.get('groupBy')! : 'channel';
  const asked = Number(params.get('months'));
  const months = Number.isInteger(asked) && asked >= 1 && asked <= MAX_MONTHS ? asked : 12;
  // By default the twelve cohort months up to the month the dashboard's period ends in.
  const end = periodEnd.slice(0, 7);
  const to = params.get('cohortTo') ?? end;
  const named = { from: params.get('cohortFrom') ?? addMonths(isMonth(to) ? to : end, -11), to };
  const range = rangeProblem(named) ? { from: addMonths(end, -11), to: end } : named;
  const show = params.get('show');
  return { model, groupBy, months, range, show: show === 'cumulative' || show === 'margin' || show === 'revenue' ? (show as Show) : undefined };
}

/**
 * Customers by the month of their first order and the key its credit went
 * to (`GET /v1/cohorts`): a heat map of what they brought month by month
 * since, with CAC, repeat rate and payback per row; a chart of chosen rows
 * against their CAC; the same rows as a CSV download.
 */
export function Cohorts({ session, period, currency, reporting, converted, params, setParams, onUnauthorized }: ViewProps) {
  const { timezone, tenantId } = session.me;
  const { model, groupBy, months, range, show } = choicesOf(params, period.to);
  const asked = { from: range.from, to: range.to, groupBy, model, months, ...inReporting(converted) };
  const [load, retry] = useApi<CohortsAnswer>(`/v1/cohorts${query(asked)}`, session.key, onUnauthorized);
  const currencies = load.status === 'ok' ? currenciesOf(load.data.rows) : [];
  // A new question starts the chart over from its default rows.
  const ask = (changes: Record<string, string>) => setParams({ ...changes, chart: '' });
  return (
    <>
      <form class="toolbar" aria-label="Cohorts and currency" onSubmit={(event) => event.preventDefault()}>
        <CohortRange range={range} timezone={timezone} onRange={(next) => ask({ cohortFrom: next.from, cohortTo: next.to })} />
        {reporting && <CurrencySwitch reportingCurrency={reporting.currency} converted={converted} onConverted={(on) => ask({ currency: on ? REPORTING : '' })} />}
        {!converted && (
          <Picker
            label="Currency"
            name="currency"
            value={currency}
            options={[...new Set([currency, ...currencies])].map((code) => ({ value: code, label: code }))}
            onChange={(next) => ask({ currency: next })}
          />
        )}
        <Download
          sessionKey={session.key}
          path={`/v1/cohorts${query({ ...asked, format: 'csv' })}`}
          fallbackName={`${tenantId}-cohorts-${asked.model}-${asked.groupBy}-${range.from}-to-${range.to}.csv`}
          label="Download the cohorts (CSV)"
          busyLabel="Preparing the file…"
        />
      </form>
      <div class="view-pickers">
        <Picker
          label="Model"
          name="model"
          value={model}
          options={HEURISTIC_MODELS.map((name) => ({ value: name, label: MODEL_LABELS[name] ?? label(name) }))}
          onChange={(value) => ask({ model: value })}
        />
        <Picker label="Group by" name="groupBy" value={groupBy} options={COHORT_GROUP_BYS.map((name) => ({ value: name, label: GROUP_LABELS[name]! }))} onChange={(value) => ask({ groupBy: value })} />
        <Picker
          label="Months since the first order"
          name="months"
          value={String(months)}
          options={[...new Set([...MONTH_CHOICES, months])].sort((a, b) => a - b).map((value) => ({ value: String(value), label: String(value) }))}
          onChange={(value) => ask({ months: value })}
        />
        <Picker
          label="Cells show"
          name="show"
          value={show ?? (load.status === 'ok' && load.data.basis === 'margin' ? 'margin' : 'cumulative')}
          options={(['cumulative', 'margin', 'revenue'] as const)
            .filter((value) => value !== 'margin' || (load.status === 'ok' && load.data.basis === 'margin') || show === 'margin')
            .map((value) => ({ value, label: SHOW_LABELS[value] }))}
          onChange={(value) => setParams({ show: value })}
        />
      </div>
      <Loaded load={load} what="the cohorts" retry={retry}>
        {(answer) => (
          <>
            <MissingRates answer={answer} fxMaxAgeDays={reporting?.fxMaxAgeDays} />
            <CohortFigures answer={answer} currency={currency} timezone={timezone} show={show} params={params} setParams={setParams} />
          </>
        )}
      </Loaded>
    </>
  );
}

/** The cohort months (first and last), with presets ending this month; the address changes once the range is one the API takes. */
function CohortRange({ range, timezone, onRange }: { range: Range; timezone: string; onRange: (range: Range) => void }) {
  const [draft, setDraft] = useState(range);
  useEffect(() => setDraft(range), [range.from, range.to]);
  const problem = rangeProblem(draft);
  const thisMonth = today(timezone).slice(0, 7);
  const apply = (next: Range) => {
    setDraft(next);
    if (!rangeProblem(next)) onRange(next);
  };
  return (
    <>
      <fieldset class="period">
        <legend>Cohort months: customers by the month of their first order ({timezone})</legend>
        <label>
          From <input type="month" name="cohortFrom" value={draft.from} max={draft.to} onChange={(event) => apply({ ...draft, from: event.currentTarget.value })} />
        </label>
        <label>
          To <input type="month" name="cohortTo" value={draft.to} min={draft.from} max={thisMonth} onChange={(event) => apply({ ...draft, to: event.currentTarget.value })} />
        </label>
        <span class="presets">
          {[12, 24, 36].map((span) => (
            <button type="button" key={span} onClick={() => apply({ from: addMonths(thisMonth, -(span - 1)), to: thisMonth })}>
              Last {span} months
            </button>
          ))}
        </span>
      </fieldset>
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** A row as the table's `data-key` names it, and as the chart's address names it (its currency is the view's). */
const rowId = (row: CohortRow) => `${row.cohort}|${row.key}|${row.currency}`;
const pairOf = (row: CohortRow): [string, string] => [row.cohort, row.key];

/** The rows the chart draws: those the address names (`chart`, a JSON list of [cohort, key]), else a few with a CAC and the most customers. */
function chartRows(params: URLSearchParams, rows: CohortRow[]): CohortRow[] {
  const named = params.get('chart');
  if (named !== null) {
    let pairs: unknown;
    try {
      pairs = JSON.parse(named);
    } catch {
      pairs = [];
    }
    const wanted = new Set((Array.isArray(pairs) ? pairs : []).map((pair) => JSON.stringify(pair)));
    return rows.filter((row) => wanted.has(JSON.stringify(pairOf(row)))).slice(0, CHART_MAX);
  }
  const chosen = new Set(
    rows
      .filter((row) => row.customers > 0)
      .sort((a, b) => Number(b.cac !== null) - Number(a.cac !== null) || b.customers - a.customers)
      .slice(0, CHART_DEFAULT),
  );
  return rows.filter((row) => chosen.has(row));
}

/** The per-offset figures a cell shows. */
function valuesOf(row: CohortRow, show: Show): Array<number | null> {
  if (show === 'revenue') return row.revenue;
  if (show === 'margin') return row.marginPerCustomer ?? row.cumulativePerCustomer;
  return row.cumulativePerCustomer;
}

/** A cell's tone: per customer against the row's CAC (below it warm, past it green), else by value against the table's largest. */
function toneOf(value: number, row: CohortRow, perCustomer: boolean, largest: number): string {
  if (perCustomer && row.cac !== null && row.cac > 0) {
    const ratio = value / row.cac;
    return ratio < 0.5 ? 'cac-0' : ratio < 1 ? 'cac-1' : ratio < 1.5 ? 'cac-2' : ratio < 2 ? 'cac-3' : 'cac-4';
  }
  if (value < 0) return 'negative';
  const share = largest > 0 ? value / largest : 0;
  return `value-${Math.min(4, Math.floor(share * 5))}`;
}

function CohortFigures({
  answer,
  currency,
  timezone,
  show: asked,
  params,
  setParams,
}: {
  answer: CohortsAnswer;
  currency: string;
  timezone: string;
  show: Show | undefined;
  params: URLSearchParams;
  setParams: (changes: Record<string, string>) => void;
}) {
  const rows = answer.rows.filter((row) => row.currency === currency);
  if (!rows.some((row) => row.customers > 0)) {
    const elsewhere = currenciesOf(answer.rows.filter((row) => row.customers > 0)).filter((code) => code !== currency);
    return (
      <Empty>
        <p>
          <strong>
            No {currency} customers in the cohorts {answer.cohorts.from} to {answer.cohorts.to} yet.
          </strong>{' '}
          A customer joins the cohort of the month of their first order; their later orders fill the months after it.
        </p>
        {elsewhere.length > 0 && <p>There are customers whose first order was in {elsewhere.join(', ')}: pick that currency above.</p>}
      </Empty>
    );
  }
  const margin = answer.basis === 'margin';
  const show: Show = asked === 'revenue' ? 'revenue' : asked === 'margin' && margin ? 'margin' : asked === 'cumulative' ? 'cumulative' : margin ? 'margin' : 'cumulative';
  // The chart draws value per customer: what the cells show, or (cells showing a month's revenue) what payback is judged on.
  const charted: Show = show === 'revenue' ? (margin ? 'margin' : 'cumulative') : show;
  const chosen = chartRows(params, rows);
  const modelName = MODEL_LABELS[answer.model] ?? label(answer.model);
  const perCustomer = show !== 'revenue';
  return (
    <>
      <CohortNotes answer={answer} rows={rows} timezone={timezone} modelName={modelName} />
      <Section
        title={`${SHOW_LABELS[show]} by month since the first order`}
        description={
          perCustomer
            ? 'Each cell is the cohort’s value per customer from its first month up to that one; a row with a CAC is shaded by how far the value has come toward it, the others by value. Tick a row to draw it in the chart.'
            : 'Each cell is what the cohort’s orders brought in that month, refunds and cancellations dated in it taken off; shaded by value. Tick a row to draw it in the chart.'
        }
      >
        <DataTable<CohortRow>
          name="cohorts"
          caption={`${SHOW_LABELS[show]} (${currency}) by month since the first order, cohorts ${answer.cohorts.from} to ${answer.cohorts.to}, under ${modelName}`}
          rows={rows}
          rowKey={rowId}
          columns={heatColumns({ answer, rows, show, currency, chosen, onChart: (next) => setParams({ chart: JSON.stringify(next.map(pairOf)) }) })}
        />
        <HeatLegend perCustomer={perCustomer} basis={answer.basis} />
      </Section>
      <Section
        title={`${SHOW_LABELS[charted]} against the CAC`}
        description={`The rows ticked in the table (at most ${CHART_MAX}): each as a line by month since the first order, its CAC as a dashed line of the same colour. Where a line crosses its CAC, the cohort has paid back.`}
      >
        {chosen.length === 0 ? (
          <p class="hint" data-chart-empty>
            Tick rows in the table above to draw them here.
          </p>
        ) : (
          <CohortChart answer={answer} chosen={chosen} charted={charted} currency={currency} />
        )}
      </Section>
    </>
  );
}

/** What the figures count, said beside them: the basis of payback, what a cohort and a month are, and the orders left out for their currency. */
function CohortNotes({ answer, rows, timezone, modelName }: { answer: CohortsAnswer; rows: CohortRow[]; timezone: string; modelName: string }) {
  const crossCurrency = rows.filter((row) => row.crossCurrencyOrders !== 0);
  const grouping = answer.groupBy === 'none' ? undefined : GROUP_LABELS[answer.groupBy]!.toLowerCase();
  return (
    <>
      <Note name="basis">
        {answer.basis === 'margin' ? (
          <>
            Payback is judged on <strong>margin</strong>: the cumulative margin per customer (revenue × the tenant's {answer.grossMarginPercent}% gross margin) against the CAC.
          </>
        ) : (
          <>
            Payback is judged on <strong>revenue</strong>: the cumulative revenue per customer against the CAC (no gross margin is set; an admin sets grossMarginPercent in the tenant's config to judge
            it on margin).
          </>
        )}
      </Note>
      <Note name="cohorts">
        A customer's cohort is the month ({timezone}) of their first order
        {grouping ? `; the row is the ${grouping} that order's credit went to under ${modelName} (an order shared between keys makes fractions of a customer)` : ''}. Month M<em>k</em> counts the
        cohort's orders less the refunds and cancellations dated in it, so a month that has passed does not move; {answer.currentMonth} is the current month, still counting. CAC is the cohort month's
        spend{grouping ? ` on the row's ${grouping}` : ''} ÷ its customers.
      </Note>
      {crossCurrency.length > 0 && (
        <Note name="cross-currency">
          Orders in another currency than the customer's first order are left out of the values, and counted in their own column:{' '}
          {crossCurrency.map((row, index) => (
            <span key={rowId(row)}>
              {index > 0 && ', '}
              {count(row.crossCurrencyOrders)} in {rowName(row, answer.groupBy)}
            </span>
          ))}
          .
        </Note>
      )}
    </>
  );
}

/** The heat map's columns: the row, its tick for the chart, its figures, then one cell per month offset. */
function heatColumns({
  answer,
  rows,
  show,
  currency,
  chosen,
  onChart,
}: {
  answer: CohortsAnswer;
  rows: CohortRow[];
  show: Show;
  currency: string;
  chosen: CohortRow[];
  onChart: (rows: CohortRow[]) => void;
}): Column<CohortRow>[] {
  const perCustomer = show !== 'revenue';
  const largest = Math.max(0, ...rows.flatMap((row) => valuesOf(row, show).map((value) => value ?? 0)));
  const exact = (value: number | null) => ({ 'data-value': value === null ? '' : String(value) });
  const figures: Column<CohortRow>[] = [
    { id: 'customers', label: 'Customers', numeric: true, render: (row) => count(row.customers), cell: (row) => exact(row.customers) },
    { id: 'spend', label: 'Spend', numeric: true, render: (row) => money(row.spend, currency), cell: (row) => exact(row.spend) },
    { id: 'cac', label: 'CAC', numeric: true, render: (row) => money(row.cac, currency), cell: (row) => exact(row.cac) },
    { id: 'repeatRate', label: 'Repeat rate', numeric: true, render: (row) => percent(row.repeatRate), cell: (row) => exact(row.repeatRate) },
    {
      id: 'payback',
      label: 'Payback',
      numeric: true,
      render: (row) => (row.paybackMonth !== null ? `M${row.paybackMonth}` : row.cac === null ? '—' : 'not yet'),
      cell: (row) => exact(row.paybackMonth),
    },
  ];
  if (rows.some((row) => row.crossCurrencyOrders !== 0)) {
    figures.push({ id: 'crossCurrencyOrders', label: 'Other-currency orders', numeric: true, render: (row) => count(row.crossCurrencyOrders), cell: (row) => exact(row.crossCurrencyOrders) });
  }
  return [
    {
      id: 'cohort',
      label: answer.groupBy === 'none' ? 'Cohort' : `Cohort · ${GROUP_LABELS[answer.groupBy]!.toLowerCase()}`,
      render: (row) => <RowName row={row} groupBy={answer.groupBy} />,
    },
    {
      id: 'chart',
      label: 'Chart',
      render: (row) => {
        const on = chosen.includes(row);
        return (
          <input
            type="checkbox"
            name="chart"
            checked={on}
            disabled={!on && chosen.length >= CHART_MAX}
            aria-label={`Draw ${rowName(row, answer.groupBy)} in the chart`}
            onChange={() => onChart(on ? chosen.filter((other) => other !== row) : rows.filter((other) => other === row || chosen.includes(other)))}
          />
        );
      },
    },
    ...figures,
    ...Array.from(
      { length: answer.months },
      (_, k): Column<CohortRow> => ({
        id: `m${k}`,
        label: (
          <>
            <span aria-hidden="true">M{k}</span>
            <span class="visually-hidden">Month {k}</span>
          </>
        ),
        numeric: true,
        render: (row) => <HeatCell row={row} k={k} value={valuesOf(row, show)[k] ?? null} currency={currency} />,
        cell: (row) => heatProps(row, k, valuesOf(row, show)[k] ?? null, perCustomer, largest),
      }),
    ),
  ];
}

/** The ticked rows' value per customer by month offset, each with its CAC as a dashed line of its colour. */
function CohortChart({ answer, chosen, charted, currency }: { answer: CohortsAnswer; chosen: CohortRow[]; charted: Show; currency: string }) {
  const chosenIds = chosen.map(rowId).join('\n');
  const compact = useMemo(() => {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 });
    return (value: number) => format.format(value);
  }, [currency]);
  const series = useMemo(() => {
    const major = (minor: number | null | undefined) => (minor === null || minor === undefined ? null : Number(decimalString(minor, currency)));
    return chosen.flatMap((row, index): ChartSeries[] => {
      const color = PALETTE[index % PALETTE.length]!;
      const name = rowName(row, answer.groupBy);
      const line: ChartSeries = { label: name, values: valuesOf(row, charted).map(major), color };
      return row.cac === null ? [line] : [line, { label: `CAC ${name}`, values: new Array(answer.months).fill(major(row.cac)), color, dash: true }];
    });
  }, [answer, chosenIds, charted, currency]);
  return <OffsetChart name="cohorts" title={`${SHOW_LABELS[charted]} (${currency})`} offsets={answer.months} series={series} format={compact} />;
}

/** A row as a person reads it: its cohort month and, grouped, its key. */
function rowName(row: CohortRow, groupBy: string): string {
  return groupBy === 'none' || row.key === ALL ? row.cohort : `${row.cohort} · ${row.key}`;
}

function RowName({ row, groupBy }: { row: CohortRow; groupBy: string }) {
  if (groupBy === 'none' || row.key === ALL) return <span class="cohort-month">{row.cohort}</span>;
  return (
    <>
      <span class="cohort-month">{row.cohort}</span> <span class="cohort-key">{row.key === '(none)' ? <KeyText value={row.key} none={NONE_MEANS[groupBy] ?? ''} /> : row.key}</span>
    </>
  );
}

/** Whether an offset is reached, the current month (still counting), or a month that has passed. */
function stateOf(row: CohortRow, k: number): 'not-reached' | 'partial' | 'closed' {
  if (row.revenue[k] === null || row.revenue[k] === undefined) return 'not-reached';
  return k === row.partialOffset ? 'partial' : 'closed';
}

function heatProps(row: CohortRow, k: number, value: number | null, perCustomer: boolean, largest: number): CellProps {
  const state = stateOf(row, k);
  // A reached month with no value: a row of spend without customers has no value per customer.
  const tone = state === 'not-reached' ? 'not-reached' : value === null ? 'blank' : toneOf(value, row, perCustomer, largest);
  return {
    class: `heat heat-${tone}${state === 'partial' ? ' heat-partial' : ''}${row.paybackMonth === k ? ' heat-payback' : ''}`,
    'data-value': value === null ? '' : String(value),
    'data-state': state,
    'data-tone': tone,
    'data-payback': row.paybackMonth === k ? '' : undefined,
  };
}

function HeatCell({ row, k, value, currency }: { row: CohortRow; k: number; value: number | null; currency: string }) {
  const state = stateOf(row, k);
  if (state === 'not-reached') return <span class="visually-hidden">not reached yet</span>;
  return (
    <>
      {money(value, currency)}
      {state === 'partial' && (
        <>
          <span class="heat-mark" aria-hidden="true">
            *
          </span>
          <span class="visually-hidden"> (the current month, still counting)</span>
        </>
      )}
      {row.paybackMonth === k && (
        <>
          <span class="heat-mark" aria-hidden="true">
            ✓
          </span>
          <span class="visually-hidden"> (pays back its CAC this month)</span>
        </>
      )}
    </>
  );
}

const CAC_TONES = [
  { tone: 'cac-0', label: 'under ½ of the CAC' },
  { tone: 'cac-1', label: '½ of the CAC to the CAC' },
  { tone: 'cac-2', label: '1–1.5× the CAC' },
  { tone: 'cac-3', label: '1.5–2×' },
  { tone: 'cac-4', label: '2× and more' },
];

/** What the shades and marks of the heat map mean: colour is never the only sign (the figures are in each cell, the marks beside them). */
function HeatLegend({ perCustomer, basis }: { perCustomer: boolean; basis: 'revenue' | 'margin' }) {
  return (
    <div class="legend heat-legend" data-legend="cohorts">
      {perCustomer && (
        <span>
          Rows with a CAC:{' '}
          {CAC_TONES.map((entry) => (
            <span class="legend-item" key={entry.tone}>
              <span class={`swatch heat-${entry.tone}`} aria-hidden="true" /> {entry.label}
            </span>
          ))}
        </span>
      )}
      <span>
        {perCustomer ? 'Rows without a CAC, by value: ' : 'By value: '}
        <span class="legend-item">
          <span class="swatch heat-value-0" aria-hidden="true" />
          <span class="swatch heat-value-2" aria-hidden="true" />
          <span class="swatch heat-value-4" aria-hidden="true" /> low to high
        </span>
      </span>
      <span class="legend-item">
        <span class="swatch heat-not-reached" aria-hidden="true" /> not reached yet
      </span>
      <span class="legend-item">* the current month, still counting</span>
      <span class="legend-item">✓ the month the row pays back its CAC (on {basis})</span>
    </div>
  );
}
