import type { ComponentChildren } from 'preact';
import { count, money } from '../format.ts';
import type { InReporting, MissingRate } from '../types.ts';
import { Note } from './ui.tsx';

/** The days a line of the notice names one by one; more are said as a count and a span, each listed under "Day by day". */
const DAYS_NAMED = 6;

const SOURCES: Record<MissingRate['source'], string> = {
  transactions: 'orders, refunds and cancellations',
  spend: 'spend',
};

interface Group {
  currency: string;
  source: MissingRate['source'];
  amount: number;
  days: MissingRate[];
}

/** The missing rates by currency and source, each with its days in order. */
function groupsOf(missing: readonly MissingRate[]): Group[] {
  const groups = new Map<string, Group>();
  for (const entry of missing) {
    const id = `${entry.currency}\u0000${entry.source}`;
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { currency: entry.currency, source: entry.source, amount: 0, days: [] }));
    group.amount += entry.amount;
    group.days.push(entry);
  }
  return [...groups.values()]
    .map((group) => ({ ...group, days: [...group.days].sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0)) }))
    .sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : a.source < b.source ? -1 : 1));
}

function daysText(days: MissingRate[]): string {
  const distinct = [...new Set(days.map((entry) => entry.day))];
  if (distinct.length <= DAYS_NAMED) return `on ${distinct.join(', ')}`;
  return `on ${count(distinct.length)} days from ${distinct[0]} to ${distinct[distinct.length - 1]}`;
}

/**
 * An answer in the reporting currency leaves out what it has no rate for
 * (`missingRates`), never counting it as 0 or at 1: said on the page, by
 * currency and day, with how the rates are supplied. Nothing when every
 * amount was converted.
 */
export function MissingRates({ answer, fxMaxAgeDays }: { answer: InReporting; fxMaxAgeDays: number | undefined }) {
  const missing = answer.missingRates ?? [];
  const code = answer.reportingCurrency;
  if (!code || missing.length === 0) return null;
  const groups = groupsOf(missing);
  const several = groups.some((group) => group.days.length > 1);
  return (
    <div class="notice notice-warning" role="status" data-notice="missing-rates">
      <p class="notice-title">
        <strong>
          Not in these {code} figures: amounts with no exchange rate to {code}.
        </strong>
      </p>
      <ul class="notice-list">
        {groups.map((group) => (
          <li key={`${group.currency}|${group.source}`} data-currency={group.currency} data-source={group.source} data-amount={String(group.amount)}>
            <strong>{money(group.amount, group.currency)}</strong> of {SOURCES[group.source]}, {daysText(group.days)}
          </li>
        ))}
      </ul>
      {several && (
        <details class="notice-days">
          <summary>Day by day</summary>
          <ul>
            {groups.flatMap((group) =>
              group.days.map((entry) => (
                <li key={`${group.currency}|${group.source}|${entry.day}`}>
                  {entry.day}: {money(entry.amount, entry.currency)} of {SOURCES[entry.source]}
                </li>
              )),
            )}
          </ul>
        </details>
      )}
      <p>
        An amount is converted at the latest rate on or before its day{fxMaxAgeDays === undefined ? '' : `, at most ${count(fxMaxAgeDays)} days old`}; without one it is left out, never guessed. A
        finance key supplies the rates with <code>PUT /v1/fx-rates</code> (JSON, or the ECB's CSV), and the figures then count these amounts.
      </p>
    </div>
  );
}

/**
 * Beside a level that lists what a converted figure is made of but whose
 * endpoint answers each amount in its own currency: says so, rather than
 * converting anything in the browser.
 */
export function NativeAmounts({ reportingCurrency, children }: { reportingCurrency: string | undefined; children: ComponentChildren }) {
  if (!reportingCurrency) return null;
  return <Note name="native-amounts">{children}</Note>;
}
