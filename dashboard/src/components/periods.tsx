import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, getJson, post, query, sendJson } from '../api.ts';
import { count, instant, money } from '../format.ts';
import { type Load, useApi } from '../load.ts';
import { addMonths, monthPeriod } from '../period.ts';
import type { Session } from '../session.ts';
import type { Adjustment, AdjustmentReason, Closing, ExportSummary, PeriodMonth, Periods, Reopened, Report, Scope } from '../types.ts';
import { type Column, DataTable, Empty, Loaded, Note, Section } from './ui.tsx';

/**
 * Months that stay closed (SPEC §14): the tenant's months with who closed
 * them and when, closing the next one and reopening the latest, the notice
 * on a closed month's figures, and the adjustments posted in a month.
 */

/** Who may do what, as Baton's routes allow it: a finance or admin key closes a month, an admin key reopens one. */
export const CLOSERS: readonly Scope[] = ['finance', 'admin'];
export const REOPENERS: readonly Scope[] = ['admin'];
/**
 * Where a key reads the adjustments a month holds: a finance key the export
 * summary's (`adjustments.byOrigin`), a marketing key the attribution
 * report's totals (`adjustments`); an admin key reads neither.
 */
const ADJUSTMENT_SOURCES: Partial<Record<Scope, 'summary' | 'report'>> = { finance: 'summary', marketing: 'report' };

/** The list of months, and two ways to read it again: after an action's own answer (`show`), or quietly, keeping the list on screen (`refresh`). */
export interface PeriodsLoad {
  load: Load<Periods>;
  retry: () => void;
  refresh: () => void;
  show: (answer: Periods) => void;
}

/** `GET /v1/periods`, read once and again after each action; an answer overtaken by a later one is dropped. */
export function usePeriods(key: string, onUnauthorized: () => void): PeriodsLoad {
  const [load, setLoad] = useState<Load<Periods>>({ status: 'loading' });
  const asked = useRef(0);
  const read = useCallback(
    async (quiet: boolean) => {
      const id = ++asked.current;
      if (!quiet) setLoad({ status: 'loading' });
      try {
        const data = await getJson<Periods>('/v1/periods', key);
        if (id === asked.current) setLoad({ status: 'ok', data });
      } catch (error) {
        if (id !== asked.current) return;
        if (error instanceof ApiError && error.status === 401) onUnauthorized();
        setLoad({ status: 'error', error: error as Error });
      }
    },
    [key],
  );
  useEffect(() => {
    read(false);
  }, [read]);
  const show = useCallback((data: Periods) => {
    asked.current++;
    setLoad({ status: 'ok', data });
  }, []);
  return { load, retry: () => read(false), refresh: () => read(true), show };
}

/** The month that can be closed next: the oldest open one from the first closeable month, before the current one (months close in order). */
export function closeableNext(answer: Periods): string | undefined {
  const { firstCloseable, currentMonth } = answer;
  if (!firstCloseable) return undefined;
  return answer.months
    .filter((line) => line.status === 'open' && line.month >= firstCloseable && line.month < currentMonth)
    .map((line) => line.month)
    .sort()[0];
}

const plural = (n: number, one: string, many: string) => `${count(n)} ${n === 1 ? one : many}`;

/**
 * Says, above a closed month's figures, that they are final: which
 * closing, who closed it and when, and where later changes go instead.
 */
export function ClosedNotice({ periods, month, timezone }: { periods: Load<Periods>; month: string; timezone: string }) {
  if (periods.status !== 'ok') return null;
  const line = periods.data.months.find((candidate) => candidate.month === month);
  if (line?.status !== 'closed') return null;
  const firstOpen = periods.data.closedThrough ? addMonths(periods.data.closedThrough, 1) : undefined;
  return (
    <div class="notice notice-closed" role="status" data-notice="closed-month" data-month={month}>
      <p>
        <span class="badge badge-closed">Closed</span> <strong>{month} is closed: its figures are final.</strong> Version {count(line.version)}, closed{' '}
        {line.closedAt ? instant(line.closedAt, timezone) : ''} by {line.closedBy}. Its summary, its export and its report figures stay as they were closed; what would change them is posted as an
        adjustment in {firstOpen ?? 'the first open month'}
        {firstOpen ? ', the first open month' : ''}.
      </p>
    </div>
  );
}

// ---------------------------------------------------------------------------
// The adjustments posted in a month

