/** Reporting days (`YYYY-MM-DD`) in the tenant's zone, as the API counts them. */

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function isDay(value: string | null | undefined): value is string {
  return !!value && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

export function today(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The last `days` days up to today, today included. */
export function lastDays(days: number, timezone: string): Period {
  const to = today(timezone);
  return { from: addDays(to, -(days - 1)), to };
}

/** A month (`YYYY-MM`) as its first and last day. */
export function monthPeriod(month: string): Period {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export function daysBetween(period: Period): number {
  return Math.round((Date.parse(`${period.to}T00:00:00Z`) - Date.parse(`${period.from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** What is wrong with a period the user typed, before the API is asked. */
export function periodProblem(period: Period): string | undefined {
  if (!isDay(period.from) || !isDay(period.to)) return 'Pick both days of the period.';
  if (period.from > period.to) return 'The period ends before it starts.';
  if (daysBetween(period) > 366) return 'A period is at most 366 days.';
  return undefined;
}

/** Months (`YYYY-MM`): cohort ranges (`GET /v1/cohorts`) are whole months in the tenant's zone. */
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

export function isMonth(value: string | null | undefined): value is string {
  return !!value && MONTH.test(value);
}

/** `month` moved by `months` (negative: back): `addMonths('2026-01', -1)` is `2025-12`. */
export function addMonths(month: string, months: number): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  const index = year * 12 + (number - 1) + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** How many months `from` through `to` span, both included: `2026-01` to `2026-12` is 12. */
export function monthSpan(from: string, to: string): number {
  const [fromYear, fromNumber] = from.split('-').map(Number) as [number, number];
  const [toYear, toNumber] = to.split('-').map(Number) as [number, number];
  return (toYear - fromYear) * 12 + (toNumber - fromNumber) + 1;
}
