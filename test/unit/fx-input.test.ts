import { describe, expect, it } from 'vitest';
import { UnprocessableFileError } from '../../shared/errors.ts';
import { FxRatesInputError, MAX_RATES_PER_REQUEST, readEcbCsv, readJsonRates } from '../../shared/fx/input.ts';
import { MAX_RATES_PER_MONTH } from '../../shared/fx/months.ts';
import { listFxRates, putFxRates } from '../../shared/fx/use-cases.ts';
import { AttributionConfigPatchSchema, fxMaxAgeDaysOf } from '../../shared/tenants/attribution-config.ts';
import { memoryTenant } from '../support/memory/fixtures.ts';
import { memoryStores } from '../support/memory/stores.ts';

const NOW = new Date('2026-03-10T12:00:00Z');

function problemsOf(read: () => unknown) {
  try {
    read();
  } catch (error) {
    if (error instanceof FxRatesInputError) return error.problems;
    throw error;
  }
  throw new Error('expected the rates to be refused');
}

describe('the ECB CSV layout', () => {
  it('reads the history file’s layout: trailing empty column, N/A for none, spaces after commas, rates of EUR', () => {
    const csv = ['Date,USD,JPY,CYP,GBP,', '2026-03-06,1.0921,162.34,N/A,0.8567,', '2026-03-05, 1.0900 , 161.9 ,N/A, ,', '', '2026-03-04,N/A,N/A,N/A,N/A,'].join('\r\n');
    const parsed = readEcbCsv(Buffer.from(csv), NOW);
    expect(parsed.received).toBe(5);
    expect(parsed.rates).toEqual([
      { day: '2026-03-06', base: 'EUR', quote: 'USD', rate: '1.0921' },
      { day: '2026-03-06', base: 'EUR', quote: 'JPY', rate: '162.34' },
      { day: '2026-03-06', base: 'EUR', quote: 'GBP', rate: '0.8567' },
      { day: '2026-03-05', base: 'EUR', quote: 'USD', rate: '1.09' },
      { day: '2026-03-05', base: 'EUR', quote: 'JPY', rate: '161.9' },
    ]);
  });

  it('reads the daily file’s layout (a BOM, `Date, USD, …`, the day written out)', () => {
    const parsed = readEcbCsv(Buffer.from('\uFEFFDate, USD, JPY, \n06 March 2026, 1.0921, 162.34, \n'), NOW);
    expect(parsed.rates).toEqual([
      { day: '2026-03-06', base: 'EUR', quote: 'USD', rate: '1.0921' },
      { day: '2026-03-06', base: 'EUR', quote: 'JPY', rate: '162.34' },
    ]);
  });

  it('names every bad line and cell, and takes nothing', () => {
    const csv = [
      'Date,USD,JPY,SIT,',
      '2026-03-06,1.0921,162.34,N/A,', // fine
      '2026-02-30,1.09,160,N/A,', // 3: no such day
      '2026-03-05,-1.09,0,N/A,', // 4: negative, zero
      '2026-03-04,1.0900000000001,1e3,239.64,', // 5: 13 decimals, exponent, a rate of an unknown currency
      '2026-03-12,1.09,160,N/A,', // 6: after tomorrow
      '2026-03-03,1.09,160,N/A,7', // 7: a figure in the trailing empty column
    ].join('\n');
    const problems = problemsOf(() => readEcbCsv(csv, NOW));
    expect(problems.map((problem) => problem.line)).toEqual([3, 4, 4, 5, 5, 5, 6, 7]);
    expect(problems.every((problem) => problem.path === `line.${problem.line}`)).toBe(true);
    const text = problems.map((problem) => problem.message).join('\n');
    expect(text).toMatch(/"2026-02-30" is not a day/);
    expect(text).toMatch(/USD: "-1.09" is not a decimal rate/);
    expect(text).toMatch(/JPY: a rate is positive/);
    expect(text).toMatch(/USD: "1.0900000000001" has 13 decimal places; at most 12/);
    expect(text).toMatch(/JPY: "1e3" is not a decimal rate/);
    expect(text).toMatch(/SIT: not a known ISO 4217 currency/);
    expect(text).toMatch(/2026-03-12 is in the future: a rate's day is at most tomorrow \(2026-03-11\)/);
    expect(text).toMatch(/column 5 has "7" but no currency in the header/);
  });

  it('refuses a header that is not the ECB’s, a currency twice, EUR as a column, and a file without rates', () => {
    expect(problemsOf(() => readEcbCsv('Day,USD\n2026-03-06,1.09\n', NOW))[0]).toMatchObject({ line: 1, message: expect.stringMatching(/starts with Date/) });
    expect(problemsOf(() => readEcbCsv('Date,USD,USD\n2026-03-06,1.09,1.1\n', NOW))[0]).toMatchObject({ line: 1, message: 'column 3: USD is in the header twice' });
    expect(problemsOf(() => readEcbCsv('Date,EUR\n2026-03-06,1\n', NOW))[0]).toMatchObject({ line: 1, message: expect.stringMatching(/EUR, the base/) });
    expect(problemsOf(() => readEcbCsv('Date,usd dollars\n', NOW))[0]).toMatchObject({ line: 1, message: expect.stringMatching(/not a currency code/) });
    expect(problemsOf(() => readEcbCsv('Date,USD\n2026-03-06,N/A\n', NOW))).toEqual([{ path: 'rates', line: 0, message: 'no rates: nothing to store', code: 'invalid_value' }]);
    expect(problemsOf(() => readEcbCsv('', NOW))[0]).toMatchObject({ path: 'file', line: 0 });
  });

  it('refuses the same day and currency twice with different rates, and takes it twice with the same', () => {
    const problems = problemsOf(() => readEcbCsv('Date,USD\n2026-03-06,1.09\n2026-03-06,1.10\n', NOW));
    expect(problems).toEqual([{ path: 'line.3', line: 3, code: 'conflict', message: 'EUR→USD on 2026-03-06 is given twice with different rates: 1.09 at line.2 and 1.1 here' }]);
    expect(readEcbCsv('Date,USD\n2026-03-06,1.09\n2026-03-06,1.090\n', NOW)).toEqual({ received: 2, rates: [{ day: '2026-03-06', base: 'EUR', quote: 'USD', rate: '1.09' }] });
  });

  it('lists at most 1,000 problems and counts the rest', () => {
    const lines = Array.from({ length: 1_500 }, (_, index) => `not-a-day-${index},1.09`);
    const problems = problemsOf(() => readEcbCsv(['Date,USD', ...lines].join('\n'), NOW));
    expect(problems).toHaveLength(1_001);
    expect(problems.at(-1)).toEqual({ path: 'body', message: '… and 500 more problems' });
  });
});

describe('the JSON body', () => {
  const good = { day: '2026-03-06', base: 'EUR', quote: 'USD', rate: '1.0921' };

  it('takes rates as given, each in its one spelling', () => {
    expect(readJsonRates([good, { ...good, quote: 'JPY', rate: '0162.340' }], NOW).rates).toEqual([good, { ...good, quote: 'JPY', rate: '162.34' }]);
  });

  it('names each bad field by its path', () => {
    const problems = problemsOf(() =>
      readJsonRates(
        [
          good,
          { ...good, quote: 'XYZ' },
          { ...good, rate: '-1.5' },
          { ...good, quote: 'GBP', rate: '0' },
          { ...good, quote: 'CHF', rate: '0.1234567890123' },
          { ...good, quote: 'CHF', rate: '1234567890.123456789' },
          { ...good, quote: 'EUR' },
          { ...good, quote: 'CAD', rate: 1.5 },
          { ...good, day: '2026-03-12' },
          { ...good, extra: true },
          { ...good, rate: '1.1' },
        ],
        NOW,
      ),
    );
    expect(problems.map((problem) => problem.path)).toEqual([
      'rates.1.quote',
      'rates.2.rate',
      'rates.3.rate',
      'rates.4.rate',
      'rates.5.rate',
      'rates.6.quote',
      'rates.7.rate',
      'rates.8',
      'rates.9.extra',
      'rates.10',
    ]);
    expect(problems[1]!.message).toMatch(/not a decimal rate/);
    expect(problems[2]!.message).toMatch(/positive/);
    expect(problems[3]!.message).toMatch(/13 decimal places/);
    expect(problems[4]!.message).toMatch(/19 significant digits; at most 18/);
    expect(problems[5]!.message).toBe('base and quote are the same currency');
    expect(problems[9]).toMatchObject({ code: 'conflict', message: expect.stringMatching(/given twice with different rates: 1.0921 at rates.0 and 1.1 here/) });
  });

  it('refuses more than 20,000 rates', () => {
    const many = Array.from({ length: MAX_RATES_PER_REQUEST + 1 }, () => good);
    expect(problemsOf(() => readJsonRates(many, NOW))).toEqual([{ path: 'rates', code: 'too_big', message: '20001 rates; at most 20000 a request (send them in parts)' }]);
  });
});

describe('putFxRates and listFxRates', () => {
  it('stores, replaces on an edit, answers the affected days and lists a period', async () => {
    const deps = memoryStores();
    await memoryTenant(deps);
    const first = await putFxRates(deps, 'acme', { csv: 'Date,USD,JPY\n2026-02-27,1.08,160\n2026-03-02,1.09,161\n' }, NOW);
    expect(first).toEqual({ received: 4, changed: 4, from: '2026-02-27', to: '2026-03-02', affected: { from: '2026-02-27', to: '2026-03-09' }, jobs: [] });

    const edit = await putFxRates(
      deps,
      'acme',
      {
        json: [
          { day: '2026-03-02', base: 'EUR', quote: 'USD', rate: '1.0950' },
          { day: '2026-03-02', base: 'EUR', quote: 'JPY', rate: '161.0' },
        ],
      },
      NOW,
    );
    expect(edit).toEqual({ received: 2, changed: 1, from: '2026-03-02', to: '2026-03-02', affected: { from: '2026-03-02', to: '2026-03-09' }, jobs: [] });

    const again = await putFxRates(deps, 'acme', { json: [{ day: '2026-03-02', base: 'EUR', quote: 'USD', rate: '1.095' }] }, NOW);
    expect(again.affected).toBeNull();

    expect(await listFxRates(deps, 'acme', { from: '2026-03-01', to: '2026-03-31' })).toEqual({
      from: '2026-03-01',
      to: '2026-03-31',
      reportingCurrency: null,
      fxMaxAgeDays: 7,
      rates: [
        { day: '2026-03-02', base: 'EUR', quote: 'JPY', rate: '161' },
        { day: '2026-03-02', base: 'EUR', quote: 'USD', rate: '1.095' },
      ],
    });
  });

  it('stores nothing when anything is bad, and refuses a month past 12,000 rates', async () => {
    const deps = memoryStores();
    await memoryTenant(deps);
    await expect(putFxRates(deps, 'acme', { csv: 'Date,USD\n2026-03-02,1.09\n2026-03-03,abc\n' }, NOW)).rejects.toThrow(UnprocessableFileError);
    expect(await deps.fxRates.between('acme', '2026-01-01', '2026-12-31')).toEqual([]);

    const quotes = [
      'USD',
      'JPY',
      'GBP',
      'CHF',
      'SEK',
      'NOK',
      'DKK',
      'PLN',
      'CZK',
      'HUF',
      'AUD',
      'CAD',
      'NZD',
      'SGD',
      'HKD',
      'CNY',
      'INR',
      'KRW',
      'MXN',
      'BRL',
      'ZAR',
      'TRY',
      'ILS',
      'THB',
      'MYR',
      'PHP',
      'IDR',
      'ISK',
      'RON',
      'BGN',
    ];
    const bases = ['EUR', 'AED', 'SAR', 'QAR', 'KWD', 'BHD', 'OMR', 'JOD', 'EGP', 'MAD', 'TND', 'NGN', 'KES', 'GHS'];
    const month = Array.from({ length: 31 }, (_, index) => `2026-01-${String(index + 1).padStart(2, '0')}`).flatMap((day) =>
      bases.flatMap((base) => quotes.filter((quote) => quote !== base).map((quote) => ({ day, base, quote, rate: '1.5' }))),
    );
    expect(month.length).toBeGreaterThan(MAX_RATES_PER_MONTH);
    expect(month.length).toBeLessThanOrEqual(MAX_RATES_PER_REQUEST);
    const refused = putFxRates(deps, 'acme', { json: [...month, { day: '2026-02-02', base: 'EUR', quote: 'USD', rate: '1.09' }] }, NOW);
    await expect(refused).rejects.toThrow(/2026-01 would hold 13020 rates; a month holds at most 12000/);
    expect(await deps.fxRates.between('acme', '2026-01-01', '2026-12-31')).toEqual([]);
  });
});

describe('the config’s reporting currency and fxMaxAgeDays', () => {
  it('takes a known currency, 0 to 31 days, and null to unset either', () => {
    expect(AttributionConfigPatchSchema.parse({ reportingCurrency: 'EUR', fxMaxAgeDays: 0 })).toEqual({ reportingCurrency: 'EUR', fxMaxAgeDays: 0 });
    expect(AttributionConfigPatchSchema.parse({ reportingCurrency: null, fxMaxAgeDays: null })).toEqual({ reportingCurrency: null, fxMaxAgeDays: null });
    expect(fxMaxAgeDaysOf({})).toBe(7);
    expect(fxMaxAgeDaysOf({ fxMaxAgeDays: null })).toBe(7);
    expect(fxMaxAgeDaysOf({ fxMaxAgeDays: 31 })).toBe(31);
  });

  it.each([[{ reportingCurrency: 'ABC' }], [{ reportingCurrency: 'eur' }], [{ reportingCurrency: 'XAU' }], [{ fxMaxAgeDays: 32 }], [{ fxMaxAgeDays: -1 }], [{ fxMaxAgeDays: 1.5 }]])(
    'refuses %j',
    (patch) => {
      expect(AttributionConfigPatchSchema.safeParse(patch).success).toBe(false);
    },
  );
});
