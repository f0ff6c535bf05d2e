import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatRate, parseRate, rational, roundHalfEven } from '../../shared/fx/decimal.ts';
import { convertMinor, type FxRate, RateTable } from '../../shared/fx/rates.ts';

const rate = (day: string, base: string, quote: string, value: string): FxRate => ({ day, base, quote, rate: value });

describe('convertMinor', () => {
  it('converts 85.00 EUR at 1.18 to 100.30 USD: 8500 × 1.18 = 10030 cents, exactly', () => {
    const applied = RateTable.of([rate('2026-03-02', 'EUR', 'USD', '1.18')], 7).rateFor('EUR', 'USD', '2026-03-02')!;
    expect(applied).toEqual({ rate: '1.18', rateDay: '2026-03-02', num: 59n, den: 50n });
    expect(convertMinor(8500, 'EUR', 'USD', applied)).toBe(10030);
  });

  it('nets a full refund to zero at its order’s rate', () => {
    const applied = { num: 59n, den: 50n };
    expect(convertMinor(8500, 'EUR', 'USD', applied) + convertMinor(-8500, 'EUR', 'USD', applied)).toBe(0);
  });

  it('rounds each amount half even on its own: three 0.01 EUR at 1.5 are 2 + 2 + 2 cents (1.5 → 2), not 4.5 → 4', () => {
    const applied = parseRate('1.5');
    const converted = [1, 1, 1].map((cents) => convertMinor(cents, 'EUR', 'USD', applied));
    expect(converted).toEqual([2, 2, 2]);
    expect(converted.reduce((a, b) => a + b)).toBe(6);
  });

  it('breaks ties to the even cent, both ways and on both signs', () => {
    // 0.01 × 2.5 = 0.025 → 2 cents (down to even); 0.01 × 3.5 = 0.035 → 4 cents (up to even)
    expect(convertMinor(1, 'EUR', 'USD', parseRate('2.5'))).toBe(2);
    expect(convertMinor(1, 'EUR', 'USD', parseRate('3.5'))).toBe(4);
    expect(convertMinor(-1, 'EUR', 'USD', parseRate('2.5'))).toBe(-2);
    expect(convertMinor(-1, 'EUR', 'USD', parseRate('3.5'))).toBe(-4);
    // 0.03 × 0.5 = 0.015 → 2; 0.05 × 0.5 = 0.025 → 2; 0.07 × 0.5 = 0.035 → 4
    expect([3, 5, 7].map((cents) => convertMinor(cents, 'EUR', 'USD', parseRate('0.5')))).toEqual([2, 2, 4]);
    // just off a tie goes to the nearer cent
    expect(convertMinor(1, 'EUR', 'USD', parseRate('2.500000000001'))).toBe(3);
  });

  it('changes exponents: 1,000 JPY at 0.0067 USD is 6.70 USD; at 1 ÷ 149.25 it is 670.0168 cents → 670', () => {
    expect(convertMinor(1000, 'JPY', 'USD', parseRate('0.0067'))).toBe(670);
    const inverse = RateTable.of([rate('2026-03-02', 'USD', 'JPY', '149.25')], 7).rateFor('JPY', 'USD', '2026-03-02')!;
    expect(convertMinor(1000, 'JPY', 'USD', inverse)).toBe(670);
    // and back: 6.70 USD at 149.25 = 999.975 JPY → 1000 (JPY has no minor unit)
    expect(convertMinor(670, 'USD', 'JPY', parseRate('149.25'))).toBe(1000);
    // BHD has three decimals: 10.00 USD at 0.376 = 3.760 BHD
    expect(convertMinor(1000, 'USD', 'BHD', parseRate('0.376'))).toBe(3760);
  });

  it('is exactly antisymmetric (a then −a), and the identity rate is exact', () => {
    const rates = fc.tuple(fc.bigInt({ min: 1n, max: 10n ** 18n }), fc.integer({ min: 0, max: 12 })).map(([num, decimals]) => rational(num, 10n ** BigInt(decimals)));
    const currencies = fc.constantFrom('EUR', 'USD', 'JPY', 'BHD', 'GBP', 'KWD');
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), rates, currencies, currencies, (amount, applied, from, to) => {
        let forward: number;
        try {
          forward = convertMinor(amount, from, to, applied);
        } catch {
          return; // beyond a safe integer: refused, never rounded through a float
        }
        expect(convertMinor(-amount, from, to, applied)).toBe(-forward || 0);
        const identity = RateTable.of([], 7).rateFor(from, from, '2026-01-01')!;
        expect(convertMinor(amount, from, from, identity)).toBe(amount);
      }),
      { numRuns: 500 },
    );
  });
});

