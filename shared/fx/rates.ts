import { minorUnitExponent } from '../money/currencies.ts';
import { addDays } from '../time/days.ts';
import { formatRate, invert, multiply, parseRate, type Rational, roundHalfEven } from './decimal.ts';

/**
 * Exchange rates as tenants supply them (SPEC §14: Baton never fetches a
 * rate), and what converting an amount at one of them means.
 */

/** One rate of one day: 1 `base` = `rate` `quote` (a positive decimal string). */
export interface FxRate {
  /** YYYY-MM-DD */
  day: string;
  base: string;
  quote: string;
  /** Positive decimal string: 1 base = rate quote. */
  rate: string;
}

/** The rate an amount was converted at, as exports show it and as the conversion used it. */
export interface AppliedRate {
  /** Decimal string as shown in exports: exact if it terminates within 12 decimals, else half even to 12 decimals, no trailing zeros. */
  rate: string;
  /** The day of the rate(s) used (the amount's own day for the identity). */
  rateDay: string;
  /** The exact rational used for conversion, in lowest terms. */
  num: bigint;
  den: bigint;
}

/** The rates of one day: each pair `base|quote` as given, and which currencies each currency has a rate with (either way). */
interface DayRates {
  pairs: Map<string, Rational>;
  neighbours: Map<string, Set<string>>;
}

const pairKey = (base: string, quote: string) => `${base}|${quote}`;

/**
 * A tenant's rates, ready to answer which rate converts an amount of a day.
 *
 * The rate of an amount dated `day` is that of the latest day on or before
 * it, at most `maxAgeDays` before it, that has one — so a Saturday amount
 * takes Friday's rate. On that day, in this order:
 * 1. the direct rate (`from` → `to` as given);
 * 2. the inverse of the rate `to` → `from`;
 * 3. a cross rate through a common currency C that has a rate with both
 *    `from` and `to` on that same day (either orientation each: C → X
 *    preferred to X → C when a day has both). When several currencies could
 *    serve, the alphabetically first is used (EUR before USD), so the answer
 *    never depends on the order the rates were given in.
 * A rate is never taken from an earlier day while a later day within reach
 * has any of the three.
 */
export class RateTable {
  private readonly days = new Map<string, DayRates>();
  private readonly answers = new Map<string, AppliedRate | undefined>();

  private constructor(private readonly maxAgeDays: number) {}

  static of(rates: readonly FxRate[], maxAgeDays: number): RateTable {
    if (!Number.isInteger(maxAgeDays) || maxAgeDays < 0) throw new RangeError(`maxAgeDays is a whole number of days, 0 or more: ${maxAgeDays}`);
    const table = new RateTable(maxAgeDays);
    for (const rate of rates) table.add(rate);
    return table;
  }

  private add(rate: FxRate): void {
    if (rate.base === rate.quote) return;
    let day = this.days.get(rate.day);
    if (!day) this.days.set(rate.day, (day = { pairs: new Map(), neighbours: new Map() }));
    day.pairs.set(pairKey(rate.base, rate.quote), parseRate(rate.rate));
    for (const [one, other] of [
      [rate.base, rate.quote],
      [rate.quote, rate.base],
    ] as const) {
      let set = day.neighbours.get(one);
      if (!set) day.neighbours.set(one, (set = new Set()));
      set.add(other);
    }
  }

  /**
   * The rate from `from` to `to` for an amount dated `day`: identity (rate
   * "1", rateDay = day) when from === to; else the latest day on or before
   * `day` and at most maxAgeDays before it that has a direct rate, an inverse
   * one, or a cross rate through a common base (both legs from that same
   * day, either orientation each); undefined if none.
   */
  rateFor(from: string, to: string, day: string): AppliedRate | undefined {
    if (from === to) return { rate: '1', rateDay: day, num: 1n, den: 1n };
    const key = `${from}|${to}|${day}`;
    if (this.answers.has(key)) return this.answers.get(key);
    let answer: AppliedRate | undefined;
    for (let age = 0; age <= this.maxAgeDays && !answer; age += 1) {
      const rateDay = addDays(day, -age);
      const rates = this.days.get(rateDay);
      const found = rates && rateOn(rates, from, to);
      if (found) answer = { rate: formatRate(found), rateDay, num: found.num, den: found.den };
    }
    this.answers.set(key, answer);
    return answer;
  }
}

/** 1 `from` in `to` on one day: direct, inverse, then crossed through the alphabetically first common currency. */
function rateOn(day: DayRates, from: string, to: string): Rational | undefined {
  const direct = leg(day, from, to);
  if (direct) return direct;
  const fromNeighbours = day.neighbours.get(from);
  const toNeighbours = day.neighbours.get(to);
  if (!fromNeighbours || !toNeighbours) return undefined;
  const common = [...fromNeighbours].filter((currency) => currency !== to && toNeighbours.has(currency)).sort();
  const via = common[0];
  if (via === undefined) return undefined;
  // 1 from = (1 from in via) × (1 via in to), each leg as the day gives it, the common currency as base preferred (ECB's EUR → x).
  const viaToFrom = day.pairs.get(pairKey(via, from));
  const fromToVia = viaToFrom ? invert(viaToFrom) : day.pairs.get(pairKey(from, via));
  const viaToTo = leg(day, via, to);
  return fromToVia && viaToTo ? multiply(fromToVia, viaToTo) : undefined;
}

/** 1 `from` in `to` from a rate given either way: `from → to` as given, else the inverse of `to → from`. */
function leg(day: DayRates, from: string, to: string): Rational | undefined {
  const direct = day.pairs.get(pairKey(from, to));
  if (direct) return direct;
  const inverse = day.pairs.get(pairKey(to, from));
  return inverse ? invert(inverse) : undefined;
}

/**
 * `amount` (minor units of `from`) × rate, in minor units of `to`, rounded
 * half even once; uses the currencies' exponents (JPY 0, USD 2, BHD 3, …).
 * Half even is symmetric, so a refund converted at its order's rate is
 * exactly minus the order.
 */
export function convertMinor(amount: number, from: string, to: string, rate: Pick<AppliedRate, 'num' | 'den'>): number {
  if (!Number.isSafeInteger(amount)) throw new RangeError(`${amount} is not an integer amount of minor units`);
  if (rate.den <= 0n || rate.num <= 0n) throw new RangeError('a rate is a positive rational');
  const shift = minorUnitExponent(to) - minorUnitExponent(from);
  const num = BigInt(amount) * rate.num * (shift > 0 ? 10n ** BigInt(shift) : 1n);
  const den = rate.den * (shift < 0 ? 10n ** BigInt(-shift) : 1n);
  const converted = Number(roundHalfEven(num, den));
  if (!Number.isSafeInteger(converted)) throw new RangeError(`${amount} ${from} is too large in ${to}`);
  return converted;
}
