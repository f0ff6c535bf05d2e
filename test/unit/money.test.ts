import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKnownCurrency, minorUnitExponent } from '../../shared/money/currencies.ts';
import { formatAmount, MoneyFormatError, parseAmount } from '../../shared/money/money.ts';

describe('currencies', () => {
  it('knows ISO 4217 exponents', () => {
    expect(minorUnitExponent('USD')).toBe(2);
    expect(minorUnitExponent('JPY')).toBe(0);
    expect(minorUnitExponent('KWD')).toBe(3);
    expect(minorUnitExponent('EUR')).toBe(2);
  });

  it('refuses codes that are not tender', () => {
    expect(isKnownCurrency('XAU')).toBe(false);
    expect(isKnownCurrency('ABC')).toBe(false);
    expect(isKnownCurrency('usd')).toBe(false);
  });
});

describe('parseAmount', () => {
  it.each([
    ['19.99', 'USD', 1999],
    ['19.9', 'USD', 1990],
    ['19', 'USD', 1900],
    ['0.01', 'USD', 1],
    ['0', 'USD', 0],
    ['19.990', 'USD', 1999],
    ['1500', 'JPY', 1500],
    ['1500.0', 'JPY', 1500],
    ['1.234', 'KWD', 1234],
    ['0007.50', 'EUR', 750],
  ])('%s %s is %i minor units', (value, currency, minor) => {
    expect(parseAmount(value, currency)).toBe(minor);
  });

  it.each([
    ['19.999', 'USD'],
    ['1.5', 'JPY'],
    ['1.2345', 'KWD'],
    ['-1.00', 'USD'],
    ['1e3', 'USD'],
    ['1,00', 'EUR'],
    ['', 'USD'],
    [' 1.00', 'USD'],
    ['.5', 'USD'],
    ['99999999999999999999', 'USD'],
  ])('refuses %j in %s', (value, currency) => {
    expect(() => parseAmount(value, currency)).toThrow(MoneyFormatError);
  });

  it('formats minor units in the currency’s exponent', () => {
    expect(formatAmount(1999, 'USD')).toBe('19.99');
    expect(formatAmount(5, 'USD')).toBe('0.05');
    expect(formatAmount(-5, 'USD')).toBe('-0.05');
    expect(formatAmount(1500, 'JPY')).toBe('1500');
    expect(formatAmount(1234, 'KWD')).toBe('1.234');
  });

  it('parse ∘ format is the identity on minor units, for every currency exponent', () => {
    fc.assert(
      fc.property(fc.constantFrom('USD', 'JPY', 'KWD', 'EUR', 'CLP', 'BHD'), fc.maxSafeNat(), (currency, minor) => {
        expect(parseAmount(formatAmount(minor, currency), currency)).toBe(minor);
      }),
      { numRuns: 2000 },
    );
  });

  it('format ∘ parse is the identity on canonical decimal strings', () => {
    const canonical = fc.tuple(fc.constantFrom('USD', 'JPY', 'KWD'), fc.bigInt({ min: 0n, max: 10n ** 14n })).map(([currency, units]) => {
      const exponent = minorUnitExponent(currency);
      const digits = units.toString().padStart(exponent + 1, '0');
      return { currency, text: exponent === 0 ? digits : `${digits.slice(0, -exponent)}.${digits.slice(-exponent)}` };
    });
    fc.assert(
      fc.property(canonical, ({ currency, text }) => {
        expect(formatAmount(parseAmount(text, currency), currency)).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