describe('RateTable.rateFor', () => {
  it('answers the identity for one currency, on the amount’s own day, without any rate', () => {
    expect(RateTable.of([], 0).rateFor('EUR', 'EUR', '2026-03-07')).toEqual({ rate: '1', rateDay: '2026-03-07', num: 1n, den: 1n });
  });

  it('gives a Saturday amount Friday’s rate', () => {
    const table = RateTable.of([rate('2026-03-05', 'EUR', 'USD', '1.17'), rate('2026-03-06', 'EUR', 'USD', '1.18')], 7);
    // 2026-03-07 is a Saturday, 2026-03-06 a Friday
    expect(table.rateFor('EUR', 'USD', '2026-03-07')).toMatchObject({ rate: '1.18', rateDay: '2026-03-06' });
    expect(table.rateFor('EUR', 'USD', '2026-03-08')).toMatchObject({ rate: '1.18', rateDay: '2026-03-06' });
    // never a later rate
    expect(table.rateFor('EUR', 'USD', '2026-03-04')).toBeUndefined();
  });

  it('takes a rate 7 days old with fxMaxAgeDays 7, and not one 8 days old', () => {
    const table = RateTable.of([rate('2026-03-01', 'EUR', 'USD', '1.18')], 7);
    expect(table.rateFor('EUR', 'USD', '2026-03-08')).toMatchObject({ rateDay: '2026-03-01' });
    expect(table.rateFor('EUR', 'USD', '2026-03-09')).toBeUndefined();
    expect(RateTable.of([rate('2026-03-01', 'EUR', 'USD', '1.18')], 0).rateFor('EUR', 'USD', '2026-03-02')).toBeUndefined();
  });

  it('inverts a rate: USD → EUR from EUR/USD 1.18 is 50/59 (0.847457627118|64… → 0.847457627119 shown), 100.00 USD → 84.75 EUR', () => {
    const applied = RateTable.of([rate('2026-03-02', 'EUR', 'USD', '1.18')], 7).rateFor('USD', 'EUR', '2026-03-02')!;
    expect(applied).toEqual({ rate: '0.847457627119', rateDay: '2026-03-02', num: 50n, den: 59n });
    // 10000 × 50 / 59 = 8474.576… → 8475
    expect(convertMinor(10000, 'USD', 'EUR', applied)).toBe(8475);
  });

  it('crosses GBP → JPY through EUR from ECB rates EUR→GBP 0.8567 and EUR→JPY 162.34', () => {
    // 1 GBP = 162.34 ÷ 0.8567 JPY = 1623400/8567 = 189.494572195634|411… JPY (shown to 12 decimals, half even: …634).
    // 100.00 GBP = 10000 minor × 1623400/8567 ÷ 10² (GBP has 2 decimals, JPY none) = 162340000/8567 = 18949.457… → 18949 JPY.
    const table = RateTable.of([rate('2026-03-02', 'EUR', 'GBP', '0.8567'), rate('2026-03-02', 'EUR', 'JPY', '162.34')], 7);
    const applied = table.rateFor('GBP', 'JPY', '2026-03-02')!;
    expect(applied).toEqual({ rate: '189.494572195634', rateDay: '2026-03-02', num: 1623400n, den: 8567n });
    expect(convertMinor(10000, 'GBP', 'JPY', applied)).toBe(18949);
    // and the other way: 1 JPY = 0.8567 ÷ 162.34 GBP
    expect(table.rateFor('JPY', 'GBP', '2026-03-02')).toMatchObject({ num: 8567n, den: 1623400n });
  });

  it('crosses legs of either orientation, through the alphabetically first common currency', () => {
    // GBP → CHF: legs given as GBP→USD and CHF→USD (no common base as base), and through EUR as well.
    const table = RateTable.of(
      [rate('2026-03-02', 'GBP', 'USD', '1.25'), rate('2026-03-02', 'CHF', 'USD', '1.1'), rate('2026-03-02', 'EUR', 'GBP', '0.8'), rate('2026-03-02', 'EUR', 'CHF', '0.9')],
      7,
    );
    // through EUR (before USD): 1 GBP = (1 ÷ 0.8) EUR × 0.9 CHF/EUR = 1.125 CHF; through USD it would be 1.25 ÷ 1.1.
    expect(table.rateFor('GBP', 'CHF', '2026-03-02')).toMatchObject({ rate: '1.125', num: 9n, den: 8n });
    // the order rates are given in does not matter
    const reversed = RateTable.of(
      [rate('2026-03-02', 'EUR', 'CHF', '0.9'), rate('2026-03-02', 'EUR', 'GBP', '0.8'), rate('2026-03-02', 'CHF', 'USD', '1.1'), rate('2026-03-02', 'GBP', 'USD', '1.25')],
      7,
    );
    expect(reversed.rateFor('GBP', 'CHF', '2026-03-02')).toMatchObject({ rate: '1.125' });
    // USD-only legs, both as X → USD: 1 GBP = 1.25 USD, 1 USD = 1/1.1 CHF
    const viaUsd = RateTable.of([rate('2026-03-02', 'GBP', 'USD', '1.25'), rate('2026-03-02', 'CHF', 'USD', '1.1')], 7);
    expect(viaUsd.rateFor('GBP', 'CHF', '2026-03-02')).toMatchObject({ num: 25n, den: 22n, rate: '1.136363636364' });
  });

  it('prefers direct, then inverse, then cross on one day, and a later day to an earlier one', () => {
    const day = '2026-03-02';
    const all = RateTable.of([rate(day, 'GBP', 'JPY', '190'), rate(day, 'JPY', 'GBP', '0.005'), rate(day, 'EUR', 'GBP', '0.8567'), rate(day, 'EUR', 'JPY', '162.34')], 7);
    expect(all.rateFor('GBP', 'JPY', day)).toMatchObject({ rate: '190' });
    const noDirect = RateTable.of([rate(day, 'JPY', 'GBP', '0.005'), rate(day, 'EUR', 'GBP', '0.8567'), rate(day, 'EUR', 'JPY', '162.34')], 7);
    expect(noDirect.rateFor('GBP', 'JPY', day)).toMatchObject({ rate: '200' });
    // a cross rate today beats a direct one yesterday
    const crossToday = RateTable.of([rate('2026-03-01', 'GBP', 'JPY', '190'), rate(day, 'EUR', 'GBP', '0.8567'), rate(day, 'EUR', 'JPY', '162.34')], 7);
    expect(crossToday.rateFor('GBP', 'JPY', day)).toMatchObject({ rateDay: day, num: 1623400n, den: 8567n });
    // legs from different days never make a cross rate
    const split = RateTable.of([rate('2026-03-01', 'EUR', 'GBP', '0.8567'), rate(day, 'EUR', 'JPY', '162.34')], 7);
    expect(split.rateFor('GBP', 'JPY', day)).toBeUndefined();
  });
});

