import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { query } from './api.ts';
import { Toolbar } from './components/toolbar.tsx';
import { ErrorState, Loading } from './components/ui.tsx';
import { drillLevel } from './drill.ts';
import { useApi } from './load.ts';
import { isDay, lastDays, type Period, periodProblem, today } from './period.ts';
import { go, href, useRoute, type ViewName, viewAt, viewsFor } from './route.ts';
import { type Session, signIn, signOut, storedKey } from './session.ts';
import type { FxRates } from './types.ts';
import { CONVERTING_VIEWS, REPORTING, type Reporting, type ViewProps } from './view.ts';
import { Channels } from './views/channels.tsx';
import { Cohorts } from './views/cohorts.tsx';
import { Finance } from './views/finance.tsx';
import { Funnel } from './views/funnel.tsx';
import { Handoff } from './views/handoff.tsx';
import { Journey } from './views/journey.tsx';
import { Models } from './views/models.tsx';
import { Overview } from './views/overview.tsx';
import { Paths } from './views/paths.tsx';
import { Spend } from './views/spend.tsx';

const RENDERERS: Record<ViewName, (props: ViewProps) => preact.JSX.Element> = {
  overview: Overview,
  channels: Channels,
  models: Models,
  funnel: Funnel,
  handoff: Handoff,
  paths: Paths,
  cohorts: Cohorts,
  journey: Journey,
  spend: Spend,
  finance: Finance,
};

type Start = { status: 'checking' } | { status: 'signed-out'; message?: string } | { status: 'signed-in'; session: Session } | { status: 'error'; error: Error };

export function App() {
  const [state, setState] = useState<Start>(() => (storedKey() ? { status: 'checking' } : { status: 'signed-out' }));
  useEffect(() => {
    if (state.status !== 'checking') return;
    signIn(storedKey() ?? '').then(
      (session) => setState({ status: 'signed-in', session }),
      (error: Error & { status?: number }) => {
        if (error.status === 401 || error.status === 403) {
          signOut();
          setState({ status: 'signed-out', message: error.message });
        } else setState({ status: 'error', error });
      },
    );
  }, [state.status]);
  const leave = useCallback((message?: string) => {
    signOut();
    // The next session starts at its own first view, not at the place (and drill) this one left.
    history.replaceState(null, '', location.pathname + location.search);
    setState({ status: 'signed-out', ...(message ? { message } : {}) });
  }, []);

  if (state.status === 'checking') return <Loading what="your session" />;
  if (state.status === 'error') return <ErrorState error={state.error} retry={() => setState({ status: 'checking' })} />;
  if (state.status === 'signed-out') return <SignIn message={state.message} onSignedIn={(session) => setState({ status: 'signed-in', session })} />;
  return <Shell session={state.session} onSignOut={leave} />;
}

