import { UnprocessableFileError } from '../errors.ts';
import type { FxRate } from './rates.ts';

/**
 * A month of a tenant's rates, as stored: one map `"DD|BASE|QUOTE" → rate`
 * (`"05|EUR|USD" → "1.0921"`). At most {@link MAX_RATES_PER_MONTH} rates,
 * so the month stays one DynamoDB item: each entry is at most 10 + 19 + 1
 * bytes, 360,000 bytes for a full month, under the 400 KB an item may hold.
 */
export type MonthRates = Record<string, string>;

/** Rates one month may hold: every day of it, 387 pairs a day (the ECB publishes 30). */
export const MAX_RATES_PER_MONTH = 12_000;

/** `YYYY-MM` of a day. */
export const monthOf = (day: string): string => day.slice(0, 7);

const entryKey = (rate: Pick<FxRate, 'day' | 'base' | 'quote'>) => `${rate.day.slice(8, 10)}|${rate.base}|${rate.quote}`;

/** The rates by the month they fall in. */
export function byMonth(rates: readonly FxRate[]): Map<string, FxRate[]> {
  const months = new Map<string, FxRate[]>();
  for (const rate of rates) {
    const month = monthOf(rate.day);
    const list = months.get(month);
    if (list) list.push(rate);
    else months.set(month, [rate]);
  }
  return months;
}

/**
 * A month's stored rates with `incoming` merged in (a rate replaces the one
 * of its day, base and quote), how many were new or changed and their days;
 * refuses (422) a month that would hold more than {@link MAX_RATES_PER_MONTH}.
 */
export function mergeMonth(month: string, stored: MonthRates, incoming: readonly FxRate[]): { rates: MonthRates; changed: number; changedDays: string[] } {
  const rates: MonthRates = { ...stored };
  const days = new Set<string>();
  let changed = 0;
  for (const rate of incoming) {
    const key = entryKey(rate);
    if (rates[key] === rate.rate) continue;
    rates[key] = rate.rate;
    changed += 1;
    days.add(rate.day);
  }
  const count = Object.keys(rates).length;
  if (count > MAX_RATES_PER_MONTH) {
    throw new UnprocessableFileError(`Not stored: ${month} would hold ${count} rates; a month holds at most ${MAX_RATES_PER_MONTH}.`, [
      { path: 'rates', line: 0, message: `${month} would hold ${count} rates (at most ${MAX_RATES_PER_MONTH})`, code: 'too_big' },
    ]);
  }
  return { rates, changed, changedDays: [...days].sort() };
}

/** A month's stored rates as rates, sorted by day, base, quote. */
export function ratesOfMonth(month: string, stored: MonthRates): FxRate[] {
  return Object.entries(stored)
    .map(([key, rate]) => {
      const [day = '', base = '', quote = ''] = key.split('|');
      return { day: `${month}-${day}`, base, quote, rate };
    })
    .sort(compareRates);
}

/** By day, base, quote. */
export function compareRates(a: FxRate, b: FxRate): number {
  if (a.day !== b.day) return a.day < b.day ? -1 : 1;
  if (a.base !== b.base) return a.base < b.base ? -1 : 1;
  return a.quote < b.quote ? -1 : a.quote > b.quote ? 1 : 0;
}
