import * as z from 'zod';
import { MODELS } from '../../attribution/models.ts';
import { COHORT_GROUP_BYS } from '../../projection/groupings.ts';
import { PeriodSchema, ReportingShape } from './common.ts';

const Offsets = (what: string) => z.array(z.number().int().nullable()).describe(`${what} per month offset (0 = the cohort month); null for offsets the cohort has not reached`);

export const CohortRowSchema = z.strictObject({
  cohort: z.string().describe('YYYY-MM: the month (tenant time zone) of the customers’ first counted order'),
  key: z.string().describe('The key the first order’s credit went to under the model; `(none)` for what no touch earned, `(all)` under groupBy=none'),
  currency: z.string().describe('The first order’s currency'),
  customers: z.number().describe('Fractional: a first order split over keys makes fractions of a customer'),
  spend: z.number().int().describe('Minor units: spend of the key in the cohort month'),
  cac: z.number().int().nullable().describe('spend ÷ customers, minor units; null without spend or without customers'),
  repeatRate: z.number().nullable().describe('Customers with a second order by now ÷ customers'),
  crossCurrencyOrders: z.number().describe('Orders in another currency than the first order’s: left out of the value, counted here'),
  revenue: Offsets('Net of the cohort’s orders less refunds and cancellations dated in that month, minor units,'),
  cumulativePerCustomer: Offsets('Σ revenue up to the offset ÷ customers (null too without customers), minor units,'),
  marginPerCustomer: Offsets('Σ revenue up to the offset × grossMarginPercent ÷ customers, minor units,').optional(),
  paybackMonth: z.number().int().nullable().describe('The first offset whose cumulative margin (revenue without grossMarginPercent) per customer reaches the CAC; null when not yet or without a CAC'),
  partialOffset: z.number().int().nullable().describe('The offset that is the current month, still counting'),
});

export const CohortsAnswerSchema = PeriodSchema.extend({
  cohorts: z.strictObject({ from: z.string(), to: z.string() }),
  model: z.enum(MODELS),
  groupBy: z.enum(COHORT_GROUP_BYS),
  months: z.number().int(),
  basis: z.enum(['revenue', 'margin']).describe('What payback compares with the CAC'),
  grossMarginPercent: z.number().optional(),
  currentMonth: z.string(),
  rows: z.array(CohortRowSchema),
  ...ReportingShape,
});