function SignIn({ message, onSignedIn }: { message: string | undefined; onSignedIn: (session: Session) => void }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState(message);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(await signIn(key));
    } catch (error) {
      setProblem((error as Error).message);
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Baton</h1>
      <p>Where marketing ends and the sale begins. Sign in with your tenant’s marketing key (attribution), finance key (exports, closing months) or admin key (closing and reopening months).</p>
      <form onSubmit={submit} aria-describedby={problem ? 'sign-in-problem' : undefined}>
        <label>
          API key
          <input type="password" name="key" autocomplete="off" spellcheck={false} required value={key} onInput={(event) => setKey(event.currentTarget.value)} placeholder="bk_marketing_…" />
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
        {problem && (
          <p class="field-error" role="alert" id="sign-in-problem">
            {problem}
          </p>
        )}
      </form>
      <p class="hint">The key is kept in this tab until you sign out or close it: never in a link, a cookie or local storage.</p>
    </main>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: (message?: string) => void }) {
  const route = useRoute();
  const allowed = viewsFor(session.me.scope);
  const view = viewAt(session.me.scope, route.view) ?? allowed[0]!;
  const params = route.params;
  const defaults = lastDays(30, session.me.timezone);
  const asked = { from: params.get('from') ?? '', to: params.get('to') ?? '' };
  const period: Period = isDay(asked.from) && isDay(asked.to) && !periodProblem(asked) ? asked : defaults;
  const [currencies, setCurrencies] = useState<string[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const unauthorized = () => onSignOut('The key no longer works (rotated out or deleted). Sign in again.');
  // The tenant's reporting currency, if it has one (GET /v1/fx-rates says it to a marketing and a finance key alike; GET /v1/config is the admin's), read once a session.
  const [day] = useState(() => today(session.me.timezone));
  const [settings] = useApi<FxRates>(`/v1/fx-rates${query({ from: day, to: day })}`, session.key, unauthorized);
  const reporting: Reporting | null = settings.status === 'ok' && settings.data.reportingCurrency ? { currency: settings.data.reportingCurrency, fxMaxAgeDays: settings.data.fxMaxAgeDays } : null;
  // `currency=reporting`: every figure in the reporting currency, on the views whose answers convert; the others show each currency's own.
  const askedCurrency = params.get('currency');
  const askedReporting = askedCurrency === REPORTING;
  const converts = CONVERTING_VIEWS.includes(view.name);
  const converted = askedReporting && reporting !== null && converts;
  const currency = converted ? reporting.currency : askedCurrency && !askedReporting ? askedCurrency : session.me.currency;
  // Asked for in the reporting currency: the view waits to know the tenant has one (an old link to a tenant without one shows each currency's own).
  const ready = !(askedReporting && settings.status === 'loading');

  useEffect(() => {
    // A view this key may not read (an old link, a finance key on #/overview) goes to the key's first view.
    if (route.view !== view.name) location.replace(href(view.name, params));
  }, [route.view, view.name]);
  const shown = useRef<string | undefined>(undefined);
  const level = drillLevel(params);
  useEffect(() => {
    // A drilled page is named by its level, so history and bookmarks tell the levels apart.
    const drilled = document.querySelector<HTMLElement>('main [data-drill-heading]');
    document.title = `${drilled?.textContent ? `${drilled.textContent} · ` : ''}${view.title} · Baton`;
    // Moving to another view, or up or down a drill, puts the focus on the new heading (screen readers announce it); the first page leaves the focus where the page starts.
    const now = `${view.name}\u0000${level}`;
    if (shown.current && shown.current !== now) {
      (shown.current.startsWith(`${view.name}\u0000`) && drilled ? drilled : heading.current)?.focus();
    }
    shown.current = now;
  }, [view.name, level, ready]);

  /** Sets the view's own parameters; an empty value removes one. */
  const setParams = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) {
      if (value === '') next.delete(name);
      else next.set(name, value);
    }
    go(view.name, next);
  };
  const props: ViewProps = {
    session,
    period,
    currency,
    reporting,
    converted,
    params,
    setParams,
    onUnauthorized: unauthorized,
    onCurrencies: setCurrencies,
  };
  const Render = RENDERERS[view.name];
  // Views that read one period share the period and currency pickers (Spend shows every currency: the period alone); the finance view picks a month, the journey an order, Cohorts a range of months (by default the year up to the period's end).
  const periodic = view.name !== 'finance' && view.name !== 'journey' && view.name !== 'cohorts' && !(view.name === 'spend' && session.me.scope !== 'marketing');
  // A view that converts holds the currency switch in its toolbar: drawn once the tenant's settings say whether there is one.
  const toolbar = !periodic ? null : converts && settings.status === 'loading' ? (
    <Loading what="the tenant's reporting currency" />
  ) : (
    <Toolbar
      period={period}
      timezone={session.me.timezone}
      onPeriod={(next) => setParams({ from: next.from, to: next.to })}
      currency={currency}
      currencies={currencies}
      onCurrency={view.name === 'spend' ? undefined : (next) => setParams({ currency: next })}
      convert={reporting && converts ? { reportingCurrency: reporting.currency, converted, onConverted: (on) => setParams({ currency: on ? REPORTING : '' }) } : undefined}
      unconverted={
        reporting && askedReporting && !converts
          ? `${view.title} shows each currency's own amounts: its figures are not converted to ${reporting.currency}. The other views show ${reporting.currency}.`
          : undefined
      }
    />
  );
  return (
    <>
      <a class="skip" href="#main">
        Skip to the figures
      </a>
      <header class="top">
        <span class="brand">Baton</span>
        <span class="tenant">
          {session.me.tenantId} · <span class="scope">{session.me.scope}</span>
        </span>
        <button type="button" class="sign-out" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      <nav class="views" aria-label="Views">
        <ul>
          {allowed.map((candidate) => (
            <li key={candidate.name}>
              <a href={href(candidate.name, carry(params))} aria-current={candidate.name === view.name ? 'page' : undefined} data-view={candidate.name}>
                {candidate.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" data-view={view.name}>
        <h2 tabIndex={-1} ref={heading}>
          {view.title}
        </h2>
        {!ready ? (
          <Loading what="the tenant's reporting currency" />
        ) : (
          <>
            {toolbar}
            <Render {...props} key={view.name} />
          </>
        )}
      </main>
    </>
  );
}

/** What moving to another view keeps: the period and the currency. */
function carry(params: URLSearchParams): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['from', 'to', 'currency']) {
    const value = params.get(name);
    if (value) kept[name] = value;
  }
  return kept;
}
