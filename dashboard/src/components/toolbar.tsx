import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { lastDays, monthPeriod, type Period, periodProblem, today } from '../period.ts';

const PRESETS = [
  { label: 'Last 7 days', days: 7 },
  { label: 'Last 30 days', days: 30 },
  { label: 'Last 90 days', days: 90 },
] as const;

/**
 * The period (two days, inclusive, in the tenant's zone) and the currency
 * (left out for a view that shows every currency: no `onCurrency`); a view
 * adds its own pickers as children. With `convert` (a tenant with a
 * reporting currency, on a view whose answers convert), the switch between
 * each currency's own figures and the reporting currency; `unconverted`
 * says why a view shows its own currencies though the switch is on.
 */
export function Toolbar({
  period,
  timezone,
  onPeriod,
  currency,
  currencies,
  onCurrency,
  convert,
  unconverted,
  children,
}: {
  period: Period;
  timezone: string;
  onPeriod: (period: Period) => void;
  currency: string;
  currencies: string[];
  onCurrency?: ((currency: string) => void) | undefined;
  convert?: Convert | undefined;
  unconverted?: ComponentChildren;
  children?: ComponentChildren;
}) {
  const [draft, setDraft] = useState(period);
  useEffect(() => setDraft(period), [period.from, period.to]);
  const problem = periodProblem(draft);
  const apply = (next: Period) => {
    setDraft(next);
    if (!periodProblem(next)) onPeriod(next);
  };
  return (
    <form class="toolbar" aria-label={onCurrency ? 'Period and currency' : 'Period'} onSubmit={(event) => event.preventDefault()}>
      <fieldset class="period">
        <legend>Period ({timezone})</legend>
        <label>
          From <input type="date" name="from" value={draft.from} max={draft.to} onChange={(event) => apply({ ...draft, from: event.currentTarget.value })} />
        </label>
        <label>
          To <input type="date" name="to" value={draft.to} min={draft.from} onChange={(event) => apply({ ...draft, to: event.currentTarget.value })} />
        </label>
        <span class="presets">
          {PRESETS.map((preset) => (
            <button type="button" key={preset.days} onClick={() => apply(lastDays(preset.days, timezone))}>
              {preset.label}
            </button>
          ))}
          <button type="button" onClick={() => apply({ from: monthPeriod(today(timezone).slice(0, 7)).from, to: today(timezone) })}>
            This month
          </button>
        </span>
      </fieldset>
      {onCurrency && convert && <CurrencySwitch {...convert} />}
      {onCurrency && !convert?.converted && (
        <label class="picker">
          Currency
          <select name="currency" value={currency} onChange={(event) => onCurrency(event.currentTarget.value)}>
            {[...new Set([currency, ...currencies])].map((code) => (
              <option value={code} key={code}>
                {code}
              </option>
            ))}
          </select>
        </label>
      )}
      {children}
      {onCurrency && unconverted && (
        <p class="toolbar-note" data-note="unconverted">
          {unconverted}
        </p>
      )}
      {problem && (
        <p class="field-error" role="alert">
          {problem}
        </p>
      )}
    </form>
  );
}

/** The currency switch's state: the tenant's reporting currency, whether the figures are in it, and the change. */
export interface Convert {
  reportingCurrency: string;
  converted: boolean;
  onConverted: (converted: boolean) => void;
}

/** "Each currency" (every figure in its own currency, one currency at a time) or "In USD" (every figure converted: `currency=reporting`). */
export function CurrencySwitch({ reportingCurrency, converted, onConverted }: Convert) {
  return (
    <fieldset class="currency-switch" data-switch="currency">
      <legend>Amounts</legend>
      <span class="segmented">
        <label>
          <input type="radio" name="amounts" value="each" checked={!converted} onChange={() => onConverted(false)} />
          Each currency
        </label>
        <label>
          <input type="radio" name="amounts" value="reporting" checked={converted} onChange={() => onConverted(true)} />
          In {reportingCurrency}
        </label>
      </span>
    </fieldset>
  );
}

/** A labelled select bound to one route parameter. */
export function Picker({ label, name, value, options, onChange }: { label: string; name: string; value: string; options: Array<{ value: string; label: string }>; onChange: (value: string) => void }) {
  return (
    <label class="picker">
      {label}
      <select name={name} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {options.map((option) => (
          <option value={option.value} key={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}
