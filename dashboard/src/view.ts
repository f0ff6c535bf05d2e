import type { Period } from './period.ts';
import type { Session } from './session.ts';

/** What every view is given by the shell. */
export interface ViewProps {
  session: Session;
  period: Period;
  /** The currency figures are shown in (reports answer per currency). */
  currency: string;
  params: URLSearchParams;
  /** Changes the view's own parameters (model, grouping, order …) in the address. */
  setParams: (changes: Record<string, string>) => void;
  /** The key stopped working: back to sign-in. */
  onUnauthorized: () => void;
  /** The currencies the view's answers hold, for the currency picker. */
  onCurrencies: (currencies: string[]) => void;
}

/** Distinct currencies of answers' lines, in their order. */
export function currenciesOf(lines: ReadonlyArray<{ currency: string }>): string[] {
  return [...new Set(lines.map((line) => line.currency))];
}

/** The period and currency of an address: what a link to another view keeps. */
export function period(params: URLSearchParams): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of ['from', 'to', 'currency']) {
    const value = params.get(name);
    if (value) kept[name] = value;
  }
  return kept;
}
