import * as z from 'zod';
import { ADJUSTMENT_REASONS, TRANSACTION_KINDS } from '../../recording/vocabulary.ts';
import { AmountsShape, keyedBy, PeriodSchema, ReportingShape } from './common.ts';

export const CurrencySummarySchema = z.strictObject({
  currency: z.string(),
  orders: z.number().int().describe('Counted lines of each kind'),
  refunds: z.number().int(),
  cancellations: z.number().int(),
  pending: z.number().int().describe('Refunds and cancellations waiting for their order: they count nothing yet'),
  conflicts: z.number().int().describe('Refunds and cancellations that cannot count against their order'),
  ...AmountsShape,
  revenue: z.number().int().describe('Orders’ net less refunds’ and cancellations’ net: the period’s revenue as reports count it'),
  byKind: keyedBy(TRANSACTION_KINDS, z.strictObject({ count: z.number().int(), ...AmountsShape })).describe('Each kind’s count and sums, to tie to the storefront’s own report'),
  adjustments: z
    .strictObject({
      count: z.number().int(),
      ...AmountsShape,
      byOrigin: z
        .array(z.strictObject({ originalPeriod: z.string(), reason: z.enum(ADJUSTMENT_REASONS), count: z.number().int(), net: z.number().int() }))
        .describe('By the month they belong to and why, oldest month first'),
    })
    .optional()
    .describe('Once the tenant has closed a month: the adjustment lines’ count and sums, signed by what they do to revenue (part of `revenue`, not of the kinds’ sums)'),
});

export type CurrencySummary = z.infer<typeof CurrencySummarySchema>;

const ReportingSumsShape = { count: z.number().int(), net: z.number().int(), total: z.number().int() };

export const ExportSummarySchema = PeriodSchema.extend({
  currencies: z.array(CurrencySummarySchema),
  reporting: z
    .strictObject({
      currency: z.string(),
      orders: z.number().int(),
      refunds: z.number().int(),
      cancellations: z.number().int(),
      net: z.number().int().describe('Σ reportingNet of the counted lines (every kind positive, as `net`)'),
      total: z.number().int().describe('Σ reportingTotal of the counted lines'),
      revenue: z.number().int().describe('Orders’ reportingNet less refunds’ and cancellations’'),
      byKind: keyedBy(TRANSACTION_KINDS, z.strictObject(ReportingSumsShape)),
      adjustments: z.strictObject(ReportingSumsShape).describe('The adjustment lines’ reporting columns, signed (part of `revenue`)'),
    })
    .optional()
    .describe('With currency=reporting: the sums of the export’s reporting columns (lines whose rate is missing are in missingRates instead)'),
  ...ReportingShape,
});