const REASONS: Record<AdjustmentReason, { label: string; what: string }> = {
  late_transaction: { label: 'Late transaction', what: 'an order, refund or cancellation dated in the closed month arrived after it closed' },
  reattribution: { label: 'Re-attribution', what: 'a late touch or identity link moved the credit of its orders' },
  spend_restatement: { label: 'Spend restated', what: 'its spend was imported again' },
  fx_rate: { label: 'Exchange rate', what: 'a rate that converts its amounts was edited' },
  config: { label: 'Configuration', what: 'a change of the tenant’s config moved its figures' },
};

type AdjustmentLine = Adjustment & { currency: string };

/**
 * The changes to closed months posted in `month` (the report's totals of
 * the month, `adjustments`), by the month each belongs to and why, in each
 * currency. Read again whenever `revision` moves (after closing or
 * reopening a month).
 */
export function Adjustments({ session, month, revision, onUnauthorized }: { session: Session; month: string; revision: number; onUnauthorized: () => void }) {
  const source = ADJUSTMENT_SOURCES[session.me.scope];
  const reads = source !== undefined;
  const url =
    source === 'summary'
      ? `/v1/exports/transactions/summary${query({ ...monthPeriod(month) })}`
      : source === 'report'
        ? `/v1/attribution/report${query({ ...monthPeriod(month), groupBy: 'channel' })}`
        : null;
  const [load, retry] = useApi<Report | ExportSummary>(url, session.key, onUnauthorized);
  const seen = useRef(revision);
  useEffect(() => {
    if (seen.current === revision) return;
    seen.current = revision;
    if (reads) retry();
  }, [revision]);
  const title = `Adjustments posted in ${month}`;
  if (!reads) {
    return (
      <Section title={title}>
        <Note name="adjustments-scope">
          Changes to closed months are posted in the first open month and listed by the export summary (finance key) and the attribution report’s totals (marketing key): this {session.me.scope} key
          reads neither. Open this page with the finance or marketing key to list them.
        </Note>
      </Section>
    );
  }
  return (
    <Section
      title={title}
      description={`What would have changed a closed month, posted in ${month} instead: part of ${month}’s revenue in the reports. The closed month keeps the figures it closed with; its figures plus its adjustments are what it would show had it never closed.`}
    >
      <Loaded load={load} what="the month's adjustments" retry={retry}>
        {(report) => {
          const lines: AdjustmentLine[] =
            'currencies' in report
              ? report.currencies.flatMap((sums) =>
                  (sums.adjustments?.byOrigin ?? []).map((origin) => ({ originalPeriod: origin.originalPeriod, reason: origin.reason, revenue: origin.net, currency: sums.currency })),
                )
              : report.totals.flatMap((totals) => (totals.adjustments ?? []).map((adjustment) => ({ ...adjustment, currency: totals.currency })));
          if (lines.length === 0) {
            return (
              <Empty>
                <p>
                  <strong>No adjustments posted in {month}.</strong> Nothing that arrived while it was open belonged to a closed month.
                </p>
              </Empty>
            );
          }
          return (
            <DataTable<AdjustmentLine>
              name="adjustments"
              caption={`Adjustments posted in ${month}, by the month they belong to`}
              rows={lines}
              rowKey={(line) => `${line.originalPeriod}|${line.reason}|${line.currency}`}
              columns={[
                { id: 'originalPeriod', label: 'Belongs to', render: (line) => line.originalPeriod },
                {
                  id: 'reason',
                  label: 'Why',
                  render: (line) => (
                    <>
                      {REASONS[line.reason]?.label ?? line.reason} <span class="key-note">{REASONS[line.reason]?.what}</span>
                    </>
                  ),
                  cell: (line) => ({ 'data-reason': line.reason }),
                },
                { id: 'currency', label: 'Currency', render: (line) => line.currency },
                { id: 'revenue', label: 'Revenue', numeric: true, render: (line) => money(line.revenue, line.currency), cell: (line) => ({ 'data-value': String(line.revenue) }) },
              ]}
            />
          );
        }}
      </Loaded>
    </Section>
  );
}

// ---------------------------------------------------------------------------
// The months, closing and reopening

type Action = 'close' | 'reopen';
type Asking = { action: Action; month: string } | null;
type Outcome = { status: 'idle' } | { status: 'sending'; action: Action; month: string } | { status: 'done'; text: string } | { status: 'refused'; action: Action; month: string; error: Error };

