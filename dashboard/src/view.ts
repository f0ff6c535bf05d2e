import type { Period } from './period.ts';
import type { Session } from './session.ts';

/** The tenant's reporting currency (config) and how old a rate may be to convert an amount, as `GET /v1/fx-rates` says them. */
export interface Reporting {
  currency: string;
  fxMaxAgeDays: number;
}

/** `currency=reporting` in the address: the figures in the tenant's reporting currency rather than in each currency's own. */
export const REPORTING = 'reporting';

/** The views whose answers the API gives in the reporting currency (`currency=reporting`): the report, compare, funnel, sales report and cohorts. */
export const CONVERTING_VIEWS: readonly string[] = ['overview', 'channels', 'models', 'funnel', 'handoff', 'cohorts'];

/** What every view is given by the shell. */
export interface ViewProps {
  session: Session;
  period: Period;
  /** The currency figures are shown in (reports answer per currency): the reporting currency's code when `converted`. */
  currency: string;
  /** The tenant's reporting currency, null when it has none. */
  reporting: Reporting | null;
  /** The view asks its answers in the reporting currency (`currency=reporting`): every figure of it is in `currency`. */
  converted: boolean;
  params: URLSearchParams;
  /** Changes the view's own parameters (model, grouping, order …) in the address. */
  setParams: (changes: Record<string, string>) => void;
  /** The key stopped working: back to sign-in. */
  onUnauthorized: () => void;
  /** The currencies the view's answers hold, for the currency picker. */
  onCurrencies: (currencies: string[]) => void;
}

/** What a request adds to ask for the reporting currency: `currency=reporting` when converted, nothing otherwise. */
export function inReporting(converted: boolean): { currency?: typeof REPORTING } {
  return converted ? { currency: REPORTING } : {};
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
