import * as z from 'zod';

const DayRangeSchema = z.strictObject({ from: z.string(), to: z.string() });

export const FxRateSchema = z.strictObject({
  day: z.string().describe('YYYY-MM-DD'),
  base: z.string(),
  quote: z.string(),
  rate: z.string().describe('1 base = rate quote, as a decimal string (no trailing zeros)'),
});

export const PutFxRatesAnswerSchema = z.strictObject({
  received: z.number().int().describe('Rates the request gave (the same rate given twice counts twice)'),
  changed: z.number().int().describe('Rates that were new, or replaced a different rate of their day, base and quote'),
  from: z.string().describe('The first day of the rates given'),
  to: z.string().describe('The last day of the rates given'),
  affected: DayRangeSchema.nullable().describe('The days whose conversions may change: the first changed day to the last one plus fxMaxAgeDays; null when nothing changed'),
  jobs: z
    .array(z.strictObject({ jobId: z.string(), from: z.string(), to: z.string() }))
    .describe(
      'With a reporting currency: the reconvert jobs converting the affected days that have passed again at the new rates (each order keeps its attribution); follow them at GET /v1/jobs/{jobId}',
    ),
});

export const FxRatesListSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  reportingCurrency: z.string().nullable().describe('The tenant’s reporting currency (config), null when none is set'),
  fxMaxAgeDays: z.number().int().describe('How many days old a rate may be and still convert an amount (config; 7 unless set)'),
  rates: z.array(FxRateSchema).describe('Sorted by day, base and quote'),
});