const VERBS: Record<Action, string> = { close: 'Closing', reopen: 'Reopening' };

/** A refusal as a sentence: what was refused, and what Baton answered (its 409's or 422's message). */
function refusalText(outcome: Extract<Outcome, { status: 'refused' }>): string {
  const { error } = outcome;
  const answered = error instanceof ApiError && error.status > 0 ? `Baton answered ${error.status}: ${error.message}` : error.message;
  return `${VERBS[outcome.action]} ${outcome.month} was refused. ${answered}`;
}

const statusOf = (error: Error) => (error instanceof ApiError ? String(error.status) : undefined);

/**
 * Every month from the tenant's first transaction or spend to the current
 * one, newest first: open or closed, its closing's version, who closed it
 * and when, and each earlier closing with its reopening and reason. A
 * finance or admin key closes the next month (after confirming); an admin
 * key reopens the latest closed one (with a reason). After either, the
 * list is the action's answer and `onChanged` reads the figures again; a
 * refusal (409, 422) is said where it happened and the list read again.
 */
export function Months({ session, periods, onChanged, onUnauthorized }: { session: Session; periods: PeriodsLoad; onChanged: () => void; onUnauthorized: () => void }) {
  const { scope, timezone } = session.me;
  const canClose = CLOSERS.includes(scope);
  const canReopen = REOPENERS.includes(scope);
  const [asking, setAsking] = useState<Asking>(null);
  const [reason, setReason] = useState('');
  const [outcome, setOutcome] = useState<Outcome>({ status: 'idle' });
  const card = useRef<HTMLElement>(null);
  const sending = outcome.status === 'sending';
  const missingReason = outcome.status === 'refused' && outcome.action === 'reopen' && asking !== null && statusOf(outcome.error) === '422';

  useEffect(() => {
    // The question asked puts the focus in it; its outcome, on what Baton said.
    const root = card.current;
    if (!root) return;
    if (asking && outcome.status === 'idle') root.querySelector<HTMLElement>(asking.action === 'reopen' ? 'textarea[name=reason]' : '[data-confirm] h4')?.focus();
    else if (missingReason) root.querySelector<HTMLElement>('textarea[name=reason]')?.focus();
    else if (outcome.status === 'done') root.querySelector<HTMLElement>('[data-period-status]')?.focus();
    else if (outcome.status === 'refused') root.querySelector<HTMLElement>('[data-problem]')?.focus();
  }, [asking, outcome]);

  const ask = (action: Action, month: string) => {
    setReason('');
    setOutcome({ status: 'idle' });
    setAsking({ action, month });
  };
  const cancel = () => {
    const opener = asking && card.current?.querySelector<HTMLElement>(`[data-action=${asking.action}][data-month="${asking.month}"]`);
    setAsking(null);
    setOutcome({ status: 'idle' });
    opener?.focus();
  };
  const act = async (event: Event) => {
    event.preventDefault();
    if (!asking || sending) return;
    const { action, month } = asking;
    setOutcome({ status: 'sending', action, month });
    try {
      if (action === 'close') {
        const answer = await post<Periods>(`/v1/periods/${month}/close`, session.key);
        periods.show(answer);
        const line = answer.months.find((candidate) => candidate.month === month);
        setOutcome({ status: 'done', text: `${month} is closed (version ${count(line?.version ?? 1)}): its figures and its export are final.` });
      } else {
        const answer = await sendJson<Reopened>('POST', `/v1/periods/${month}/reopen`, session.key, { reason });
        periods.show(answer);
        setOutcome({ status: 'done', text: `${month} is reopened: ${plural(answer.takenBack, 'adjustment', 'adjustments')} taken back into it from later months.` });
      }
      setAsking(null);
      onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) onUnauthorized();
      const refused = error as Error;
      setOutcome({ status: 'refused', action, month, error: refused });
      // A reason missing (422): the question stays, to answer it. Anything else (409: someone else closed or reopened since): the list as it is now.
      if (!(action === 'reopen' && statusOf(refused) === '422')) {
        setAsking(null);
        periods.refresh();
      }
    }
  };

  return (
    <section class="card" aria-labelledby="months-title" ref={card} data-months>
      <h3 id="months-title">Closing months</h3>
      <p class="description">
        Every month from the tenant’s first transaction or spend to the current one, newest first. A closed month’s figures and export never change: what would change them is posted as an adjustment
        in the first open month. Months close in order, each once it has ended.
      </p>
      <ScopeNote scope={scope} />
      <Loaded load={periods.load} what="the months" retry={periods.retry}>
        {(answer) => (
          <>
            {answer.takingBack && (
              <Note name="taking-back">The adjustments {answer.takingBack} had posted in later months are still being taken back into it: their figures may move for a moment.</Note>
            )}
            <MonthsTable
              answer={answer}
              timezone={timezone}
              next={canClose ? closeableNext(answer) : undefined}
              latest={canReopen ? (answer.closedThrough ?? undefined) : undefined}
              actions={canClose}
              sending={sending}
              onAsk={ask}
            />
            {asking?.action === 'close' && <CloseQuestion month={asking.month} canReopen={canReopen} sending={sending} onSubmit={act} onCancel={cancel} />}
            {asking?.action === 'reopen' && (
              <ReopenQuestion
                month={asking.month}
                version={(answer.months.find((line) => line.month === asking.month)?.version ?? 0) + 1}
                reason={reason}
                onReason={setReason}
                refusal={missingReason && outcome.status === 'refused' ? outcome : undefined}
                sending={sending}
                onSubmit={act}
                onCancel={cancel}
              />
            )}
          </>
        )}
      </Loaded>
      <p role="status" aria-live="polite" class="period-status" data-period-status tabIndex={-1}>
        {outcome.status === 'sending' && `${VERBS[outcome.action]} ${outcome.month}…`}
        {outcome.status === 'done' && outcome.text}
      </p>
      {outcome.status === 'refused' && !missingReason && (
        <p class="field-error" role="alert" data-problem data-status={statusOf(outcome.error)} tabIndex={-1}>
          {refusalText(outcome)}
        </p>
      )}
    </section>
  );
}

