import { parse } from 'csv-parse/sync';
import * as z from 'zod';
import type { IssueDetail } from '../errors.ts';
import { isKnownCurrency } from '../money/currencies.ts';
import { CurrencySchema } from '../tenants/tenant.ts';
import { addDays, DaySchema } from '../time/days.ts';
import { issueDetails } from '../validation.ts';
import { canonicalRate, rateProblem } from './decimal.ts';
import type { FxRate } from './rates.ts';

/**
 * `PUT /v1/fx-rates`'s two bodies, read whole before anything is stored:
 * JSON `{rates: [{day, base, quote, rate}]}`, or a CSV in the ECB's layout
 * (`Date,USD,JPY,…`, each figure 1 EUR in that currency, `N/A` or empty for
 * none). Every bad rate, line or cell is named; one refuses the request.
 */

/** Rates one request may carry (a year of the ECB's 30 currencies is about 7,700). */
export const MAX_RATES_PER_REQUEST = 20_000;

/** Problems listed at most; one more entry then says how many were left out. */
export const MAX_PROBLEMS = 1_000;

/** The ECB's base: its files give 1 EUR in each currency of the header. */
export const ECB_BASE = 'EUR';

/** One rate of `PUT /v1/fx-rates`'s JSON body. */
export const FxRateInputSchema = z
  .object({
    day: DaySchema.describe('The day the rate is of (YYYY-MM-DD): at most tomorrow'),
    base: CurrencySchema,
    quote: CurrencySchema,
    rate: z
      .string()
      .superRefine((rate, ctx) => {
        const problem = rateProblem(rate);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .describe('1 base = rate quote: a positive decimal string, at most 12 decimal places and 18 significant digits (e.g. "1.0921")'),
  })
  .strict()
  .refine((rate) => rate.base !== rate.quote, { message: 'base and quote are the same currency', path: ['quote'] });

/** The rates a request gave, each once (canonical spelling), and how many it gave. */
export interface ParsedRates {
  rates: FxRate[];
  /** Rates read, a repeat of the same rate included. */
  received: number;
}

/** A request's rates that cannot be taken: `problems` names each (the first {@link MAX_PROBLEMS}). */
export class FxRatesInputError extends Error {
  override name = 'FxRatesInputError';
  readonly problems: IssueDetail[];

  constructor(problems: IssueDetail[]) {
    const shown = problems.slice(0, MAX_PROBLEMS);
    const more = problems.length - shown.length;
    if (more > 0) shown.push({ path: 'body', message: `… and ${more} more problem${more === 1 ? '' : 's'}` });
    const first = problems[0];
    super(problems.length === 1 && first ? `${first.path}: ${first.message}` : `${problems.length} problems; the first: ${first?.path}: ${first?.message}`);
    this.problems = shown;
  }
}

/** Where a rate came from, for a problem's `path` (and `line`, in a file). */
type Source = { path: string; line?: number };

/** Collects rates, refusing a day after tomorrow and a (day, base, quote) given twice with different rates. */
class Collector {
  readonly problems: IssueDetail[] = [];
  private readonly seen = new Map<string, { rate: FxRate; source: Source }>();
  private readonly latestDay: string;
  received = 0;

  constructor(now: Date) {
    this.latestDay = addDays(now.toISOString().slice(0, 10), 1);
  }

  problem(source: Source, message: string, code = 'invalid_value'): void {
    this.problems.push({ path: source.path, message, code, ...(source.line === undefined ? {} : { line: source.line }) });
  }

  /** Whether `day` is after tomorrow (said once, as a problem of `source`). */
  future(day: string, source: Source): boolean {
    if (day <= this.latestDay) return false;
    this.problem(source, `${day} is in the future: a rate's day is at most tomorrow (${this.latestDay})`);
    return true;
  }

  add(rate: FxRate, source: Source): void {
    this.received += 1;
    if (this.future(rate.day, source)) return;
    const canonical = { ...rate, rate: canonicalRate(rate.rate) };
    const key = `${rate.day}|${rate.base}|${rate.quote}`;
    const before = this.seen.get(key);
    if (!before) this.seen.set(key, { rate: canonical, source });
    else if (before.rate.rate !== canonical.rate)
      this.problem(source, `${rate.base}→${rate.quote} on ${rate.day} is given twice with different rates: ${before.rate.rate} at ${before.source.path} and ${canonical.rate} here`, 'conflict');
  }

  result(): ParsedRates {
    if (this.problems.length === 0 && this.received === 0) this.problem({ path: 'rates', line: 0 }, 'no rates: nothing to store');
    if (this.received > MAX_RATES_PER_REQUEST) this.problem({ path: 'rates', line: 0 }, `${this.received} rates; at most ${MAX_RATES_PER_REQUEST} a request (send them in parts)`, 'too_big');
    if (this.problems.length > 0) throw new FxRatesInputError(this.problems);
    return { rates: [...this.seen.values()].map(({ rate }) => rate), received: this.received };
  }
}

/** The JSON body's rates (the envelope already checked): each validated on its own, every problem named by its path (`rates.3.rate`). */
export function readJsonRates(items: readonly unknown[], now: Date = new Date()): ParsedRates {
  const collector = new Collector(now);
  if (items.length > MAX_RATES_PER_REQUEST) {
    throw new FxRatesInputError([{ path: 'rates', message: `${items.length} rates; at most ${MAX_RATES_PER_REQUEST} a request (send them in parts)`, code: 'too_big' }]);
  }
  items.forEach((item, index) => {
    const parsed = FxRateInputSchema.safeParse(item);
    if (!parsed.success) {
      collector.received += 1;
      collector.problems.push(...issueDetails(parsed.error, `rates.${index}`));
      return;
    }
    collector.add(parsed.data, { path: `rates.${index}` });
  });
  return collector.result();
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

/** A day of the ECB's files: `2024-01-05` (the history files) or `5 January 2024` (the daily file). */
function ecbDay(text: string): string | undefined {
  if (DaySchema.safeParse(text).success) return text;
  const match = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2]!.toLowerCase()) : -1;
  if (!match || month < 0) return undefined;
  const day = `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  return DaySchema.safeParse(day).success ? day : undefined;
}

const NO_RATE = /^(n\/a|)$/i;

/**
 * A CSV in the ECB's layout: a header `Date,USD,JPY,…` (a trailing empty
 * column and spaces after the commas as the ECB writes them), then a line
 * per day, each figure 1 EUR in that column's currency; `N/A` or empty is no
 * rate. A column of a currency not known (the ECB's history keeps CYP, SIT…)
 * is refused only where it has a rate. Blank lines are skipped.
 */
export function readEcbCsv(bytes: Uint8Array | string, now: Date = new Date()): ParsedRates {
  let text: string;
  try {
    text = typeof bytes === 'string' ? bytes : new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new FxRatesInputError([{ path: 'file', line: 0, message: 'the file is not UTF-8 text', code: 'invalid_encoding' }]);
  }
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { bom: true, trim: true, relax_column_count: true, skip_empty_lines: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const failure = error as { lines?: number; message?: string };
    throw new FxRatesInputError([{ path: `line.${failure.lines ?? 0}`, line: failure.lines ?? 0, message: `not readable as CSV: ${failure.message ?? 'unknown error'}`, code: 'invalid_csv' }]);
  }
  const collector = new Collector(now);
  const [header, ...rows] = records;
  if (!header) throw new FxRatesInputError([{ path: 'file', line: 0, message: 'the file is empty: expected a header such as Date,USD,JPY', code: 'invalid_file' }]);
  const headerLine = header.info.lines;
  const at = (line: number): Source => ({ path: `line.${line}`, line });
  if (header.record[0]?.toLowerCase() !== 'date') collector.problem(at(headerLine), `the header starts with "${header.record[0] ?? ''}"; the ECB's starts with Date (Date,USD,JPY,…)`);
  // Each column's currency; undefined for the trailing empty column.
  const columns = header.record.slice(1).map((cell, index) => {
    const code = cell.toUpperCase();
    if (code === '') return undefined;
    if (!/^[A-Z]{3}$/.test(code)) collector.problem(at(headerLine), `column ${index + 2} is "${cell}", not a currency code such as USD`);
    else if (code === ECB_BASE) collector.problem(at(headerLine), `column ${index + 2} is ${ECB_BASE}, the base of every rate of the file`);
    else if (header.record.slice(1, index + 1).some((earlier) => earlier.toUpperCase() === code)) collector.problem(at(headerLine), `column ${index + 2}: ${code} is in the header twice`);
    return code;
  });
  for (const { record, info } of rows) {
    const line = info.lines;
    const day = ecbDay(record[0] ?? '');
    if (!day) {
      collector.problem(at(line), `"${record[0] ?? ''}" is not a day (YYYY-MM-DD)`);
      continue;
    }
    if (collector.future(day, at(line))) continue;
    record.slice(1).forEach((cell, index) => {
      if (NO_RATE.test(cell)) return;
      const quote = columns[index];
      if (quote === undefined) {
        collector.problem(
          at(line),
          index >= columns.length ? `column ${index + 2} has "${cell}" but the header has ${columns.length + 1} columns` : `column ${index + 2} has "${cell}" but no currency in the header`,
        );
        return;
      }
      if (!/^[A-Z]{3}$/.test(quote) || quote === ECB_BASE) return; // said once, on the header
      if (!isKnownCurrency(quote)) {
        collector.problem(at(line), `${quote}: not a known ISO 4217 currency, yet the line gives it a rate (${cell})`, 'unknown_currency');
        return;
      }
      const problem = rateProblem(cell);
      if (problem) collector.problem(at(line), `${quote}: ${problem}`);
      else collector.add({ day, base: ECB_BASE, quote, rate: cell }, at(line));
    });
  }
  collector.problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return collector.result();
}
