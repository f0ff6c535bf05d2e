import currencyCodes from 'currency-codes';

/**
 * ISO 4217 codes that are not money a store is paid in: precious metals,
 * special drawing rights, fund and test codes.
 */
const NOT_TENDER = new Set(['XAU', 'XAG', 'XPT', 'XPD', 'XDR', 'XBA', 'XBB', 'XBC', 'XBD', 'XTS', 'XXX', 'XSU', 'XUA', 'BOV', 'CHE', 'CHW', 'CLF', 'COU', 'MXV', 'USN', 'UYI', 'UYW']);

const exponents = new Map<string, number>(currencyCodes.data.filter((record) => !NOT_TENDER.has(record.code)).map((record) => [record.code, record.digits]));

export function isKnownCurrency(code: string): boolean {
  return exponents.has(code);
}

/** Digits of the minor unit (ISO 4217 exponent): USD 2, JPY 0, KWD 3. */
export function minorUnitExponent(currency: string): number {
  const exponent = exponents.get(currency);
  if (exponent === undefined) throw new RangeError(`Unknown currency ${currency}`);
  return exponent;
}