/** The months as a table; with `actions`, a column with the button of the month that closes next (`next`) and of the one that reopens (`latest`). */
function MonthsTable({
  answer,
  timezone,
  next,
  latest,
  actions,
  sending,
  onAsk,
}: {
  answer: Periods;
  timezone: string;
  next: string | undefined;
  latest: string | undefined;
  actions: boolean;
  sending: boolean;
  onAsk: (action: Action, month: string) => void;
}) {
  if (answer.months.length === 0) {
    return (
      <Empty>
        <p>
          <strong>Nothing to close yet.</strong> The first month that can be closed is the month of the tenant’s first transaction or spend.
        </p>
      </Empty>
    );
  }
  const columns: Column<PeriodMonth>[] = [
    { id: 'month', label: 'Month', render: (line) => line.month },
    {
      id: 'status',
      label: 'Status',
      render: (line) => (
        <>
          <span class={`badge badge-${line.status}`}>{line.status === 'closed' ? 'Closed' : 'Open'}</span>
          {line.month === answer.currentMonth && <span class="key-note"> current month</span>}
        </>
      ),
      cell: (line) => ({ 'data-status': line.status }),
    },
    { id: 'version', label: 'Version', numeric: true, render: (line) => (line.version > 0 ? count(line.version) : '—') },
    { id: 'closedAt', label: `Closed (${timezone})`, render: (line) => (line.closedAt ? instant(line.closedAt, timezone) : '—') },
    { id: 'closedBy', label: 'Closed by', render: (line) => line.closedBy ?? '—' },
    { id: 'history', label: 'Reopened before', render: (line) => <History closings={line.closings} timezone={timezone} /> },
  ];
  if (actions) {
    columns.push({
      id: 'action',
      label: 'Action',
      render: (line) => (
        <>
          {line.month === next && (
            <button type="button" data-action="close" data-month={line.month} disabled={sending} onClick={() => onAsk('close', line.month)}>
              Close {line.month}
            </button>
          )}
          {line.month === latest && (
            <button type="button" data-action="reopen" data-month={line.month} disabled={sending} onClick={() => onAsk('reopen', line.month)}>
              Reopen {line.month}
            </button>
          )}
          {line.month === answer.currentMonth && <span class="key-note">closes once it has ended</span>}
        </>
      ),
    });
  }
  return <DataTable<PeriodMonth> name="periods" caption="Months, newest first" rows={answer.months} rowKey={(line) => line.month} columns={columns} />;
}