describe('exact decimals', () => {
  it('formats a rate exactly when it terminates within 12 decimals, else half even to 12, without trailing zeros', () => {
    expect(formatRate(parseRate('1.1800'))).toBe('1.18');
    expect(formatRate(parseRate('162'))).toBe('162');
    expect(formatRate(parseRate('0.000000000001'))).toBe('0.000000000001');
    expect(formatRate(rational(1n, 3n))).toBe('0.333333333333');
    expect(formatRate(rational(2n, 3n))).toBe('0.666666666667');
    // 0.000000000000125: below half of the 12th decimal, so 0
    expect(formatRate(rational(1n, 8n * 10n ** 12n))).toBe('0');
    expect(formatRate(rational(5n, 10n ** 13n))).toBe('0'); // 0.0000000000005: a tie, to the even 0
    expect(formatRate(rational(15n, 10n ** 13n))).toBe('0.000000000002'); // 0.0000000000015: a tie, to the even 2
  });

  it('rounds half even on both signs', () => {
    expect([5n, 15n, 25n, -5n, -15n, -25n, 14n, 16n, -14n, -16n].map((n) => roundHalfEven(n, 10n))).toEqual([0n, 2n, 2n, 0n, -2n, -2n, 1n, 2n, -1n, -2n]);
  });
});
