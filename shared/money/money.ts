import { minorUnitExponent } from './currencies.ts';

/** An amount in the currency's minor unit (cents for USD): always an integer. */
export type Minor = number;

export class MoneyFormatError extends Error {
  override name = 'MoneyFormatError';
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * A non-negative decimal string ("19.99") as an exact integer of minor
 * units. Digits beyond the currency's exponent must be zeros ("19.990" is
 * 1999 cents; "19.995" is refused): no value is ever rounded.
 */
export function parseAmount(value: string, currency: string): Minor {
  const exponent = minorUnitExponent(currency);
  const match = DECIMAL.exec(value);
  if (!match) throw new MoneyFormatError(`"${value}" is not a decimal amount like 19.99`);
  const whole = match[1] ?? '0';
  const fraction = match[2] ?? '';
  if (/[^0]/.test(fraction.slice(exponent))) {
    throw new MoneyFormatError(`${currency} allows ${exponent} decimal place${exponent === 1 ? '' : 's'}; "${value}" has more`);
  }
  const digits = (whole + fraction.slice(0, exponent).padEnd(exponent, '0')).replace(/^0+(?=\d)/, '');
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) throw new MoneyFormatError(`"${value}" is too large`);
  return minor;
}

/** Minor units as a decimal string in the currency's exponent: 1999 USD → "19.99". */
export function formatAmount(minor: Minor, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`${minor} is not an integer amount of minor units`);
  const exponent = minorUnitExponent(currency);
  const sign = minor < 0 ? '-' : '';
  const digits = String(Math.abs(minor)).padStart(exponent + 1, '0');
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}