/** Asked before closing: what closing a month does, and where later changes go. */
function CloseQuestion({ month, canReopen, sending, onSubmit, onCancel }: { month: string; canReopen: boolean; sending: boolean; onSubmit: (event: Event) => void; onCancel: () => void }) {
  return (
    <form class="confirm" data-confirm="close" aria-labelledby="confirm-close-title" onSubmit={onSubmit}>
      <h4 id="confirm-close-title" tabIndex={-1}>
        Close {month}?
      </h4>
      <p>
        Its figures, its summary and its export will not change again. What would change them later — an order, refund or cancellation dated in it arriving late, a late touch or identity link
        re-attributing its orders, a spend re-import, a rate edit, a config change — is posted as an adjustment in {addMonths(month, 1)}.
        {canReopen ? ' Reopening it takes a reason.' : ' Only an admin key can reopen it.'}
      </p>
      <FormActions action="confirm-close" sending={sending} label={`Close ${month} for good`} busy={`Closing ${month}…`} onCancel={onCancel} />
    </form>
  );
}

/**
 * Asked before reopening: the reason, which Baton requires. The field is
 * not `required` to the browser: an empty reason goes to Baton, whose 422
 * is said under it (`refusal`).
 */
function ReopenQuestion({
  month,
  version,
  reason,
  onReason,
  refusal,
  sending,
  onSubmit,
  onCancel,
}: {
  month: string;
  version: number;
  reason: string;
  onReason: (reason: string) => void;
  refusal: Extract<Outcome, { status: 'refused' }> | undefined;
  sending: boolean;
  onSubmit: (event: Event) => void;
  onCancel: () => void;
}) {
  return (
    <form class="confirm" data-confirm="reopen" aria-labelledby="confirm-reopen-title" onSubmit={onSubmit} noValidate>
      <h4 id="confirm-reopen-title" tabIndex={-1}>
        Reopen {month}?
      </h4>
      <p>The adjustments it posted in later months are taken back into it, and its figures may move again until it is closed again, as version {count(version)}. The reason is kept in its history.</p>
      <label class="picker reason">
        Why is {month} reopened? (required)
        <textarea
          name="reason"
          rows={2}
          maxLength={500}
          value={reason}
          aria-required="true"
          aria-invalid={refusal ? 'true' : undefined}
          aria-describedby={refusal ? 'reopen-problem' : undefined}
          onInput={(event) => onReason(event.currentTarget.value)}
        />
      </label>
      {refusal && (
        <p class="field-error" role="alert" id="reopen-problem" data-problem data-status={statusOf(refusal.error)} tabIndex={-1}>
          {refusalText(refusal)}
        </p>
      )}
      <FormActions action="confirm-reopen" sending={sending} label={`Reopen ${month}`} busy={`Reopening ${month}…`} onCancel={onCancel} />
    </form>
  );
}

/** Who may do what with this key, said once above the list. */
function ScopeNote({ scope }: { scope: Scope }) {
  if (scope === 'admin') return <Note name="period-scope">This admin key closes the next month and reopens the latest closed one, with a reason.</Note>;
  if (scope === 'finance') return <Note name="period-scope">This finance key closes the next month; only an admin key reopens one (the latest closed, with a reason).</Note>;
  return <Note name="period-scope">This {scope} key reads the months: a finance or admin key closes them, an admin key reopens them.</Note>;
}

/** A month's earlier closings, each with its reopening: when, by whom and why. */
function History({ closings, timezone }: { closings: Closing[]; timezone: string }) {
  const reopened = closings.filter((closing) => closing.reopenedAt);
  if (reopened.length === 0) return <>—</>;
  return (
    <ul class="closings">
      {reopened.map((closing) => (
        <li key={closing.version} data-version={closing.version}>
          Version {count(closing.version)}: closed {instant(closing.closedAt, timezone)} by {closing.closedBy}; reopened {instant(closing.reopenedAt!, timezone)} by {closing.reopenedBy}
          {closing.reason ? <> — “{closing.reason}”</> : null}
        </li>
      ))}
    </ul>
  );
}

/** A confirmation form's buttons: the action (its label while it is sent) and Cancel. */
function FormActions({ action, sending, label, busy, onCancel }: { action: string; sending: boolean; label: string; busy: string; onCancel: () => void }) {
  return (
    <div class="form-actions">
      <button type="submit" class="primary" data-action={action} disabled={sending}>
        {sending ? busy : label}
      </button>
      <button type="button" data-action="cancel" onClick={onCancel} disabled={sending}>
        Cancel
      </button>
    </div>
  );
}
