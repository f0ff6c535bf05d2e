/**
 * Exact rationals for exchange rates: a rate is a decimal string, read as
 * `num / den` in BigInt, multiplied, inverted and divided without ever
 * passing through a float, and rounded (half even) only where an amount in
 * minor units or a rate shown to people needs it.
 */

/** `num / den`, reduced, `den` > 0. */
export interface Rational {
  num: bigint;
  den: bigint;
}

/** Decimal places a rate may have, and a rate shown is rounded to when it does not terminate sooner. */
export const RATE_DECIMALS = 12;

/** Significant digits a rate may have: ECB rates have 5 or 6, a table of JPY per BHD a few more. */
export const RATE_SIGNIFICANT_DIGITS = 18;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

/** `num / den` in lowest terms, the sign on the numerator. */
export function rational(num: bigint, den: bigint): Rational {
  if (den === 0n) throw new RangeError('a rational with denominator 0');
  const sign = den < 0n ? -1n : 1n;
  const divisor = gcd(num, den) || 1n;
  return { num: (sign * num) / divisor, den: (sign * den) / divisor };
}

export function multiply(a: Rational, b: Rational): Rational {
  return rational(a.num * b.num, a.den * b.den);
}

export function invert(a: Rational): Rational {
  if (a.num === 0n) throw new RangeError('0 has no inverse');
  return rational(a.den, a.num);
}

/**
 * Why `text` is not a rate, or undefined when it is one: a positive decimal
 * (`1.0921`, `0.85`, `162`) with at most {@link RATE_DECIMALS} decimal places
 * and {@link RATE_SIGNIFICANT_DIGITS} significant digits; no sign, exponent,
 * thousands separator or decimal comma.
 */
export function rateProblem(text: string): string | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return `"${text}" is not a decimal rate such as 1.0921 (digits, one point, no sign or exponent)`;
  const fraction = match[2] ?? '';
  if (fraction.length > RATE_DECIMALS) return `"${text}" has ${fraction.length} decimal places; at most ${RATE_DECIMALS}`;
  const significant = `${match[1]}${fraction}`.replace(/^0+/, '');
  if (significant.length === 0) return 'a rate is positive; 0 is not a rate';
  if (significant.length > RATE_SIGNIFICANT_DIGITS) return `"${text}" has ${significant.length} significant digits; at most ${RATE_SIGNIFICANT_DIGITS}`;
  return undefined;
}

/** A rate's one spelling: no leading zeros before the units, no trailing zeros after the point (`01.1800` → `1.18`). Expects a string {@link rateProblem} accepts. */
export function canonicalRate(text: string): string {
  const [whole = '0', fraction = ''] = text.split('.');
  const units = whole.replace(/^0+(?=\d)/, '');
  const decimals = fraction.replace(/0+$/, '');
  return decimals ? `${units}.${decimals}` : units;
}

/** A decimal string (as {@link rateProblem} accepts) as an exact rational. */
export function parseRate(text: string): Rational {
  const problem = rateProblem(text);
  if (problem) throw new RangeError(problem);
  const [whole = '0', fraction = ''] = text.split('.');
  return rational(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
}

/** `num / den` rounded to the nearest integer, a tie to the even one: symmetric, so `-x` rounds to minus what `x` rounds to. */
export function roundHalfEven(num: bigint, den: bigint): bigint {
  if (den === 0n) throw new RangeError('division by 0');
  if (den < 0n) return roundHalfEven(-num, -den);
  const quotient = num / den; // towards zero
  const remainder = num % den; // the sign of num
  const twice = 2n * (remainder < 0n ? -remainder : remainder);
  if (twice < den) return quotient;
  const away = num < 0n ? quotient - 1n : quotient + 1n;
  if (twice > den) return away;
  return quotient % 2n === 0n ? quotient : away;
}

/**
 * A positive rational as exports show a rate: exact when it terminates
 * within {@link RATE_DECIMALS} decimal places, else rounded half even to
 * that many; never trailing zeros (`1.18`, `189.494572195634`, `1`).
 */
export function formatRate(value: Rational): string {
  const scale = 10n ** BigInt(RATE_DECIMALS);
  const scaled = roundHalfEven(value.num * scale, value.den);
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(RATE_DECIMALS + 1, '0');
  const units = digits.slice(0, -RATE_DECIMALS);
  const decimals = digits.slice(-RATE_DECIMALS).replace(/0+$/, '');
  return `${negative ? '-' : ''}${units}${decimals ? `.${decimals}` : ''}`;
}
